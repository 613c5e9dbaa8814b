package org.voxelspark.kernel;

import org.voxelspark.geometry.Box;

/** One channel: 1 for voxels in the mask, 0 elsewhere (all 1 without a mask). Writes the mask a run used. */
public final class MaskKernel implements BlockKernel {
  private static final long serialVersionUID = 1L;

  @Override
  public int halo() {
    return 0;
  }

  @Override
  public int channels() {
    return 1;
  }

  @Override
  public void compute(float[] series, int nt, Box halo, Box core, boolean[] mask, float[] out) {
    for (int k = core.k0(); k < core.k1(); k++) {
      for (int j = core.j0(); j < core.j1(); j++) {
        for (int i = core.i0(); i < core.i1(); i++) {
          out[core.localIndex(i, j, k)] = mask == null || mask[halo.localIndex(i, j, k)] ? 1f : 0f;
        }
      }
    }
  }
}
