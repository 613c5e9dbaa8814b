package org.voxelspark.kernel;

import org.voxelspark.geometry.Box;

/**
 * Channels already computed for the whole volume (for example the temporal statistics a run's brain
 * mask was derived from), handed out block by block: each core voxel gets its values copied, so a
 * whole-volume pass is not repeated per block. Halo 0. The values are those of the whole volume, so
 * blocks equal the whole volume trivially.
 */
public final class PrecomputedKernel implements BlockKernel {
  private static final long serialVersionUID = 1L;
  private final float[] values;
  private final int channels;
  private final int nx;
  private final int ny;

  /**
   * @param values {@code nx·ny·nz × channels}, voxel-major (i fastest), not copied
   */
  public PrecomputedKernel(float[] values, int channels, int nx, int ny, int nz) {
    if ((long) nx * ny * nz * channels != values.length) {
      throw new IllegalArgumentException(values.length + " values for " + nx + "×" + ny + "×" + nz + " × " + channels);
    }
    this.values = values;
    this.channels = channels;
    this.nx = nx;
    this.ny = ny;
  }

  @Override
  public int halo() {
    return 0;
  }

  @Override
  public int channels() {
    return channels;
  }

  @Override
  public void compute(float[] series, int nt, Box halo, Box core, boolean[] mask, float[] out) {
    for (int k = core.k0(); k < core.k1(); k++) {
      for (int j = core.j0(); j < core.j1(); j++) {
        int src = (core.i0() + nx * (j + ny * k)) * channels;
        System.arraycopy(values, src, out, core.localIndex(core.i0(), j, k) * channels, core.sizeI() * channels);
      }
    }
  }
}
