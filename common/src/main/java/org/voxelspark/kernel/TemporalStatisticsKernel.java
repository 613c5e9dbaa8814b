package org.voxelspark.kernel;

import org.voxelspark.geometry.Box;
import org.voxelspark.geometry.VoxelLayout;
import org.voxelspark.qc.TemporalStatistics;

/**
 * {@link TemporalStatistics} as a {@link BlockKernel}: channels mean, SD, tSNR of every core voxel
 * over the selected volumes (all when null). Voxelwise: halo 0. With {@code zeroOutsideMask}, voxels
 * outside the mask get 0; without, every voxel is computed (reference images are wanted whole).
 */
public final class TemporalStatisticsKernel implements BlockKernel {
  private static final long serialVersionUID = 1L;
  private final int[] selectedVolumes;
  private final boolean zeroOutsideMask;

  /** Masked: voxels outside the mask get 0. @param selectedVolumes volumes to use, or null for all */
  public TemporalStatisticsKernel(int[] selectedVolumes) {
    this(selectedVolumes, true);
  }

  /**
   * @param selectedVolumes volumes to use (e.g. the b0 volumes), or null for all
   * @param zeroOutsideMask whether voxels outside the mask get 0 (else they are computed too)
   */
  public TemporalStatisticsKernel(int[] selectedVolumes, boolean zeroOutsideMask) {
    this.selectedVolumes = selectedVolumes == null ? null : selectedVolumes.clone();
    this.zeroOutsideMask = zeroOutsideMask;
  }

  @Override
  public int halo() {
    return 0;
  }

  @Override
  public int channels() {
    return TemporalStatistics.CHANNELS;
  }

  @Override
  public void compute(float[] series, int nt, Box halo, Box core, boolean[] mask, float[] out) {
    int n = core.voxelCount();
    float[] coreSeries = new float[n * nt];
    boolean[] coreMask = mask == null || !zeroOutsideMask ? null : new boolean[n];
    for (int k = core.k0(); k < core.k1(); k++) {
      for (int j = core.j0(); j < core.j1(); j++) {
        int src = halo.localIndex(core.i0(), j, k);
        int dst = core.localIndex(core.i0(), j, k);
        System.arraycopy(series, src * nt, coreSeries, dst * nt, core.sizeI() * nt);
        if (coreMask != null) {
          System.arraycopy(mask, src, coreMask, dst, core.sizeI());
        }
      }
    }
    TemporalStatistics.compute(coreSeries, n, nt, VoxelLayout.VOXEL_MAJOR, selectedVolumes, out);
    if (coreMask != null) {
      for (int v = 0; v < n; v++) {
        if (!coreMask[v]) {
          for (int c = 0; c < TemporalStatistics.CHANNELS; c++) {
            out[v * TemporalStatistics.CHANNELS + c] = 0f;
          }
        }
      }
    }
  }
}
