package org.voxelspark.reho;

import org.voxelspark.geometry.Box;
import org.voxelspark.kernel.BlockKernel;
import org.voxelspark.signal.BandpassFilter;
import org.voxelspark.signal.Detrend;
import org.voxelspark.signal.Fft;
import org.voxelspark.signal.RealFft;
import org.voxelspark.signal.Regressors;

/**
 * Amplitude of low-frequency fluctuations (ALFF, Zang et al. 2007) and its fraction of the whole
 * spectrum (fALFF, Zou et al. 2008), in the {@link AlffConvention} of DPABI or of C-PAC.
 *
 * <p><b>DPABI</b> ({@code y_alff_falff.m}), for a series x of n volumes at repetition time TR:
 * <ol>
 *   <li>remove the least-squares line (linear detrend, which also removes the mean);
 *   <li>zero-pad to N = 2^⌈log2 n⌉ and take the FFT (as a half-length complex FFT, {@link RealFft});
 *       amplitudes a_k = 2·|X_k| / n;
 *   <li>the band is the bins k = ⌈f_low·N·TR⌉ … ⌊f_high·N·TR⌋ (0-based; frequency of bin k is
 *       k / (N·TR) Hz);
 *   <li>ALFF = mean of a_k over the band; fALFF = Σ_band a_k / Σ_{k=1..N/2} a_k (the DC bin is left
 *       out of the total).
 * </ol>
 *
 * <p><b>C-PAC</b> (its ALFF workflow runs AFNI {@code 3dBandpass f_low f_high} and then
 * {@code 3dTstat -stdev} on the filtered and on the unfiltered series):
 * <ol>
 *   <li>remove the least-squares quadratic (1, t, t²);
 *   <li>band-pass with {@link BandpassFilter.Design#AFNI}: FFT of length N = n rounded up to even,
 *       df = 1/(N·TR), bins rint(f_low/df) … rint(f_high/df) (top bin ≤ N/2 − 1), the two edge bins
 *       halved, DC and Nyquist removed; keep the first n samples;
 *   <li>ALFF = SD of the filtered series after removing its least-squares line, with the n − 1
 *       denominator (3dTstat {@code -stdev} detrends linearly first);
 *   <li>fALFF = ALFF / SD of the <em>unfiltered</em> input series, computed the same way (0 when that
 *       SD is 0).
 * </ol>
 * C-PAC's ALFF is a standard deviation: about √(bins/2) times DPABI's mean amplitude for the same
 * data; the two are not interchangeable.
 *
 * <p>Channels: 0 = ALFF (the series' units), 1 = fALFF (dimensionless, in [0, 1]).
 *
 * <p><b>Edge cases.</b> Voxels outside the mask: 0. A constant series: ALFF 0 and fALFF 0 (no power
 * anywhere); in the C-PAC convention also any exactly straight-line series (its detrended SD is 0). Voxelwise (halo 0): block results equal whole-volume results bit for bit. A band too
 * narrow for the series (no DPABI bin; fewer than 3 C-PAC bins, which 3dBandpass refuses) is an
 * {@link IllegalArgumentException} from {@link #checkSeriesLength}.
 */
public final class AlffKernel implements BlockKernel {
  private static final long serialVersionUID = 1L;
  /** Default band, Hz: the 0.01–0.08 Hz of the resting-state literature (DPABI's default). */
  public static final double DEFAULT_LOW_HZ = 0.01;
  public static final double DEFAULT_HIGH_HZ = 0.08;

  private final AlffConvention convention;
  private final double trSeconds;
  private final double lowHz;
  private final double highHz;

  /** The DPABI convention. */
  public AlffKernel(double trSeconds, double lowHz, double highHz) {
    this(AlffConvention.DPABI, trSeconds, lowHz, highHz);
  }

  /**
   * @param convention DPABI or C-PAC
   * @param trSeconds repetition time, s (> 0)
   * @param lowHz lower band edge, Hz (≥ 0)
   * @param highHz upper band edge, Hz (> lowHz, ≤ the Nyquist frequency 1/(2·TR))
   */
  public AlffKernel(AlffConvention convention, double trSeconds, double lowHz, double highHz) {
    if (!(trSeconds > 0) || !(lowHz >= 0) || !(highHz > lowHz) || highHz > 0.5 / trSeconds + 1e-12) {
      throw new IllegalArgumentException("invalid ALFF band " + lowHz + "–" + highHz + " Hz for TR " + trSeconds
          + " s (Nyquist " + 0.5 / trSeconds + " Hz)");
    }
    this.convention = convention;
    this.trSeconds = trSeconds;
    this.lowHz = lowHz;
    this.highHz = highHz;
  }

  public AlffConvention convention() {
    return convention;
  }

