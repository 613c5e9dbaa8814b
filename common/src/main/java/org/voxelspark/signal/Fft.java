package org.voxelspark.signal;

/**
 * In-place radix-2 complex FFT of a fixed power-of-two length, with its twiddle factors computed
 * once: {@code X_k = Σ_t x_t·exp(−2πi·k·t/N)} (no scaling, the sign convention of MATLAB's and
 * numpy's {@code fft}). Not thread-safe (holds no per-call state, but callers share its arrays only
 * read-only); allocation-free per transform.
 */
public final class Fft {
  private final int n;
  private final double[] cos;
  private final double[] sin;
  private final int[] bitReverse;

  /** @param n a power of two ≥ 1 */
  public Fft(int n) {
    if (n < 1 || Integer.bitCount(n) != 1) {
      throw new IllegalArgumentException("FFT length must be a power of two, got " + n);
    }
    this.n = n;
    cos = new double[n / 2 + 1];
    sin = new double[n / 2 + 1];
    for (int k = 0; k <= n / 2; k++) {
      cos[k] = Math.cos(2 * Math.PI * k / n);
      sin[k] = -Math.sin(2 * Math.PI * k / n);
    }
    bitReverse = new int[n];
    int bits = Integer.numberOfTrailingZeros(n);
    for (int i = 0; i < n; i++) {
      bitReverse[i] = bits == 0 ? 0 : Integer.reverse(i) >>> (32 - bits);
    }
  }

  /** The smallest power of two ≥ {@code m} (MATLAB's {@code 2^nextpow2(m)}). */
  public static int nextPowerOfTwo(int m) {
    int p = 1;
    while (p < m) {
      p <<= 1;
    }
    return p;
  }

  public int length() {
    return n;
  }

  /** Transforms {@code re + i·im} (each of length n) in place. */
  public void transform(double[] re, double[] im) {
    for (int i = 0; i < n; i++) {
      int j = bitReverse[i];
      if (j > i) {
        double t = re[i];
        re[i] = re[j];
        re[j] = t;
        t = im[i];
        im[i] = im[j];
        im[j] = t;
      }
    }
    for (int size = 2; size <= n; size <<= 1) {
      int half = size / 2;
      int step = n / size;
      for (int start = 0; start < n; start += size) {
        for (int k = 0; k < half; k++) {
          double wr = cos[k * step];
          double wi = sin[k * step];
          int a = start + k;
          int b = a + half;
          double xr = re[b] * wr - im[b] * wi;
          double xi = re[b] * wi + im[b] * wr;
          re[b] = re[a] - xr;
          im[b] = im[a] - xi;
          re[a] += xr;
          im[a] += xi;
        }
      }
    }
  }
}
