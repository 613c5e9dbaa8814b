package org.voxelspark.report;

import org.voxelspark.geometry.Box;

/**
 * Where the pixels of one brain slice come from: a plane through a {@link RasVolume}'s grid at a
 * voxel index, cropped to a box, drawn in a convention at a scale.
 *
 * <p>Pixel (x, y), x to the right and y down, shows the voxel whose horizontal RAS index is
 * {@code h0 + floor(x / (size_h · pixelsPerMm))} (counted from the right edge instead when the
 * convention flips the axis) and whose vertical index is {@code v1 − 1 − floor(y / (size_v ·
 * pixelsPerMm))} (superior or anterior at the top). Voxels are drawn as blocks (nearest
 * neighbour): no value is interpolated.
 *
 * @param plane the slice orientation
 * @param index the voxel index along the plane's normal
 * @param crop the RAS voxel box shown (its extent along the normal is ignored)
 * @param convention left–right convention
 * @param pixelsPerMm display scale
 * @param horizontalMm voxel size along the horizontal RAS axis, mm
 * @param verticalMm voxel size along the vertical RAS axis, mm
 */
public record SliceView(Plane plane, int index, Box crop, Convention convention, double pixelsPerMm, double horizontalMm,
    double verticalMm) {

  /** The view of {@code volume} cut by {@code plane} at {@code index}. */
  public static SliceView of(RasVolume volume, Plane plane, int index, Box crop, Convention convention, double pixelsPerMm) {
    if (index < 0 || index >= volume.dim(plane.normal())) {
      throw new IllegalArgumentException(plane + " slice " + index + " outside 0.." + (volume.dim(plane.normal()) - 1));
    }
    return new SliceView(plane, index, crop, convention, pixelsPerMm, volume.voxelSizeMm(plane.horizontal()),
        volume.voxelSizeMm(plane.vertical()));
  }

  /**
   * The scale at which the larger in-plane extent of {@code crop} spans about {@code targetPixels}:
   * a whole number of pixels per voxel along the finer in-plane axis (at least 1).
   */
  public static double pixelsPerMm(RasVolume volume, Plane plane, Box crop, int targetPixels) {
    double hMm = volume.voxelSizeMm(plane.horizontal());
    double vMm = volume.voxelSizeMm(plane.vertical());
    double extentMm = Math.max(size(crop, plane.horizontal()) * hMm, size(crop, plane.vertical()) * vMm);
    double finest = Math.min(hMm, vMm);
    long perVoxel = Math.max(1, Math.round(targetPixels / extentMm * finest));
    return perVoxel / finest;
  }

  static int size(Box b, int axis) {
    return axis == 0 ? b.sizeI() : axis == 1 ? b.sizeJ() : b.sizeK();
  }

  static int start(Box b, int axis) {
    return axis == 0 ? b.i0() : axis == 1 ? b.j0() : b.k0();
  }

  /** Width in pixels. */
  public int width() {
    return Math.max(1, (int) Math.round(size(crop, plane.horizontal()) * horizontalMm * pixelsPerMm));
  }

  /** Height in pixels. */
  public int height() {
    return Math.max(1, (int) Math.round(size(crop, plane.vertical()) * verticalMm * pixelsPerMm));
  }

  /** The horizontal RAS voxel index shown at pixel column {@code x}. */
  public int horizontalIndex(int x) {
    int n = size(crop, plane.horizontal());
    int q = Math.min(n - 1, (int) Math.floor(x / (horizontalMm * pixelsPerMm)));
    return start(crop, plane.horizontal()) + (convention.flipsHorizontal(plane) ? n - 1 - q : q);
  }

  /** The vertical RAS voxel index shown at pixel row {@code y}. */
  public int verticalIndex(int y) {
    int n = size(crop, plane.vertical());
    int q = Math.min(n - 1, (int) Math.floor(y / (verticalMm * pixelsPerMm)));
    return start(crop, plane.vertical()) + n - 1 - q;
  }

  /** Fills {@code ijk} with the RAS voxel shown at pixel (x, y). */
  public void voxel(int x, int y, int[] ijk) {
    ijk[plane.normal()] = index;
    ijk[plane.horizontal()] = horizontalIndex(x);
    ijk[plane.vertical()] = verticalIndex(y);
  }

  /** Pixel column of the centre of the voxel with horizontal RAS index {@code h}. */
  public double pixelX(double h) {
    int n = size(crop, plane.horizontal());
    double q = h - start(crop, plane.horizontal());
    if (convention.flipsHorizontal(plane)) {
      q = n - 1 - q;
    }
    return (q + 0.5) * horizontalMm * pixelsPerMm;
  }

  /** Pixel row of the centre of the voxel with vertical RAS index {@code v}. */
  public double pixelY(double v) {
    int n = size(crop, plane.vertical());
    double q = n - 1 - (v - start(crop, plane.vertical()));
    return (q + 0.5) * verticalMm * pixelsPerMm;
  }

  public String leftLabel() {
    return convention.leftLabel(plane);
  }

  public String rightLabel() {
    return convention.rightLabel(plane);
  }
}
