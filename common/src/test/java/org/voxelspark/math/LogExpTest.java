package org.voxelspark.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link LogExp} against fdlibm ({@link StrictMath}): within 1 ulp, and the documented fall-backs;
 * its column forms ({@link LogExp.Columns}, plain and Vector API) against the run form, bit for bit.
 * The tests run with {@code --add-modules jdk.incubator.vector} (common/pom.xml), so the Vector API
 * form must load.
 */
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

  /** Columns of mixed magnitudes; some columns hold one argument outside the fast path of log. */
  private static double[][] columns(SplittableRandom rnd, int rows, int lanes, double[] outside) {
    double[][] x = new double[rows][lanes];
    for (int i = 0; i < rows; i++) {
      for (int v = 0; v < lanes; v++) {
        x[i][v] = Math.scalb(1 + rnd.nextDouble(), rnd.nextInt(-1022, 1024));
      }
    }
    for (int k = 0; k < outside.length; k++) {
      x[rnd.nextInt(rows)][(3 * k + 1) % lanes] = outside[k];
    }
    return x;
  }

  private static double[] column(double[][] x, int v) {
    double[] c = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      c[i] = x[i][v];
    }
    return c;
  }

  @Test
  void columnLogIsTheRunLogOfEachColumnBitForBit() {
    LogExp.Columns vector = LogExp.vectorColumns(64);
    assertNotNull(vector, "the tests run with jdk.incubator.vector: the Vector API columns must load");
    SplittableRandom rnd = new SplittableRandom(13);
    double[] outside = {0.0, -0.0, -1, Double.MIN_VALUE, Double.MIN_NORMAL / 2, Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY, Double.NaN};
    int lanes = 64;
    int rows = 69;
    LogExp run = new LogExp(rows);
    for (LogExp.Columns c : new LogExp.Columns[] {LogExp.plainColumns(lanes), vector}) {
      for (int rep = 0; rep < 4; rep++) {
        double[][] x = columns(rnd, rows, lanes, rep == 0 ? new double[0] : outside);
        double[][] out = new double[rows][lanes];
        boolean[] slow = new boolean[lanes];
        c.log(x, out, rows, lanes, slow);
        int slowLanes = 0;
        for (int v = 0; v < lanes; v++) {
          double[] ref = new double[rows];
          boolean fast = run.log(column(x, v), 0, ref, 0, rows);
          assertEquals(!fast, slow[v], c.name() + ": lane " + v + " slow");
          slowLanes += slow[v] ? 1 : 0;
          for (int i = 0; i < rows; i++) {
            assertEquals(Double.doubleToLongBits(ref[i]), Double.doubleToLongBits(out[i][v]),
                c.name() + ": ln " + x[i][v] + " at row " + i + ", lane " + v);
          }
        }
        assertEquals(rep == 0 ? 0 : outside.length, slowLanes, c.name() + ": lanes with an argument outside the fast path");
      }
    }
    assertThrows(IllegalArgumentException.class, () -> vector.log(new double[1][64], new double[1][64], 1, 64 - 1, new boolean[64]),
        "the Vector API columns take whole vectors");
  }

  @Test
  void columnExpIsTheRunExpOfEachElementBitForBit() {
    LogExp.Columns vector = LogExp.vectorColumns(32);
    assertNotNull(vector, "the tests run with jdk.incubator.vector: the Vector API columns must load");
    SplittableRandom rnd = new SplittableRandom(14);
    double[] special = {0, -0.0, 1e-300, LogExp.EXP_MIN, LogExp.EXP_MAX, Math.nextDown(LogExp.EXP_MIN), Math.nextUp(LogExp.EXP_MAX),
        -745.2, -750, 709.78, 710, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.5 * Math.log(2),
        -0.5 * Math.log(2), 1.5 * Math.log(2), Math.log(2) * 0.5000000000000001};
    int lanes = 32;
    int rows = 40;
    LogExp run = new LogExp(lanes);
    for (LogExp.Columns c : new LogExp.Columns[] {LogExp.plainColumns(lanes), vector}) {
      double[][] x = new double[rows][lanes];
      for (int i = 0; i < rows; i++) {
        for (int v = 0; v < lanes; v++) {
          x[i][v] = i % 3 == 0 ? rnd.nextDouble(-800, 800) : i % 3 == 1 ? rnd.nextDouble(-1, 1) : rnd.nextDouble(-30, 0);
        }
      }
      for (int k = 0; k < special.length; k++) {
        x[k][(5 * k) % lanes] = special[k];
      }
      double[][] out = new double[rows][lanes];
      c.exp(x, out, rows, lanes);
      double[] ref = new double[lanes];
      for (int i = 0; i < rows; i++) {
        run.exp(x[i], 0, ref, 0, lanes);
        for (int v = 0; v < lanes; v++) {
          assertEquals(Double.doubleToLongBits(ref[v]), Double.doubleToLongBits(out[i][v]), c.name() + ": exp " + x[i][v]);
        }
      }
      c.exp(x, x, rows, lanes); // in place
      for (int i = 0; i < rows; i++) {
        for (int v = 0; v < lanes; v++) {
          assertEquals(Double.doubleToLongBits(out[i][v]), Double.doubleToLongBits(x[i][v]), c.name() + ": in place");
        }
      }
    }
  }
}
