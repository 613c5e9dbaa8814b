package org.voxelspark.kernel;

import org.voxelspark.geometry.Box;
import org.voxelspark.signal.Preprocessing;

/**
 * A kernel run on cleaned series: every in-mask voxel of the block's halo box — the halo included, so
 * a neighbourhood kernel sees its neighbours cleaned exactly as in the whole volume — is passed
 * through {@link Preprocessing}, then {@code inner} computes on the result in the same block pass.
 * Out-of-mask voxels keep their raw series (the inner kernels ignore them). Halo and channels are
 * the inner kernel's.
 *
 * <p>Because the cleaning is voxelwise and deterministic, the composite still equals its
 * whole-volume result bit for bit on any block grid. One copy of the halo box's series is made per
 * block.
 */
public final class PreprocessedKernel implements BlockKernel {
  private static final long serialVersionUID = 1L;
  private final Preprocessing preprocessing;
  private final BlockKernel inner;

  public PreprocessedKernel(Preprocessing preprocessing, BlockKernel inner) {
    this.preprocessing = preprocessing;
    this.inner = inner;
  }

  public Preprocessing preprocessing() {
    return preprocessing;
  }

  public BlockKernel inner() {
    return inner;
  }

  @Override
  public int halo() {
    return inner.halo();
  }

  @Override
  public int channels() {
    return inner.channels();
  }

  @Override
  public void compute(float[] series, int nt, Box halo, Box core, boolean[] mask, float[] out) {
    if (nt != preprocessing.length()) {
      throw new IllegalStateException("preprocessing built for " + preprocessing.length() + " volumes, series of " + nt);
    }
    if (preprocessing.isIdentity()) {
      inner.compute(series, nt, halo, core, mask, out);
      return;
    }
    float[] clean = series.clone();
    Preprocessing.Scratch scratch = preprocessing.scratch();
    int voxels = halo.voxelCount();
    for (int v = 0; v < voxels; v++) {
      if (mask == null || mask[v]) {
        preprocessing.apply(series, v * nt, clean, v * nt, scratch);
      }
    }
    inner.compute(clean, nt, halo, core, mask, out);
  }
}
