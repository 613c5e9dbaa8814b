package org.voxelspark.stats.inference;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The in-mask voxels of a 3-D grid, in NIfTI index order ({@code index = i + nx·(j + ny·k)}), as
 * the group stage holds them: statistics for spatial inference are <em>compact</em> arrays with
 * one value per in-mask voxel, element m being voxel {@link #index(int) index(m)}.
 *
 * <p>Immutable, Serializable (broadcast with the design); {@link #graph} builds the neighbour lists
 * where they are used.
 */
public final class MaskedGrid implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int nx;
  private final int ny;
  private final int nz;
  private final int[] indices;

  private MaskedGrid(int nx, int ny, int nz, int[] indices) {
    this.nx = nx;
    this.ny = ny;
    this.nz = nz;
    this.indices = indices;
  }

  /** From a mask over the whole grid (length nx·ny·nz). */
  public static MaskedGrid of(int nx, int ny, int nz, boolean[] mask) {
    if (mask.length != (long) nx * ny * nz) {
      throw new IllegalArgumentException("mask of " + mask.length + " voxels is not " + nx + "×" + ny + "×" + nz);
    }
    int c = 0;
    for (boolean b : mask) {
      if (b) {
        c++;
      }
    }
    int[] idx = new int[c];
    int t = 0;
    for (int q = 0; q < mask.length; q++) {
      if (mask[q]) {
        idx[t++] = q;
      }
    }
    return new MaskedGrid(nx, ny, nz, idx);
  }

  /** From the ascending flat indices of the in-mask voxels. */
  public static MaskedGrid ofIndices(int nx, int ny, int nz, int[] indices) {
    int[] idx = indices.clone();
    for (int m = 0; m < idx.length; m++) {
      if (idx[m] < 0 || idx[m] >= (long) nx * ny * nz || (m > 0 && idx[m] <= idx[m - 1])) {
        throw new IllegalArgumentException("indices must be ascending and inside the grid");
      }
    }
    return new MaskedGrid(nx, ny, nz, idx);
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

  /** Number of in-mask voxels. */
  public int size() {
    return indices.length;
  }

  /** Flat grid index of in-mask voxel m. */
  public int index(int m) {
    return indices[m];
  }

  /** Position of flat index q in the compact order, or −1 outside the mask. */
  public int compact(int q) {
    int m = Arrays.binarySearch(indices, q);
    return m >= 0 ? m : -1;
  }

  /** The voxel (i, j, k) of in-mask voxel m. */
  public int[] ijk(int m) {
    int q = indices[m];
    return new int[] {q % nx, (q / nx) % ny, q / (nx * ny)};
  }

  /** A compact array scattered into the whole grid, {@code outside} elsewhere. */
  public double[] toVolume(double[] compact, double outside) {
    double[] vol = new double[nx * ny * nz];
    Arrays.fill(vol, outside);
    for (int m = 0; m < indices.length; m++) {
      vol[indices[m]] = compact[m];
    }
    return vol;
  }

  /** The neighbour lists of the in-mask voxels (neighbours outside the mask are left out). */
  public NeighbourGraph graph(Connectivity connectivity) {
    return new NeighbourGraph(this, connectivity);
  }
}
