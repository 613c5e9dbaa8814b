package org.voxelspark.report;

import java.util.Arrays;
import org.voxelspark.geometry.Affine;
import org.voxelspark.geometry.Box;
import org.voxelspark.geometry.VolumeGeometry;

/**
 * A volume reoriented for display to the voxel axes closest to RAS+: axis 0 runs from the
 * subject's left to right, axis 1 from posterior to anterior, axis 2 from inferior to superior.
 *
 * <p><b>Reorientation</b> (as nibabel's {@code as_closest_canonical}): each stored voxel axis is
 * assigned to the world axis its direction (a unit column of the affine's linear part) is most
 * aligned with, largest |cosine| first, and flipped when it points to L, P or I. This permutes and
 * flips voxels only — values are not interpolated — so an image stored LAS, LPS, PIL or obliquely
 * (any rotation under 45° from the nearest axes) is shown with left on the subject's left. An
 * oblique image keeps its tilt on screen; left and right are never swapped. The RAS grid's affine
 * ({@link #affine()}) maps its indices to the same world coordinates as the stored ones.
 *
 * <p><b>Values</b>: {@code components} values per voxel (1 for a scalar map, 3 for RGB or a
 * vector), stored i fastest in the RAS grid, component fastest: {@link #value(int, int, int, int)}.
 *
 * <p>Immutable after construction; thread-safe.
 */
public final class RasVolume {
  private final int[] dims;
  private final int components;
  private final float[] values;
  private final Affine affine;
  private final double[] voxelSizeMm;
  private final String storedOrientation;

  private RasVolume(int[] dims, int components, float[] values, Affine affine, double[] voxelSizeMm, String storedOrientation) {
    this.dims = dims;
    this.components = components;
    this.values = values;
    this.affine = affine;
    this.voxelSizeMm = voxelSizeMm;
    this.storedOrientation = storedOrientation;
  }

  /**
   * Reorients the volumes of one grid (one volume per component, each in NIfTI order, i fastest).
   *
   * @throws IllegalArgumentException if no volume is given or one's length is not the grid's voxel count
   */
  public static RasVolume of(VolumeGeometry geometry, float[]... volumes) {
    if (volumes.length == 0) {
      throw new IllegalArgumentException("at least one volume");
    }
    int n = geometry.voxelCount();
    for (float[] v : volumes) {
      if (v.length != n) {
        throw new IllegalArgumentException("volume has " + v.length + " values, grid " + geometry.dimsString() + " has " + n);
      }
    }
    int[] src = {geometry.nx(), geometry.ny(), geometry.nz()};
    int[] axis = new int[3]; // RAS axis r takes stored axis axis[r]
    boolean[] flip = new boolean[3];
    String codes = assign(geometry.affine(), axis, flip);
    int[] dims = {src[axis[0]], src[axis[1]], src[axis[2]]};
    int components = volumes.length;
    float[] values = new float[n * components];
    int[] o = new int[3];
    int q = 0;
    for (int k = 0; k < dims[2]; k++) {
      for (int j = 0; j < dims[1]; j++) {
        for (int i = 0; i < dims[0]; i++) {
          int[] a = {i, j, k};
          for (int r = 0; r < 3; r++) {
            o[axis[r]] = flip[r] ? src[axis[r]] - 1 - a[r] : a[r];
          }
          int s = geometry.index(o[0], o[1], o[2]);
          for (int c = 0; c < components; c++) {
            values[q++] = volumes[c][s];
          }
        }
      }
    }
    // affine of the RAS grid: column r = ±(stored column axis[r]); translation at the RAS origin voxel
    double[][] m = geometry.affine().toArray();
    double[] origin = new double[3];
    for (int r = 0; r < 3; r++) {
      origin[axis[r]] = flip[r] ? src[axis[r]] - 1 : 0;
    }
    double[] t = geometry.affine().voxelToWorld(origin[0], origin[1], origin[2]);
    double[][] ras = new double[3][4];
    double[] size = new double[3];
    for (int r = 0; r < 3; r++) {
      for (int row = 0; row < 3; row++) {
        ras[row][r] = (flip[r] ? -1 : 1) * m[row][axis[r]];
      }
      size[r] = geometry.affine().columnNorm(axis[r]);
    }
    for (int row = 0; row < 3; row++) {
      ras[row][3] = t[row];
    }
    return new RasVolume(dims, components, values, Affine.of(ras), size, codes);
  }

