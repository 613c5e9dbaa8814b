package org.voxelspark.group;

import java.io.Serializable;

/**
 * One block of the group stage's voxel-major transpose: the values of every subject at the
 * block's voxels that are in the group mask, as a dense matrix.
 *
 * <p>{@code y} is <b>subject-major</b>: {@code y[s · voxels.length + q]} is subject (design row)
 * {@code s} at voxel {@code voxels[q]}; NaN where that subject has no data at that voxel (outside its
 * brain mask, or not covered after resampling) — the statistics then use the voxel's own N.
 *
 * @param blockId the block's id in the reference grid's regular block grid
 * @param voxels flat voxel indices ({@code i + nx·(j + ny·k)}) of the reference grid, increasing
 * @param subjects number of subjects (rows)
 * @param y {@code subjects × voxels.length} values, subject-major
 * @param coverage per voxel, the number of subjects with data
 */
public record GroupBlock(int blockId, int[] voxels, int subjects, double[] y, int[] coverage) implements Serializable {
  /** Number of voxels (columns). */
  public int voxelCount() {
    return voxels.length;
  }
}
