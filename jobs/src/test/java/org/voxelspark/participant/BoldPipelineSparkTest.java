package org.voxelspark.participant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.voxelspark.cohort.BidsCohortReader;
import org.voxelspark.cohort.Cohort;
import org.voxelspark.cohort.CohortOptions;
import org.voxelspark.geometry.Box;
import org.voxelspark.geometry.VoxelLayout;
import org.voxelspark.nifti.NiftiHeader;
import org.voxelspark.nifti.NiftiImage;
import org.voxelspark.nifti.NiftiReader;
import org.voxelspark.qc.MaskNormalisation;
import org.voxelspark.reho.AlffConvention;
import org.voxelspark.reho.Neighbourhood;
import org.voxelspark.reho.RehoPreset;
import org.voxelspark.sample.SampleCohortGenerator;
import org.voxelspark.sample.SampleCohortSpec;
import org.voxelspark.signal.Bandpass;
import org.voxelspark.signal.Detrend;
import org.voxelspark.signal.GaussianSmoothing;
import org.voxelspark.spark.SparkTestSession;

/**
 * The BOLD pipeline with every option on — fMRIPrep-style confounds regressed out, linear detrend and
 * ideal band-pass before ReHo, C-PAC ALFF, smoothed ReHo maps — through Spark blocks on the sample
 * cohort (TINY): each written map equals the kernel run on the whole volume bit for bit (smoothed maps:
 * the smoothing of that whole-volume map), for block sizes that do and do not divide the volume;
 * the options change the maps (no silent no-op); a confounds table with the wrong row count or
 * without a selected column fails only its run, with the file and the problem named.
 */
class BoldPipelineSparkTest {
  @TempDir static Path tmp;
  static Path cohortDir;
  static SparkSession spark;
  static final List<String> COLUMNS = List.of("csf", "white_matter", "trans_?", "rot_?", "framewise_displacement");
  static final double FWHM_MM = 10; // 7 mm voxels: a kernel half-width of 4 voxels
  static final BoldKernels BOLD = new BoldKernels(RehoPreset.DPABI, Neighbourhood.NN27, AlffConvention.CPAC, 0.01, 0.1,
      Detrend.LINEAR, Bandpass.IDEAL, 0.01, 0.08, COLUMNS, FWHM_MM);
  static final ParticipantKernels KERNELS = new ParticipantKernels(50, org.voxelspark.dti.TensorFitMethod.WLS, BOLD);

  @BeforeAll
  static void cohort() throws IOException {
    spark = SparkTestSession.get();
    cohortDir = tmp.resolve("cohort");
    SampleCohortGenerator.generate(cohortDir, new SampleCohortSpec(11,
        List.of(new SampleCohortSpec.SiteSpec("A", 2), new SampleCohortSpec.SiteSpec("B", 2)), SampleCohortSpec.Scale.TINY));
    for (int s = 1; s <= 4; s++) {
      String sub = String.format("sub-%02d", s);
      int rows = s == 3 ? 59 : 60; // sub-03: one row short
      String tsv = confounds(s, rows);
      if (s == 4) {
        tsv = tsv.replaceFirst("csf", "csf_wm"); // sub-04: no 'csf' column
      }
      Files.writeString(cohortDir.resolve(sub + "/func/" + sub + "_task-rest_desc-confounds_timeseries.tsv"), tsv);
    }
  }

  /** An fMRIPrep-like confounds table: leading n/a in the derivative columns. */
  static String confounds(long seed, int rows) {
    Random rnd = new Random(seed);
    String[] names = {"global_signal", "csf", "white_matter", "trans_x", "trans_y", "trans_z", "rot_x", "rot_y", "rot_z",
        "trans_x_derivative1", "framewise_displacement"};
    StringBuilder sb = new StringBuilder(String.join("\t", names)).append('\n');
    for (int r = 0; r < rows; r++) {
      List<String> cells = new ArrayList<>();
      for (int c = 0; c < names.length; c++) {
        boolean derivative = names[c].endsWith("derivative1") || names[c].equals("framewise_displacement");
        cells.add(derivative && r == 0 ? "n/a" : String.format(java.util.Locale.ROOT, "%.6f", (c < 3 ? 500 : 0) + rnd.nextGaussian()));
      }
      sb.append(String.join("\t", cells)).append('\n');
    }
    return sb.toString();
  }

