package org.voxelspark.dti;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.voxelspark.linalg.SymmetricEigen3;
import org.voxelspark.math.LogExp;

/**
 * {@link TensorBatch} with the JDK's (incubating) Vector API: one vector holds the same sample (or
 * parameter) of {@code L} voxels, so each pass performs the contract's scalar operations for L
 * voxels per instruction, in the same order, with accumulators in registers (C2 does not vectorise
 * these multi-accumulator loops by itself). Batches are padded to whole vectors with copies of the
 * first voxel; the padding's results are discarded.
 *
 * <p>Each pass is its own method reading and writing the batch's rows, so no vector crosses a call
 * boundary (C2 would box it). Loaded only when the module {@code jdk.incubator.vector} is present;
 * see {@link TensorFitter}.
 */
final class VectorTensorBatch extends TensorBatch {
  private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  /** Floats of L lanes, converted to doubles on load. */
  private static final VectorSpecies<Float> SF = VectorSpecies.of(float.class, VectorShape.forBitSize(S.vectorBitSize() / 2));
  /** Vectors per batch. */
  static final int GROUPS = 2;
  private final int[] index;
  /** Cholesky factor (7×7 row-major, lower triangle), reciprocal pivots, solution; capacity lanes each. */
  private final double[][] chol = new double[49][];
  private final double[][] inv = new double[7][];
  private final double[][] z = new double[7][];
  private final double[] ok;

  VectorTensorBatch(TensorModel model) {
    super(model, GROUPS * L, vectorColumns(GROUPS * L), SymmetricEigen3.vectorBatch());
    index = new int[capacity];
    for (int a = 0; a < 7; a++) {
      for (int b = 0; b <= a; b++) {
        chol[7 * a + b] = new double[capacity];
      }
      inv[a] = new double[capacity];
      z[a] = new double[capacity];
    }
    ok = new double[capacity];
  }

  private static LogExp.Columns vectorColumns(int capacity) {
    LogExp.Columns c = LogExp.vectorColumns(capacity);
    if (c == null || c.granularity() != L) {
      throw new IllegalStateException("the Vector API log/exp is unavailable beside the Vector API tensor fit");
    }
    return c;
  }

  @Override
  String name() {
    return "Vector API, " + S.vectorBitSize() + "-bit, " + capacity + " voxels per batch";
  }

  @Override
  int lanes(int count) {
    return (count + L - 1) / L * L;
  }

  @Override
  void load(float[] series, int[] offsets, int from, int count, int lanes) {
    for (int b = 0; b < lanes; b++) {
      index[b] = offsets[from + (b < count ? b : 0)];
    }
    boolean absolute = settings.floor() == TensorModel.SignalFloor.ABSOLUTE;
    double f = absolute ? settings.minSignal() : Double.NEGATIVE_INFINITY; // max(x, −∞) = x, NaN kept
    for (int g = 0; g < lanes; g += L) {
      loadGroup(series, g, f);
    }
  }

  private void loadGroup(float[] series, int g, double f) {
    DoubleVector fl = DoubleVector.broadcast(S, f);
    for (int i = 0; i < n; i++) {
      DoubleVector v = (DoubleVector) FloatVector.fromArray(SF, series, i, index, g).convertShape(VectorOperators.F2D, S, 0);
      v.max(fl).intoArray(x[i], g);
    }
  }

  @Override
  void floorRelative(int lanes) {
    for (int g = 0; g < lanes; g += L) {
      DoubleVector max = DoubleVector.broadcast(S, Double.NEGATIVE_INFINITY);
      for (int i = 0; i < n; i++) {
        max = DoubleVector.fromArray(S, x[i], g).max(max); // loop-carried vector as the argument (see VectorLogExp)
      }
      DoubleVector f = max.mul(1e-6);
      f.intoArray(floor, g);
      for (int i = 0; i < n; i++) {
        DoubleVector.fromArray(S, x[i], g).max(f).intoArray(x[i], g);
      }
      DoubleVector.zero(S).blend(1, max.compare(VectorOperators.GT, 0).not()).intoArray(ok, g);
    }
    for (int v = 0; v < lanes; v++) {
      nan[v] = ok[v] != 0;
    }
  }

