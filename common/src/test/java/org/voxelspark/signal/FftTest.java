package org.voxelspark.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FftTest {
  @Test
  void equalsTheDirectDft() {
    SplittableRandom rnd = new SplittableRandom(5);
    for (int n : new int[] {1, 2, 8, 64, 256}) {
      double[] x = new double[n];
      double[] re = new double[n];
      double[] im = new double[n];
      for (int t = 0; t < n; t++) {
        x[t] = rnd.nextGaussian();
        re[t] = x[t];
      }
      new Fft(n).transform(re, im);
      for (int k = 0; k < n; k++) {
        double sr = 0;
        double si = 0;
        for (int t = 0; t < n; t++) {
          sr += x[t] * Math.cos(2 * Math.PI * k * t / n);
          si -= x[t] * Math.sin(2 * Math.PI * k * t / n);
        }
        assertEquals(sr, re[k], 1e-9 * n, "n " + n + " re " + k);
        assertEquals(si, im[k], 1e-9 * n, "n " + n + " im " + k);
      }
    }
    assertThrows(IllegalArgumentException.class, () -> new Fft(12));
  }
}
