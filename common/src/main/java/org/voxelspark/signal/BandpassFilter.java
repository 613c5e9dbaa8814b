package org.voxelspark.signal;

import java.io.Serializable;

/**
 * FFT band-pass filters of a real series of n samples at repetition time TR, in the two designs
 * resting-state tools use. Both zero the Fourier coefficients outside a pass-band and transform
 * back; they differ in the FFT length, how the band edges become bins, and the edge bins.
 *
 * <table>
 *   <caption>designs</caption>
 *   <tr><th></th><th>{@link Design#IDEAL}</th><th>{@link Design#AFNI}</th></tr>
 *   <tr><td>FFT length N</td><td>n (no padding)</td><td>n rounded up to even (one zero appended to an
 *       odd series), as AFNI's {@code 3dBandpass} with its FFTN library</td></tr>
 *   <tr><td>bins kept (0-based k, frequency k/(N·TR) Hz)</td><td>every k with
 *       f_low ≤ k/(N·TR) ≤ f_high: k = ⌈f_low·N·TR⌉ … ⌊f_high·N·TR⌋</td><td>k = rint(f_low/df) …
 *       rint(f_high/df), df = 1/(N·TR) in float32 as AFNI computes it, the top bin at most
 *       N/2 − 1</td></tr>
 *   <tr><td>edge bins</td><td>kept whole</td><td>the lowest (if ≥ 1) and the highest bin halved</td></tr>
 *   <tr><td>DC (k = 0)</td><td>kept only when f_low = 0</td><td>always removed</td></tr>
 *   <tr><td>Nyquist (k = N/2)</td><td>kept when in the band</td><td>always removed</td></tr>
 * </table>
 * Each kept bin k is used with its mirror N − k, so the output is real. The output is the first n
 * samples of the inverse transform. 3dBandpass also removes a quadratic trend before filtering; that
 * is a separate step here ({@link Detrend#QUADRATIC}), which the callers that mimic 3dBandpass apply.
 *
 * <p><b>Algorithm.</b> Only the pass-band's B bins are needed, so the filter is computed as B
 * Fourier sums of the series and B inverse sums — about 4·B·n multiply-adds a series (B ≈ 20 for
 * 0.01–0.08 Hz at TR 2 s and 156 volumes), with the cosines and sines tabulated once per filter.
 * This is exact (no approximation), works for any n (no power-of-two restriction) and is cheaper than
 * two full FFTs when B is small.
 *
 * <p><b>Validation.</b> {@link Design#IDEAL}, after a linear detrend, reproduces the reference
 * data's {@code func/studyforrest_crop/bold_filt_float32} (0.01–0.08 Hz, mean added back) to its
 * float32 rounding; {@link Design#AFNI}, after a quadratic detrend, gives C-PAC's ALFF (3dBandpass
 * then 3dTstat) to 3.7e-6 relative (see {@code docs/validation.md}).
 *
 * <p>Immutable and thread-safe; {@link #apply} allocates nothing.
 */
