package org.voxelspark.linalg;

/**
 * Eigen-decomposition of a real symmetric 3×3 matrix, in double precision: the one eigen-solver of
 * voxelspark's tensor code.
 *
 * <p>{@link #decompose} takes the six distinct elements and leaves the eigenvalues in
 * {@link #value(int)}, sorted descending (λ1 ≥ λ2 ≥ λ3, algebraic order), with unit, mutually
 * orthogonal eigenvectors {@link #vector(int, int)}. The sign of an eigenvector is arbitrary.
 * Non-finite input gives NaN eigenvalues and vectors; the zero matrix gives 0 and the identity.
 * Reusable and allocation-free; not thread-safe (one per thread).
 *
 * <p><b>Algorithm</b> (the hybrid of Kopp 2008, "Efficient numerical diagonalization of hermitian
 * 3×3 matrices", Int. J. Mod. Phys. C 19:523, with a cheaper root of the cubic):
 * <ol>
 *   <li>The matrix is scaled by a power of two so its largest |element| is in [1, 2) (exact; no
 *       overflow or underflow in the cubes below).
 *   <li>Eigenvalues in closed form (Smith 1961): with q = tr(A)/3, B = A − qI,
 *       p = √(tr(B²)/6) and r = det(B)/(2p³) ∈ [−1, 1], they are q + 2p·x for the three roots x
 *       of 4x³ − 3x = r, x = cos(acos(r)/3 + 2πk/3). The largest root is g(r) = cos(acos(r)/3),
 *       the smallest −g(−r), the middle one follows from the trace. g is evaluated without acos:
 *       a degree-9 polynomial in √(1 + r) (max error 1.3e-9 on [−1, 1]; fitted to
 *       cos(π/3 − (2/3)·asin(√((1+r)/2)))), then one Newton step on the cubic, which leaves an error
 *       of ~4e-14 at the edge of the range where it is used.
 *   <li>The eigenvectors of λ1 and λ3 are the largest of the three cross products of the rows of
 *       A − λI (the columns of its adjugate), normalised; λ3's is orthogonalised against λ1's, and
 *       λ2's is their cross product. Within 1 − |r| &lt; 1e-2 of the degenerate ends, λ1 and λ3 are
 *       refined once by the Rayleigh quotient vᵀAv and their vectors recomputed (the roots of the
 *       cubic there carry errors of order ε/gap).
 *   <li>When two eigenvalues nearly coincide (|r| &gt; 1 − {@value #NEAR_DEGENERATE}, a gap below
 *       ~0.1 % of λ), the closed form loses accuracy (the roots of the cubic are then determined to
 *       √ε only, and the vectors of the close pair are ill-defined): such matrices, and those with
 *       p = 0, are decomposed by cyclic Jacobi rotations instead, accurate to a few ulps of the
 *       largest eigenvalue however close the eigenvalues are.
 * </ol>
 * Accuracy (SymmetricEigen3Test): eigenvalues within 1e-12 of the largest |λ| (relative) of Commons
 * Math's decomposition; residuals |Av − λv| ≤ 5e-14·max|a| (measured: ≤ 2e-15 for well separated
 * eigenvalues, 1.6e-14 next to the switch, ~1e-15 on the Jacobi side); orthonormal vectors to
 * 1e-12; on random, cylindrical (λ2 = λ3), oblate (λ1 = λ2) and near-degenerate matrices on both
 * sides of the switch, and at scales from 1e-300 to 1e300.
 *
 * <p><b>Batches</b> ({@link Batch}): many matrices at once, as structure of arrays (one array per
 * element, one lane per matrix), with results bit-identical to {@link #decompose} on each matrix
 * (so a matrix's decomposition never depends on the others in its batch). {@link #plainBatch()}
 * calls {@link #decompose} per lane; {@link #vectorBatch()} evaluates the closed form above with the
 * JDK's incubating Vector API, several matrices per instruction, in the same IEEE operations and
 * order, and hands the lanes that leave the closed form (Jacobi, zero or non-finite matrices,
 * scales near the ends of the exponent range) to {@link #decompose}.
 */
public final class SymmetricEigen3 {
  /**
   * Decomposes a batch of matrices, as structure of arrays. Not thread-safe (one per thread).
   */
  public interface Batch {
    /** A short description for logs and benchmarks. */
    String name();

