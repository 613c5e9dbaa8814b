package org.voxelspark.meta;

import org.apache.commons.math3.special.Gamma;

/**
 * Per-site effect sizes and their sampling variances, element-wise over arrays in any common
 * layout (use the site-major layout of {@link MetaAnalysis}). A non-finite input gives NaN outputs
 * for that element (a missing site), never an exception.
 *
 * <p>Definitions follow metafor 3.8's {@code escalc}:
 * <ul>
 *   <li><b>Hedges' g</b> ({@code measure="SMD"}, group 1 minus group 2): pooled SD
 *       {@code s = √(((n₁−1)s₁² + (n₂−1)s₂²)/(n₁+n₂−2))}, Cohen's {@code d = (m₁ − m₂)/s}, the exact
 *       small-sample correction {@code J(m) = Γ(m/2) / (√(m/2) Γ((m−1)/2))} with m = n₁ + n₂ − 2
 *       (Hedges 1981; ≈ 1 − 3/(4m − 1)), {@code g = J d}; variance, metafor's default large-sample
 *       {@code vtype="LS"} (Hedges 1982; Borenstein et al. 2009 eq. 4.20 with g for d):
 *       {@code v = 1/n₁ + 1/n₂ + g²/(2(n₁ + n₂))}.
 *   <li>the same from a two-sample t statistic with n₁, n₂: {@code d = t √(1/n₁ + 1/n₂)}.
 *   <li><b>Fisher's z</b> of a (partial) correlation r with n subjects and q covariates partialled
 *       out ({@code measure="ZCOR"} when q = 0): {@code z = atanh r}, {@code v = 1/(n − 3 − q)};
 *       NaN when n − 3 − q ≤ 0. {@link #correlationFromT} gives the partial r of a regression t.
 * </ul>
 */
public final class EffectSizes {
  private EffectSizes() {}

  /** metafor's {@code .cmicalc}: J(m) = exp(lnΓ(m/2) − ½ ln(m/2) − lnΓ((m − 1)/2)), m &gt; 1. */
  public static double hedgesCorrection(double m) {
    if (!(m > 1)) {
      return Double.NaN;
    }
    return Math.exp(Gamma.logGamma(m / 2) - 0.5 * Math.log(m / 2) - Gamma.logGamma((m - 1) / 2));
  }

  /**
   * Hedges' g and its variance from group means, SDs (n − 1 denominator) and sizes.
   *
   * @param g receives g per element; {@code variance} receives its sampling variance
   */
  public static void hedgesG(double[] m1, double[] sd1, double[] n1, double[] m2, double[] sd2, double[] n2,
      double[] g, double[] variance) {
    int len = checkLengths(g.length, m1, sd1, n1, m2, sd2, n2, variance);
    for (int i = 0; i < len; i++) {
      double a = n1[i];
      double b = n2[i];
      double m = a + b - 2;
      double sp = Math.sqrt(((a - 1) * sd1[i] * sd1[i] + (b - 1) * sd2[i] * sd2[i]) / m);
      double d = (m1[i] - m2[i]) / sp;
      set(i, hedgesCorrection(m) * d, a, b, g, variance);
    }
  }

  /** Hedges' g and its variance from a two-sample t statistic (group 1 minus group 2). */
  public static void hedgesGFromT(double[] t, double[] n1, double[] n2, double[] g, double[] variance) {
    int len = checkLengths(g.length, t, n1, n2, variance);
    for (int i = 0; i < len; i++) {
      double a = n1[i];
      double b = n2[i];
      set(i, hedgesCorrection(a + b - 2) * t[i] * Math.sqrt(1 / a + 1 / b), a, b, g, variance);
    }
  }

  private static void set(int i, double gi, double a, double b, double[] g, double[] variance) {
    if (!Double.isFinite(gi) || !(a > 0) || !(b > 0)) {
      g[i] = Double.NaN;
      variance[i] = Double.NaN;
      return;
    }
    g[i] = gi;
    variance[i] = 1 / a + 1 / b + gi * gi / (2 * (a + b));
  }

  /**
   * Fisher's z of (partial) correlations and its variance 1/(n − 3 − q).
   *
   * @param covariates q, the number of covariates partialled out (0 for a plain correlation)
   */
  public static void fisherZ(double[] r, double[] n, int covariates, double[] z, double[] variance) {
    int len = checkLengths(z.length, r, n, variance);
    for (int i = 0; i < len; i++) {
      double dof = n[i] - 3 - covariates;
      double ri = r[i];
      if (!(dof > 0) || !(Math.abs(ri) < 1)) {
        z[i] = Double.NaN;
        variance[i] = Double.NaN;
        continue;
      }
      z[i] = 0.5 * Math.log((1 + ri) / (1 - ri));
      variance[i] = 1 / dof;
    }
  }

  /** Partial correlation of a regression coefficient's t statistic with {@code df} residual df: t/√(t² + df). */
  public static double correlationFromT(double t, double df) {
    return t / Math.sqrt(t * t + df);
  }

  /** The inverse of Fisher's z (metafor's {@code transf.ztor}): tanh z. */
  public static double correlationFromZ(double z) {
    return Math.tanh(z);
  }

  private static int checkLengths(int len, double[]... arrays) {
    for (double[] a : arrays) {
      if (a.length != len) {
        throw new IllegalArgumentException("arrays of different lengths: " + a.length + " vs " + len);
      }
    }
    return len;
  }
}