  @Override
  void ols(int lanes) {
    double[] pinv = model.pinv();
    for (int g = 0; g < lanes; g += L) {
      DoubleVector a0 = DoubleVector.zero(S);
      DoubleVector a1 = a0;
      DoubleVector a2 = a0;
      DoubleVector a3 = a0;
      DoubleVector a4 = a0;
      DoubleVector a5 = a0;
      DoubleVector a6 = a0;
      for (int i = 0; i < n; i++) {
        DoubleVector yi = DoubleVector.fromArray(S, y[i], g);
        a0 = DoubleVector.broadcast(S, pinv[i]).fma(yi, a0);
        a1 = DoubleVector.broadcast(S, pinv[n + i]).fma(yi, a1);
        a2 = DoubleVector.broadcast(S, pinv[2 * n + i]).fma(yi, a2);
        a3 = DoubleVector.broadcast(S, pinv[3 * n + i]).fma(yi, a3);
        a4 = DoubleVector.broadcast(S, pinv[4 * n + i]).fma(yi, a4);
        a5 = DoubleVector.broadcast(S, pinv[5 * n + i]).fma(yi, a5);
        a6 = DoubleVector.broadcast(S, pinv[6 * n + i]).fma(yi, a6);
      }
      a0.intoArray(p[0], g);
      a1.intoArray(p[1], g);
      a2.intoArray(p[2], g);
      a3.intoArray(p[3], g);
      a4.intoArray(p[4], g);
      a5.intoArray(p[5], g);
      a6.intoArray(p[6], g);
    }
  }

  @Override
  void predict(int lanes) {
    double[] d = model.design();
    for (int g = 0; g < lanes; g += L) {
      DoubleVector q0 = DoubleVector.fromArray(S, p[0], g).mul(2);
      DoubleVector q1 = DoubleVector.fromArray(S, p[1], g).mul(2);
      DoubleVector q2 = DoubleVector.fromArray(S, p[2], g).mul(2);
      DoubleVector q3 = DoubleVector.fromArray(S, p[3], g).mul(2);
      DoubleVector q4 = DoubleVector.fromArray(S, p[4], g).mul(2);
      DoubleVector q5 = DoubleVector.fromArray(S, p[5], g).mul(2);
      DoubleVector q6 = DoubleVector.fromArray(S, p[6], g).mul(2);
      DoubleVector zero = DoubleVector.zero(S);
      for (int i = 0; i < n; i++) {
        int k = 7 * i;
        DoubleVector acc = DoubleVector.broadcast(S, d[k]).fma(q0, zero);
        acc = DoubleVector.broadcast(S, d[k + 1]).fma(q1, acc);
        acc = DoubleVector.broadcast(S, d[k + 2]).fma(q2, acc);
        acc = DoubleVector.broadcast(S, d[k + 3]).fma(q3, acc);
        acc = DoubleVector.broadcast(S, d[k + 4]).fma(q4, acc);
        acc = DoubleVector.broadcast(S, d[k + 5]).fma(q5, acc);
        acc = DoubleVector.broadcast(S, d[k + 6]).fma(q6, acc);
        acc.intoArray(t[i], g);
      }
    }
  }

  @Override
  void square(int lanes) {
    for (int g = 0; g < lanes; g += L) {
      for (int i = 0; i < n; i++) {
        DoubleVector v = DoubleVector.fromArray(S, x[i], g);
        v.mul(v).intoArray(w[i], g);
      }
    }
  }

  @Override
  void normalEquations(int lanes) {
    double[] outer = model.outer();
    double[] xs = model.scaledDesign();
    for (int g = 0; g < lanes; g += L) {
      normalHalf(outer, 0, g);
      normalHalf(outer, 14, g);
      rightHandSide(xs, g);
    }
  }

