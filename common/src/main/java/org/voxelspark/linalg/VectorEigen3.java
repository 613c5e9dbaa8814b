package org.voxelspark.linalg;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link SymmetricEigen3.Batch} with the JDK's (incubating) Vector API: the closed form of
 * {@link SymmetricEigen3#decompose} for {@code L} matrices per instruction, in exactly its IEEE
 * operations and order (so its results are bit-identical), with every lane that would leave the
 * closed form there — a non-finite or zero matrix, a largest element outside [2^-1022, 2^1023) (the
 * power-of-two scaling is then not a normal number), p = 0, |r| &gt; 1 − {@link SymmetricEigen3#NEAR_DEGENERATE},
 * a vanishing null vector — recomputed by {@link SymmetricEigen3#decompose} itself. Lanes beyond the
 * last whole vector are decomposed by it too.
 *
 * <p>Each stage is its own small method reading and writing scratch rows: no vector crosses a call
 * boundary (C2 would box it), and no method grows past C2's node budget for inlining (in JDK 17 a
 * method of ~60 vector operations stopped being intrinsified towards its end, and its vectors were
 * boxed). Loaded only when the module {@code jdk.incubator.vector} is present; see
 * {@link SymmetricEigen3#vectorBatch()}.
 */
final class VectorEigen3 implements SymmetricEigen3.Batch {
  private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Long> SL = LongVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  private static final long EXPONENT_BITS = 0x7FF0000000000000L;
  /**
   * 2046 in the exponent field: for up = 2^e (field b = e + 1023), these bits minus up's are those of
   * down = 2^−e (field 2046 − b), both normal for b in [1, 2045].
   */
  private static final long DOWN_PLUS_UP_BITS = 0x7FE0000000000000L;

  private final SymmetricEigen3 scalar = new SymmetricEigen3();
  /** The scaled elements a00, a01, a11, a02, a12, a22. */
  private final double[][] sc = new double[6][L];
  private final double[] q = new double[L];
  private final double[] p = new double[L];
  private final double[] r = new double[L];
  private final double[] up = new double[L];
  /** λ1, λ2, λ3 (scaled). */
  private final double[][] lambda = new double[3][L];
  /** Unit null vectors of A − λ1·I (rows 0..2) and A − λ3·I (rows 3..5). */
  private final double[][] vec = new double[6][L];
  /** The three cross products of the rows of A − λ·I (u, v, t; 3 rows each). */
  private final double[][] cross = new double[9][L];
  /** Nonzero where the lane leaves the closed form. */
  private final double[] fallback = new double[L];
  /** Nonzero where the lane's eigenvalues are refined (1 − |r| &lt; REFINE). */
  private final double[] refine = new double[L];
  private final double[][] refined = new double[3][L];
  private final double[][] refinedVec = new double[6][L];
  private final double[] failRefined = new double[L];
  /** Lanes decomposed by the scalar code, and lanes refined in the closed form (for tests). */
  long fallbackLanes;
  long refinedLanes;

  @Override
  public String name() {
    return "Vector API, " + S.vectorBitSize() + "-bit";
  }

  @Override
  public void decompose(double[][] a, int count, double[][] values, double[][] vectors) {
    int g = 0;
    for (; g + L <= count; g += L) {
      scale(a, g);
      cubic();
      boolean refining = branches();
      root(0);
      root(1);
      middle(lambda);
      nullVector(lambda[0], vec, 0, fallback);
      nullVector(lambda[2], vec, 3, fallback);
      if (refining) {
        refineLanes();
      }
      orthogonalise(g, vectors);
      third(g, vectors);
      scaleBack(g, values);
      for (int v = 0; v < L; v++) {
        if (fallback[v] != 0) {
          scalar.decomposeInto(a, g + v, values, vectors);
          fallbackLanes++;
        } else if (refine[v] != 0) {
          refinedLanes++;
        }
      }
    }
    for (; g < count; g++) {
      scalar.decomposeInto(a, g, values, vectors);
      fallbackLanes++;
    }
  }

  /**
   * The matrix scaled by the power of two that brings its largest |element| into [1, 2); marks
   * non-finite matrices and those whose largest element is not in [2^-1022, 2^1023) (zero included).
   */
  private void scale(double[][] a, int g) {
    DoubleVector xx = DoubleVector.fromArray(S, a[0], g);
    DoubleVector xy = DoubleVector.fromArray(S, a[1], g);
    DoubleVector yy = DoubleVector.fromArray(S, a[2], g);
    DoubleVector xz = DoubleVector.fromArray(S, a[3], g);
    DoubleVector yz = DoubleVector.fromArray(S, a[4], g);
    DoubleVector zz = DoubleVector.fromArray(S, a[5], g);
    DoubleVector sum = xx.add(xy).add(yy).add(xz).add(yz).add(zz);
    VectorMask<Double> out = sum.abs().compare(VectorOperators.LE, Double.MAX_VALUE).not(); // not finite
    DoubleVector largest = xx.abs().max(xy.abs()).max(yy.abs().max(xz.abs())).max(yz.abs().max(zz.abs()));
    out = out.or(largest.compare(VectorOperators.LT, Double.MIN_NORMAL)).or(largest.compare(VectorOperators.GE, 0x1p1023));
    // reinterpretShape with the constant species: reinterpretAsLongs() derives it at run time, and C2
    // then sometimes failed to intrinsify (and boxed) the vectors computed from it
    LongVector upBits = ((LongVector) largest.reinterpretShape(SL, 0)).and(EXPONENT_BITS); // 2^e, e = Math.getExponent(largest)
    ((DoubleVector) upBits.reinterpretShape(S, 0)).intoArray(up, 0);
    DoubleVector down = (DoubleVector) LongVector.broadcast(SL, DOWN_PLUS_UP_BITS).sub(upBits).reinterpretShape(S, 0);
    xx.mul(down).intoArray(sc[0], 0);
    xy.mul(down).intoArray(sc[1], 0);
    yy.mul(down).intoArray(sc[2], 0);
    xz.mul(down).intoArray(sc[3], 0);
    yz.mul(down).intoArray(sc[4], 0);
    zz.mul(down).intoArray(sc[5], 0);
    DoubleVector.zero(S).blend(1, out).intoArray(fallback, 0);
  }

  /** q = tr/3, p = √(tr(B²)/6), r = det(B)/(2p³) for B = A − qI. */
  private void cubic() {
    DoubleVector a00 = DoubleVector.fromArray(S, sc[0], 0);
    DoubleVector a01 = DoubleVector.fromArray(S, sc[1], 0);
    DoubleVector a11 = DoubleVector.fromArray(S, sc[2], 0);
    DoubleVector a02 = DoubleVector.fromArray(S, sc[3], 0);
    DoubleVector a12 = DoubleVector.fromArray(S, sc[4], 0);
    DoubleVector a22 = DoubleVector.fromArray(S, sc[5], 0);
    DoubleVector qv = a00.add(a11).add(a22).div(3);
    DoubleVector b00 = a00.sub(qv);
    DoubleVector b11 = a11.sub(qv);
    DoubleVector b22 = a22.sub(qv);
    DoubleVector p2 = b00.mul(b00).add(b11.mul(b11)).add(b22.mul(b22))
        .add(a01.mul(a01).add(a02.mul(a02)).add(a12.mul(a12)).mul(2)).div(6);
    DoubleVector pv = p2.sqrt();
    DoubleVector det = b00.mul(b11.mul(b22).sub(a12.mul(a12))).sub(a01.mul(a01.mul(b22).sub(a12.mul(a02))))
        .add(a02.mul(a01.mul(a12).sub(b11.mul(a02))));
    qv.intoArray(q, 0);
    pv.intoArray(p, 0);
    det.div(p2.mul(2).mul(pv)).intoArray(r, 0);
  }

  /**
   * Marks p = 0 and |r| &gt; 1 − NEAR_DEGENERATE (Jacobi), and the closed-form lanes to refine
   * (|r| &gt; 1 − REFINE). Returns whether there is one.
   */
  private boolean branches() {
    DoubleVector absR = DoubleVector.fromArray(S, r, 0).abs();
    VectorMask<Double> out = DoubleVector.fromArray(S, fallback, 0).compare(VectorOperators.NE, 0)
        .or(DoubleVector.fromArray(S, p, 0).compare(VectorOperators.GT, 0).not())
        .or(absR.compare(VectorOperators.GT, 1 - SymmetricEigen3.NEAR_DEGENERATE));
    DoubleVector zero = DoubleVector.zero(S);
    zero.blend(1, out).intoArray(fallback, 0);
    VectorMask<Double> refining = absR.compare(VectorOperators.GT, 1 - SymmetricEigen3.REFINE).andNot(out);
    zero.blend(1, refining).intoArray(refine, 0);
    return refining.anyTrue();
  }

  /**
   * k = 0: λ1 = q + 2p·x1 with x1 = g(r); k = 1: λ3 = q + 2p·x3 with x3 = −g(−r); g the largest
   * root of 4x³ − 3x = r ({@link SymmetricEigen3}'s largestRoot: the polynomial estimate of
   * cos(acos(r)/3), then one Newton step). sign·v is exactly ±v.
   */
  private void root(int k) {
    double sign = 1 - 2 * k;
    DoubleVector rk = DoubleVector.fromArray(S, r, 0).mul(sign);
    DoubleVector s = rk.add(1).sqrt();
    DoubleVector c = s.mul(SymmetricEigen3.G9).add(SymmetricEigen3.G8);
    c = c.mul(s).add(SymmetricEigen3.G7);
    c = c.mul(s).add(SymmetricEigen3.G6);
    c = c.mul(s).add(SymmetricEigen3.G5);
    c = c.mul(s).add(SymmetricEigen3.G4);
    c = c.mul(s).add(SymmetricEigen3.G3);
    c = c.mul(s).add(SymmetricEigen3.G2);
    c = c.mul(s).add(SymmetricEigen3.G1);
    c = c.mul(s).add(SymmetricEigen3.G0);
    // c − (4c³ − 3c − r) / (12c² − 3), each product left to right as written there
    DoubleVector num = c.mul(4).mul(c).mul(c).sub(c.mul(3)).sub(rk);
    DoubleVector den = c.mul(12).mul(c).sub(3);
    DoubleVector root = c.sub(num.div(den)).mul(sign);
    DoubleVector twoP = DoubleVector.fromArray(S, p, 0).mul(2);
    DoubleVector.fromArray(S, q, 0).add(twoP.mul(root)).intoArray(lambda[2 * k], 0);
  }

  /** l[1] = min(λ1, max(λ3, 3q − λ1 − λ3)) from l[0] and l[2]. */
  private void middle(double[][] l) {
    DoubleVector l1 = DoubleVector.fromArray(S, l[0], 0);
    DoubleVector l3 = DoubleVector.fromArray(S, l[2], 0);
    l1.min(l3.max(DoubleVector.fromArray(S, q, 0).mul(3).sub(l1).sub(l3))).intoArray(l[1], 0);
  }

  /**
   * The unit null vector of A − λ·I (λ from {@code lam}) as the largest of the cross products of
   * its rows, into {@code out[at .. at+2]}; marks lanes where every cross product vanishes in
   * {@code fail}.
   */
  private void nullVector(double[] lam, double[][] out, int at, double[] fail) {
    crossProducts(lam);
    select(out, at, fail);
  }

  /** row0 × row1 (u), row0 × row2 (v), row1 × row2 (t) of A − λ·I, into {@link #cross}. */
  private void crossProducts(double[] lam) {
    DoubleVector l = DoubleVector.fromArray(S, lam, 0);
    DoubleVector m00 = DoubleVector.fromArray(S, sc[0], 0).sub(l);
    DoubleVector m01 = DoubleVector.fromArray(S, sc[1], 0);
    DoubleVector m11 = DoubleVector.fromArray(S, sc[2], 0).sub(l);
    DoubleVector m02 = DoubleVector.fromArray(S, sc[3], 0);
    DoubleVector m12 = DoubleVector.fromArray(S, sc[4], 0);
    DoubleVector m22 = DoubleVector.fromArray(S, sc[5], 0).sub(l);
    m01.mul(m12).sub(m02.mul(m11)).intoArray(cross[0], 0);
    m02.mul(m01).sub(m00.mul(m12)).intoArray(cross[1], 0);
    m00.mul(m11).sub(m01.mul(m01)).intoArray(cross[2], 0);
    m01.mul(m22).sub(m02.mul(m12)).intoArray(cross[3], 0);
    m02.mul(m02).sub(m00.mul(m22)).intoArray(cross[4], 0);
    m00.mul(m12).sub(m01.mul(m02)).intoArray(cross[5], 0);
    m11.mul(m22).sub(m12.mul(m12)).intoArray(cross[6], 0);
    m12.mul(m02).sub(m01.mul(m22)).intoArray(cross[7], 0);
    m01.mul(m12).sub(m11.mul(m02)).intoArray(cross[8], 0);
  }

  /** The largest of the cross products (u if |u|² ≥ |v|², |t|²; else v if |v|² ≥ |t|²; else t), normalised. */
  private void select(double[][] out, int at, double[] fail) {
    DoubleVector u0 = DoubleVector.fromArray(S, cross[0], 0);
    DoubleVector u1 = DoubleVector.fromArray(S, cross[1], 0);
    DoubleVector u2 = DoubleVector.fromArray(S, cross[2], 0);
    DoubleVector v0 = DoubleVector.fromArray(S, cross[3], 0);
    DoubleVector v1 = DoubleVector.fromArray(S, cross[4], 0);
    DoubleVector v2 = DoubleVector.fromArray(S, cross[5], 0);
    DoubleVector t0 = DoubleVector.fromArray(S, cross[6], 0);
    DoubleVector t1 = DoubleVector.fromArray(S, cross[7], 0);
    DoubleVector t2 = DoubleVector.fromArray(S, cross[8], 0);
    DoubleVector nu = u0.mul(u0).add(u1.mul(u1)).add(u2.mul(u2));
    DoubleVector nv = v0.mul(v0).add(v1.mul(v1)).add(v2.mul(v2));
    DoubleVector nt = t0.mul(t0).add(t1.mul(t1)).add(t2.mul(t2));
    VectorMask<Double> pickU = nu.compare(VectorOperators.GE, nv).and(nu.compare(VectorOperators.GE, nt));
    VectorMask<Double> pickV = nv.compare(VectorOperators.GE, nt);
    DoubleVector best = nt.blend(nv, pickV).blend(nu, pickU);
    DoubleVector norm = DoubleVector.broadcast(S, 1).div(best.sqrt());
    t0.blend(v0, pickV).blend(u0, pickU).mul(norm).intoArray(out[at], 0);
    t1.blend(v1, pickV).blend(u1, pickU).mul(norm).intoArray(out[at + 1], 0);
    t2.blend(v2, pickV).blend(u2, pickU).mul(norm).intoArray(out[at + 2], 0);
    DoubleVector.fromArray(S, fail, 0).blend(1, best.compare(VectorOperators.GT, 0).not()).intoArray(fail, 0);
  }

  /**
   * Near the degenerate ends: λ1 and λ3 become the Rayleigh quotients of their vectors, λ2 follows
   * from the trace, and both vectors are recomputed, in the lanes marked in {@link #refine}.
   */
  private void refineLanes() {
    rayleigh(0, refined[0]);
    rayleigh(3, refined[2]);
    middle(refined);
    for (int v = 0; v < L; v++) {
      failRefined[v] = 0;
    }
    nullVector(refined[0], refinedVec, 0, failRefined);
    nullVector(refined[2], refinedVec, 3, failRefined);
    for (int k = 0; k < 3; k++) {
      merge(lambda[k], refined[k]);
    }
    for (int k = 0; k < 6; k++) {
      merge(vec[k], refinedVec[k]);
    }
    DoubleVector lanes = DoubleVector.fromArray(S, refine, 0);
    DoubleVector f = DoubleVector.fromArray(S, failRefined, 0);
    DoubleVector.fromArray(S, fallback, 0).blend(1, f.compare(VectorOperators.NE, 0).and(lanes.compare(VectorOperators.NE, 0)))
        .intoArray(fallback, 0);
  }

  /** row = refined row in the lanes marked in {@link #refine}. */
  private void merge(double[] row, double[] refinedRow) {
    VectorMask<Double> lanes = DoubleVector.fromArray(S, refine, 0).compare(VectorOperators.NE, 0);
    DoubleVector.fromArray(S, row, 0).blend(DoubleVector.fromArray(S, refinedRow, 0), lanes).intoArray(row, 0);
  }

  /** vᵀAv for the unit vector in {@code vec[at .. at+2]}. */
  private void rayleigh(int at, double[] out) {
    DoubleVector x = DoubleVector.fromArray(S, vec[at], 0);
    DoubleVector y = DoubleVector.fromArray(S, vec[at + 1], 0);
    DoubleVector z = DoubleVector.fromArray(S, vec[at + 2], 0);
    DoubleVector a00 = DoubleVector.fromArray(S, sc[0], 0);
    DoubleVector a01 = DoubleVector.fromArray(S, sc[1], 0);
    DoubleVector a11 = DoubleVector.fromArray(S, sc[2], 0);
    DoubleVector a02 = DoubleVector.fromArray(S, sc[3], 0);
    DoubleVector a12 = DoubleVector.fromArray(S, sc[4], 0);
    DoubleVector a22 = DoubleVector.fromArray(S, sc[5], 0);
    x.mul(a00.mul(x).add(a01.mul(y)).add(a02.mul(z))).add(y.mul(a01.mul(x).add(a11.mul(y)).add(a12.mul(z))))
        .add(z.mul(a02.mul(x).add(a12.mul(y)).add(a22.mul(z)))).intoArray(out, 0);
  }

  /** v1 stored; v3 orthogonalised against v1, normalised, stored (vectors 0 and 2 at lane g). */
  private void orthogonalise(int g, double[][] vectors) {
    DoubleVector e0 = DoubleVector.fromArray(S, vec[0], 0);
    DoubleVector e1 = DoubleVector.fromArray(S, vec[1], 0);
    DoubleVector e2 = DoubleVector.fromArray(S, vec[2], 0);
    DoubleVector f0 = DoubleVector.fromArray(S, vec[3], 0);
    DoubleVector f1 = DoubleVector.fromArray(S, vec[4], 0);
    DoubleVector f2 = DoubleVector.fromArray(S, vec[5], 0);
    DoubleVector d = e0.mul(f0).add(e1.mul(f1)).add(e2.mul(f2));
    DoubleVector w0 = f0.sub(d.mul(e0));
    DoubleVector w1 = f1.sub(d.mul(e1));
    DoubleVector w2 = f2.sub(d.mul(e2));
    DoubleVector norm = DoubleVector.broadcast(S, 1).div(w0.mul(w0).add(w1.mul(w1)).add(w2.mul(w2)).sqrt());
    e0.intoArray(vectors[0], g);
    e1.intoArray(vectors[1], g);
    e2.intoArray(vectors[2], g);
    w0.mul(norm).intoArray(vectors[6], g);
    w1.mul(norm).intoArray(vectors[7], g);
    w2.mul(norm).intoArray(vectors[8], g);
  }

  /** v2 = v3 × v1 (vector 1 at lane g, from the stored vectors 0 and 2). */
  private static void third(int g, double[][] vectors) {
    DoubleVector e0 = DoubleVector.fromArray(S, vectors[0], g);
    DoubleVector e1 = DoubleVector.fromArray(S, vectors[1], g);
    DoubleVector e2 = DoubleVector.fromArray(S, vectors[2], g);
    DoubleVector g0 = DoubleVector.fromArray(S, vectors[6], g);
    DoubleVector g1 = DoubleVector.fromArray(S, vectors[7], g);
    DoubleVector g2 = DoubleVector.fromArray(S, vectors[8], g);
    g1.mul(e2).sub(g2.mul(e1)).intoArray(vectors[3], g);
    g2.mul(e0).sub(g0.mul(e2)).intoArray(vectors[4], g);
    g0.mul(e1).sub(g1.mul(e0)).intoArray(vectors[5], g);
  }

  /** The eigenvalues times the scale, at lane g. */
  private void scaleBack(int g, double[][] values) {
    DoubleVector u = DoubleVector.fromArray(S, up, 0);
    DoubleVector.fromArray(S, lambda[0], 0).mul(u).intoArray(values[0], g);
    DoubleVector.fromArray(S, lambda[1], 0).mul(u).intoArray(values[1], g);
    DoubleVector.fromArray(S, lambda[2], 0).mul(u).intoArray(values[2], g);
  }
}
