package org.voxelspark.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The half-length real FFT equals the complex FFT of the zero-padded real series (to 1e-10 of its scale). */
class RealFftTest {
  @Test
  void equalsTheComplexTransform() {
    Random rnd = new Random(2);
    for (int n : new int[] {2, 4, 8, 64, 256}) {
      for (int len : new int[] {n, Math.max(1, n * 5 / 8), 1}) {
        double[] x = new double[len];
        for (int t = 0; t < len; t++) {
          x[t] = 100 * rnd.nextGaussian();
        }
        double[] cr = new double[n];
        double[] ci = new double[n];
        System.arraycopy(x, 0, cr, 0, len);
        new Fft(n).transform(cr, ci);
        double[] re = new double[n / 2 + 1];
        double[] im = new double[n / 2 + 1];
        new RealFft(n).transform(x, 0, len, re, im);
        for (int k = 0; k <= n / 2; k++) {
          assertEquals(cr[k], re[k], 1e-10 * 100 * n, "re, n " + n + " len " + len + " k " + k);
          assertEquals(ci[k], im[k], 1e-10 * 100 * n, "im, n " + n + " len " + len + " k " + k);
        }
      }
    }
  }
}