  /** m_q for q = half .. half+13: 14 accumulators. */
  private void normalHalf(double[] outer, int half, int g) {
    DoubleVector s0 = DoubleVector.zero(S);
    DoubleVector s1 = s0;
    DoubleVector s2 = s0;
    DoubleVector s3 = s0;
    DoubleVector s4 = s0;
    DoubleVector s5 = s0;
    DoubleVector s6 = s0;
    DoubleVector s7 = s0;
    DoubleVector s8 = s0;
    DoubleVector s9 = s0;
    DoubleVector s10 = s0;
    DoubleVector s11 = s0;
    DoubleVector s12 = s0;
    DoubleVector s13 = s0;
    for (int i = 0; i < n; i++) {
      DoubleVector wi = DoubleVector.fromArray(S, w[i], g);
      int b = 28 * i + half;
      s0 = wi.fma(DoubleVector.broadcast(S, outer[b]), s0);
      s1 = wi.fma(DoubleVector.broadcast(S, outer[b + 1]), s1);
      s2 = wi.fma(DoubleVector.broadcast(S, outer[b + 2]), s2);
      s3 = wi.fma(DoubleVector.broadcast(S, outer[b + 3]), s3);
      s4 = wi.fma(DoubleVector.broadcast(S, outer[b + 4]), s4);
      s5 = wi.fma(DoubleVector.broadcast(S, outer[b + 5]), s5);
      s6 = wi.fma(DoubleVector.broadcast(S, outer[b + 6]), s6);
      s7 = wi.fma(DoubleVector.broadcast(S, outer[b + 7]), s7);
      s8 = wi.fma(DoubleVector.broadcast(S, outer[b + 8]), s8);
      s9 = wi.fma(DoubleVector.broadcast(S, outer[b + 9]), s9);
      s10 = wi.fma(DoubleVector.broadcast(S, outer[b + 10]), s10);
      s11 = wi.fma(DoubleVector.broadcast(S, outer[b + 11]), s11);
      s12 = wi.fma(DoubleVector.broadcast(S, outer[b + 12]), s12);
      s13 = wi.fma(DoubleVector.broadcast(S, outer[b + 13]), s13);
    }
    s0.intoArray(m[half], g);
    s1.intoArray(m[half + 1], g);
    s2.intoArray(m[half + 2], g);
    s3.intoArray(m[half + 3], g);
    s4.intoArray(m[half + 4], g);
    s5.intoArray(m[half + 5], g);
    s6.intoArray(m[half + 6], g);
    s7.intoArray(m[half + 7], g);
    s8.intoArray(m[half + 8], g);
    s9.intoArray(m[half + 9], g);
    s10.intoArray(m[half + 10], g);
    s11.intoArray(m[half + 11], g);
    s12.intoArray(m[half + 12], g);
    s13.intoArray(m[half + 13], g);
  }

  /** r_c = fma chain of (w_i·y_i)·xs[i][c]. */
  private void rightHandSide(double[] xs, int g) {
    DoubleVector r0 = DoubleVector.zero(S);
    DoubleVector r1 = r0;
    DoubleVector r2 = r0;
    DoubleVector r3 = r0;
    DoubleVector r4 = r0;
    DoubleVector r5 = r0;
    DoubleVector r6 = r0;
    for (int i = 0; i < n; i++) {
      DoubleVector wy = DoubleVector.fromArray(S, w[i], g).mul(DoubleVector.fromArray(S, y[i], g));
      int b = 7 * i;
      r0 = wy.fma(DoubleVector.broadcast(S, xs[b]), r0);
      r1 = wy.fma(DoubleVector.broadcast(S, xs[b + 1]), r1);
      r2 = wy.fma(DoubleVector.broadcast(S, xs[b + 2]), r2);
      r3 = wy.fma(DoubleVector.broadcast(S, xs[b + 3]), r3);
      r4 = wy.fma(DoubleVector.broadcast(S, xs[b + 4]), r4);
      r5 = wy.fma(DoubleVector.broadcast(S, xs[b + 5]), r5);
      r6 = wy.fma(DoubleVector.broadcast(S, xs[b + 6]), r6);
    }
    r0.intoArray(r[0], g);
    r1.intoArray(r[1], g);
    r2.intoArray(r[2], g);
    r3.intoArray(r[3], g);
    r4.intoArray(r[4], g);
    r5.intoArray(r[5], g);
    r6.intoArray(r[6], g);
  }

  @Override
  void solve(int lanes) {
    factor(lanes);
    substitute(lanes);
    for (int v = 0; v < lanes; v++) {
      failed[v] = ok[v] == 0;
    }
  }