public final class BandpassFilter implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The filter designs (see the class doc). */
  public enum Design {
    /** Ideal filter at the series' own length, band edges inclusive, nothing halved. */
    IDEAL,
    /** AFNI {@code 3dBandpass}'s filter: even FFT length, rounded edge bins halved, DC and Nyquist removed. */
    AFNI
  }

  private final Design design;
  private final int n;
  private final int fftLength;
  private final int firstBin;
  private final int lastBin;
  /** Per kept bin b and sample t: cos and sin of 2π·k·t/N, t < n. */
  private final double[][] cos;
  private final double[][] sin;
  /** Per kept bin: weight × (1 or 2)/N of the inverse sum (2 for a bin used with its mirror). */
  private final double[] inverseScale;

  private BandpassFilter(Design design, int n, int fftLength, int firstBin, int lastBin, double[] weights) {
    this.design = design;
    this.n = n;
    this.fftLength = fftLength;
    this.firstBin = firstBin;
    this.lastBin = lastBin;
    int bins = lastBin - firstBin + 1;
    cos = new double[bins][n];
    sin = new double[bins][n];
    inverseScale = new double[bins];
    for (int b = 0; b < bins; b++) {
      int k = firstBin + b;
      for (int t = 0; t < n; t++) {
        double angle = 2 * Math.PI * (((long) k * t) % fftLength) / fftLength;
        cos[b][t] = Math.cos(angle);
        sin[b][t] = Math.sin(angle);
      }
      boolean selfMirrored = k == 0 || 2 * k == fftLength;
      inverseScale[b] = weights[b] * (selfMirrored ? 1.0 : 2.0) / fftLength;
    }
  }

  /**
   * The filter of {@code design} for series of {@code n} samples.
   *
   * @param trSeconds repetition time, s (> 0)
   * @param lowHz lower band edge, Hz (≥ 0)
   * @param highHz upper band edge, Hz (> lowHz)
   * @throws IllegalArgumentException when the band holds no bin of this series (too short a series,
   *     or a band narrower than the frequency resolution 1/(N·TR)), with a message saying so
   */
  public static BandpassFilter of(Design design, int n, double trSeconds, double lowHz, double highHz) {
    if (n < 2 || !(trSeconds > 0) || !(lowHz >= 0) || !(highHz > lowHz)) {
      throw new IllegalArgumentException("invalid band-pass: " + n + " samples, TR " + trSeconds + " s, band " + lowHz
          + "–" + highHz + " Hz");
    }
    return switch (design) {
      case IDEAL -> ideal(n, trSeconds, lowHz, highHz);
      case AFNI -> afni(n, trSeconds, lowHz, highHz);
    };
  }

  private static BandpassFilter ideal(int n, double tr, double lowHz, double highHz) {
    int first = (int) Math.ceil(lowHz * n * tr);
    int last = (int) Math.min(Math.floor(highHz * n * tr), n / 2);
    if (last < first) {
      throw new IllegalArgumentException("the band " + lowHz + "–" + highHz + " Hz holds no frequency of a " + n
          + "-volume series at TR " + tr + " s (resolution " + 1 / (n * tr) + " Hz)");
    }
    double[] w = new double[last - first + 1];
    java.util.Arrays.fill(w, 1.0);
    return new BandpassFilter(Design.IDEAL, n, n, first, last, w);
  }

  private static BandpassFilter afni(int n, double tr, double lowHz, double highHz) {
    int nfft = n + (n & 1);
    int half = nfft / 2;
    float df = 1.0f / (nfft * (float) tr);
    int jbot = (int) Math.rint((float) lowHz / df);
    int jtop = (int) Math.rint((float) highHz / df);
    if (jtop >= half) {
      jtop = half - 1;
    }
    if (jbot + 1 >= jtop) {
      // 3dBandpass refuses the same case ("fbot and ftop too close")
      throw new IllegalArgumentException("the band " + lowHz + "–" + highHz + " Hz is too narrow for a " + n
          + "-volume series at TR " + tr + " s: 3dBandpass needs at least 3 frequency bins (bins " + jbot + ".." + jtop
          + " of width " + df + " Hz)");
    }
    int first = Math.max(jbot, 1); // DC is always removed
    double[] w = new double[jtop - first + 1];
    java.util.Arrays.fill(w, 1.0);
    if (jbot >= 1) {
      w[0] = 0.5;
    }
    w[w.length - 1] = 0.5;
    return new BandpassFilter(Design.AFNI, n, nfft, first, jtop, w);
  }

  public Design design() {
    return design;
  }

  /** Samples per series. */
  public int length() {
    return n;
  }

  /** The FFT length N the bins refer to. */
  public int fftLength() {
    return fftLength;
  }

  /** The lowest kept bin (frequency firstBin / (N·TR) Hz). */
  public int firstBin() {
    return firstBin;
  }

  /** The highest kept bin. */
  public int lastBin() {
    return lastBin;
  }

  /** The weight of bin {@code k} in the pass-band (0 outside it, 0.5 for AFNI's edge bins). */
  public double weight(int k) {
    if (k < firstBin || k > lastBin) {
      return 0;
    }
    boolean selfMirrored = k == 0 || 2 * k == fftLength;
    return inverseScale[k - firstBin] * fftLength / (selfMirrored ? 1.0 : 2.0);
  }

  /**
   * Filters {@code x[from .. from+n)} into {@code out[to .. to+n)} ({@code out} may be {@code x}
   * only if the ranges do not overlap).
   *
   * @param re scratch of at least {@code lastBin − firstBin + 1} values; likewise {@code im}
   */
  public void apply(double[] x, int from, double[] out, int to, double[] re, double[] im) {
    int bins = lastBin - firstBin + 1;
    for (int b = 0; b < bins; b++) {
      double[] c = cos[b];
      double[] s = sin[b];
      double sr = 0;
      double si = 0;
      for (int t = 0; t < n; t++) {
        double v = x[from + t];
        sr += v * c[t];
        si += v * s[t];
      }
      // X_k = Σ x_t·e^{−iθ} = sr − i·si; the kept coefficient, scaled for the inverse
      re[b] = sr * inverseScale[b];
      im[b] = -si * inverseScale[b];
    }
    for (int t = 0; t < n; t++) {
      out[to + t] = 0;
    }
    for (int b = 0; b < bins; b++) {
      double[] c = cos[b];
      double[] s = sin[b];
      double a = re[b];
      double d = im[b];
      // Re(X_k·e^{+iθ}) = Re·cos − Im·sin
      for (int t = 0; t < n; t++) {
        out[to + t] += a * c[t] - d * s[t];
      }
    }
  }

  /** Scratch length {@link #apply} needs for {@code re} and {@code im}. */
  public int scratchLength() {
    return lastBin - firstBin + 1;
  }
}
