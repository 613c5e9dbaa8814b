package org.voxelspark.dti;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.voxelspark.geometry.Affine;
import org.voxelspark.geometry.VoxelLayout;
import org.voxelspark.nifti.NiftiImage;
import org.voxelspark.nifti.NiftiReader;
import org.voxelspark.testing.SharedData;

/**
 * Our tensor fit against a reference tool's maps ({@code ../shared/data/golden/dti}) on one
 * dataset: the distributions of |ΔFA|, the relative differences of MD, AD and RD, and the angles
 * between principal eigenvectors (image frame and world frame), over the mask voxels of one
 * {@link VoxelSet}. Used by {@link TensorGoldenTest}, which asserts tolerances on these figures and
 * writes them to {@code common/target/dti-agreement.md} (the tables of {@code docs/validation.md}).
 */
final class TensorAgreement {
  private TensorAgreement() {}

  /** Which mask voxels are compared. */
  enum VoxelSet {
    /** Every sample > 0: the tools' signal floors do not act. */
    CLEAN,
    /** At least one sample ≤ 0: the floors decide (ours and the reference's must be the same rule). */
    NON_POSITIVE
  }

  /** Principal eigenvectors are compared where the reference FA exceeds this. */
  static final double V1_MIN_FA = 0.2;

  /** Sorted samples of one compared quantity. */
  record Distribution(double[] sorted) {
    static Distribution of(double[] values, int count) {
      double[] s = Arrays.copyOf(values, count);
      Arrays.sort(s);
      return new Distribution(s);
    }

    int count() {
      return sorted.length;
    }

