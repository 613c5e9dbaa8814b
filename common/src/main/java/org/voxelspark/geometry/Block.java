package org.voxelspark.geometry;

import java.io.Serializable;
import java.util.Objects;

/**
 * One block of a {@link BlockGrid}: a <em>core</em> box, whose voxels this block computes, and a
 * <em>halo</em> box, the core grown by the grid's halo width and clipped to the volume, whose voxels
 * a neighbourhood kernel may read. Kernels read the halo box and write only core voxels; the cores
 * of a grid partition the volume, so block results reassemble to the whole-volume result.
 *
 * @param id stable id, dense 0..n−1 in the grid's order
 * @param core voxels computed by this block
 * @param halo voxels read by this block (contains {@code core})
 * @param maskVoxels in-mask voxels in the core, or the core's voxel count when the grid has no mask
 */
public record Block(int id, Box core, Box halo, int maskVoxels) implements Serializable {
  public Block {
    Objects.requireNonNull(core, "core");
    Objects.requireNonNull(halo, "halo");
    if (!halo.contains(core)) {
      throw new IllegalArgumentException("halo " + halo + " does not contain core " + core);
    }
  }

  /** The core in the halo box's local coordinates. */
  public Box coreInHalo() {
    return core.relativeTo(halo);
  }

  /** True if no voxel of the core is in the mask: nothing to compute. */
  public boolean isEmpty() {
    return maskVoxels == 0;
  }
}
