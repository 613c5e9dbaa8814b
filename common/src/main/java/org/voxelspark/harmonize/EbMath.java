package org.voxelspark.harmonize;

/**
 * The empirical-Bayes posterior estimates of one feature in one site (Johnson 2007 §3), written on
 * the feature's standardised moments: n finite values, mean z̄, centred sum of squares SS, so that
 * {@code Σ (z − g)² = SS + n (z̄ − g)²} costs O(1) per iteration.
 */
final class EbMath {
  private EbMath() {}

  /** Posterior mean of γ: {@code (τ̄² n γ̂ + δ² γ̄) / (τ̄² n + δ²)} (Johnson 2007 eq. 3.1). */
  static double postMean(double gHat, double gBar, double n, double d, double t2) {
    return (t2 * n * gHat + d * gBar) / (t2 * n + d);
  }

  /** Posterior mean of δ²: {@code (½ Σ(z − γ*)² + b) / (n/2 + a − 1)} (Johnson 2007 eq. 3.2). */
  static double postVar(double sum2, double n, double a, double b) {
    return (0.5 * sum2 + b) / (n / 2.0 + a - 1.0);
  }

  /**
   * Parametric EB by fixed-point iteration from (γ̂, δ̂²) until, for this feature alone,
   * {@code |Δγ| ≤ tol·√δ²} and {@code |Δδ²| ≤ tol·δ²}, or {@code maxIterations}. Writes γ*, δ*² to
   * {@code out[0..1]}; returns whether the tolerance was met.
   */
  static boolean parametric(double gHat, double dHat, double n, double ss, double zbar, double gBar, double t2,
      double a, double b, double tol, int maxIterations, double[] out) {
    double g = gHat;
    double d = dHat;
    // the same equations with the loop invariants hoisted: one division per iteration
    double tn = t2 * n;
    double tng = tn * gHat;
    double invDen = 1 / (n / 2.0 + a - 1.0);
    double tol2 = tol * tol;
    for (int it = 0; it < maxIterations; it++) {
      double gNew = (tng + d * gBar) / (tn + d);
      double e = zbar - gNew;
      double dNew = (0.5 * (ss + n * e * e) + b) * invDen;
      double dg = gNew - g;
      double dd = dNew - d;
      boolean done = dg * dg <= tol2 * dNew && Math.abs(dd) <= tol * dNew;
      g = gNew;
      d = dNew;
      if (done) {
        out[0] = g;
        out[1] = d;
        return true;
      }
    }
    out[0] = g;
    out[1] = d;
    return false;
  }

  /**
   * Parametric EB for exactly {@code iterations} iterations (neuroCombat's site-wide count). Writes
   * γ*, δ*² to {@code out}; returns whether this feature's own neuroCombat ratios at the last
   * iteration allow stopping ({@link #forcesContinuation} false).
   */
  static boolean parametricFixedCount(double gHat, double dHat, double n, double ss, double zbar, double gBar,
      double t2, double a, double b, double tol, int iterations, double[] out) {
    double g = gHat;
    double d = dHat;
    boolean stop = true;
    for (int it = 0; it < iterations; it++) {
      double gNew = postMean(gHat, gBar, n, d, t2);
      double e = zbar - gNew;
      double dNew = postVar(ss + n * e * e, n, a, b);
      double rg = Math.abs(gNew - g) / g;
      double rd = Math.abs(dNew - d) / d;
      stop = !(rg > tol) && !(rd > tol);
      g = gNew;
      d = dNew;
    }
    out[0] = g;
    out[1] = d;
    return stop;
  }

  /**
   * Runs the neuroCombat iteration of one feature and records, for t = 1, 2, … (bit t of each
   * set), whether its ratio {@code |Δγ|/γ_old} (signed by γ_old, as in neuroCombat) is NaN or
   * above {@code tol}, and the same for {@code |Δδ²|/δ²_old}. Records up to {@code window}
   * iterations past the first one at which neither ratio is above tol, and never past {@code cap}.
   */
  static void recordNeuroCombat(double gHat, double dHat, double n, double ss, double zbar, double gBar,
      double t2, double a, double b, double tol, int cap, int window, long[] gNaN, long[] dNaN, long[] gAbove,
      long[] dAbove) {
    double g = gHat;
    double d = dHat;
    int last = cap;
    for (int t = 1; t <= last; t++) {
      double gNew = postMean(gHat, gBar, n, d, t2);
      double e = zbar - gNew;
      double dNew = postVar(ss + n * e * e, n, a, b);
      double rg = Math.abs(gNew - g) / g;
      double rd = Math.abs(dNew - d) / d;
      long bit = 1L << (t & 63);
      int word = t >>> 6;
      if (Double.isNaN(rg)) {
        gNaN[word] |= bit;
      } else if (rg > tol) {
        gAbove[word] |= bit;
      }
      if (Double.isNaN(rd)) {
        dNaN[word] |= bit;
      } else if (rd > tol) {
        dAbove[word] |= bit;
      }
      if (last == cap && !(rg > tol) && !(rd > tol)) {
        last = (int) Math.min(cap, (long) t + window);
      }
      g = gNew;
      d = dNew;
    }
  }

  /**
   * Non-parametric EB of one feature in one site: with the prior features j ≠ self (γ̂_j, δ̂²_j),
   * weights {@code w_j ∝ Π_s φ(z_s; γ̂_j, δ̂²_j) = (2π δ̂²_j)^(−n/2) exp(−(SS + n(z̄ − γ̂_j)²)/(2δ̂²_j))},
   * {@code γ* = Σ w_j γ̂_j / Σ w_j} and {@code δ*² = Σ w_j δ̂²_j / Σ w_j}. The weights are formed in
   * log space and scaled by their maximum, which is mathematically the same as neuroCombat's
   * {@code int_eprior} but does not underflow: neuroCombat's product of densities underflows to 0
   * (and its estimate to NaN) once a site has more than about 500 subjects.
   *
   * @param selfIndex index of the feature itself in the prior arrays, or −1 if it is not there
   * @param scratch at least {@code ids.length} doubles
   */
  static void nonParametric(double n, double ss, double zbar, double[] priorG, double[] priorD,
      double[] priorLogD, double[] priorInvD, int selfIndex, double[] scratch, double[] out) {
    int m = priorG.length;
    double max = Double.NEGATIVE_INFINITY;
    double halfN = 0.5 * n;
    for (int j = 0; j < m; j++) {
      if (j == selfIndex) {
        continue;
      }
      double e = zbar - priorG[j];
      double lw = -halfN * priorLogD[j] - 0.5 * (ss + n * e * e) * priorInvD[j];
      scratch[j] = lw;
      if (lw > max) {
        max = lw;
      }
    }
    double sw = 0;
    double sg = 0;
    double sd = 0;
    for (int j = 0; j < m; j++) {
      if (j == selfIndex) {
        continue;
      }
      double w = Math.exp(scratch[j] - max);
      sw += w;
      sg += w * priorG[j];
      sd += w * priorD[j];
    }
    out[0] = sg / sw;
    out[1] = sd / sw;
  }
}
