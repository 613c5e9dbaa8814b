package org.voxelspark.qc;

/**
 * Voxels whose series holds a non-finite sample (NaN, +∞ or −∞), and what the participant stage
 * does with them: such a voxel is <em>left out of the brain mask</em>, so no masked map (tensor
 * metrics, ReHo, ALFF and their normalisations) and no voxel-table row holds a value computed from
 * it, and it cannot spoil its neighbours' ReHo (out-of-mask neighbours are left out) or the mask's
 * own threshold. The run is still processed; the number of such voxels is reported per run
 * ({@code nonfinite_voxels} in {@code participant_runs.tsv}, a {@code warning:} line in the
 * summary). The reference maps computed for every voxel (mean b0, BOLD mean, tSNR) keep the NaN
 * their definition gives at those voxels.
 *
 * <p>Input layout: voxel-major series, {@code nt} values per voxel ({@link
 * org.voxelspark.geometry.VoxelLayout#VOXEL_MAJOR}). Allocation-free apart from the result array.
 */
public final class FiniteSamples {
  private FiniteSamples() {}

  /**
   * {@code finite[v]} is true when every one of voxel v's {@code nt} samples is finite.
   *
   * @param voxelMajor {@code voxels × nt} values, each voxel's series contiguous
   */
  public static boolean[] finiteVoxels(float[] voxelMajor, int voxels, int nt) {
    if ((long) voxels * nt != voxelMajor.length) {
      throw new IllegalArgumentException(voxelMajor.length + " values are not " + voxels + " voxels × " + nt + " samples");
    }
    boolean[] finite = new boolean[voxels];
    for (int v = 0, q = 0; v < voxels; v++) {
      boolean ok = true;
      for (int t = 0; t < nt; t++, q++) {
        // (x - x) is 0 for every finite x and NaN for NaN and ±∞: one test for all three
        ok &= voxelMajor[q] - voxelMajor[q] == 0;
      }
      finite[v] = ok;
    }
    return finite;
  }

  /** Number of false entries of {@code finite}: the voxels with a non-finite sample. */
  public static int nonFiniteCount(boolean[] finite) {
    int n = 0;
    for (boolean f : finite) {
      n += f ? 0 : 1;
    }
    return n;
  }

  /**
   * A copy of {@code image} (one value per voxel) with the voxels that are not {@code finite} set to
   * {@code fill}: the reference a mask threshold is computed on, so one NaN cannot poison it.
   */
  public static float[] fillNonFinite(float[] image, boolean[] finite, float fill) {
    if (image.length != finite.length) {
      throw new IllegalArgumentException(image.length + " values for " + finite.length + " voxels");
    }
    float[] out = image.clone();
    for (int v = 0; v < out.length; v++) {
      if (!finite[v]) {
        out[v] = fill;
      }
    }
    return out;
  }

  /** Clears {@code mask[v]} where {@code finite[v]} is false, in place; returns {@code mask}. */
  public static boolean[] excludeNonFinite(boolean[] mask, boolean[] finite) {
    if (mask.length != finite.length) {
      throw new IllegalArgumentException(mask.length + " mask voxels for " + finite.length + " voxels");
    }
    for (int v = 0; v < mask.length; v++) {
      mask[v] &= finite[v];
    }
    return mask;
  }
}
