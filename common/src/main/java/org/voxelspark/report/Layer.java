package org.voxelspark.report;

/**
 * One layer of a brain picture, drawn over the layers before it. Every layer of a picture must be
 * on the same RAS grid ({@link RasVolume#sameGrid}).
 */
public sealed interface Layer permits Layer.Scalar, Layer.Rgb, Layer.Thresholded, Layer.Outline {
  /** The volume the layer shows. */
  RasVolume volume();

  /**
   * A scalar map through a colour map on {@code [min, max]} (values outside clamp).
   *
   * @param hideZero draw voxels whose value is exactly 0 (or not finite) transparent, e.g. outside a mask
   */
  record Scalar(RasVolume volume, ColourMap map, double min, double max, boolean hideZero) implements Layer {
    public Scalar {
      requireFinite(min, max);
    }
  }

  /**
   * Three components shown as red, green, blue: component / {@code maxValue}, clamped to [0, 1].
   * Voxels whose three components are 0 are transparent.
   */
  record Rgb(RasVolume volume, double maxValue) implements Layer {
    public Rgb {
      if (volume.components() != 3) {
        throw new IllegalArgumentException("an RGB layer needs 3 components, got " + volume.components());
      }
      if (!(maxValue > 0)) {
        throw new IllegalArgumentException("maxValue must be positive: " + maxValue);
      }
    }
  }

  /**
   * A statistic map shown only where it passes a threshold: values ≥ {@code threshold} in
   * {@link ColourMap#RED_YELLOW} on [threshold, max]; with {@code twoSided}, values ≤ −threshold in
   * {@link ColourMap#BLUE_CYAN} on [−max, −threshold] (blue at −threshold). Elsewhere transparent.
   */
  record Thresholded(RasVolume volume, double threshold, double max, boolean twoSided) implements Layer {
    public Thresholded {
      if (!(threshold >= 0) || !(max > threshold) || Double.isInfinite(max)) {
        throw new IllegalArgumentException("need 0 <= threshold < max < infinity: " + threshold + ", " + max);
      }
    }
  }

  /** The one-pixel boundary of a mask (non-zero voxels) in colour {@code argb}. */
  record Outline(RasVolume volume, int argb) implements Layer {}

  /** ARGB of a voxel of a colour layer ({@link ColourMap#TRANSPARENT} where nothing is drawn). */
  static int colour(Layer layer, int i, int j, int k) {
    if (layer instanceof Scalar s) {
      float v = s.volume().value(i, j, k);
      if (!Float.isFinite(v) || (s.hideZero() && v == 0)) {
        return ColourMap.TRANSPARENT;
      }
      return s.map().argb(v, s.min(), s.max());
    }
    if (layer instanceof Rgb r) {
      float red = r.volume().value(i, j, k, 0);
      float green = r.volume().value(i, j, k, 1);
      float blue = r.volume().value(i, j, k, 2);
      if (red == 0 && green == 0 && blue == 0) {
        return ColourMap.TRANSPARENT;
      }
      double m = r.maxValue();
      return ColourMap.pack(new double[] {Math.abs(red) / m, Math.abs(green) / m, Math.abs(blue) / m});
    }
    if (layer instanceof Thresholded t) {
      float v = t.volume().value(i, j, k);
      if (Float.isFinite(v) && v >= t.threshold() && v > 0) {
        return ColourMap.RED_YELLOW.argb(v, t.threshold(), t.max());
      }
      if (t.twoSided() && Float.isFinite(v) && v <= -t.threshold() && v < 0) {
        return ColourMap.BLUE_CYAN.argb(-v, t.threshold(), t.max());
      }
      return ColourMap.TRANSPARENT;
    }
    return ColourMap.TRANSPARENT; // an outline is drawn on the pixel grid by the renderer
  }

  private static void requireFinite(double min, double max) {
    if (!Double.isFinite(min) || !Double.isFinite(max)) {
      throw new IllegalArgumentException("display range must be finite: [" + min + ", " + max + "]");
    }
  }
}
