package org.voxelspark.reho;

import org.voxelspark.geometry.Box;
import org.voxelspark.kernel.BlockKernel;
import org.voxelspark.signal.Fft;

/**
 * Amplitude of low-frequency fluctuations (ALFF, Zang et al. 2007) and its fraction of the whole
 * spectrum (fALFF, Zou et al. 2008), as DPABI's {@code y_alff_falff.m} computes them.
 *
 * <p><b>Definition</b> (DPABI convention), for a series x of n volumes at repetition time TR:
 * <ol>
 *   <li>remove the least-squares line (linear detrend, which also removes the mean);
 *   <li>zero-pad to N = 2^⌈log2 n⌉ and take the FFT; amplitudes a_k = 2·|X_k| / n;
 *   <li>the band is the bins k = ⌈f_low·N·TR⌉ … ⌊f_high·N·TR⌋ (0-based; frequency of bin k is
 *       k / (N·TR) Hz);
 *   <li>ALFF = mean of a_k over the band; fALFF = Σ_band a_k / Σ_{k=1..N/2} a_k (the DC bin is left
 *       out of the total).
 * </ol>
 * Channels: 0 = ALFF (the series' units), 1 = fALFF (dimensionless, in [0, 1]).
 *
 * <p><b>Edge cases.</b> Voxels outside the mask: 0. A constant series: ALFF 0 and fALFF 0 (no power
 * anywhere). Voxelwise (halo 0): block results equal whole-volume results bit for bit.
 */
public final class AlffKernel implements BlockKernel {
  private static final long serialVersionUID = 1L;
  /** Default band, Hz: the 0.01–0.08 Hz of the resting-state literature (DPABI's default). */
  public static final double DEFAULT_LOW_HZ = 0.01;
  public static final double DEFAULT_HIGH_HZ = 0.08;

  private final double trSeconds;
  private final double lowHz;
  private final double highHz;

  /**
   * @param trSeconds repetition time, s (> 0)
   * @param lowHz lower band edge, Hz (≥ 0)
   * @param highHz upper band edge, Hz (> lowHz, ≤ the Nyquist frequency 1/(2·TR))
   */
  public AlffKernel(double trSeconds, double lowHz, double highHz) {
    if (!(trSeconds > 0) || !(lowHz >= 0) || !(highHz > lowHz) || highHz > 0.5 / trSeconds + 1e-12) {
      throw new IllegalArgumentException("invalid ALFF band " + lowHz + "–" + highHz + " Hz for TR " + trSeconds
          + " s (Nyquist " + 0.5 / trSeconds + " Hz)");
    }
    this.trSeconds = trSeconds;
    this.lowHz = lowHz;
    this.highHz = highHz;
  }

  @Override
  public int halo() {
    return 0;
  }

  @Override
  public int channels() {
    return 2;
  }

  @Override
  public void compute(float[] series, int n, Box halo, Box core, boolean[] mask, float[] out) {
    int padded = Fft.nextPowerOfTwo(n);
    Fft fft = new Fft(padded);
    double[] re = new double[padded];
    double[] im = new double[padded];
    int lo = (int) Math.ceil(lowHz * padded * trSeconds);
    int hi = (int) Math.floor(highHz * padded * trSeconds);
    lo = Math.max(lo, 0);
    hi = Math.min(hi, padded / 2);
    // line fit: t = 0..n-1, centred
    double tMean = (n - 1) / 2.0;
    double tVar = 0;
    for (int t = 0; t < n; t++) {
      tVar += (t - tMean) * (t - tMean);
    }
    for (int k = core.k0(); k < core.k1(); k++) {
      for (int j = core.j0(); j < core.j1(); j++) {
        for (int i = core.i0(); i < core.i1(); i++) {
          int o = core.localIndex(i, j, k) * 2;
          int c = halo.localIndex(i, j, k);
          if (mask != null && !mask[c]) {
            out[o] = 0f;
            out[o + 1] = 0f;
            continue;
          }
          int base = c * n;
          double mean = 0;
          for (int t = 0; t < n; t++) {
            mean += series[base + t];
          }
          mean /= n;
          double cov = 0;
          for (int t = 0; t < n; t++) {
            cov += (t - tMean) * (series[base + t] - mean);
          }
          double slope = tVar > 0 ? cov / tVar : 0;
          for (int t = 0; t < n; t++) {
            re[t] = series[base + t] - mean - slope * (t - tMean);
            im[t] = 0;
          }
          java.util.Arrays.fill(re, n, padded, 0);
          java.util.Arrays.fill(im, n, padded, 0);
          fft.transform(re, im);
          double band = 0;
          double total = 0;
          for (int q = 1; q <= padded / 2; q++) {
            double a = 2 * Math.hypot(re[q], im[q]) / n;
            total += a;
            if (q >= lo && q <= hi) {
              band += a;
            }
          }
          if (lo == 0) {
            band += 2 * Math.hypot(re[0], im[0]) / n;
          }
          int bins = hi - lo + 1;
          out[o] = bins > 0 ? (float) (band / bins) : 0f;
          out[o + 1] = total > 0 ? (float) (band / total) : 0f;
        }
      }
    }
  }

  /** ALFF and fALFF of a whole volume (voxel-major out: 2 values per voxel). */
  public float[] computeVolume(float[] voxelMajorSeries, int n, int nx, int ny, int nz, boolean[] mask) {
    Box whole = Box.of(nx, ny, nz);
    float[] out = new float[whole.voxelCount() * 2];
    compute(voxelMajorSeries, n, whole, whole, mask, out);
    return out;
  }
}
