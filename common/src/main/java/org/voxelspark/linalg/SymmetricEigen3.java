package org.voxelspark.linalg;

/**
 * Eigen-decomposition of a real symmetric 3×3 matrix by cyclic Jacobi rotations, in double
 * precision: accurate to a few ulps of the largest eigenvalue, including for (nearly) repeated
 * eigenvalues where closed-form solutions lose their eigenvectors. The one eigen-solver of
 * voxelspark's tensor code.
 *
 * <p>{@link #decompose} takes the six distinct elements and leaves the eigenvalues in
 * {@link #value(int)}, sorted descending (λ1 ≥ λ2 ≥ λ3, algebraic order), with unit eigenvectors
 * {@link #vector(int, int)}. The sign of an eigenvector is arbitrary. Non-finite input gives NaN
 * eigenvalues and vectors. Reusable and allocation-free; not thread-safe (one per thread).
 */
public final class SymmetricEigen3 {
  private static final int MAX_SWEEPS = 50;
  private final double[] a = new double[9];
  private final double[] v = new double[9];
  private final double[] values = new double[3];
  private final double[] vectors = new double[9];

  /** Decomposes [[xx, xy, xz], [xy, yy, yz], [xz, yz, zz]]. */
  public void decompose(double xx, double xy, double yy, double xz, double yz, double zz) {
    if (!Double.isFinite(xx + xy + yy + xz + yz + zz)) {
      java.util.Arrays.fill(values, Double.NaN);
      java.util.Arrays.fill(vectors, Double.NaN);
      return;
    }
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
    // sort descending
    int[] order = {0, 1, 2};
    double d0 = a[0];
    double d1 = a[4];
    double d2 = a[8];
    double[] d = {d0, d1, d2};
    for (int i = 0; i < 2; i++) {
      for (int j = i + 1; j < 3; j++) {
        if (d[order[j]] > d[order[i]]) {
          int t = order[i];
          order[i] = order[j];
          order[j] = t;
        }
      }
    }
    for (int i = 0; i < 3; i++) {
      values[i] = d[order[i]];
      for (int r = 0; r < 3; r++) {
        vectors[3 * i + r] = v[3 * r + order[i]];
      }
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
}