    /** The q-quantile (0..1) by the nearest lower rank; NaN when empty. */
    double quantile(double q) {
      if (sorted.length == 0) {
        return Double.NaN;
      }
      return sorted[(int) Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1)))];
    }

    double median() {
      return quantile(0.5);
    }

    double p99() {
      return quantile(0.99);
    }

    double max() {
      return quantile(1);
    }

    /** "median / p99 / max" with 2 significant digits, "–" when empty. */
    String render() {
      if (sorted.length == 0) {
        return "–";
      }
      return String.format(Locale.ROOT, "%.2g / %.2g / %.2g", median(), p99(), max());
    }
  }

  /** The comparison of one method with one reference on one dataset and voxel set. */
  record Result(String dataset, TensorFitMethod method, TensorConventions conventions, String reference, VoxelSet set,
      int voxels, Distribution fa, Distribution md, Distribution ad, Distribution rd, Distribution v1,
      Distribution v1World) {
    String label() {
      return dataset + " " + method + " (" + conventions + ") vs " + reference + ", " + set + " voxels";
    }

    /** The largest relative difference of MD, AD and RD. */
    double maxDiffusivity() {
      return Math.max(md.max(), Math.max(ad.max(), rd.max()));
    }

    String summary() {
      return String.format(Locale.ROOT, "%s: %d voxels; |dFA| %s; rel dMD %s; rel dAD %s; rel dRD %s; V1 angle (FA>%.1f, %d) %s deg;"
          + " V1 world %s deg (median / p99 / max)", label(), voxels, fa.render(), md.render(), ad.render(), rd.render(), V1_MIN_FA,
          v1.count(), v1.render(), v1World.render());
    }
  }

  /** Whether the reference maps exist (the reference data has not every method for every dataset). */
  static boolean available(String dataset, String reference) {
    return Files.exists(SharedData.require("golden/dti/" + dataset).resolve(reference + "_FA.nii.gz"));
  }

  /** Fits every voxel of the set and compares it with the reference's maps. */
  static Result compare(String dataset, TensorFitMethod method, TensorConventions conventions, String reference, VoxelSet set)
      throws IOException {
    Path dir = SharedData.require("dwi/" + dataset);
    Path golden = SharedData.require("golden/dti/" + dataset);
    NiftiImage dwi = NiftiReader.read(dir.resolve("dwi.nii.gz"), VoxelLayout.VOXEL_MAJOR);
    int nt = dwi.header().nt();
    GradientTable g = GradientTable.parse(Files.readString(dir.resolve("dwi.bval")), "bval",
        Files.readString(dir.resolve("dwi.bvec")), "bvec", nt, GradientTable.DEFAULT_B0_THRESHOLD);
    TensorFitter fitter = new TensorFitter(new TensorModel(g, TensorModel.Settings.of(conventions, method)));
    float[] mask = NiftiReader.read(golden.resolve("mask.nii.gz")).data();
    float[] fa = map(golden, reference, "FA");
    float[] md = map(golden, reference, "MD");
    float[] ad = map(golden, reference, "AD");
    float[] rd = map(golden, reference, "RD");
    float[] v1 = map(golden, reference, "V1");
    float[] v1World = map(golden, reference, "V1world");
    Affine affine = dwi.header().affine();
    double[][] rot = affine.unitColumns();
    boolean flip = affine.determinant() > 0;
    int voxels = mask.length;
    double[] dFa = new double[voxels];
    double[] dMd = new double[voxels];
    double[] dAd = new double[voxels];
    double[] dRd = new double[voxels];
    double[] dV1 = new double[voxels];
    double[] dV1World = new double[voxels];
    int n = 0;
    int nDiff = 0;
    int nV1 = 0;
    int nWorld = 0;
    double[] out = new double[TensorFitter.OUTPUTS];
    double[] w = new double[3];
    for (int v = 0; v < voxels; v++) {
      if (mask[v] == 0 || clean(dwi.data(), v * nt, nt) != (set == VoxelSet.CLEAN)) {
        continue;
      }
      fitter.fit(dwi.data(), v * nt, out, 0);
      if (Double.isNaN(fa[v]) && Double.isNaN(out[TensorFitter.FA])) {
        continue; // both undefined (MRtrix: no positive sample)
      }
      dFa[n++] = Math.abs(out[TensorFitter.FA] - fa[v]);
      if (md != null) {
        dMd[nDiff] = relative(out[TensorFitter.MD], md[v]);
        dAd[nDiff] = relative(out[TensorFitter.AD], ad[v]);
        dRd[nDiff++] = relative(out[TensorFitter.RD], rd[v]);
      }
      // MRtrix orders eigenvectors by |λ|: compare V1 where the tensor is positive definite
      boolean comparable = fa[v] > V1_MIN_FA && (conventions != TensorConventions.MRTRIX || out[TensorFitter.EVALS + 2] > 0);
      if (v1 != null && comparable) {
        dV1[nV1++] = angleDegrees(out[TensorFitter.V1], out[TensorFitter.V1 + 1], out[TensorFitter.V1 + 2], v1[v],
            v1[voxels + v], v1[2 * voxels + v]);
      }
      if (v1World != null && comparable) {
        GradientTable.fslToWorld(rot, flip, out[TensorFitter.V1], out[TensorFitter.V1 + 1], out[TensorFitter.V1 + 2], w);
        dV1World[nWorld++] = angleDegrees(w[0], w[1], w[2], v1World[v], v1World[voxels + v], v1World[2 * voxels + v]);
      }
    }
    return new Result(dataset, method, conventions, reference, set, n, Distribution.of(dFa, n), Distribution.of(dMd, nDiff),
        Distribution.of(dAd, nDiff), Distribution.of(dRd, nDiff), Distribution.of(dV1, nV1), Distribution.of(dV1World, nWorld));
  }

  /**
   * Angle between two axes (sign ignored) as atan2(|a×b|, |a·b|) after normalising both in double:
   * acos of a dot product near 1 would turn the float32 rounding of the reference vectors (norms of
   * 1 ± 1e-7) into spurious angles of ~0.02°.
   */
  static double angleDegrees(double ax, double ay, double az, double bx, double by, double bz) {
    double na = Math.sqrt(ax * ax + ay * ay + az * az);
    double nb = Math.sqrt(bx * bx + by * by + bz * bz);
    ax /= na;
    ay /= na;
    az /= na;
    bx /= nb;
    by /= nb;
    bz /= nb;
    double cx = ay * bz - az * by;
    double cy = az * bx - ax * bz;
    double cz = ax * by - ay * bx;
    double cross = Math.sqrt(cx * cx + cy * cy + cz * cz);
    double dot = Math.abs(ax * bx + ay * by + az * bz);
    return Math.toDegrees(Math.atan2(cross, dot));
  }

  /** Every sample > 0. */
  static boolean clean(float[] d, int o, int n) {
    for (int t = 0; t < n; t++) {
      if (!(d[o + t] > 0)) {
        return false;
      }
    }
    return true;
  }

  /** |ours − ref| / |ref| (ref below 1e-9 mm²/s counts as 1e-9). */
  static double relative(double ours, double ref) {
    return Math.abs(ours - ref) / Math.max(Math.abs(ref), 1e-9);
  }

  private static float[] map(Path golden, String reference, String metric) {
    Path p = golden.resolve(reference + "_" + metric + ".nii.gz");
    return Files.exists(p) ? NiftiReader.read(p).data() : null;
  }
}
