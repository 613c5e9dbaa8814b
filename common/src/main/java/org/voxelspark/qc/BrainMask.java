package org.voxelspark.qc;

/**
 * A brain mask from a reference image (the temporal mean of a BOLD run) by Otsu's threshold: the
 * intensity that maximises the between-class variance of the image's 256-bin histogram (Otsu
 * 1979), computed by {@link MedianOtsu#otsu} over the finite voxels. Voxels above the threshold
 * whose series is not constant are in the mask.
 *
 * <p>This is the plain global Otsu rule (no median filtering, no hole filling): adequate for
 * scanner images whose background is dark, as both modalities' reference images are; DIPY's
 * {@code median_otsu} for diffusion data comes with the DTI stage.
 */
public final class BrainMask {
  private BrainMask() {}

  /**
   * Otsu's threshold of the finite values of {@code image} by the one Otsu rule of voxelspark,
   * {@link MedianOtsu#otsu} (DIPY's); NaN when there are no finite values or all are equal.
   */
  public static double otsuThreshold(float[] image) {
    int finite = 0;
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (float v : image) {
      if (Float.isFinite(v)) {
        finite++;
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
    }
    if (!(max > min)) {
      return Double.NaN;
    }
    if (finite == image.length) {
      return MedianOtsu.otsu(image);
    }
    float[] values = new float[finite];
    int q = 0;
    for (float v : image) {
      if (Float.isFinite(v)) {
        values[q++] = v;
      }
    }
    return MedianOtsu.otsu(values);
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
