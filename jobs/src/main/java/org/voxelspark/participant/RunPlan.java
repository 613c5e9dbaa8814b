package org.voxelspark.participant;

import java.io.Serializable;
import org.voxelspark.kernel.BlockKernel;

/**
 * What to compute for one run: the kernel, and the brain mask it runs in (flat, i fastest, one
 * entry per voxel), or null to compute every voxel.
 */
public record RunPlan(BlockKernel kernel, boolean[] mask) implements Serializable {}
