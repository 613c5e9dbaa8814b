package org.voxelspark.qc;

/**
 * Whole-map normalisations over a mask, as DPABI writes them beside ReHo and ALFF:
 * <ul>
 *   <li>{@code m}-maps: {@code x / mean_mask(x)} (mReHo, mALFF, mfALFF);
 *   <li>{@code z}-maps: {@code (x − mean_mask(x)) / sd_mask(x)}, SD with the n − 1 denominator
 *       (zReHo, zALFF, zfALFF).
 * </ul>
 * Mean and SD are accumulated in double over every in-mask voxel, in index order. Voxels outside
 * the mask are 0. An empty mask, a zero mean (m) or a zero SD (z) gives 0 everywhere.
 */
public final class MaskNormalisation {
  private MaskNormalisation() {}

  /** {@code x / mean} in the mask. */
  public static float[] meanScaled(float[] x, boolean[] mask) {
    double[] ms = meanSd(x, mask);
    float[] out = new float[x.length];
    if (ms[0] == 0 || Double.isNaN(ms[0])) {
      return out;
    }
    for (int v = 0; v < x.length; v++) {
      out[v] = mask[v] ? (float) (x[v] / ms[0]) : 0f;
    }
    return out;
  }

  /** {@code (x − mean) / sd} in the mask. */
  public static float[] zScored(float[] x, boolean[] mask) {
    double[] ms = meanSd(x, mask);
    float[] out = new float[x.length];
    if (!(ms[1] > 0)) {
      return out;
    }
    for (int v = 0; v < x.length; v++) {
      out[v] = mask[v] ? (float) ((x[v] - ms[0]) / ms[1]) : 0f;
    }
    return out;
  }

  /** {mean, SD (n − 1)} of {@code x} over the mask; NaN for an empty mask. */
  public static double[] meanSd(float[] x, boolean[] mask) {
    double sum = 0;
    long n = 0;
    for (int v = 0; v < x.length; v++) {
      if (mask[v]) {
        sum += x[v];
        n++;
      }
    }
    if (n == 0) {
      return new double[] {Double.NaN, Double.NaN};
    }
    double mean = sum / n;
    double ss = 0;
    for (int v = 0; v < x.length; v++) {
      if (mask[v]) {
        double d = x[v] - mean;
        ss += d * d;
      }
    }
    return new double[] {mean, n > 1 ? Math.sqrt(ss / (n - 1)) : 0};
  }
}
