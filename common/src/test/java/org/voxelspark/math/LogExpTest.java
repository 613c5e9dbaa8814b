package org.voxelspark.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link LogExp} against fdlibm ({@link StrictMath}): within 1 ulp, and the documented fall-backs. */
class LogExpTest {
  private static final int N = 4096;

  private static double ulps(double got, double ref) {
    if (got == ref) {
      return 0;
    }
    return Math.abs(got - ref) / Math.ulp(ref);
  }

  @Test
  void logIsWithinOneUlpInEveryBinade() {
    SplittableRandom rnd = new SplittableRandom(11);
    LogExp f = new LogExp(N);
    double[] x = new double[N];
    double[] out = new double[N];
    double worst = 0;
    for (int binade = -1022; binade <= 1023; binade += 3) {
      for (int i = 0; i < N; i++) {
        x[i] = Math.scalb(1 + rnd.nextDouble(), binade);
      }
      f.log(x, 0, out, 0, N);
      for (int i = 0; i < N; i++) {
        worst = Math.max(worst, ulps(out[i], StrictMath.log(x[i])));
      }
    }
    // near 1 (k = 0, f small) and at the reduction's edges √2/2 and √2, where the formula switches k
    double[] edges = {1, Math.nextUp(1.0), Math.nextDown(1.0), Math.sqrt(0.5), Math.nextUp(Math.sqrt(0.5)),
        Math.nextDown(Math.sqrt(0.5)), Math.sqrt(2), Math.nextUp(Math.sqrt(2)), Math.nextDown(Math.sqrt(2)), 2, 0.5,
        Double.MIN_NORMAL, Double.MAX_VALUE, 1e-4, 1 + 1e-9, 1 - 1e-9};
    f.log(edges, 0, out, 0, edges.length);
    for (int i = 0; i < edges.length; i++) {
      worst = Math.max(worst, ulps(out[i], StrictMath.log(edges[i])));
    }
    assertEquals(0, out[0], "log(1) = 0 exactly");
    for (int i = 0; i < N; i++) {
      x[i] = 1 + rnd.nextDouble(-1e-3, 1e-3);
    }
    f.log(x, 0, out, 0, N);
    for (int i = 0; i < N; i++) {
      worst = Math.max(worst, ulps(out[i], StrictMath.log(x[i])));
    }
    assertTrue(worst <= 1, "max error " + worst + " ulp");
  }

  @Test
  void logFallsBackForArgumentsOutsideTheFastPath() {
    LogExp f = new LogExp(8);
    double[][] cases = {{0.0}, {-0.0}, {-1}, {Double.MIN_VALUE}, {Double.MIN_NORMAL / 2}, {Double.POSITIVE_INFINITY},
        {Double.NEGATIVE_INFINITY}, {Double.NaN}, {Double.longBitsToDouble(0xFFFFFFFFFFFFFFFFL)}};
    for (double[] c : cases) {
      double[] run = {2.0, c[0], 3.0};
      double[] out = new double[3];
      f.log(run, 0, out, 0, 3);
      assertEquals(Math.log(2.0), out[0], 0, "neighbours of " + c[0]);
      assertEquals(Math.log(c[0]), out[1], 0, "log(" + c[0] + ") as Math.log");
      assertEquals(Math.log(3.0), out[2], 0);
    }
  }

  @Test
  void expIsWithinOneUlpAndFallsBackOutsideItsRange() {
    SplittableRandom rnd = new SplittableRandom(12);
    LogExp f = new LogExp(N);
    double[] x = new double[N];
    double[] out = new double[N];
    double worst = 0;
    for (int rep = 0; rep < 50; rep++) {
      for (int i = 0; i < N; i++) {
        x[i] = rep % 2 == 0 ? rnd.nextDouble(LogExp.EXP_MIN, LogExp.EXP_MAX) : rnd.nextDouble(-1, 1);
      }
      f.exp(x, 0, out, 0, N);
      for (int i = 0; i < N; i++) {
        worst = Math.max(worst, ulps(out[i], StrictMath.exp(x[i])));
      }
    }
    double[] edges = {0, -0.0, 1e-300, LogExp.EXP_MIN, LogExp.EXP_MAX, Math.log(2), -Math.log(2), 0.5 * Math.log(2),
        Math.nextDown(LogExp.EXP_MIN), Math.nextUp(LogExp.EXP_MAX), -745.2, -750, 709.78, 710, Double.NaN,
        Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
    f.exp(edges, 0, out, 0, edges.length);
    for (int i = 0; i < edges.length; i++) {
      double ref = StrictMath.exp(edges[i]);
      if (Double.isNaN(ref) || Double.isInfinite(ref) || ref == 0) {
        assertEquals(ref, out[i], 0, "exp(" + edges[i] + ")");
      } else {
        worst = Math.max(worst, ulps(out[i], ref));
      }
    }
    assertEquals(1, out[0], 0, "exp(0) = 1 exactly");
    assertTrue(worst <= 1, "max error " + worst + " ulp");
  }

  @Test
  void offsetsAndInPlace() {
    LogExp f = new LogExp(16);
    double[] x = {9, 9, 1, 2, 4, 8, 9};
    double[] out = new double[10];
    f.log(x, 2, out, 5, 4);
    for (int i = 0; i < 4; i++) {
      assertEquals(StrictMath.log(x[2 + i]), out[5 + i], Math.ulp(out[5 + i]));
    }
    assertEquals(0, out[4], 0, "nothing written before the run");
    f.exp(out, 5, out, 5, 4);
    for (int i = 0; i < 4; i++) {
      assertEquals(x[2 + i], out[5 + i], 4 * Math.ulp(x[2 + i]), "exp(log(x)) = x in place");
    }
    f.log(x, 0, x, 0, 0);
    assertEquals(9, x[0], "empty run");
    assertThrows(IllegalArgumentException.class, () -> f.log(new double[17], 0, new double[17], 0, 17));
  }
}