    /**
     * For each lane j &lt; count, the matrix [[a[0][j], a[1][j], a[3][j]], [a[1][j], a[2][j], a[4][j]],
     * [a[3][j], a[4][j], a[5][j]]] (rows of {@code a} in the order xx, xy, yy, xz, yz, zz of
     * {@link SymmetricEigen3#decompose}): {@code values[i][j]} = {@link SymmetricEigen3#value}(i) and
     * {@code vectors[3*i + c][j]} = {@link SymmetricEigen3#vector}(i, c), bit for bit.
     */
    void decompose(double[][] a, int count, double[][] values, double[][] vectors);
  }

  /** The batch that calls {@link #decompose} per lane (always available). */
  public static Batch plainBatch() {
    return new PlainBatch();
  }

  /** The Vector API batch, or null when the JVM lacks {@code jdk.incubator.vector}. */
  public static Batch vectorBatch() {
    return org.voxelspark.math.VectorApi.instance("org.voxelspark.linalg.VectorEigen3", Batch.class);
  }

  private static final class PlainBatch implements Batch {
    private final SymmetricEigen3 e = new SymmetricEigen3();

    @Override
    public String name() {
      return "per matrix";
    }

    @Override
    public void decompose(double[][] a, int count, double[][] values, double[][] vectors) {
      for (int j = 0; j < count; j++) {
        e.decomposeInto(a, j, values, vectors);
      }
    }
  }

  /** {@link #decompose} of lane j of a batch, results into lane j of the batch's outputs. */
  void decomposeInto(double[][] m, int j, double[][] values, double[][] vectors) {
    decompose(m[0][j], m[1][j], m[2][j], m[3][j], m[4][j], m[5][j]);
    for (int i = 0; i < 3; i++) {
      values[i][j] = this.values[i];
    }
    for (int q = 0; q < 9; q++) {
      vectors[q][j] = this.vectors[q];
    }
  }

  /** The closed form is used while |r| ≤ 1 − this (see the class doc). */
  public static final double NEAR_DEGENERATE = 1e-6;
  /** Between 1 − this and the switch, eigenvalues are refined by a Rayleigh quotient. */
  static final double REFINE = 1e-2;
  private static final int MAX_SWEEPS = 50;
  /** g(r) = cos(acos(r)/3) ≈ Σ G[k]·s^k, s = √(1 + r) ∈ [0, √2]; least-squares Chebyshev fit, max error 1.3e-9. */
  static final double G0 = 5.00000001344224732e-01;
  static final double G1 = 4.08248181985789438e-01;
  static final double G2 = -5.55533864300584990e-02;
  static final double G3 = 1.88815677934689903e-02;
  static final double G4 = -8.14218212838262005e-03;
  static final double G5 = 3.79144352430950578e-03;
  static final double G6 = -1.66933724495715754e-03;
  static final double G7 = 5.94103062615278861e-04;
  static final double G8 = -1.40922199456847743e-04;
  static final double G9 = 1.59341032883654402e-05;

  private final double[] a = new double[9];
  private final double[] v = new double[9];
  private final double[] values = new double[3];
  private final double[] vectors = new double[9];
  private boolean lastJacobi;

