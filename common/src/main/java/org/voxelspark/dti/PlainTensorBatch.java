package org.voxelspark.dti;

import org.voxelspark.linalg.SymmetricEigen3;
import org.voxelspark.math.LogExp;

/**
 * {@link TensorBatch} in plain Java: each pass is a loop over the lanes of one row, which HotSpot's
 * C2 auto-vectorises (JDK 17: double arithmetic, fma, min/max, sqrt, division; not the
 * reinterpretation of bits, so the log and exp run their exponent handling scalar). The loops read
 * and write every array at the same index (C2 does not vectorise a loop whose stores might overlap
 * its loads at another offset), and the fma chains over samples advance four samples per loop (as
 * {@code PackedGemm}'s plain product), so each lane's accumulator is loaded and stored once per four
 * multiply-adds. The Cholesky solve runs as loops over the lanes too; the eigen-decomposition one
 * lane at a time ({@link SymmetricEigen3#decompose}).
 */
final class PlainTensorBatch extends TensorBatch {
  /** Voxels per batch: long rows for C2's vectorised main loops (it leaves short trip counts scalar). */
  static final int LANES = 64;
  private final double[][] q = new double[7][LANES];
  /** Cholesky factor (7×7 row-major, lower triangle), reciprocal pivots, solution, pivot test; per lane. */
  private final double[][] chol = new double[49][];
  private final double[][] inv = new double[7][LANES];
  private final double[][] z = new double[7][LANES];
  private final double[] ok = new double[LANES];

  PlainTensorBatch(TensorModel model) {
    super(model, LANES, LogExp.plainColumns(LANES), SymmetricEigen3.plainBatch());
    for (int a = 0; a < 7; a++) {
      for (int b = 0; b <= a; b++) {
        chol[7 * a + b] = new double[LANES];
      }
    }
  }

  @Override
  String name() {
    return "plain loops (C2 auto-vectorised), " + LANES + " voxels per batch";
  }

  @Override
  int lanes(int count) {
    return count;
  }

  @Override
  void load(float[] series, int[] offsets, int from, int count, int lanes) {
    for (int i = 0; i < n; i++) {
      double[] row = x[i];
      for (int b = 0; b < count; b++) {
        row[b] = series[offsets[from + b] + i];
      }
    }
    if (settings.floor() == TensorModel.SignalFloor.ABSOLUTE) {
      double f = settings.minSignal();
      for (int i = 0; i < n; i++) {
        floorRow(x[i], f, lanes);
      }
    }
  }

  private static void floorRow(double[] row, double f, int lanes) {
    for (int v = 0; v < lanes; v++) {
      row[v] = Math.max(row[v], f);
    }
  }

  @Override
  void floorRelative(int lanes) {
    java.util.Arrays.fill(floor, 0, lanes, Double.NEGATIVE_INFINITY);
    for (int i = 0; i < n; i++) {
      maxRow(x[i], floor, lanes);
    }
    for (int v = 0; v < lanes; v++) {
      nan[v] = !(floor[v] > 0); // NaN included
      floor[v] = 1e-6 * floor[v];
    }
    for (int i = 0; i < n; i++) {
      floorRow(x[i], floor, lanes);
    }
  }

  private static void maxRow(double[] row, double[] max, int lanes) {
    for (int v = 0; v < lanes; v++) {
      max[v] = Math.max(max[v], row[v]);
    }
  }

  private static void floorRow(double[] row, double[] f, int lanes) {
    for (int v = 0; v < lanes; v++) {
      row[v] = Math.max(row[v], f[v]);
    }
  }

  @Override
  void ols(int lanes) {
    double[] pinv = model.pinv();
    for (int c = 0; c < 7; c++) {
      chain(pinv, c * n, 1, y, p[c], lanes);
    }
  }

  /**
   * acc[v] = fma chain over i ascending of a[a0 + i·step]·rows[i][v], from 0: four samples per pass
   * over the lanes.
   */
  private void chain(double[] a, int a0, int step, double[][] rows, double[] acc, int lanes) {
    java.util.Arrays.fill(acc, 0, lanes, 0.0);
    int i = 0;
    for (; i + 3 < n; i += 4) {
      int k = a0 + i * step;
      accumulate4(a[k], a[k + step], a[k + 2 * step], a[k + 3 * step], rows[i], rows[i + 1], rows[i + 2], rows[i + 3], acc, lanes);
    }
    for (; i < n; i++) {
      accumulate1(a[a0 + i * step], rows[i], acc, lanes);
    }
  }

  private static void accumulate4(double a0, double a1, double a2, double a3, double[] t0, double[] t1, double[] t2,
      double[] t3, double[] acc, int lanes) {
    for (int v = 0; v < lanes; v++) {
      acc[v] = Math.fma(a3, t3[v], Math.fma(a2, t2[v], Math.fma(a1, t1[v], Math.fma(a0, t0[v], acc[v]))));
    }
  }

  private static void accumulate1(double a0, double[] t0, double[] acc, int lanes) {
    for (int v = 0; v < lanes; v++) {
      acc[v] = Math.fma(a0, t0[v], acc[v]);
    }
  }

  @Override
  void predict(int lanes) {
    for (int c = 0; c < 7; c++) {
      twice(p[c], q[c], lanes);
    }
    double[] d = model.design();
    for (int i = 0; i < n; i++) {
      int k = 7 * i;
      first4(d[k], d[k + 1], d[k + 2], d[k + 3], q[0], q[1], q[2], q[3], t[i], lanes);
      last3(d[k + 4], d[k + 5], d[k + 6], q[4], q[5], q[6], t[i], lanes);
    }
  }

