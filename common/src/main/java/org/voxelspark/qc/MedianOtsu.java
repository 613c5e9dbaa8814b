package org.voxelspark.qc;

/**
 * DIPY's {@code median_otsu} brain mask (Garyfallidis et al. 2014), as {@code dipy.segment.mask}
 * computes it without cropping or dilation:
 * <ol>
 *   <li>the reference volume (the mean of the b = 0 volumes) is median-filtered {@code passes}
 *       times with a cube of edge {@code 2·radius + 1} voxels, each pass on the previous pass's
 *       output (scipy's {@code median_filter}, boundary mode {@code reflect}: the volume mirrored
 *       about its edge, the edge voxel repeated);
 *   <li>the threshold is Otsu's on a 256-bin histogram of the filtered volume, as
 *       {@code dipy.segment.threshold.otsu}: the centre of the bin that maximises
 *       {@code w1·w2·(μ1 − μ2)²} over the split below/above it;
 *   <li>the mask is {@code filtered > threshold}.
 * </ol>
 * Defaults of DIPY: radius 4, 4 passes. Cost: one median of (2r+1)³ values per voxel and pass.
 */
public final class MedianOtsu {
  private MedianOtsu() {}

  /** The mask of {@code reference} ({@code nx·ny·nz}, i fastest). */
  public static boolean[] mask(float[] reference, int nx, int ny, int nz, int radius, int passes) {
    float[] filtered = reference.clone();
    for (int p = 0; p < passes; p++) {
      filtered = medianFilter(filtered, nx, ny, nz, radius);
    }
    double threshold = otsu(filtered);
    boolean[] mask = new boolean[filtered.length];
    for (int v = 0; v < mask.length; v++) {
      mask[v] = filtered[v] > threshold;
    }
    return mask;
  }

  /** One pass of a cubic median filter with reflect boundaries. */
  public static float[] medianFilter(float[] in, int nx, int ny, int nz, int radius) {
    int w = 2 * radius + 1;
    float[] window = new float[w * w * w];
    float[] out = new float[in.length];
    int[] ri = reflectIndex(nx, radius);
    int[] rj = reflectIndex(ny, radius);
    int[] rk = reflectIndex(nz, radius);
    for (int k = 0; k < nz; k++) {
      for (int j = 0; j < ny; j++) {
        for (int i = 0; i < nx; i++) {
          int q = 0;
          for (int dk = 0; dk < w; dk++) {
            int kk = rk[k + dk];
            for (int dj = 0; dj < w; dj++) {
              int row = nx * (rj[j + dj] + ny * kk);
              for (int di = 0; di < w; di++) {
                window[q++] = in[row + ri[i + di]];
              }
            }
          }
          out[i + nx * (j + ny * k)] = select(window, window.length / 2);
        }
      }
    }
    return out;
  }

  /** Index map for a window start at (x − radius + d): position x + d − radius, mirrored (scipy 'reflect'). */
  private static int[] reflectIndex(int n, int radius) {
    int[] map = new int[n + 2 * radius];
    for (int p = 0; p < map.length; p++) {
      int x = p - radius;
      // reflect about the edges with the edge sample repeated: −1 → 0, −2 → 1, n → n−1, n+1 → n−2
      int period = 2 * n;
      int m = ((x % period) + period) % period;
      map[p] = m < n ? m : period - 1 - m;
    }
    return map;
  }

  /** The k-th smallest value (0-based) of {@code a}, by quickselect; reorders {@code a}. */
  static float select(float[] a, int k) {
    int lo = 0;
    int hi = a.length - 1;
    while (lo < hi) {
      float pivot = a[(lo + hi) >>> 1];
      int i = lo;
      int j = hi;
      while (i <= j) {
        while (a[i] < pivot) {
          i++;
        }
        while (a[j] > pivot) {
          j--;
        }
        if (i <= j) {
          float t = a[i];
          a[i] = a[j];
          a[j] = t;
          i++;
          j--;
        }
      }
      if (k <= j) {
        hi = j;
      } else if (k >= i) {
        lo = i;
      } else {
        return a[k];
      }
    }
    return a[k];
  }

  /** Otsu's threshold as {@code dipy.segment.threshold.otsu} (256 bins, bin-centre threshold). */
  public static double otsu(float[] image) {
    int bins = 256;
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (float v : image) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    if (!(max > min)) {
      return min;
    }
    double width = (max - min) / bins;
    double[] hist = new double[bins];
    for (float v : image) {
      int b = (int) ((v - min) / width);
      hist[Math.min(bins - 1, b)]++; // numpy: the last bin is closed on the right
    }
    double[] centre = new double[bins];
    for (int b = 0; b < bins; b++) {
      centre[b] = min + (b + 0.5) * width;
    }
    double[] w1 = new double[bins];
    double[] m1 = new double[bins];
    double acc = 0;
    double accM = 0;
    for (int b = 0; b < bins; b++) {
      acc += hist[b];
      accM += hist[b] * centre[b];
      w1[b] = acc;
      m1[b] = accM / acc;
    }
    double[] w2 = new double[bins];
    double[] m2 = new double[bins];
    acc = 0;
    accM = 0;
    for (int b = bins - 1; b >= 0; b--) {
      acc += hist[b];
      accM += hist[b] * centre[b];
      w2[b] = acc;
      m2[b] = accM / acc;
    }
    int best = 0;
    double bestVar = Double.NEGATIVE_INFINITY;
    for (int b = 0; b < bins - 1; b++) {
      double var = w1[b] * w2[b + 1] * (m1[b] - m2[b + 1]) * (m1[b] - m2[b + 1]);
      if (var > bestVar) { // numpy argmax: the first maximum
        bestVar = var;
        best = b;
      }
    }
    return centre[best];
  }
}
