package org.voxelspark.kernel;

import java.io.Serializable;
import org.voxelspark.geometry.Box;

/**
 * A per-voxel computation that runs on one block of a volume: it reads the series of the block's
 * halo box and writes {@link #channels()} values for every voxel of the block's core.
 *
 * <p><b>Contract.</b> The values written for a voxel may depend only on the voxel's own series and
 * on voxels at most {@link #halo()} voxels away, and must be computed the same way whatever block
 * the voxel is in (same arithmetic, same order), so that running on blocks and reassembling gives
 * exactly — bit for bit — the result of running on the whole volume as one block.
 *
 * <p>Implementations are serializable (Spark ships them to executors) and must not keep state
 * between calls other than reusable scratch space; one instance may be used by one thread at a
 * time.
 */
public interface BlockKernel extends Serializable {
  /** Neighbourhood radius in voxels the kernel reads around a core voxel (0 for voxelwise kernels). */
  int halo();

  /** Output values per voxel. */
  int channels();

  /**
   * Computes the core voxels.
   *
   * @param series the halo box's series, {@code VOXEL_MAJOR}: {@code halo.voxelCount() × nt}
   * @param nt volumes per voxel
   * @param halo the box {@code series} covers, in volume coordinates
   * @param core the voxels to compute, in volume coordinates (inside {@code halo})
   * @param mask in-mask flags over the halo box's local index, or null for "every voxel"
   * @param out receives {@code core.voxelCount() × channels()} values, voxel-major over the core's
   *     local index
   */
  void compute(float[] series, int nt, Box halo, Box core, boolean[] mask, float[] out);
}
