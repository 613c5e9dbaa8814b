package org.voxelspark.participant;

import java.io.Serializable;
import org.voxelspark.kernel.BlockKernel;

/**
 * What to compute for one run: the kernel, and the brain mask it runs in (flat, i fastest, one
 * entry per voxel), or null to compute every voxel.
 *
 * @param nonFiniteVoxels voxels left out of the mask because their series holds NaN or ±∞
 *     ({@link org.voxelspark.qc.FiniteSamples}); reported per run
 */
public record RunPlan(BlockKernel kernel, boolean[] mask, int nonFiniteVoxels) implements Serializable {
  /** A plan whose input has no non-finite sample. */
  public RunPlan(BlockKernel kernel, boolean[] mask) {
    this(kernel, mask, 0);
  }
}