  /**
   * Checks that the band holds frequencies of an {@code n}-volume series in this convention.
   *
   * @throws IllegalArgumentException with the reason when it does not
   */
  public void checkSeriesLength(int n) {
    if (convention == AlffConvention.CPAC) {
      BandpassFilter.of(BandpassFilter.Design.AFNI, n, trSeconds, lowHz, highHz);
      return;
    }
    int padded = Fft.nextPowerOfTwo(n);
    int lo = Math.max(0, (int) Math.ceil(lowHz * padded * trSeconds));
    int hi = Math.min(padded / 2, (int) Math.floor(highHz * padded * trSeconds));
    if (hi < lo) {
      throw new IllegalArgumentException("the ALFF band " + lowHz + "–" + highHz + " Hz holds no frequency bin of a "
          + n + "-volume series at TR " + trSeconds + " s (resolution " + 1 / (padded * trSeconds) + " Hz)");
    }
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
    if (convention == AlffConvention.CPAC) {
      computeCpac(series, n, halo, core, mask, out);
    } else {
      computeDpabi(series, n, halo, core, mask, out);
    }
  }

  private void computeDpabi(float[] series, int n, Box halo, Box core, boolean[] mask, float[] out) {
    int padded = Math.max(2, Fft.nextPowerOfTwo(n));
    RealFft fft = new RealFft(padded);
    double[] detrended = new double[n];
    double[] re = new double[padded / 2 + 1];
    double[] im = new double[padded / 2 + 1];
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
            detrended[t] = series[base + t] - mean - slope * (t - tMean);
          }
          fft.transform(detrended, 0, n, re, im);
          double band = 0;
          double total = 0;
          for (int q = 1; q <= padded / 2; q++) {
            double a = 2 * Math.sqrt(re[q] * re[q] + im[q] * im[q]) / n; // no overflow risk: float32 data
            total += a;
            if (q >= lo && q <= hi) {
              band += a;
            }
          }
          if (lo == 0) {
            band += 2 * Math.sqrt(re[0] * re[0] + im[0] * im[0]) / n;
          }
          int bins = hi - lo + 1;
          out[o] = bins > 0 ? (float) (band / bins) : 0f;
          out[o + 1] = total > 0 ? (float) (band / total) : 0f;
        }
      }
    }
  }

  private void computeCpac(float[] series, int n, Box halo, Box core, boolean[] mask, float[] out) {
    BandpassFilter filter = BandpassFilter.of(BandpassFilter.Design.AFNI, n, trSeconds, lowHz, highHz);
    Regressors quadratic = Regressors.of(n, Detrend.QUADRATIC, true, java.util.List.of());
    double[] raw = new double[n];
    double[] detrended = new double[n];
    double[] filtered = new double[n];
    double[] re = new double[filter.scratchLength()];
    double[] im = new double[filter.scratchLength()];
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
          for (int t = 0; t < n; t++) {
            raw[t] = series[base + t];
          }
          quadratic.residual(raw, 0, detrended, 0);
          filter.apply(detrended, 0, filtered, 0, re, im);
          double ssFiltered = linearDetrendedSumOfSquares(filtered, n);
          double ssRaw = linearDetrendedSumOfSquares(raw, n);
          if (ssRaw == 0) { // a straight line (a constant included): nothing fluctuates
            out[o] = 0f;
            out[o + 1] = 0f;
            continue;
          }
          out[o] = (float) Math.sqrt(ssFiltered / (n - 1));
          out[o + 1] = (float) Math.sqrt(ssFiltered / ssRaw);
        }
      }
    }
  }

  /**
   * Σ residual² of {@code x[0..n)} after removing its least-squares line (t = 0..n−1), in closed
   * form: Σ(x − x̄)² − (Σ(t − t̄)(x − x̄))² / Σ(t − t̄)²; never negative.
   */
  static double linearDetrendedSumOfSquares(double[] x, int n) {
    double mean = 0;
    for (int t = 0; t < n; t++) {
      mean += x[t];
    }
    mean /= n;
    double tMean = (n - 1) / 2.0;
    double ss = 0;
    double cross = 0;
    double tt = 0;
    for (int t = 0; t < n; t++) {
      double d = x[t] - mean;
      double u = t - tMean;
      ss += d * d;
      cross += u * d;
      tt += u * u;
    }
    return Math.max(0, tt > 0 ? ss - cross * cross / tt : ss);
  }

  /** ALFF and fALFF of a whole volume (voxel-major out: 2 values per voxel). */
  public float[] computeVolume(float[] voxelMajorSeries, int n, int nx, int ny, int nz, boolean[] mask) {
    Box whole = Box.of(nx, ny, nz);
    float[] out = new float[whole.voxelCount() * 2];
    compute(voxelMajorSeries, n, whole, whole, mask, out);
    return out;
  }
}
