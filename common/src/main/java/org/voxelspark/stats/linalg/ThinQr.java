package org.voxelspark.stats.linalg;

import java.io.Serializable;

/**
 * Thin QR factorisation {@code X = Q·R} of an n×p matrix by modified Gram–Schmidt with one
 * re-orthogonalisation pass ("twice is enough"), keeping the columns in their given order and
 * detecting the ones that are linear combinations of earlier columns.
 *
 * <p><b>Definition.</b> Column j of X is <em>aliased</em> when its component orthogonal to the
 * span of the earlier kept columns has norm ≤ {@link #ALIAS_TOLERANCE} × its own norm (or it is the
 * zero column). Kept columns contribute one orthonormal basis vector each; {@link #rank()} is their
 * number. For every column (kept or aliased) {@link #coefficient(int, int)} gives its coordinates
 * on the basis, so {@code X[:, j] = Σ_k Q[:, k]·coefficient(k, j)} (exactly for kept columns; to
 * within the tolerance for aliased ones).
 *
 * <p><b>Layout.</b> Matrices are dense row-major {@code double[]}: X is {@code x[i*p + j]}; the
 * basis is stored transposed, one basis vector per row: {@link #basis()}{@code [k*n + i]} = Q[i, k].
 *
 * <p>Immutable after construction; thread-safe. Cost O(n·p²).
 */
public final class ThinQr implements Serializable {
  private static final long serialVersionUID = 1L;

  /**
   * Relative norm below which a column counts as a linear combination of the earlier ones: 1e-9.
   * Design columns are at least float32 data, whose own relative precision is ~6e-8, so a genuine
   * regressor is never mistaken for an aliased one, while round-off aliasing (~1e-15) is caught.
   */
  public static final double ALIAS_TOLERANCE = 1e-9;

  private final int n;
  private final int p;
  private final int rank;
  private final double[] qt;
  private final double[] coef;
  private final int[] kept;
  private final boolean[] aliased;

  private ThinQr(int n, int p, int rank, double[] qt, double[] coef, int[] kept, boolean[] aliased) {
    this.n = n;
    this.p = p;
    this.rank = rank;
    this.qt = qt;
    this.coef = coef;
    this.kept = kept;
    this.aliased = aliased;
  }

  /**
   * Factorises the n×p row-major matrix {@code x}.
   *
   * @throws IllegalArgumentException if the sizes disagree or an element is not finite
   */
  public static ThinQr of(double[] x, int n, int p) {
    if (n < 0 || p < 0 || x.length != (long) n * p) {
      throw new IllegalArgumentException("matrix of " + x.length + " values is not " + n + "×" + p);
    }
    for (double v : x) {
      if (!Double.isFinite(v)) {
        throw new IllegalArgumentException("matrix has a non-finite element: " + v);
      }
    }
    double[] basis = new double[Math.min(n, p) * n];
    double[] coefAll = new double[p * p];
    boolean[] alias = new boolean[p];
    int[] keptCols = new int[p];
    int r = 0;
    double[] v = new double[n];
    for (int j = 0; j < p; j++) {
      double colNorm2 = 0;
      for (int i = 0; i < n; i++) {
        v[i] = x[i * p + j];
        colNorm2 += v[i] * v[i];
      }
      for (int pass = 0; pass < 2; pass++) {
        for (int k = 0; k < r; k++) {
          double d = 0;
          int qo = k * n;
          for (int i = 0; i < n; i++) {
            d += basis[qo + i] * v[i];
          }
          for (int i = 0; i < n; i++) {
            v[i] -= d * basis[qo + i];
          }
          coefAll[k * p + j] += d;
        }
      }
      double norm = 0;
      for (int i = 0; i < n; i++) {
        norm += v[i] * v[i];
      }
      norm = Math.sqrt(norm);
      if (colNorm2 == 0 || norm <= ALIAS_TOLERANCE * Math.sqrt(colNorm2) || r == n) {
        alias[j] = true;
        continue;
      }
      int qo = r * n;
      for (int i = 0; i < n; i++) {
        basis[qo + i] = v[i] / norm;
      }
      coefAll[r * p + j] = norm;
      keptCols[r] = j;
      r++;
    }
    double[] qt = new double[r * n];
    System.arraycopy(basis, 0, qt, 0, r * n);
    double[] coef = new double[r * p];
    System.arraycopy(coefAll, 0, coef, 0, r * p);
    int[] k = new int[r];
    System.arraycopy(keptCols, 0, k, 0, r);
    return new ThinQr(n, p, r, qt, coef, k, alias);
  }

  /** Number of rows n. */
  public int rows() {
    return n;
  }

  /** Number of columns p. */
  public int columns() {
    return p;
  }

  /** Number of kept (linearly independent) columns. */
  public int rank() {
    return rank;
  }

  /** True when column j is a linear combination of the columns before it. */
  public boolean isAliased(int j) {
    return aliased[j];
  }

  /** The kept column indices, ascending; basis vector k belongs to column {@code keptColumns()[k]}. */
  public int[] keptColumns() {
    return kept.clone();
  }

  /** The orthonormal basis, one vector per row: element {@code [k*n + i]} = Q[i, k]. A copy. */
  public double[] basis() {
    return qt.clone();
  }

  /** Coordinate of column j on basis vector k (the R factor's element for kept columns). */
  public double coefficient(int k, int j) {
    return coef[k * p + j];
  }

  /**
   * Coefficients expressing column j as a combination of the kept columns: {@code X[:, j] ≈
   * Σ_t X[:, keptColumns()[t]]·c[t]} (back substitution on the upper-triangular R of the kept
   * columns). For a kept column this is the unit vector of itself.
   */
  public double[] combinationOfKept(int j) {
    double[] c = new double[rank];
    for (int k = rank - 1; k >= 0; k--) {
      double s = coef[k * p + j];
      for (int t = k + 1; t < rank; t++) {
        s -= coef[k * p + kept[t]] * c[t];
      }
      c[k] = s / coef[k * p + kept[k]];
    }
    return c;
  }

  /**
   * Inverse of the square upper-triangular R of the kept columns (rank × rank, row-major), so that
   * the least-squares coefficients of the kept columns are {@code R⁻¹·Qᵀ·y}.
   */
  public double[] rInverse() {
    double[] inv = new double[rank * rank];
    for (int col = 0; col < rank; col++) {
      for (int k = col; k >= 0; k--) {
        double s = k == col ? 1.0 : 0.0;
        for (int t = k + 1; t <= col; t++) {
          s -= coef[k * p + kept[t]] * inv[t * rank + col];
        }
        inv[k * rank + col] = s / coef[k * p + kept[k]];
      }
    }
    return inv;
  }
}
