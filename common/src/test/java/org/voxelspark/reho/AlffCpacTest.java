package org.voxelspark.reho;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The C-PAC convention on synthetic series: it equals its definition spelled out step by step (a
 * least-squares quadratic fit removed, AFNI's filter as a full DFT, 3dTstat's detrended SD), ignores
 * an added quadratic, scales with the amplitude, and gives the SD of an in-band sinusoid.
 */
class AlffCpacTest {
  private static final double TR = 2;

  private static float[] cpac(float[] x, double low, double high) {
    return new AlffKernel(AlffConvention.CPAC, TR, low, high).computeVolume(x, x.length, 1, 1, 1, null);
  }

  /** The definition, independently: normal equations for the quadratic, the slow DFT filter, SD after a line fit. */
  private static double[] definition(float[] x, double low, double high) {
    int n = x.length;
    double[][] a = new double[3][4];
    for (int t = 0; t < n; t++) {
      double[] row = {1, t, (double) t * t};
      for (int r = 0; r < 3; r++) {
        for (int c = 0; c < 3; c++) {
          a[r][c] += row[r] * row[c];
        }
        a[r][3] += row[r] * x[t];
      }
    }
    double[] beta = solve3(a);
    double[] r = new double[n];
    for (int t = 0; t < n; t++) {
      r[t] = x[t] - beta[0] - beta[1] * t - beta[2] * t * t;
    }
    double[] f = org.voxelspark.signal.BandpassFilterTest.slowFilter(
        org.voxelspark.signal.BandpassFilter.of(org.voxelspark.signal.BandpassFilter.Design.AFNI, n, TR, low, high), r);
    double[] raw = new double[n];
    for (int t = 0; t < n; t++) {
      raw[t] = x[t];
    }
    double sdF = Math.sqrt(lineResidualSs(f) / (n - 1));
    double sdRaw = Math.sqrt(lineResidualSs(raw) / (n - 1));
    return new double[] {sdF, sdF / sdRaw};
  }

  private static double lineResidualSs(double[] y) {
    int n = y.length;
    double st = 0;
    double sy = 0;
    double stt = 0;
    double sty = 0;
    for (int t = 0; t < n; t++) {
      st += t;
      sy += y[t];
      stt += (double) t * t;
      sty += t * y[t];
    }
    double slope = (n * sty - st * sy) / (n * stt - st * st);
    double icept = (sy - slope * st) / n;
    double ss = 0;
    for (int t = 0; t < n; t++) {
      double e = y[t] - icept - slope * t;
      ss += e * e;
    }
    return ss;
  }

  private static double[] solve3(double[][] a) {
    for (int p = 0; p < 3; p++) {
      for (int r = p + 1; r < 3; r++) {
        double m = a[r][p] / a[p][p];
        for (int c = p; c < 4; c++) {
          a[r][c] -= m * a[p][c];
        }
      }
    }
    double[] x = new double[3];
    for (int r = 2; r >= 0; r--) {
      double s = a[r][3];
      for (int c = r + 1; c < 3; c++) {
        s -= a[r][c] * x[c];
      }
      x[r] = s / a[r][r];
    }
    return x;
  }

  private static float[] noise(int n, long seed) {
    Random rnd = new Random(seed);
    float[] x = new float[n];
    for (int t = 0; t < n; t++) {
      x[t] = (float) (50 + 3 * rnd.nextGaussian());
    }
    return x;
  }

  @Test
  void equalsItsDefinitionForEvenAndOddLengths() {
    for (int n : new int[] {156, 157, 200}) {
      float[] x = noise(n, n);
      float[] ours = cpac(x, 0.01, 0.1);
      double[] def = definition(x, 0.01, 0.1);
      assertEquals(def[0], ours[0], 1e-6 * def[0], "ALFF, n = " + n);
      assertEquals(def[1], ours[1], 1e-6 * def[1], "fALFF, n = " + n);
    }
  }

  @Test
  void knownSinusoidAndInvariances() {
    int n = 200; // bin k = k/400 Hz; band 0.01–0.08 Hz = bins 4..32
    float[] sine = new float[n];
    float[] plusQuadratic = new float[n];
    float[] doubled = new float[n];
    for (int t = 0; t < n; t++) {
      double s = 3 * Math.sin(2 * Math.PI * 12 * t / n);
      sine[t] = (float) s;
      plusQuadratic[t] = (float) (s + 400 - 0.5 * t + 0.01 * t * t);
      doubled[t] = (float) (2 * s);
    }
    float[] a = cpac(sine, 0.01, 0.08);
    // the SD of a sinusoid of amplitude 3 is 3/√2·√(n/(n−1)); the quadratic detrend takes a sliver
    assertEquals(3 / Math.sqrt(2) * Math.sqrt(n / (n - 1.0)), a[0], 0.01 * a[0], "ALFF = SD of the in-band sinusoid");
    assertEquals(1, a[1], 0.01, "fALFF of a purely in-band series ≈ 1");
    float[] b = cpac(plusQuadratic, 0.01, 0.08);
    assertEquals(a[0], b[0], 1e-4 * a[0], "ALFF ignores an added quadratic (3dBandpass removes it)");
    float[] c = cpac(doubled, 0.01, 0.08);
    assertEquals(2 * a[0], c[0], 1e-5 * a[0], "ALFF scales with the amplitude");
    assertEquals(a[1], c[1], 1e-6, "fALFF does not");
    float[] outOfBand = new float[n];
    for (int t = 0; t < n; t++) {
      outOfBand[t] = (float) (3 * Math.sin(2 * Math.PI * 80 * t / n));
    }
    assertTrue(cpac(outOfBand, 0.01, 0.08)[1] < 0.01, "an out-of-band sinusoid has fALFF ≈ 0");
    float[] constant = new float[n];
    java.util.Arrays.fill(constant, 7);
    float[] z = cpac(constant, 0.01, 0.08);
    assertEquals(0f, z[0]);
    assertEquals(0f, z[1]);
  }

  @Test
  void aBandTooNarrowForTheSeriesIsRefused() {
    AlffKernel k = new AlffKernel(AlffConvention.CPAC, TR, 0.01, 0.03);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> k.checkSeriesLength(20));
    assertTrue(e.getMessage().contains("too narrow"), e.getMessage());
    k.checkSeriesLength(156);
    assertThrows(IllegalArgumentException.class, () -> new AlffKernel(AlffConvention.DPABI, TR, 0.01, 0.012).checkSeriesLength(12));
  }
}