  /** Decomposes [[xx, xy, xz], [xy, yy, yz], [xz, yz, zz]]. */
  public void decompose(double xx, double xy, double yy, double xz, double yz, double zz) {
    lastJacobi = false;
    if (!Double.isFinite(xx + xy + yy + xz + yz + zz)) {
      java.util.Arrays.fill(values, Double.NaN);
      java.util.Arrays.fill(vectors, Double.NaN);
      return;
    }
    double largest = Math.max(Math.max(Math.max(Math.abs(xx), Math.abs(xy)), Math.max(Math.abs(yy), Math.abs(xz))),
        Math.max(Math.abs(yz), Math.abs(zz)));
    if (largest == 0) {
      java.util.Arrays.fill(values, 0);
      java.util.Arrays.fill(vectors, 0);
      vectors[0] = vectors[4] = vectors[8] = 1;
      return;
    }
    int exponent = Math.getExponent(largest);
    double down = Math.scalb(1.0, -exponent);
    double up = Math.scalb(1.0, exponent);
    double a00 = xx * down;
    double a01 = xy * down;
    double a11 = yy * down;
    double a02 = xz * down;
    double a12 = yz * down;
    double a22 = zz * down;
    double q = (a00 + a11 + a22) / 3;
    double b00 = a00 - q;
    double b11 = a11 - q;
    double b22 = a22 - q;
    double p2 = (b00 * b00 + b11 * b11 + b22 * b22 + 2 * (a01 * a01 + a02 * a02 + a12 * a12)) / 6;
    double p = Math.sqrt(p2);
    double det = b00 * (b11 * b22 - a12 * a12) - a01 * (a01 * b22 - a12 * a02) + a02 * (a01 * a12 - b11 * a02);
    double r = p > 0 ? det / (2 * p2 * p) : 0;
    if (!(p > 0) || Math.abs(r) > 1 - NEAR_DEGENERATE) {
      jacobi(a00, a01, a11, a02, a12, a22, up);
      return;
    }
    double x1 = largestRoot(r);
    double x3 = -largestRoot(-r);
    double l1 = q + 2 * p * x1;
    double l3 = q + 2 * p * x3;
    double l2 = Math.min(l1, Math.max(l3, 3 * q - l1 - l3));
    // eigenvectors of l1 and l3: the largest cross product of two rows of A − λ·I
    if (!nullVector(a00 - l1, a01, a02, a11 - l1, a12, a22 - l1, 0)
        || !nullVector(a00 - l3, a01, a02, a11 - l3, a12, a22 - l3, 6)) {
      jacobi(a00, a01, a11, a02, a12, a22, up);
      return;
    }
    if (Math.abs(r) > 1 - REFINE) {
      // close to the switch the roots carry errors of ε/gap: one Rayleigh-quotient step makes
      // λ1 and λ3 accurate to ε·|A| (their vectors' errors are first order, the quotient's second)
      l1 = rayleigh(a00, a01, a11, a02, a12, a22, 0);
      l3 = rayleigh(a00, a01, a11, a02, a12, a22, 6);
      l2 = Math.min(l1, Math.max(l3, 3 * q - l1 - l3));
      if (!nullVector(a00 - l1, a01, a02, a11 - l1, a12, a22 - l1, 0)
          || !nullVector(a00 - l3, a01, a02, a11 - l3, a12, a22 - l3, 6)) {
        jacobi(a00, a01, a11, a02, a12, a22, up);
        return;
      }
    }
    // orthogonalise v3 against v1, then v2 = v3 × v1
    double d = vectors[0] * vectors[6] + vectors[1] * vectors[7] + vectors[2] * vectors[8];
    double w0 = vectors[6] - d * vectors[0];
    double w1 = vectors[7] - d * vectors[1];
    double w2 = vectors[8] - d * vectors[2];
    double norm = 1 / Math.sqrt(w0 * w0 + w1 * w1 + w2 * w2);
    vectors[6] = w0 * norm;
    vectors[7] = w1 * norm;
    vectors[8] = w2 * norm;
    vectors[3] = vectors[7] * vectors[2] - vectors[8] * vectors[1];
    vectors[4] = vectors[8] * vectors[0] - vectors[6] * vectors[2];
    vectors[5] = vectors[6] * vectors[1] - vectors[7] * vectors[0];
    values[0] = l1 * up;
    values[1] = l2 * up;
    values[2] = l3 * up;
  }

  /** vᵀAv for the unit vector at {@code vectors[at ..]}. */
  private double rayleigh(double a00, double a01, double a11, double a02, double a12, double a22, int at) {
    double x = vectors[at];
    double y = vectors[at + 1];
    double z = vectors[at + 2];
    return x * (a00 * x + a01 * y + a02 * z) + y * (a01 * x + a11 * y + a12 * z) + z * (a02 * x + a12 * y + a22 * z);
  }

  /** The largest root of 4x³ − 3x = r (|r| &lt; 1): the polynomial estimate then one Newton step. */
  private static double largestRoot(double r) {
    double s = Math.sqrt(1 + r);
    double c = G0 + s * (G1 + s * (G2 + s * (G3 + s * (G4 + s * (G5 + s * (G6 + s * (G7 + s * (G8 + s * G9))))))));
    return c - (4 * c * c * c - 3 * c - r) / (12 * c * c - 3);
  }

