package org.voxelspark.group;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.voxelspark.cohort.Cohort;
import org.voxelspark.cohort.DwiRun;
import org.voxelspark.cohort.ParticipantsTable;
import org.voxelspark.cohort.Subject;
import org.voxelspark.geometry.Affine;
import org.voxelspark.geometry.VolumeGeometry;
import org.voxelspark.io.HadoopFiles;
import org.voxelspark.nifti.NiftiDatatype;
import org.voxelspark.nifti.NiftiHeader;
import org.voxelspark.participant.DerivativeNames;
import org.voxelspark.participant.ParticipantStage;

/**
 * A participant-stage output directory written directly, for group-stage tests: per subject an FA
 * map and a brain mask on a small grid (every third subject stored RAS instead of LAS, so it is
 * resampled), noise plus an age effect everywhere and a planted patient-minus-control effect in a
 * box, with {@code participant_runs.tsv} and a cohort whose rows carry group, age, sex and site.
 */
final class SyntheticDerivatives {
  static final int NX = 12;
  static final int NY = 11;
  static final int NZ = 9;
  static final VolumeGeometry LAS = new VolumeGeometry(NX, NY, NZ, Affine.of(new double[][] {
      {-2, 0, 0, 11}, {0, 2, 0, -10}, {0, 0, 2, -8}, {0, 0, 0, 1}}));
  static final VolumeGeometry RAS = new VolumeGeometry(NX, NY, NZ, Affine.of(new double[][] {
      {2, 0, 0, -11}, {0, 2, 0, -10}, {0, 0, 2, -8}, {0, 0, 0, 1}}));

  private SyntheticDerivatives() {}

  /** True when the LAS-grid voxel is in the planted box (patients' FA lower by {@code effect} there). */
  static boolean inEffect(int i, int j, int k) {
    return i >= 2 && i < 6 && j >= 3 && j < 7 && k >= 2 && k < 6;
  }

  /**
   * Writes {@code n} subjects (alternating HFS and HC, sites A/B/C) into {@code out}.
   *
   * @param effect the FA difference patients − controls in the box (0 for a null cohort)
   */
  static Cohort write(Path out, int n, double effect, long seed) throws IOException {
    return write(out, n, effect, seed, false);
  }

  /** Site B's offset and noise scale, site C's offset, when {@code siteEffects}. */
  static final double SITE_B_OFFSET = 0.15;
  static final double SITE_B_SCALE = 1.8;
  static final double SITE_C_OFFSET = -0.10;

  /**
   * As {@link #write(Path, int, double, long)}, with scanner effects when {@code siteEffects}: site B
   * adds {@value #SITE_B_OFFSET} and scales the noise by {@value #SITE_B_SCALE}, site C adds
   * {@value #SITE_C_OFFSET} (ComBat's location and scale model).
   */
  static Cohort write(Path out, int n, double effect, long seed, boolean siteEffects) throws IOException {
    Configuration conf = new Configuration();
    Random random = new Random(seed);
    List<Subject> subjects = new ArrayList<>();
    StringBuilder runs = new StringBuilder("subject\tsite\tkind\trun\tstatus\tblocks\toutputs\n");
    for (int s = 0; s < n; s++) {
      String label = String.format("%02d", s + 1);
      boolean patient = s % 2 == 0;
      String site = String.valueOf((char) ('A' + s % 3));
      double age = 30 + random.nextInt(40);
      VolumeGeometry g = s % 3 == 2 ? RAS : LAS;
      float[] fa = new float[g.voxelCount()];
      float[] mask = new float[g.voxelCount()];
      for (int k = 0; k < NZ; k++) {
        for (int j = 0; j < NY; j++) {
          for (int i = 0; i < NX; i++) {
            int li = g == RAS ? NX - 1 - i : i; // the LAS index of this voxel
            int v = g.index(i, j, k);
            boolean brain = li > 0 && li < NX - 1 && j > 0 && j < NY - 1 && k > 0 && k < NZ - 1;
            if (!brain) {
              continue;
            }
            mask[v] = 1;
            double noise = 0.04 * random.nextGaussian();
            double value = 0.5 - 0.002 * (age - 50) + noise;
            if (siteEffects && site.equals("B")) {
              value += SITE_B_OFFSET + (SITE_B_SCALE - 1) * noise;
            } else if (siteEffects && site.equals("C")) {
              value += SITE_C_OFFSET;
            }
            if (patient && inEffect(li, j, k)) {
              value -= effect;
            }
            fa[v] = (float) value;
          }
        }
      }
      // one subject misses a corner voxel of the brain (partial coverage)
      if (s == 1) {
        mask[g.index(1, 1, 1)] = 0;
        fa[g.index(1, 1, 1)] = 0;
      }
      String run = "sub-" + label + "_dwi";
      String dir = out.resolve("sub-" + label + "/dwi").toString();
      HadoopFiles.writeNifti(dir + "/" + DerivativeNames.FA.fileName(run), conf, NiftiHeader.builder(g, 1).build(), fa);
      HadoopFiles.writeNifti(dir + "/" + DerivativeNames.DWI_MASK.fileName(run), conf,
          NiftiHeader.builder(g, 1).datatype(NiftiDatatype.UINT8).build(), mask);
      Map<String, String> row = new LinkedHashMap<>();
      row.put("participant_id", "sub-" + label);
      row.put("group", patient ? "HFS" : "HC");
      row.put("site", site);
      row.put("age", Double.toString(age));
      row.put("sex", random.nextBoolean() ? "F" : "M");
      subjects.add(new Subject(label, null, site, row, List.of(new DwiRun(run, "in.nii.gz", "b", "v", null)), List.of(),
          List.of()));
      runs.append("sub-").append(label).append('\t').append(site).append("\tDWI\t").append(run).append("\tok\t1\t3\n");
    }
    Files.writeString(out.resolve(ParticipantStage.RUNS_TSV), runs.toString());
    return new Cohort(out.toString(), "site", ParticipantsTable.empty(out.resolve("participants.tsv").toString()), subjects);
  }

  /** The whole subjects × voxels matrix in the compact order of the transposed blocks' voxels. */
  static double[] wholeMatrix(List<GroupBlock> blocks, int[] sortedVoxels, int n) {
    int v = sortedVoxels.length;
    double[] y = new double[n * v];
    Arrays.fill(y, Double.NaN);
    for (GroupBlock b : blocks) {
      for (int q = 0; q < b.voxelCount(); q++) {
        int c = Arrays.binarySearch(sortedVoxels, b.voxels()[q]);
        for (int s = 0; s < n; s++) {
          y[s * v + c] = b.y()[s * b.voxelCount() + q];
        }
      }
    }
    return y;
  }
}
