package org.voxelspark.geometry;

import java.io.Serializable;
import java.util.Arrays;

/**
 * A 4×4 affine transform from zero-based voxel indices {@code (i, j, k)} to world coordinates
 * {@code (x, y, z)} in millimetres, in the NIfTI convention.
 *
 * <p><b>Convention.</b> {@code [x y z 1]ᵀ = A · [i j k 1]ᵀ}. The bottom row is always
 * {@code [0 0 0 1]}. World space is RAS+ (x to the subject's right, y anterior, z superior), as in
 * NIfTI's qform and sform. The linear part {@code R·diag(voxelSize)} and the translation are stored
 * in row-major order as 12 doubles.
 *
 * <p>Immutable and thread-safe. Equality is exact (bitwise on the doubles); use
 * {@link #approximatelyEquals(Affine, double)} to compare grids read from different files.
 */
public final class Affine implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Row-major 3×4: m[4*r + c] for rows r = 0..2 and columns c = 0..3. */
  private final double[] m;

  private Affine(double[] m12) {
    this.m = m12;
  }

  /** The identity: voxel index = world coordinate (1 mm isotropic, origin at voxel 0). */
  public static Affine identity() {
    return of(new double[][] {{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}});
  }

  /**
   * From a 3×4 or 4×4 row-major matrix. A 4th row, if present, must be {@code [0 0 0 1]}.
   *
   * @throws IllegalArgumentException if the shape is wrong or an element is not finite
   */
  public static Affine of(double[][] rows) {
    if (rows.length != 3 && rows.length != 4) {
      throw new IllegalArgumentException("affine needs 3 or 4 rows, got " + rows.length);
    }
    double[] m = new double[12];
    for (int r = 0; r < 3; r++) {
      if (rows[r].length != 4) {
        throw new IllegalArgumentException("affine row " + r + " needs 4 columns, got " + rows[r].length);
      }
      for (int c = 0; c < 4; c++) {
        double v = rows[r][c];
        if (!Double.isFinite(v)) {
          throw new IllegalArgumentException("affine element [" + r + "][" + c + "] is not finite: " + v);
        }
        m[4 * r + c] = v;
      }
    }
    if (rows.length == 4) {
      double[] last = rows[3];
      if (last.length != 4 || last[0] != 0 || last[1] != 0 || last[2] != 0 || last[3] != 1) {
        throw new IllegalArgumentException("affine bottom row must be [0 0 0 1], got " + Arrays.toString(last));
      }
    }
    return new Affine(m);
  }

  /** A diagonal affine: voxel sizes in mm and the world coordinate of voxel (0,0,0). */
  public static Affine scaling(double dx, double dy, double dz, double x0, double y0, double z0) {
    return of(new double[][] {{dx, 0, 0, x0}, {0, dy, 0, y0}, {0, 0, dz, z0}});
  }

  /** Element at row {@code r} (0..3) and column {@code c} (0..3). */
  public double get(int r, int c) {
    if (r == 3) {
      return c == 3 ? 1.0 : 0.0;
    }
    return m[4 * r + c];
  }

  /** A fresh 4×4 row-major copy. */
  public double[][] toArray() {
    double[][] a = new double[4][4];
    for (int r = 0; r < 4; r++) {
      for (int c = 0; c < 4; c++) {
        a[r][c] = get(r, c);
      }
    }
    return a;
  }

  /** World coordinates in mm of the (possibly fractional) voxel index {@code (i, j, k)}. */
  public double[] voxelToWorld(double i, double j, double k) {
    return new double[] {
      m[0] * i + m[1] * j + m[2] * k + m[3],
      m[4] * i + m[5] * j + m[6] * k + m[7],
      m[8] * i + m[9] * j + m[10] * k + m[11]
    };
  }

  /**
   * Fractional voxel index of the world point {@code (x, y, z)} mm.
   *
   * @throws IllegalStateException if the linear part is singular
   */
  public double[] worldToVoxel(double x, double y, double z) {
    return inverse().voxelToWorld(x, y, z);
  }

  /** Determinant of the 3×3 linear part (negative for the usual radiological-stored LAS files). */
  public double determinant() {
    return m[0] * (m[5] * m[10] - m[6] * m[9])
        - m[1] * (m[4] * m[10] - m[6] * m[8])
        + m[2] * (m[4] * m[9] - m[5] * m[8]);
  }

  /**
   * The inverse transform (world mm → voxel index).
   *
   * @throws IllegalStateException if the linear part is singular
   */
  public Affine inverse() {
    double det = determinant();
    if (det == 0 || !Double.isFinite(det)) {
      throw new IllegalStateException("affine is singular (det = " + det + ")");
    }
    double[] inv = new double[12];
    inv[0] = (m[5] * m[10] - m[6] * m[9]) / det;
    inv[1] = (m[2] * m[9] - m[1] * m[10]) / det;
    inv[2] = (m[1] * m[6] - m[2] * m[5]) / det;
    inv[4] = (m[6] * m[8] - m[4] * m[10]) / det;
    inv[5] = (m[0] * m[10] - m[2] * m[8]) / det;
    inv[6] = (m[2] * m[4] - m[0] * m[6]) / det;
    inv[8] = (m[4] * m[9] - m[5] * m[8]) / det;
    inv[9] = (m[1] * m[8] - m[0] * m[9]) / det;
    inv[10] = (m[0] * m[5] - m[1] * m[4]) / det;
    for (int r = 0; r < 3; r++) {
      inv[4 * r + 3] = -(inv[4 * r] * m[3] + inv[4 * r + 1] * m[7] + inv[4 * r + 2] * m[11]);
    }
    return new Affine(inv);
  }

  /** Length in mm of column {@code c} (0..2) of the linear part: the voxel size along axis c. */
  public double columnNorm(int c) {
    return Math.sqrt(m[c] * m[c] + m[4 + c] * m[4 + c] + m[8 + c] * m[8 + c]);
  }

  /**
   * The rotation/reflection part: the linear part with each column divided by its norm. Row-major
   * 3×3. Used, for example, to take diffusion gradient directions from the image frame to world.
   */
  public double[][] unitColumns() {
    double[][] r = new double[3][3];
    for (int c = 0; c < 3; c++) {
      double n = columnNorm(c);
      for (int row = 0; row < 3; row++) {
        r[row][c] = n == 0 ? 0 : m[4 * row + c] / n;
      }
    }
    return r;
  }

  /** This transform followed by {@code after}: {@code after · this}. */
  public Affine then(Affine after) {
    double[] o = after.m;
    double[] p = new double[12];
    for (int r = 0; r < 3; r++) {
      for (int c = 0; c < 4; c++) {
        double v = o[4 * r] * m[c] + o[4 * r + 1] * m[4 + c] + o[4 * r + 2] * m[8 + c];
        if (c == 3) {
          v += o[4 * r + 3];
        }
        p[4 * r + c] = v;
      }
    }
    return new Affine(p);
  }

  /** True if every element differs from {@code other}'s by at most {@code tolerance} (mm). */
  public boolean approximatelyEquals(Affine other, double tolerance) {
    for (int q = 0; q < 12; q++) {
      if (!(Math.abs(m[q] - other.m[q]) <= tolerance)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Affine a && Arrays.equals(m, a.m);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(m);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Affine[");
    for (int r = 0; r < 3; r++) {
      sb.append(r == 0 ? "[" : ", [");
      for (int c = 0; c < 4; c++) {
        sb.append(c == 0 ? "" : " ").append(m[4 * r + c]);
      }
      sb.append(']');
    }
    return sb.append(']').toString();
  }
}
