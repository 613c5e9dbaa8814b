package org.voxelspark.qc;

import java.util.Arrays;

/**
 * Order statistics of a map over a mask, for QC numbers and display ranges.
 *
 * <p><b>Quantiles</b> by linear interpolation between order statistics (R's type 7, NumPy's
 * default): for the n finite in-mask values sorted ascending x₀ ≤ … ≤ x_{n−1}, the p-quantile is
 * {@code x_⌊h⌋ + (h − ⌊h⌋)(x_⌊h⌋+1 − x_⌊h⌋)} with {@code h = (n − 1)p}; the median is p = 0.5.
 * Non-finite values are left out; an empty selection gives NaN. A null mask selects every voxel.
 * Values are accumulated in double.
 *
 * <p>Stateless and thread-safe.
 */
public final class MaskedStatistics {
  private MaskedStatistics() {}

  /** Number of voxels in the mask (every voxel when it is null). */
  public static int count(boolean[] mask, int voxels) {
    if (mask == null) {
      return voxels;
    }
    int n = 0;
    for (boolean b : mask) {
      n += b ? 1 : 0;
    }
    return n;
  }

  /** The finite values of {@code x} in the mask, sorted ascending. */
  public static double[] sortedValues(float[] x, boolean[] mask) {
    if (mask != null && mask.length != x.length) {
      throw new IllegalArgumentException("mask has " + mask.length + " voxels, the map " + x.length);
    }
    double[] v = new double[x.length];
    int n = 0;
    for (int q = 0; q < x.length; q++) {
      if ((mask == null || mask[q]) && Float.isFinite(x[q])) {
        v[n++] = x[q];
      }
    }
    v = Arrays.copyOf(v, n);
    Arrays.sort(v);
    return v;
  }

  /** Type-7 quantile of sorted values (class doc); NaN when empty. */
  public static double quantileOfSorted(double[] sorted, double p) {
    if (!(p >= 0 && p <= 1)) {
      throw new IllegalArgumentException("quantile probability must be in [0, 1]: " + p);
    }
    if (sorted.length == 0) {
      return Double.NaN;
    }
    double h = (sorted.length - 1) * p;
    int lo = (int) Math.floor(h);
    int hi = Math.min(sorted.length - 1, lo + 1);
    return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
  }

  /** The p-quantile of {@code x} in the mask. */
  public static double quantile(float[] x, boolean[] mask, double p) {
    return quantileOfSorted(sortedValues(x, mask), p);
  }

  /** The median of {@code x} in the mask. */
  public static double median(float[] x, boolean[] mask) {
    return quantile(x, mask, 0.5);
  }

  /**
   * The fraction of mask voxels whose value is below {@code threshold} or not finite; NaN for an
   * empty mask.
   */
  public static double fractionBelowOrInvalid(float[] x, boolean[] mask, double threshold) {
    int n = 0;
    int hit = 0;
    for (int q = 0; q < x.length; q++) {
      if (mask == null || mask[q]) {
        n++;
        if (!(x[q] >= threshold)) {
          hit++;
        }
      }
    }
    return n == 0 ? Double.NaN : hit / (double) n;
  }
}
