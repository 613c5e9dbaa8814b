package org.voxelspark.harmonize;

/** Cholesky factorisation and solve of small dense symmetric positive-definite systems, in place. */
final class SmallLinearAlgebra {
  private SmallLinearAlgebra() {}

  /**
   * Factors the lower triangle of the row-major {@code m × m} matrix {@code a} into L (in place,
   * {@code a = L Lᵀ}). Returns −1 on success, or the first column j whose pivot is at most
   * {@code relTol × a_jj} (the column is, to that tolerance, a combination of the earlier ones); a
   * zero diagonal counts as such a column.
   */
  static int cholesky(double[] a, int m, double relTol) {
    for (int j = 0; j < m; j++) {
      double original = a[j * m + j];
      double d = original;
      for (int k = 0; k < j; k++) {
        d -= a[j * m + k] * a[j * m + k];
      }
      if (!(original > 0) || !(d > relTol * original)) {
        return j;
      }
      double l = Math.sqrt(d);
      a[j * m + j] = l;
      for (int i = j + 1; i < m; i++) {
        double s = a[i * m + j];
        for (int k = 0; k < j; k++) {
          s -= a[i * m + k] * a[j * m + k];
        }
        a[i * m + j] = s / l;
      }
    }
    return -1;
  }

  /** Solves {@code L Lᵀ x = b} in place in {@code b}, L from {@link #cholesky}. */
  static void choleskySolve(double[] l, int m, double[] b) {
    for (int i = 0; i < m; i++) {
      double s = b[i];
      for (int k = 0; k < i; k++) {
        s -= l[i * m + k] * b[k];
      }
      b[i] = s / l[i * m + i];
    }
    for (int i = m - 1; i >= 0; i--) {
      double s = b[i];
      for (int k = i + 1; k < m; k++) {
        s -= l[k * m + i] * b[k];
      }
      b[i] = s / l[i * m + i];
    }
  }
}
