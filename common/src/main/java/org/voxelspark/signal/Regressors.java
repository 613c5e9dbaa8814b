package org.voxelspark.signal;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * A design of regressors over the n time points of a series, and the least-squares residual of a
 * series on it: {@code r = y − X·β̂} with {@code β̂ = argmin ‖y − X·β‖²}. The design is factored
 * once (model once, fit many): its columns are orthonormalised by modified Gram–Schmidt with one
 * re-orthogonalisation pass, so {@code r = y − Q·(Qᵀ·y)}, 4·n·q flops a series for q independent
 * columns.
 *
 * <p><b>Rank.</b> A column that lies in the span of the columns before it (its norm after projection
 * is below {@value #DEPENDENT_TOLERANCE} of its norm, or it is all zero) adds nothing to the fit and
 * is dropped; the residual is then the same as with the pseudo-inverse. {@link #rank()} tells how
 * many were kept; a design whose rank leaves no degree of freedom is refused by the caller
 * ({@code rank() ≥ n}).
 *
 * <p>Immutable and thread-safe.
 */
public final class Regressors implements Serializable {
  private static final long serialVersionUID = 1L;
  /** Relative norm below which a column counts as dependent on the previous ones. */
  public static final double DEPENDENT_TOLERANCE = 1e-9;

  private final int n;
  /** Orthonormal columns, each of length n. */
  private final double[][] q;

  private Regressors(int n, double[][] q) {
    this.n = n;
    this.q = q;
  }

  /**
   * The design with the polynomial columns 1, t, …, t^degree (none for {@link Detrend#NONE}) followed by
   * {@code extra} columns (each of length n; may be empty).
   *
   * @param interceptAlways add the constant column even for {@link Detrend#NONE} (what a confound
   *     regression needs: the confounds' means must not leak into the series' mean)
   */
  public static Regressors of(int n, Detrend detrend, boolean interceptAlways, List<double[]> extra) {
    List<double[]> columns = new ArrayList<>();
    int degree = Math.max(detrend.degree(), interceptAlways ? 0 : -1);
    for (int p = 0; p <= degree; p++) {
      double[] c = new double[n];
      for (int t = 0; t < n; t++) {
        // t mapped to [−1, 1]: powers of it stay well scaled
        double u = n == 1 ? 0 : 2.0 * t / (n - 1) - 1;
        c[t] = Math.pow(u, p);
      }
      columns.add(c);
    }
    for (double[] c : extra) {
      if (c.length != n) {
        throw new IllegalArgumentException("regressor of length " + c.length + " for a series of " + n);
      }
      columns.add(c.clone());
    }
    List<double[]> kept = new ArrayList<>();
    for (double[] c : columns) {
      double norm0 = norm(c);
      if (!(norm0 > 0)) {
        continue;
      }
      for (int pass = 0; pass < 2; pass++) {
        for (double[] b : kept) {
          double dot = 0;
          for (int t = 0; t < n; t++) {
            dot += b[t] * c[t];
          }
          for (int t = 0; t < n; t++) {
            c[t] -= dot * b[t];
          }
        }
      }
      double norm = norm(c);
      if (norm > DEPENDENT_TOLERANCE * norm0) {
        for (int t = 0; t < n; t++) {
          c[t] /= norm;
        }
        kept.add(c);
      }
    }
    return new Regressors(n, kept.toArray(new double[0][]));
  }

  private static double norm(double[] c) {
    double s = 0;
    for (double v : c) {
      s += v * v;
    }
    return Math.sqrt(s);
  }

  /** Number of independent columns kept. */
  public int rank() {
    return q.length;
  }

  /** Samples per series. */
  public int length() {
    return n;
  }

  /** Writes the residual of {@code y[from .. from+n)} into {@code out[to .. to+n)} (may be the same range). */
  public void residual(double[] y, int from, double[] out, int to) {
    if (y != out || from != to) {
      System.arraycopy(y, from, out, to, n);
    }
    for (double[] b : q) {
      double dot = 0;
      for (int t = 0; t < n; t++) {
        dot += b[t] * out[to + t];
      }
      for (int t = 0; t < n; t++) {
        out[to + t] -= dot * b[t];
      }
    }
  }
}