  private static void twice(double[] p, double[] q, int lanes) {
    for (int v = 0; v < lanes; v++) {
      q[v] = 2 * p[v];
    }
  }

  private static void first4(double d0, double d1, double d2, double d3, double[] q0, double[] q1, double[] q2, double[] q3,
      double[] t, int lanes) {
    for (int v = 0; v < lanes; v++) {
      t[v] = Math.fma(d3, q3[v], Math.fma(d2, q2[v], Math.fma(d1, q1[v], Math.fma(d0, q0[v], 0.0))));
    }
  }

  private static void last3(double d4, double d5, double d6, double[] q4, double[] q5, double[] q6, double[] t, int lanes) {
    for (int v = 0; v < lanes; v++) {
      t[v] = Math.fma(d6, q6[v], Math.fma(d5, q5[v], Math.fma(d4, q4[v], t[v])));
    }
  }

  @Override
  void square(int lanes) {
    for (int i = 0; i < n; i++) {
      product(x[i], x[i], w[i], lanes);
    }
  }

  private static void product(double[] a, double[] b, double[] out, int lanes) {
    for (int v = 0; v < lanes; v++) {
      out[v] = a[v] * b[v];
    }
  }

  @Override
  void normalEquations(int lanes) {
    double[] outer = model.outer();
    for (int k = 0; k < 28; k++) {
      chain(outer, k, 28, w, m[k], lanes);
    }
    for (int i = 0; i < n; i++) {
      product(w[i], y[i], t[i], lanes);
    }
    double[] xs = model.scaledDesign();
    for (int c = 0; c < 7; c++) {
      chain(xs, c, 7, t, r[c], lanes);
    }
  }

  @Override
  void solve(int lanes) {
    java.util.Arrays.fill(ok, 0, lanes, 1);
    for (int a = 0; a < 7; a++) {
      for (int b = 0; b <= a; b++) {
        double[] acc = chol[7 * a + b];
        System.arraycopy(m[packed(b, a)], 0, acc, 0, lanes);
        for (int k = 0; k < b; k++) {
          subtractProduct(chol[7 * a + k], chol[7 * b + k], acc, lanes);
        }
        if (a == b) {
          pivots(acc, m[packed(a, a)], ok, inv[a], lanes);
        } else {
          product(acc, inv[b], acc, lanes);
        }
      }
    }
    double[] inverseScale = model.inverseScale();
    for (int a = 0; a < 7; a++) {
      System.arraycopy(r[a], 0, z[a], 0, lanes);
      for (int b = 0; b < a; b++) {
        subtractProduct(chol[7 * a + b], z[b], z[a], lanes);
      }
      product(z[a], inv[a], z[a], lanes);
    }
    for (int a = 6; a >= 0; a--) {
      for (int b = a + 1; b < 7; b++) {
        subtractProduct(chol[7 * b + a], z[b], z[a], lanes);
      }
      product(z[a], inv[a], z[a], lanes);
      scale(z[a], inverseScale[a], p[a], lanes);
    }
    for (int v = 0; v < lanes; v++) {
      failed[v] = ok[v] == 0;
    }
  }

  /** acc = fma(−a, b, acc) per lane. */
  private static void subtractProduct(double[] a, double[] b, double[] acc, int lanes) {
    for (int v = 0; v < lanes; v++) {
      acc[v] = Math.fma(-a[v], b[v], acc[v]);
    }
  }

  /** The pivot test (ok 0 where it fails), d = √acc in place, inv = 1/d. */
  private static void pivots(double[] acc, double[] diagonal, double[] ok, double[] inv, int lanes) {
    for (int v = 0; v < lanes; v++) {
      if (!(acc[v] > TensorFitter.MIN_RELATIVE_PIVOT * diagonal[v])) {
        ok[v] = 0;
      }
    }
    for (int v = 0; v < lanes; v++) {
      acc[v] = Math.sqrt(acc[v]);
    }
    for (int v = 0; v < lanes; v++) {
      inv[v] = 1 / acc[v];
    }
  }

  private static void scale(double[] a, double f, double[] out, int lanes) {
    for (int v = 0; v < lanes; v++) {
      out[v] = a[v] * f;
    }
  }

  @Override
  void scalars(int lanes) {
    double min = eigenvalueFloor();
    double[] fa = scalars[0];
    double[] md = scalars[1];
    double[] ad = scalars[2];
    double[] rd = scalars[3];
    double[] e1 = scalars[4];
    double[] e2 = scalars[5];
    double[] e3 = scalars[6];
    double[] v1 = values[0];
    double[] v2 = values[1];
    double[] v3 = values[2];
    for (int v = 0; v < lanes; v++) {
      double l1 = Math.max(v1[v], min);
      double l2 = Math.max(v2[v], min);
      double l3 = Math.max(v3[v], min);
      double den = l1 * l1 + l2 * l2 + l3 * l3;
      double num = (l1 - l2) * (l1 - l2) + (l2 - l3) * (l2 - l3) + (l3 - l1) * (l3 - l1);
      fa[v] = den == 0 ? 0 : Math.sqrt(0.5 * num / den);
      md[v] = (l1 + l2 + l3) / 3;
      ad[v] = l1;
      rd[v] = (l2 + l3) / 2;
      e1[v] = l1;
      e2[v] = l2;
      e3[v] = l3;
    }
  }
}
