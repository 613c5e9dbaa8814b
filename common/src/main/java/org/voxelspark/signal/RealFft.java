package org.voxelspark.signal;

/**
 * The FFT of a real series of power-of-two length N by one complex {@link Fft} of length N/2: the
 * even samples as real parts and the odd ones as imaginary parts, z_m = x_{2m} + i·x_{2m+1}, then
 * <pre>
 *   X_k = E_k + e^{−2πik/N}·O_k,   E_k = (Z_k + conj Z_{N/2−k}) / 2,   O_k = (Z_k − conj Z_{N/2−k}) / (2i)
 * </pre>
 * for k = 0 … N/2 (Z indices mod N/2). About half the work of a complex FFT of length N. The sign
 * convention and scaling are {@link Fft}'s (X_k = Σ x_t e^{−2πikt/N}, unscaled). Not thread-safe
 * (scratch arrays); allocation-free per transform.
 */
public final class RealFft {
  private final int n;
  private final Fft half;
  private final double[] cos;
  private final double[] sin;
  private final double[] zr;
  private final double[] zi;

  /** @param n a power of two ≥ 2 */
  public RealFft(int n) {
    if (n < 2 || Integer.bitCount(n) != 1) {
      throw new IllegalArgumentException("real FFT length must be a power of two ≥ 2, got " + n);
    }
    this.n = n;
    half = new Fft(n / 2);
    cos = new double[n / 2 + 1];
    sin = new double[n / 2 + 1];
    for (int k = 0; k <= n / 2; k++) {
      cos[k] = Math.cos(2 * Math.PI * k / n);
      sin[k] = -Math.sin(2 * Math.PI * k / n);
    }
    zr = new double[n / 2];
    zi = new double[n / 2];
  }

  public int length() {
    return n;
  }

  /**
   * Transforms {@code x[from .. from+len)} zero-padded to N samples into {@code re[0..N/2]},
   * {@code im[0..N/2]} (the non-negative frequencies; the others are their conjugates).
   */
  public void transform(double[] x, int from, int len, double[] re, double[] im) {
    if (len > n) {
      throw new IllegalArgumentException(len + " samples for a transform of " + n);
    }
    int m = n / 2;
    for (int j = 0; j < m; j++) {
      int t = 2 * j;
      zr[j] = t < len ? x[from + t] : 0;
      zi[j] = t + 1 < len ? x[from + t + 1] : 0;
    }
    half.transform(zr, zi);
    for (int k = 0; k <= m; k++) {
      int a = k % m;
      int b = (m - k) % m;
      // E = (Z_a + conj Z_b)/2, O = (Z_a − conj Z_b)/(2i)
      double er = 0.5 * (zr[a] + zr[b]);
      double ei = 0.5 * (zi[a] - zi[b]);
      double or = 0.5 * (zi[a] + zi[b]);
      double oi = -0.5 * (zr[a] - zr[b]);
      double wr = cos[k];
      double wi = sin[k];
      re[k] = er + wr * or - wi * oi;
      im[k] = ei + wr * oi + wi * or;
    }
  }
}
