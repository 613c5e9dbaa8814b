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
 * arrays; the arithmetic for a voxel is the same in both (the selected volumes summed in four
 * interleaved partial sums — the q-th selected volume into partial q mod 4 — combined as
 * (s0 + s1) + (s2 + s3)), so the result does not depend on the layout or on how a volume was cut into
 * blocks. Four independent sums let the CPU overlap the additions; a voxel-major series over all
 * volumes takes a direct-indexed path with the same arithmetic.
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
    if (layout == VoxelLayout.VOXEL_MAJOR && selectedVolumes == null) {
      computeContiguous(series, voxelCount, nt, out);
      return;
    }
    boolean voxelMajor = layout == VoxelLayout.VOXEL_MAJOR;
    double[] part = new double[4];
    for (int v = 0; v < voxelCount; v++) {
      long base = voxelMajor ? (long) v * nt : v;
      long stride = voxelMajor ? 1 : voxelCount;
      java.util.Arrays.fill(part, 0);
      for (int q = 0; q < n; q++) {
        part[q & 3] += series[(int) (base + stride * volumes[q])];
      }
      double sum = (part[0] + part[1]) + (part[2] + part[3]);
      int o = v * CHANNELS;
      if (!Double.isFinite(sum)) {
        nonFinite(out, o);
        continue;
      }
      double mean = sum / n;
      java.util.Arrays.fill(part, 0);
      for (int q = 0; q < n; q++) {
        double d = series[(int) (base + stride * volumes[q])] - mean;
        part[q & 3] += d * d;
      }
      finish(out, o, mean, (part[0] + part[1]) + (part[2] + part[3]), n);
    }
  }

  /** All volumes of a voxel-major series: the same arithmetic as the general path, indexed directly. */
  private static void computeContiguous(float[] s, int voxelCount, int n, float[] out) {
    for (int v = 0; v < voxelCount; v++) {
      int b = v * n;
      double s0 = 0;
      double s1 = 0;
      double s2 = 0;
      double s3 = 0;
      int t = 0;
      for (; t + 3 < n; t += 4) {
        s0 += s[b + t];
        s1 += s[b + t + 1];
        s2 += s[b + t + 2];
        s3 += s[b + t + 3];
      }
      if (t < n) {
        s0 += s[b + t];
      }
      if (t + 1 < n) {
        s1 += s[b + t + 1];
      }
      if (t + 2 < n) {
        s2 += s[b + t + 2];
      }
      double sum = (s0 + s1) + (s2 + s3);
      int o = v * CHANNELS;
      if (!Double.isFinite(sum)) {
        nonFinite(out, o);
        continue;
      }
      double mean = sum / n;
      s0 = 0;
      s1 = 0;
      s2 = 0;
      s3 = 0;
      t = 0;
      for (; t + 3 < n; t += 4) {
        double d0 = s[b + t] - mean;
        double d1 = s[b + t + 1] - mean;
        double d2 = s[b + t + 2] - mean;
        double d3 = s[b + t + 3] - mean;
        s0 += d0 * d0;
        s1 += d1 * d1;
        s2 += d2 * d2;
        s3 += d3 * d3;
      }
      if (t < n) {
        double d = s[b + t] - mean;
        s0 += d * d;
      }
      if (t + 1 < n) {
        double d = s[b + t + 1] - mean;
        s1 += d * d;
      }
      if (t + 2 < n) {
        double d = s[b + t + 2] - mean;
        s2 += d * d;
      }
      finish(out, o, mean, (s0 + s1) + (s2 + s3), n);
    }
  }

  /**
   * A non-finite sample makes the sum non-finite (NaN stays NaN, ±∞ stays infinite or becomes NaN;
   * float32 samples cannot overflow a double sum), so the check needs no test per sample.
   */
  private static void nonFinite(float[] out, int o) {
    out[o + CHANNEL_MEAN] = Float.NaN;
    out[o + CHANNEL_SD] = Float.NaN;
    out[o + CHANNEL_TSNR] = Float.NaN;
  }

  private static void finish(float[] out, int o, double mean, double ss, int n) {
    double sd = n > 1 ? Math.sqrt(ss / (n - 1)) : 0.0;
    out[o + CHANNEL_MEAN] = (float) mean;
    out[o + CHANNEL_SD] = (float) sd;
    out[o + CHANNEL_TSNR] = sd > 0 ? (float) (mean / sd) : 0f;
  }

  private static int[] allVolumes(int nt) {
    int[] all = new int[nt];
    for (int t = 0; t < nt; t++) {
      all[t] = t;
    }
    return all;
  }
}
