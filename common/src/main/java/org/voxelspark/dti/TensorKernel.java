package org.voxelspark.dti;

import org.voxelspark.geometry.Box;
import org.voxelspark.kernel.BlockKernel;

/**
 * The tensor fit as a {@link BlockKernel}: the {@value TensorFitter#OUTPUTS} outputs of
 * {@link TensorFitter} per core voxel, as float32, in the fitter's order; voxels outside the mask
 * get 0. Voxelwise (halo 0), so block results equal whole-volume results bit for bit.
 */
public final class TensorKernel implements BlockKernel {
  private static final long serialVersionUID = 1L;
  private final TensorModel model;

  public TensorKernel(TensorModel model) {
    this.model = model;
  }

  @Override
  public int halo() {
    return 0;
  }

  @Override
  public int channels() {
    return TensorFitter.OUTPUTS;
  }

  @Override
  public void compute(float[] series, int nt, Box halo, Box core, boolean[] mask, float[] out) {
    if (nt != model.volumes()) {
      throw new IllegalArgumentException("series has " + nt + " volumes, the gradient table " + model.volumes());
    }
    TensorFitter fitter = new TensorFitter(model);
    double[] fit = new double[TensorFitter.OUTPUTS];
    for (int k = core.k0(); k < core.k1(); k++) {
      for (int j = core.j0(); j < core.j1(); j++) {
        for (int i = core.i0(); i < core.i1(); i++) {
          int o = core.localIndex(i, j, k) * TensorFitter.OUTPUTS;
          int c = halo.localIndex(i, j, k);
          if (mask != null && !mask[c]) {
            java.util.Arrays.fill(out, o, o + TensorFitter.OUTPUTS, 0f);
            continue;
          }
          fitter.fit(series, c * nt, fit, 0);
          for (int q = 0; q < TensorFitter.OUTPUTS; q++) {
            out[o + q] = (float) fit[q];
          }
        }
      }
    }
  }
}
