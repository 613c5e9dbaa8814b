package org.voxelspark.math;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link LogExp.Columns} with the JDK's (incubating) Vector API: one vector holds one row's
 * elements of {@code L} consecutive lanes, and the whole of fdlibm's log and exp, bit reinterpretation
 * included, runs in vector registers (in the plain loops, C2 leaves the reinterpretation scalar).
 * The arithmetic is {@link LogExp}'s, operation for operation (exp's rounding to an integer as
 * {@code (x/ln2 + 1.5·2^52) − 1.5·2^52}, which equals {@code Math.rint(x/ln2)} on the fast range),
 * so the results are bit-identical to the plain loops'. Lane counts must be multiples of
 * {@link #granularity()}.
 *
 * <p>Loaded only when the module {@code jdk.incubator.vector} is present; see
 * {@link LogExp#vectorColumns}.
 */
final class VectorLogExp implements LogExp.Columns {
  private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Long> SL = LongVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  private final int capacity;
  private final long[] outside;
  /** The run form, for a vector with an element outside exp's fast range. */
  private final LogExp scalar = new LogExp(L);

  VectorLogExp(int capacity) {
    this.capacity = (capacity + L - 1) / L * L;
    outside = new long[this.capacity];
  }

  @Override
  public String name() {
    return "Vector API, " + S.vectorBitSize() + "-bit";
  }

  @Override
  public int granularity() {
    return L;
  }

  @Override
  public int capacity() {
    return capacity;
  }

  private void check(int lanes) {
    if (lanes < 0 || lanes > capacity || lanes % L != 0) {
      throw new IllegalArgumentException(lanes + " lanes: a multiple of " + L + " up to " + capacity + " expected");
    }
  }

  @Override
  public void log(double[][] x, double[][] out, int rows, int lanes, boolean[] slow) {
    check(lanes);
    for (int g = 0; g < lanes; g += L) {
      logGroup(x, out, rows, g, outside);
    }
    for (int v = 0; v < lanes; v++) {
      slow[v] = outside[v] < 0;
      if (slow[v]) {
        for (int i = 0; i < rows; i++) {
          out[i][v] = Math.log(x[i][v]);
        }
      }
    }
  }

  /**
   * The fast log of lanes g .. g+L−1 of every row; {@code outside[g + v]} negative for the lanes
   * with an element outside the fast path's domain.
   */
  private static void logGroup(double[][] x, double[][] out, int rows, int g, long[] outside) {
    LongVector any = LongVector.zero(SL);
    for (int i = 0; i < rows; i++) {
      // reinterpretShape with the constant species: reinterpretAsLongs() derives it at run time, and
      // C2 then sometimes failed to intrinsify (and boxed) the vectors computed from it
      LongVector v = (LongVector) DoubleVector.fromArray(S, x[i], g).reinterpretShape(SL, 0);
      // the loop-carried vector as the argument, a freshly computed one as the receiver: C2 knows the
      // receiver's exact class then (a loop phi's it may not, and it boxed the vectors when it did not)
      any = v.sub(LogExp.MIN_NORMAL_BITS).or(LongVector.broadcast(SL, LogExp.MAX_FINITE_BITS).sub(v)).or(any);
      LongVector exponent = v.sub(LogExp.SQRT_HALF_BITS).lanewise(VectorOperators.ASHR, 52);
      DoubleVector m = (DoubleVector) v.sub(exponent.lanewise(VectorOperators.LSHL, 52)).reinterpretShape(S, 0);
      DoubleVector dk = ((DoubleVector) exponent.add(LogExp.MAGIC_BITS).reinterpretShape(S, 0)).sub(LogExp.MAGIC);
      DoubleVector f = m.sub(1.0);
      DoubleVector s = f.div(f.add(2.0));
      DoubleVector z = s.mul(s);
      DoubleVector w = z.mul(z);
      DoubleVector t1 = w.mul(w.mul(w.mul(LogExp.LG6).add(LogExp.LG4)).add(LogExp.LG2));
      DoubleVector t2 = z.mul(w.mul(w.mul(w.mul(LogExp.LG7).add(LogExp.LG5)).add(LogExp.LG3)).add(LogExp.LG1));
      DoubleVector r = t2.add(t1);
      DoubleVector hfsq = f.mul(0.5).mul(f); // 0.5·f·f, in that order
      // dk·ln2_hi − ((hfsq − (s·(hfsq + r) + dk·ln2_lo)) − f)
      dk.mul(LogExp.LN2_HI).sub(hfsq.sub(s.mul(hfsq.add(r)).add(dk.mul(LogExp.LN2_LO))).sub(f)).intoArray(out[i], g);
    }
    any.intoArray(outside, g);
  }

  @Override
  public void exp(double[][] x, double[][] out, int rows, int lanes) {
    check(lanes);
    for (int i = 0; i < rows; i++) {
      double[] in = x[i];
      double[] o = out[i];
      for (int g = 0; g < lanes; g += L) {
        if (!expGroup(in, o, g)) {
          scalar.exp(in, g, o, g, L); // some element outside the fast range: LogExp's rule per element
        }
      }
    }
  }

  /**
   * The fast exp of in[g .. g+L) into o; false, and nothing written, if some element is outside the
   * fast range.
   */
  private static boolean expGroup(double[] in, double[] o, int g) {
    DoubleVector v = DoubleVector.fromArray(S, in, g);
    if (!v.compare(VectorOperators.GE, LogExp.EXP_MIN).and(v.compare(VectorOperators.LE, LogExp.EXP_MAX)).allTrue()) {
      return false;
    }
    DoubleVector shifted = v.mul(LogExp.INV_LN2).add(LogExp.MAGIC); // k + 1.5·2^52, k = rint(v/ln2)
    DoubleVector kd = shifted.sub(LogExp.MAGIC);
    DoubleVector hi = v.sub(kd.mul(LogExp.LN2_HI));
    DoubleVector lo = kd.mul(LogExp.LN2_LO);
    DoubleVector r = hi.sub(lo);
    DoubleVector t = r.mul(r);
    DoubleVector c = r.sub(t.mul(t.mul(t.mul(t.mul(t.mul(LogExp.P5).add(LogExp.P4)).add(LogExp.P3)).add(LogExp.P2)).add(LogExp.P1)));
    // 1 − ((lo − r·c/(2 − c)) − hi)
    DoubleVector y = DoubleVector.broadcast(S, 1.0).sub(lo.sub(r.mul(c).div(DoubleVector.broadcast(S, 2.0).sub(c))).sub(hi));
    LongVector bits = ((LongVector) y.reinterpretShape(SL, 0)).add(((LongVector) shifted.reinterpretShape(SL, 0)).lanewise(VectorOperators.LSHL, 52));
    ((DoubleVector) bits.reinterpretShape(S, 0)).intoArray(o, g);
    return true;
  }
}
