package org.voxelspark.qc;

import org.voxelspark.geometry.VoxelLayout;

/**
 * Per-voxel statistics over time of a 4D series: the temporal mean, the temporal standard deviation
 * and the temporal signal-to-noise ratio, over all volumes or a selected subset (for example the
 * b ≤ 50 s/mm² volumes of a diffusion series, whose mean is the mean b0 image).
 *
 * <p><b>Definitions</b>, for voxel v and the n selected volumes t:
 * <ul>
 *   <li>mean {@code m = (1/n) Σ x_t};
 *   <li>standard deviation with the n − 1 denominator {@code s = sqrt(Σ (x_t − m)² / (n − 1))}
 *       (two-pass, in double precision; 0 when n = 1);
 *   <li>tSNR {@code = m / s}, as MRIQC and fMRIPrep report it for BOLD runs; defined as 0 when
 *       {@code s = 0} (a constant series, for example background voxels of zeros).
 * </ul>
 * A voxel with a non-finite sample (NaN or ±∞) among the selected volumes gets NaN for all three
 * statistics: the input problem stays visible instead of being averaged away.
 *
 * <p><b>Layout.</b> Works on {@link VoxelLayout#VOXEL_MAJOR} or {@link VoxelLayout#VOLUME_MAJOR}
 * arrays; the arithmetic for a voxel is the same in both (volumes summed in increasing t), so the
 * result does not depend on the layout or on how a volume was cut into blocks.
 *
 * <p>Stateless and thread-safe; allocates nothing per voxel.
 */
public final class TemporalStatistics {
  /** Output channel order of {@link #compute}: mean, standard deviation, tSNR. */
  public static final int CHANNEL_MEAN = 0;
  public static final int CHANNEL_SD = 1;
  public static final int CHANNEL_TSNR = 2;
  public static final int CHANNELS = 3;

  private TemporalStatistics() {}

  /**
   * Computes mean, SD and tSNR of every voxel.
   *
   * @param series {@code voxelCount × nt} samples in {@code layout}
   * @param voxelCount number of voxels
   * @param nt number of volumes in the series
   * @param layout order of {@code series}
   * @param selectedVolumes indices of the volumes to use (each in [0, nt), at least one); null for all
   * @param out receives {@code CHANNELS} values per voxel, voxel-major: {@code out[v·3 + channel]}
   * @throws IllegalArgumentException if the sizes disagree or a selected index is out of range
   */
  public static void compute(float[] series, int voxelCount, int nt, VoxelLayout layout,
      int[] selectedVolumes, float[] out) {
    int[] volumes = selectedVolumes == null ? allVolumes(nt) : selectedVolumes;
    if (volumes.length == 0) {
      throw new IllegalArgumentException("no volume selected");
    }
    for (int t : volumes) {
      if (t < 0 || t >= nt) {
        throw new IllegalArgumentException("selected volume " + t + " outside [0, " + nt + ")");
      }
    }
    if ((long) voxelCount * nt != series.length) {
      throw new IllegalArgumentException("series has " + series.length + " samples, expected "
          + voxelCount + " × " + nt);
    }
    if ((long) voxelCount * CHANNELS != out.length) {
      throw new IllegalArgumentException("out has " + out.length + " elements, expected " + voxelCount + " × " + CHANNELS);
    }
    int n = volumes.length;
    boolean voxelMajor = layout == VoxelLayout.VOXEL_MAJOR;
    for (int v = 0; v < voxelCount; v++) {
      long base = voxelMajor ? (long) v * nt : v;
      long stride = voxelMajor ? 1 : voxelCount;
      double sum = 0;
      boolean finite = true;
      for (int q = 0; q < n; q++) {
        double x = series[(int) (base + stride * volumes[q])];
        if (!Double.isFinite(x)) {
          finite = false;
          break;
        }
        sum += x;
      }
      int o = v * CHANNELS;
      if (!finite) {
        out[o + CHANNEL_MEAN] = Float.NaN;
        out[o + CHANNEL_SD] = Float.NaN;
        out[o + CHANNEL_TSNR] = Float.NaN;
        continue;
      }
      double mean = sum / n;
      double ss = 0;
      for (int q = 0; q < n; q++) {
        double d = series[(int) (base + stride * volumes[q])] - mean;
        ss += d * d;
      }
      double sd = n > 1 ? Math.sqrt(ss / (n - 1)) : 0.0;
      out[o + CHANNEL_MEAN] = (float) mean;
      out[o + CHANNEL_SD] = (float) sd;
      out[o + CHANNEL_TSNR] = sd > 0 ? (float) (mean / sd) : 0f;
    }
  }

  private static int[] allVolumes(int nt) {
    int[] all = new int[nt];
    for (int t = 0; t < nt; t++) {
      all[t] = t;
    }
    return all;
  }
}
