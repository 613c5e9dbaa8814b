package org.voxelspark.geometry;

/**
 * Order of a 4D series (nt volumes of V voxels each) in a flat primitive array. Spatial order is
 * always NIfTI's, i fastest ({@link VolumeGeometry#index(int, int, int)}).
 */
public enum VoxelLayout {
  /** Volume t, voxel v at {@code t·V + v}: the order of NIfTI files on disk; cheap to read. */
  VOLUME_MAJOR,
  /**
   * Voxel v, volume t at {@code v·nt + t}: each voxel's series contiguous, as per-voxel kernels
   * (tensor fit, ranking for Kendall W, FFT for ALFF) want it.
   */
  VOXEL_MAJOR;

  /** Flat offset of (voxel, t) for a series of {@code voxelCount} voxels and {@code nt} volumes. */
  public long offset(long voxel, int t, long voxelCount, int nt) {
    return this == VOLUME_MAJOR ? t * voxelCount + voxel : voxel * nt + t;
  }
}
