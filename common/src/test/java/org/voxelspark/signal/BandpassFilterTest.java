package org.voxelspark.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * The band-pass designs against their definition computed the slow way (a full complex DFT of length
 * N, the bins multiplied by the design's weights, a full inverse DFT, the first n samples), and on
 * sinusoids whose fate is known: a bin inside the band passes unchanged, one outside is removed, an
 * AFNI edge bin is halved. Tolerance 1e-9 of the signal's scale (double-precision rounding of sums
 * of a few hundred terms).
 */
public class BandpassFilterTest {
  /** The definition: full DFT, weights on bins k and N − k, full inverse, first n samples. */
  public static double[] slowFilter(BandpassFilter f, double[] x) {
    int n = x.length;
    int big = f.fftLength();
    double[] re = new double[big];
    double[] im = new double[big];
    for (int k = 0; k < big; k++) {
      for (int t = 0; t < n; t++) {
        double a = -2 * Math.PI * k * t / big;
        re[k] += x[t] * Math.cos(a);
        im[k] += x[t] * Math.sin(a);
      }
      int mirror = Math.min(k, big - k);
      re[k] *= f.weight(mirror);
      im[k] *= f.weight(mirror);
    }
    double[] out = new double[n];
    for (int t = 0; t < n; t++) {
      double s = 0;
      for (int k = 0; k < big; k++) {
        double a = 2 * Math.PI * k * t / big;
        s += re[k] * Math.cos(a) - im[k] * Math.sin(a);
      }
      out[t] = s / big;
    }
    return out;
  }

  private static double[] apply(BandpassFilter f, double[] x) {
    double[] out = new double[x.length];
    f.apply(x, 0, out, 0, new double[f.scratchLength()], new double[f.scratchLength()]);
    return out;
  }

  @ParameterizedTest(name = "{0} n={1} TR={2} band {3}-{4} Hz")
  @CsvSource({
    "IDEAL, 156, 2.0, 0.01, 0.08",
    "IDEAL, 157, 2.0, 0.01, 0.08",
    "IDEAL, 120, 2.5, 0, 0.2", // DC and the Nyquist bin kept
    "AFNI, 156, 2.0, 0.01, 0.08",
    "AFNI, 157, 2.0, 0.01, 0.08", // odd: one zero of padding
    "AFNI, 200, 0.8, 0, 0.1", // f_low 0: no halved bottom bin
    "AFNI, 64, 1.0, 0.1, 0.9" // top edge above Nyquist: clipped to N/2 − 1
  })
  void equalsTheDefinition(BandpassFilter.Design design, int n, double tr, double low, double high) {
    BandpassFilter f = BandpassFilter.of(design, n, tr, low, high);
    Random rnd = new Random(n);
    double[] x = new double[n];
    for (int t = 0; t < n; t++) {
      x[t] = 100 + 10 * rnd.nextGaussian();
    }
    double[] fast = apply(f, x);
    double[] slow = slowFilter(f, x);
    for (int t = 0; t < n; t++) {
      assertEquals(slow[t], fast[t], 1e-9 * 100, design + " sample " + t);
    }
  }

  @Test
  void binsOfTheDesigns() {
    // 156 volumes at TR 2 s: bin width 1/312 Hz; 0.01 Hz = bin 3.12, 0.08 Hz = bin 24.96
    BandpassFilter ideal = BandpassFilter.of(BandpassFilter.Design.IDEAL, 156, 2, 0.01, 0.08);
    assertEquals(156, ideal.fftLength());
    assertEquals(4, ideal.firstBin(), "⌈3.12⌉");
    assertEquals(24, ideal.lastBin(), "⌊24.96⌋");
    BandpassFilter afni = BandpassFilter.of(BandpassFilter.Design.AFNI, 156, 2, 0.01, 0.08);
    assertEquals(3, afni.firstBin(), "rint(3.12)");
    assertEquals(25, afni.lastBin(), "rint(24.96)");
    assertEquals(0.5, afni.weight(3));
    assertEquals(1.0, afni.weight(4));
    assertEquals(0.5, afni.weight(25));
    assertEquals(0.0, afni.weight(26));
    assertEquals(158, BandpassFilter.of(BandpassFilter.Design.AFNI, 157, 2, 0.01, 0.08).fftLength(), "odd n: one zero appended");
  }

  @Test
  void sinusoidsInsideAreKeptOutsideRemovedAfniEdgesHalved() {
    int n = 200;
    double tr = 2; // bin k = k / 400 Hz
    BandpassFilter ideal = BandpassFilter.of(BandpassFilter.Design.IDEAL, n, tr, 0.01, 0.08); // bins 4..32
    BandpassFilter afni = BandpassFilter.of(BandpassFilter.Design.AFNI, n, tr, 0.01, 0.08); // bins 4..32, 4 and 32 halved
    for (int k : new int[] {2, 4, 12, 32, 40}) {
      double[] x = new double[n];
      for (int t = 0; t < n; t++) {
        x[t] = 3 * Math.cos(2 * Math.PI * k * t / n + 0.4);
      }
      double[] yi = apply(ideal, x);
      double[] ya = apply(afni, x);
      double gainIdeal = k >= 4 && k <= 32 ? 1 : 0;
      double gainAfni = k > 4 && k < 32 ? 1 : k == 4 || k == 32 ? 0.5 : 0;
      for (int t = 0; t < n; t++) {
        assertEquals(gainIdeal * x[t], yi[t], 1e-9, "ideal, bin " + k);
        assertEquals(gainAfni * x[t], ya[t], 1e-9, "AFNI, bin " + k);
      }
    }
  }

  @Test
  void tooNarrowABandIsRefused() {
    // 20 volumes at TR 2 s: bins of 0.025 Hz; 0.01–0.02 Hz holds none (IDEAL); 0.01–0.03 Hz rounds to
    // bins 0..1, fewer than the 3 that 3dBandpass needs
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> BandpassFilter.of(BandpassFilter.Design.IDEAL, 20, 2, 0.01, 0.02));
    assertTrue(e.getMessage().contains("holds no frequency"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> BandpassFilter.of(BandpassFilter.Design.AFNI, 20, 2, 0.01, 0.03));
    assertTrue(e.getMessage().contains("too narrow"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> BandpassFilter.of(BandpassFilter.Design.AFNI, 20, 2, 0.05, 0.01));
  }
}
