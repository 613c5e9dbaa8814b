package org.voxelspark.dti;

import org.voxelspark.geometry.Box;
import org.voxelspark.kernel.BlockKernel;

/**
 * The tensor fit as a {@link BlockKernel}: the {@value TensorFitter#OUTPUTS} outputs of
 * {@link TensorFitter} per core voxel, as float32, in the fitter's order; voxels outside the mask
 * get 0. The mask voxels of the core are fitted in batches ({@link TensorFitter}: a voxel's outputs
 * do not depend on the other voxels of its batch), voxelwise (halo 0), so block results equal
 * whole-volume results bit for bit.
 */
public final class TensorKernel implements BlockKernel {
  private static final long serialVersionUID = 1L;
  /** Voxels are fitted CHUNK_BATCHES fitter batches at a time (outputs buffered as doubles). */
  private static final int CHUNK_BATCHES = 16;
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
    int[] offsets = new int[core.voxelCount()];
    int[] targets = new int[core.voxelCount()];
    int count = 0;
    for (int k = core.k0(); k < core.k1(); k++) {
      for (int j = core.j0(); j < core.j1(); j++) {
        for (int i = core.i0(); i < core.i1(); i++) {
          int o = core.localIndex(i, j, k) * TensorFitter.OUTPUTS;
          int c = halo.localIndex(i, j, k);
          if (mask != null && !mask[c]) {
            java.util.Arrays.fill(out, o, o + TensorFitter.OUTPUTS, 0f);
            continue;
          }
          offsets[count] = c * nt;
          targets[count++] = o;
        }
      }
    }
    int chunk = CHUNK_BATCHES * fitter.batchSize();
    double[] fit = new double[chunk * TensorFitter.OUTPUTS];
    for (int from = 0; from < count; from += chunk) {
      int size = Math.min(chunk, count - from);
      fitter.fit(series, offsets, from, size, fit, 0);
      for (int b = 0; b < size; b++) {
        int o = targets[from + b];
        for (int q = 0; q < TensorFitter.OUTPUTS; q++) {
          out[o + q] = (float) fit[b * TensorFitter.OUTPUTS + q];
        }
      }
    }
  }
}