  /**
   * Fills {@code axis[r]} (the stored axis shown as RAS axis r) and {@code flip[r]}; returns the
   * stored orientation codes, e.g. {@code "LAS"} (the direction each stored axis points to).
   */
  static String assign(Affine affine, int[] axis, boolean[] flip) {
    double[][] u = affine.unitColumns(); // u[world row][stored column]
    boolean[] rowUsed = new boolean[3];
    boolean[] colUsed = new boolean[3];
    char[] codes = new char[3];
    for (int step = 0; step < 3; step++) {
      int bestR = -1;
      int bestC = -1;
      double best = -1;
      for (int r = 0; r < 3; r++) {
        for (int c = 0; c < 3; c++) {
          if (!rowUsed[r] && !colUsed[c] && Math.abs(u[r][c]) > best) {
            best = Math.abs(u[r][c]);
            bestR = r;
            bestC = c;
          }
        }
      }
      if (best <= 0) {
        throw new IllegalArgumentException("affine has a zero column: " + affine);
      }
      rowUsed[bestR] = true;
      colUsed[bestC] = true;
      axis[bestR] = bestC;
      flip[bestR] = u[bestR][bestC] < 0;
      codes[bestC] = "RAS".charAt(bestR);
      if (flip[bestR]) {
        codes[bestC] = "LPI".charAt(bestR);
      }
    }
    return new String(codes);
  }

  /** Voxels along the RAS axes: x (L→R), y (P→A), z (I→S). */
  public int nx() {
    return dims[0];
  }

  public int ny() {
    return dims[1];
  }

  public int nz() {
    return dims[2];
  }

  /** Size along RAS axis {@code axis} (0, 1, 2). */
  public int dim(int axis) {
    return dims[axis];
  }

  public int components() {
    return components;
  }

  /** Value of component {@code c} at RAS voxel (i, j, k). */
  public float value(int i, int j, int k, int c) {
    return values[(i + dims[0] * (j + dims[1] * k)) * components + c];
  }

  /** Scalar value at RAS voxel (i, j, k). */
  public float value(int i, int j, int k) {
    return value(i, j, k, 0);
  }

  /** RAS voxel index → world mm. */
  public Affine affine() {
    return affine;
  }

  /** Voxel size in mm along each RAS axis. */
  public double voxelSizeMm(int axis) {
    return voxelSizeMm[axis];
  }

  /** Orientation codes of the stored axes, e.g. {@code LAS}, {@code RAS}, {@code LPS}. */
  public String storedOrientation() {
    return storedOrientation;
  }

  /** True if {@code other} has the same RAS grid (dims and affine within {@code toleranceMm}). */
  public boolean sameGrid(RasVolume other, double toleranceMm) {
    return Arrays.equals(dims, other.dims) && affine.approximatelyEquals(other.affine, toleranceMm);
  }

  /** The whole grid as a box. */
  public Box extent() {
    return Box.of(dims[0], dims[1], dims[2]);
  }

  /**
   * The smallest box holding every voxel whose component 0 is finite and non-zero (or, if
   * {@code mask} is given, every voxel where the mask is non-zero), grown by {@code margin} voxels
   * and clipped to the grid; the whole grid when there is none.
   */
  public Box contentBox(RasVolume mask, int margin) {
    RasVolume m = mask == null ? this : mask;
    if (mask != null && !Arrays.equals(mask.dims, dims)) {
      throw new IllegalArgumentException("mask grid differs from the volume's");
    }
    int i0 = Integer.MAX_VALUE;
    int j0 = Integer.MAX_VALUE;
    int k0 = Integer.MAX_VALUE;
    int i1 = -1;
    int j1 = -1;
    int k1 = -1;
    for (int k = 0; k < dims[2]; k++) {
      for (int j = 0; j < dims[1]; j++) {
        for (int i = 0; i < dims[0]; i++) {
          float v = m.value(i, j, k);
          if (v != 0 && Float.isFinite(v)) {
            i0 = Math.min(i0, i);
            i1 = Math.max(i1, i);
            j0 = Math.min(j0, j);
            j1 = Math.max(j1, j);
            k0 = Math.min(k0, k);
            k1 = Math.max(k1, k);
          }
        }
      }
    }
    if (i1 < 0) {
      return extent();
    }
    return new Box(i0, i1 + 1, j0, j1 + 1, k0, k1 + 1).grow(margin, dims[0], dims[1], dims[2]);
  }

  /** World mm of the (fractional) RAS voxel index. */
  public double[] world(double i, double j, double k) {
    return affine.voxelToWorld(i, j, k);
  }
}
