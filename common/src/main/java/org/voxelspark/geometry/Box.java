package org.voxelspark.geometry;

import java.io.Serializable;

/**
 * An axis-aligned box of voxels, half-open on every axis: {@code [i0, i1) × [j0, j1) × [k0, k1)} in
 * zero-based voxel indices. Its own flat index is NIfTI-like, i fastest:
 * {@code local(i, j, k) = (i − i0) + sx·((j − j0) + sy·(k − k0))}.
 *
 * <p>Immutable and thread-safe.
 */
public record Box(int i0, int i1, int j0, int j1, int k0, int k1) implements Serializable {

  /** @throws IllegalArgumentException if a range is empty or reversed */
  public Box {
    if (i1 <= i0 || j1 <= j0 || k1 <= k0) {
      throw new IllegalArgumentException("empty box [" + i0 + "," + i1 + ")×[" + j0 + "," + j1 + ")×[" + k0 + "," + k1 + ")");
    }
  }

  /** The whole grid of {@code nx × ny × nz} voxels. */
  public static Box of(int nx, int ny, int nz) {
    return new Box(0, nx, 0, ny, 0, nz);
  }

  public int sizeI() {
    return i1 - i0;
  }

  public int sizeJ() {
    return j1 - j0;
  }

  public int sizeK() {
    return k1 - k0;
  }

  /** Number of voxels in the box. */
  public int voxelCount() {
    return sizeI() * sizeJ() * sizeK();
  }

  public boolean contains(int i, int j, int k) {
    return i >= i0 && i < i1 && j >= j0 && j < j1 && k >= k0 && k < k1;
  }

  /** True if {@code other} lies entirely inside this box. */
  public boolean contains(Box other) {
    return other.i0 >= i0 && other.i1 <= i1 && other.j0 >= j0 && other.j1 <= j1 && other.k0 >= k0 && other.k1 <= k1;
  }

  /** Flat index of (i, j, k) inside this box, i fastest; no bounds check. */
  public int localIndex(int i, int j, int k) {
    return (i - i0) + sizeI() * ((j - j0) + sizeJ() * (k - k0));
  }

  /** This box grown by {@code margin} voxels on every side and clipped to {@code [0,nx)×[0,ny)×[0,nz)}. */
  public Box grow(int margin, int nx, int ny, int nz) {
    return new Box(Math.max(0, i0 - margin), Math.min(nx, i1 + margin),
        Math.max(0, j0 - margin), Math.min(ny, j1 + margin),
        Math.max(0, k0 - margin), Math.min(nz, k1 + margin));
  }

  /** This box in the coordinates of {@code outer} (whose corner becomes (0,0,0)). */
  public Box relativeTo(Box outer) {
    return new Box(i0 - outer.i0, i1 - outer.i0, j0 - outer.j0, j1 - outer.j0, k0 - outer.k0, k1 - outer.k0);
  }

  @Override
  public String toString() {
    return "[" + i0 + "," + i1 + ")×[" + j0 + "," + j1 + ")×[" + k0 + "," + k1 + ")";
  }
}