  /**
   * The Cholesky factors, as {@link TensorBatch#cholesky}; {@link #ok} 0 where a pivot fails. The
   * loop over the batch's vectors is innermost, so that their (long, sqrt- and division-bound)
   * dependency chains overlap.
   */
  private void factor(int lanes) {
    java.util.Arrays.fill(ok, 0, lanes, 1);
    for (int a = 0; a < 7; a++) {
      for (int b = 0; b <= a; b++) {
        double[] mba = m[packed(b, a)];
        double[] maa = m[packed(a, a)];
        double[] out = chol[7 * a + b];
        double[] invB = inv[b];
        for (int g = 0; g < lanes; g += L) {
          DoubleVector acc = DoubleVector.fromArray(S, mba, g);
          for (int k = 0; k < b; k++) {
            acc = DoubleVector.fromArray(S, chol[7 * a + k], g).neg().fma(DoubleVector.fromArray(S, chol[7 * b + k], g), acc);
          }
          if (a == b) {
            DoubleVector good = DoubleVector.fromArray(S, ok, g);
            good.blend(0, acc.compare(VectorOperators.GT, DoubleVector.fromArray(S, maa, g).mul(TensorFitter.MIN_RELATIVE_PIVOT)).not())
                .intoArray(ok, g);
            DoubleVector d = acc.sqrt();
            d.intoArray(out, g);
            DoubleVector.broadcast(S, 1).div(d).intoArray(invB, g);
          } else {
            acc.mul(DoubleVector.fromArray(S, invB, g)).intoArray(out, g);
          }
        }
      }
    }
  }

  /** Forward and back substitution, then p = z·inverseScale; the batch's vectors innermost, as in {@link #factor}. */
  private void substitute(int lanes) {
    for (int a = 0; a < 7; a++) {
      double[] za = z[a];
      double[] invA = inv[a];
      double[] ra = r[a];
      for (int g = 0; g < lanes; g += L) {
        DoubleVector acc = DoubleVector.fromArray(S, ra, g);
        for (int b = 0; b < a; b++) {
          acc = DoubleVector.fromArray(S, chol[7 * a + b], g).neg().fma(DoubleVector.fromArray(S, z[b], g), acc);
        }
        acc.mul(DoubleVector.fromArray(S, invA, g)).intoArray(za, g);
      }
    }
    double[] inverseScale = model.inverseScale();
    for (int a = 6; a >= 0; a--) {
      double[] za = z[a];
      double[] invA = inv[a];
      double[] pa = p[a];
      for (int g = 0; g < lanes; g += L) {
        DoubleVector acc = DoubleVector.fromArray(S, za, g);
        for (int b = a + 1; b < 7; b++) {
          acc = DoubleVector.fromArray(S, chol[7 * b + a], g).neg().fma(DoubleVector.fromArray(S, z[b], g), acc);
        }
        DoubleVector zv = acc.mul(DoubleVector.fromArray(S, invA, g));
        zv.intoArray(za, g);
        zv.mul(inverseScale[a]).intoArray(pa, g);
      }
    }
  }

  @Override
  void scalars(int lanes) {
    DoubleVector min = DoubleVector.broadcast(S, eigenvalueFloor());
    for (int g = 0; g < lanes; g += L) {
      DoubleVector l1 = DoubleVector.fromArray(S, values[0], g).max(min);
      DoubleVector l2 = DoubleVector.fromArray(S, values[1], g).max(min);
      DoubleVector l3 = DoubleVector.fromArray(S, values[2], g).max(min);
      DoubleVector den = l1.mul(l1).add(l2.mul(l2)).add(l3.mul(l3));
      DoubleVector d12 = l1.sub(l2);
      DoubleVector d23 = l2.sub(l3);
      DoubleVector d31 = l3.sub(l1);
      DoubleVector num = d12.mul(d12).add(d23.mul(d23)).add(d31.mul(d31));
      DoubleVector fa = num.mul(0.5).div(den).sqrt();
      fa.blend(0, den.compare(VectorOperators.EQ, 0)).intoArray(scalars[0], g);
      l1.add(l2).add(l3).div(3).intoArray(scalars[1], g);
      l1.intoArray(scalars[2], g);
      l2.add(l3).div(2).intoArray(scalars[3], g);
      l1.intoArray(scalars[4], g);
      l2.intoArray(scalars[5], g);
      l3.intoArray(scalars[6], g);
    }
  }
}
