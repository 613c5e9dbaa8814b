package org.voxelspark.report;

/**
 * A slice orientation of a {@link RasVolume}: the RAS axis it cuts across (its normal) and the RAS
 * axes shown horizontally and vertically. Vertically, superior (or anterior, for axial slices) is
 * always at the top; horizontally the {@link Convention} decides.
 */
public enum Plane {
  /** Across z: x horizontal, y vertical (anterior at the top). */
  AXIAL(2, 0, 1),
  /** Across y: x horizontal, z vertical. */
  CORONAL(1, 0, 2),
  /** Across x: y horizontal (posterior on the left, anterior on the right), z vertical. */
  SAGITTAL(0, 1, 2);

  private final int normal;
  private final int horizontal;
  private final int vertical;

  Plane(int normal, int horizontal, int vertical) {
    this.normal = normal;
    this.horizontal = horizontal;
    this.vertical = vertical;
  }

  /** The RAS axis the slice cuts across (0 = x, 1 = y, 2 = z). */
  public int normal() {
    return normal;
  }

  /** The RAS axis shown horizontally. */
  public int horizontal() {
    return horizontal;
  }

  /** The RAS axis shown vertically (increasing upwards). */
  public int vertical() {
    return vertical;
  }

  /** The world coordinate the slice position is given in: {@code x}, {@code y} or {@code z}. */
  public String coordinateName() {
    return "xyz".substring(normal, normal + 1);
  }
}
