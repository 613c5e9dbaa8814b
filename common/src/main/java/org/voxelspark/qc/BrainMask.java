package org.voxelspark.qc;

/**
 * A brain mask from a reference image (the mean b0 of a diffusion run, the temporal mean of a BOLD
 * run) by Otsu's threshold: the intensity that maximises the between-class variance of the image's
 * histogram (Otsu 1979; 256 bins between the image's minimum and maximum over finite voxels).
 * When several thresholds give the same maximal variance (an empty gap between the classes), the
 * middle of the gap is taken. Voxels above the threshold whose series is not constant are in the
 * mask.
 *
 * <p>This is the plain global Otsu rule (no median filtering, no hole filling): adequate for
 * scanner images whose background is dark, as both modalities' reference images are; DIPY's
 * {@code median_otsu} for diffusion data comes with the DTI stage.
 */
public final class BrainMask {
  /** Histogram bins of the Otsu threshold. */
  public static final int BINS = 256;

  private BrainMask() {}

  /**
   * Otsu's threshold of the finite values of {@code image}; NaN when there are none or all are
   * equal.
   */
  public static double otsuThreshold(float[] image) {
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (float v : image) {
      if (Float.isFinite(v)) {
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
    }
    if (!(max > min)) {
      return Double.NaN;
    }
    long[] hist = new long[BINS];
    double width = (max - min) / BINS;
    long total = 0;
    for (float v : image) {
      if (Float.isFinite(v)) {
        int b = (int) Math.min(BINS - 1, Math.floor((v - min) / width));
        hist[b]++;
        total++;
      }
    }
    double sumAll = 0;
    for (int b = 0; b < BINS; b++) {
      sumAll += (min + (b + 0.5) * width) * hist[b];
    }
    double best = -1;
    int bestBin = 0;
    int bestLast = 0;
    long below = 0;
    double sumBelow = 0;
    for (int b = 0; b < BINS - 1; b++) {
      below += hist[b];
      sumBelow += (min + (b + 0.5) * width) * hist[b];
      long above = total - below;
      if (below == 0 || above == 0) {
        continue;
      }
      double m0 = sumBelow / below;
      double m1 = (sumAll - sumBelow) / above;
      double between = (double) below * above * (m0 - m1) * (m0 - m1);
      if (between > best * (1 + 1e-12)) {
        best = between;
        bestBin = b;
        bestLast = b;
      } else if (between >= best * (1 - 1e-12)) {
        bestLast = b; // a plateau of equal between-class variance (an empty gap between classes)
      }
    }
    return min + ((bestBin + bestLast) / 2.0 + 1) * width;
  }

  /**
   * The mask: {@code reference > otsuThreshold(reference)} and {@code sd > 0} (when {@code sd} is
   * given). An image without contrast gives an empty mask.
   */
  public static boolean[] fromReference(float[] reference, float[] sd) {
    double threshold = otsuThreshold(reference);
    boolean[] mask = new boolean[reference.length];
    if (Double.isNaN(threshold)) {
      return mask;
    }
    for (int v = 0; v < reference.length; v++) {
      mask[v] = reference[v] > threshold && (sd == null || sd[v] > 0);
    }
    return mask;
  }
}
