package org.voxelspark.geometry;

import java.io.Serializable;
import java.util.Objects;

/**
 * The spatial grid of a volume: its size in voxels and the affine from zero-based voxel index
 * {@code (i, j, k)} to world mm (RAS+). Time and other non-spatial dimensions are not part of it.
 *
 * <p><b>Linear voxel index.</b> Every flat array in voxelspark stores voxels in NIfTI order, i
 * fastest: {@code index = i + nx·(j + ny·k)} (see {@link #index(int, int, int)}). A 4D series in
 * <em>volume-major</em> order stores volume t at {@code t·voxelCount() + index}; in
 * <em>voxel-major</em> order, at {@code index·nt + t}.
 *
 * <p>Two maps can be combined voxel by voxel only if they are on the same grid:
 * {@link #sameGrid(VolumeGeometry, double)} compares dims exactly and affines within a tolerance.
 *
 * <p>Immutable and thread-safe.
 */
public final class VolumeGeometry implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Default tolerance, in mm, when comparing affines read from different files (float32 headers). */
  public static final double DEFAULT_AFFINE_TOLERANCE_MM = 1e-3;

  private final int nx;
  private final int ny;
  private final int nz;
  private final Affine affine;

  /**
   * @param nx voxels along i (≥ 1)
   * @param ny voxels along j (≥ 1)
   * @param nz voxels along k (≥ 1)
   * @param affine voxel → world mm
   * @throws IllegalArgumentException if a dimension is below 1 or the voxel count exceeds 2³¹−1
   */
  public VolumeGeometry(int nx, int ny, int nz, Affine affine) {
    if (nx < 1 || ny < 1 || nz < 1) {
      throw new IllegalArgumentException("volume dims must be ≥ 1, got " + nx + "×" + ny + "×" + nz);
    }
    if ((long) nx * ny * nz > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("volume of " + nx + "×" + ny + "×" + nz + " voxels exceeds 2^31-1");
    }
    this.nx = nx;
    this.ny = ny;
    this.nz = nz;
    this.affine = Objects.requireNonNull(affine, "affine");
  }

  public int nx() {
    return nx;
  }

  public int ny() {
    return ny;
  }

  public int nz() {
    return nz;
  }

  public Affine affine() {
    return affine;
  }

  /** Number of voxels in one volume, {@code nx·ny·nz}. */
  public int voxelCount() {
    return nx * ny * nz;
  }

  /** Linear index {@code i + nx·(j + ny·k)} of voxel (i, j, k); no bounds check. */
  public int index(int i, int j, int k) {
    return i + nx * (j + ny * k);
  }

  /** True if (i, j, k) lies inside the grid. */
  public boolean contains(int i, int j, int k) {
    return i >= 0 && j >= 0 && k >= 0 && i < nx && j < ny && k < nz;
  }

  /** Voxel size in mm along i, j, k: the column norms of the affine's linear part. */
  public double[] voxelSizeMm() {
    return new double[] {affine.columnNorm(0), affine.columnNorm(1), affine.columnNorm(2)};
  }

  /** Same dims and affines equal within {@code toleranceMm} element-wise. */
  public boolean sameGrid(VolumeGeometry other, double toleranceMm) {
    return nx == other.nx && ny == other.ny && nz == other.nz
        && affine.approximatelyEquals(other.affine, toleranceMm);
  }

  /** {@code "nx×ny×nz"}, for messages. */
  public String dimsString() {
    return nx + "×" + ny + "×" + nz;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VolumeGeometry g && g.nx == nx && g.ny == ny && g.nz == nz && g.affine.equals(affine);
  }

  @Override
  public int hashCode() {
    return Objects.hash(nx, ny, nz, affine);
  }

  @Override
  public String toString() {
    return "VolumeGeometry[" + dimsString() + ", " + affine + "]";
  }
}