  /**
   * The unit null vector of the singular symmetric matrix [[m00, m01, m02], [m01, m11, m12],
   * [m02, m12, m22]] as the largest cross product of two of its rows, into
   * {@code vectors[at .. at+2]}; false if every cross product vanishes.
   */
  private boolean nullVector(double m00, double m01, double m02, double m11, double m12, double m22, int at) {
    // row0 × row1, row0 × row2, row1 × row2
    double u0 = m01 * m12 - m02 * m11;
    double u1 = m02 * m01 - m00 * m12;
    double u2 = m00 * m11 - m01 * m01;
    double v0 = m01 * m22 - m02 * m12;
    double v1 = m02 * m02 - m00 * m22;
    double v2 = m00 * m12 - m01 * m02;
    double t0 = m11 * m22 - m12 * m12;
    double t1 = m12 * m02 - m01 * m22;
    double t2 = m01 * m12 - m11 * m02;
    double nu = u0 * u0 + u1 * u1 + u2 * u2;
    double nv = v0 * v0 + v1 * v1 + v2 * v2;
    double nt = t0 * t0 + t1 * t1 + t2 * t2;
    double c0;
    double c1;
    double c2;
    double best;
    if (nu >= nv && nu >= nt) {
      c0 = u0;
      c1 = u1;
      c2 = u2;
      best = nu;
    } else if (nv >= nt) {
      c0 = v0;
      c1 = v1;
      c2 = v2;
      best = nv;
    } else {
      c0 = t0;
      c1 = t1;
      c2 = t2;
      best = nt;
    }
    if (!(best > 0)) {
      return false;
    }
    double norm = 1 / Math.sqrt(best);
    vectors[at] = c0 * norm;
    vectors[at + 1] = c1 * norm;
    vectors[at + 2] = c2 * norm;
    return true;
  }

  /** Cyclic Jacobi rotations on the scaled matrix; eigenvalues multiplied back by {@code up}. */
  private void jacobi(double xx, double xy, double yy, double xz, double yz, double zz, double up) {
    lastJacobi = true;
    a[0] = xx;
    a[1] = xy;
    a[2] = xz;
    a[3] = xy;
    a[4] = yy;
    a[5] = yz;
    a[6] = xz;
    a[7] = yz;
    a[8] = zz;
    java.util.Arrays.fill(v, 0);
    v[0] = v[4] = v[8] = 1;
    for (int sweep = 0; sweep < MAX_SWEEPS; sweep++) {
      double off = Math.abs(a[1]) + Math.abs(a[2]) + Math.abs(a[5]);
      double scale = Math.abs(a[0]) + Math.abs(a[4]) + Math.abs(a[8]);
      if (off == 0 || off <= 1e-300 || off <= scale * 1e-18) {
        break;
      }
      rotate(0, 1);
      rotate(0, 2);
      rotate(1, 2);
    }
    // sort the diagonal descending (indices i0 ≥ i1 ≥ i2 by value)
    int i0 = 0;
    int i1 = 1;
    int i2 = 2;
    if (a[4 * i1] > a[4 * i0]) {
      int t = i0;
      i0 = i1;
      i1 = t;
    }
    if (a[4 * i2] > a[4 * i0]) {
      int t = i0;
      i0 = i2;
      i2 = t;
    }
    if (a[4 * i2] > a[4 * i1]) {
      int t = i1;
      i1 = i2;
      i2 = t;
    }
    values[0] = a[4 * i0] * up;
    values[1] = a[4 * i1] * up;
    values[2] = a[4 * i2] * up;
    for (int row = 0; row < 3; row++) {
      vectors[row] = v[3 * row + i0];
      vectors[3 + row] = v[3 * row + i1];
      vectors[6 + row] = v[3 * row + i2];
    }
  }

  /** One Jacobi rotation zeroing a[p][q] (p < q). */
  private void rotate(int p, int q) {
    double apq = a[3 * p + q];
    if (apq == 0) {
      return;
    }
    double app = a[3 * p + p];
    double aqq = a[3 * q + q];
    double theta = (aqq - app) / (2 * apq);
    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
    if (theta == 0) {
      t = 1;
    }
    double c = 1 / Math.sqrt(t * t + 1);
    double s = t * c;
    for (int k = 0; k < 3; k++) {
      double akp = a[3 * k + p];
      double akq = a[3 * k + q];
      a[3 * k + p] = c * akp - s * akq;
      a[3 * k + q] = s * akp + c * akq;
    }
    for (int k = 0; k < 3; k++) {
      double apk = a[3 * p + k];
      double aqk = a[3 * q + k];
      a[3 * p + k] = c * apk - s * aqk;
      a[3 * q + k] = s * apk + c * aqk;
    }
    for (int k = 0; k < 3; k++) {
      double vkp = v[3 * k + p];
      double vkq = v[3 * k + q];
      v[3 * k + p] = c * vkp - s * vkq;
      v[3 * k + q] = s * vkp + c * vkq;
    }
  }

  /** Eigenvalue i (0 = largest). */
  public double value(int i) {
    return values[i];
  }

  /** Component c (x, y, z) of the unit eigenvector of eigenvalue i. */
  public double vector(int i, int c) {
    return vectors[3 * i + c];
  }

  /** Whether the last {@link #decompose} used the Jacobi fall-back (for tests). */
  boolean usedJacobi() {
    return lastJacobi;
  }
}