  @Test
  void everyMapEqualsTheWholeVolumeKernelAndBadConfoundsFailOnlyTheirRun() throws IOException {
    Cohort c = BidsCohortReader.read(cohortDir.toString(), new Configuration(),
        new CohortOptions(List.of(), "site", "rest", true, null));
    assertTrue(c.invalidSubjects().isEmpty(), c.invalidSubjects().toString());
    for (int blockSize : new int[] {5, 32}) {
      Path out = tmp.resolve("out" + blockSize);
      ParticipantStage.Summary s = ParticipantStage.run(spark, c, out.toString(), KERNELS, blockSize, false, "test",
          EnumSet.of(RunKind.BOLD));
      assertEquals(2, s.succeededRuns(), s.failures().toString());
      List<String> failures = Files.readAllLines(out.resolve(ParticipantStage.FAILURES_TSV));
      assertEquals(3, failures.size(), failures.toString());
      assertTrue(failures.get(1).startsWith("sub-03\tparticipant:bold\tUserInputException\t")
          && failures.get(1).contains("sub-03_task-rest_desc-confounds_timeseries.tsv: rows: has 59 rows")
          && failures.get(1).contains("60 volumes"), failures.get(1));
      assertTrue(failures.get(2).startsWith("sub-04\tparticipant:bold\tUserInputException\t")
          && failures.get(2).contains("sub-04_task-rest_desc-confounds_timeseries.tsv") && failures.get(2).contains("'csf'"),
          failures.get(2));
      for (RunResult r : s.runs()) {
        if (r.succeeded()) {
          checkRun(r.task(), blockSize);
        }
      }
    }
  }

  private static void checkRun(RunTask t, int blockSize) throws IOException {
    NiftiImage input = NiftiReader.read(Path.of(java.net.URI.create(t.nifti())), VoxelLayout.VOXEL_MAJOR);
    NiftiHeader h = input.header();
    RunPlan plan = KERNELS.plan(t, input, new Configuration());
    Box whole = Box.of(h.nx(), h.ny(), h.nz());
    int channels = plan.kernel().channels();
    float[] expected = new float[whole.voxelCount() * channels];
    plan.kernel().compute(input.data(), h.nt(), whole, whole, plan.mask(), expected);
    boolean[] mask = plan.mask();
    // the mean/SD/tSNR channels are the raw series' statistics (computed once per run, copied per block)
    float[] stats = new float[whole.voxelCount() * org.voxelspark.qc.TemporalStatistics.CHANNELS];
    org.voxelspark.qc.TemporalStatistics.compute(input.data(), whole.voxelCount(), h.nt(), VoxelLayout.VOXEL_MAJOR, null, stats);
    for (int v = 0; v < whole.voxelCount(); v++) {
      for (int q = 0; q < 3; q++) {
        assertEquals(stats[3 * v + q], expected[v * channels + ParticipantKernels.BOLD_MEAN + q], "statistics channel " + q);
      }
    }
    List<DerivativeNames> maps = KERNELS.maps(RunKind.BOLD);
    assertTrue(maps.containsAll(DerivativeNames.smoothedBold()), "smoothed maps written when the FWHM is > 0");
    for (DerivativeNames map : maps) {
      Path file = Path.of(java.net.URI.create(t.outputDir())).resolve(map.fileName(t.name()));
      float[] written = NiftiReader.read(file).data();
      float[] exp = new float[whole.voxelCount()];
      for (int v = 0; v < exp.length; v++) {
        exp[v] = expected[v * channels + map.channel()];
      }
      DerivativeNames.Normalisation n = map.normalisation().unsmoothed();
      if (n == DerivativeNames.Normalisation.MEAN_SCALED) {
        exp = MaskNormalisation.meanScaled(exp, mask);
      } else if (n == DerivativeNames.Normalisation.Z_SCORED) {
        exp = MaskNormalisation.zScored(exp, mask);
      }
      if (map.normalisation().smoothed()) {
        double[] vox = {h.affine().columnNorm(0), h.affine().columnNorm(1), h.affine().columnNorm(2)};
        exp = new GaussianSmoothing(FWHM_MM, vox).apply(exp, h.nx(), h.ny(), h.nz());
      }
      assertArrayEquals(exp, written, t.name() + " " + map.suffix() + " block size " + blockSize);
    }
    // the options act: ReHo and ALFF differ from the defaults' on the same run
    RunPlan plain = ParticipantKernels.defaults().plan(t, input, new Configuration());
    float[] base = new float[whole.voxelCount() * channels];
    plain.kernel().compute(input.data(), h.nt(), whole, whole, plain.mask(), base);
    int rehoDiffers = 0;
    int alffDiffers = 0;
    for (int v = 0; v < whole.voxelCount(); v++) {
      rehoDiffers += expected[v * channels + ParticipantKernels.BOLD_REHO] != base[v * channels + ParticipantKernels.BOLD_REHO] ? 1 : 0;
      alffDiffers += expected[v * channels + ParticipantKernels.BOLD_ALFF] != base[v * channels + ParticipantKernels.BOLD_ALFF] ? 1 : 0;
    }
    assertTrue(rehoDiffers > 100 && alffDiffers > 100, "preprocessing changed ReHo in " + rehoDiffers + " and ALFF in "
        + alffDiffers + " voxels");
    // the sidecar records the settings and both sources
    Path json = Path.of(java.net.URI.create(t.outputDir())).resolve(t.name() + "_desc-szreho_boldmap.json");
    JsonNode side = new ObjectMapper().readTree(json.toFile());
    assertEquals(2, side.get("Sources").size());
    assertTrue(side.get("Sources").get(1).asText().endsWith("_desc-confounds_timeseries.tsv"));
    assertEquals("LINEAR", side.get("ReHoPreprocessing").get("Detrend").asText());
    assertEquals("IDEAL", side.get("ReHoPreprocessing").get("Bandpass").asText());
    assertEquals(COLUMNS.size(), side.get("ReHoPreprocessing").get("ConfoundColumns").size());
    assertEquals("CPAC", side.get("ALFFConvention").asText());
    assertEquals(FWHM_MM, side.get("ReHoSmoothingFWHMmm").asDouble());
  }

  @Test
  void noSmoothedMapsAtZeroFwhmAndAMissingConfoundsTableIsASubjectProblem() throws IOException {
    BoldKernels unsmoothed = new BoldKernels(RehoPreset.DPABI, Neighbourhood.NN27, AlffConvention.DPABI, 0.01, 0.08,
        Detrend.NONE, Bandpass.NONE, 0.01, 0.08, List.of(), 0);
    assertEquals(DerivativeNames.of(RunKind.BOLD), unsmoothed.maps());
    Path copy = tmp.resolve("missing");
    SampleCohortGenerator.generate(copy, new SampleCohortSpec(12, List.of(new SampleCohortSpec.SiteSpec("A", 2)),
        SampleCohortSpec.Scale.TINY));
    Files.writeString(copy.resolve("sub-01/func/sub-01_task-rest_desc-confounds_timeseries.tsv"), confounds(1, 60));
    Cohort c = BidsCohortReader.read(copy.toString(), new Configuration(), new CohortOptions(List.of(), "site", "rest", true, null));
    assertEquals(1, c.invalidSubjects().size());
    assertEquals("02", c.invalidSubjects().get(0).label());
    assertTrue(c.invalidSubjects().get(0).problems().get(0).render().contains("sub-02_task-rest_desc-confounds_timeseries.tsv"),
        c.invalidSubjects().get(0).problems().toString());
    assertFalse(c.validSubjects().get(0).bold().get(0).confounds() == null);
  }
}
