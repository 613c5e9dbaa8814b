package org.voxelspark.stats.glm;

import org.apache.commons.statistics.distribution.FDistribution;
import org.apache.commons.statistics.distribution.NormalDistribution;
import org.apache.commons.statistics.distribution.TDistribution;

/**
 * Parametric p-values and z-scores of t and F statistics from their exact null distributions
 * (Apache Commons Statistics), with PALM's conventions ({@code palm_gtoz}).
 *
 * <ul>
 *   <li>t with ν degrees of freedom: upper-tail p = P(T ≥ t); two-tailed p = min(1, 2·P(T ≥ |t|)).
 *   <li>t → z: the normal quantile of the same tail probability, computed in the tail the statistic
 *       is in, so precision is kept far out: z = Φ⁻¹(1 − P(T ≥ t)) via the inverse survival function
 *       for t &gt; 0, z = Φ⁻¹(P(T ≤ t)) otherwise. Hence z(−t) = −z(t).
 *   <li>F with (q, ν) degrees of freedom: p = P(F ≥ f); F → z: inverse normal survival of P(F ≥ f)
 *       above the F median, inverse normal CDF of P(F ≤ f) at or below it (so z can be negative).
 * </ul>
 * NaN in, NaN out; ±∞ statistics give p ∈ {0, 1} and z = ±∞. Degrees of freedom must be &gt; 0 (else
 * NaN). Stateless; thread-safe. For loops over many voxels with the same degrees of freedom, build
 * the distribution once with {@link #t(double)} / {@link #f(double, double)}.
 */
public final class Distributions {
  private static final NormalDistribution NORMAL = NormalDistribution.of(0, 1);

  private Distributions() {}

  /** Student's t with {@code dof} degrees of freedom, or null when dof is not &gt; 0. */
  public static TDistribution t(double dof) {
    return dof > 0 && Double.isFinite(dof) ? TDistribution.of(dof) : null;
  }

  /** Fisher's F with (q, dof) degrees of freedom, or null when either is not &gt; 0. */
  public static FDistribution f(double q, double dof) {
    return q > 0 && dof > 0 && Double.isFinite(q) && Double.isFinite(dof) ? FDistribution.of(q, dof) : null;
  }

  /** Upper-tail p = P(T ≥ t). */
  public static double tUpperP(TDistribution dist, double t) {
    if (dist == null || Double.isNaN(t)) {
      return Double.NaN;
    }
    return dist.survivalProbability(t);
  }

  /** Two-tailed p = min(1, 2·P(T ≥ |t|)). */
  public static double tTwoTailedP(TDistribution dist, double t) {
    if (dist == null || Double.isNaN(t)) {
      return Double.NaN;
    }
    return Math.min(1.0, 2.0 * dist.survivalProbability(Math.abs(t)));
  }

  /** z-score of t, PALM's {@code palm_gtoz} for rank-1 contrasts. */
  public static double tToZ(TDistribution dist, double t) {
    if (dist == null || Double.isNaN(t)) {
      return Double.NaN;
    }
    if (t > 0) {
      return NORMAL.inverseSurvivalProbability(dist.survivalProbability(t));
    }
    return NORMAL.inverseCumulativeProbability(dist.cumulativeProbability(t));
  }

  /** Upper-tail p = P(F ≥ f). */
  public static double fP(FDistribution dist, double f) {
    if (dist == null || Double.isNaN(f)) {
      return Double.NaN;
    }
    return dist.survivalProbability(f);
  }

  /** z-score of f, PALM's {@code palm_gtoz} for rank &gt; 1 contrasts. */
  public static double fToZ(FDistribution dist, double median, double f) {
    if (dist == null || Double.isNaN(f)) {
      return Double.NaN;
    }
    if (f > median) {
      return NORMAL.inverseSurvivalProbability(dist.survivalProbability(f));
    }
    return NORMAL.inverseCumulativeProbability(dist.cumulativeProbability(f));
  }

  /** The median of an F distribution (PALM's split point between the two tails of z). */
  public static double fMedian(FDistribution dist) {
    return dist == null ? Double.NaN : dist.inverseCumulativeProbability(0.5);
  }

  /** Convenience: {@link #tToZ(TDistribution, double)} for one value. */
  public static double tToZ(double t, double dof) {
    return tToZ(t(dof), t);
  }

  /** Convenience: {@link #fToZ(FDistribution, double, double)} for one value. */
  public static double fToZ(double f, double q, double dof) {
    FDistribution d = f(q, dof);
    return fToZ(d, fMedian(d), f);
  }

  /**
   * Hedges' small-sample correction J(ν) = Γ(ν/2) / (√(ν/2)·Γ((ν−1)/2)), exact (Hedges 1981), for
   * ν &gt; 1; NaN otherwise. J → 1 as ν → ∞ (≈ 1 − 3/(4ν − 1)).
   */
  public static double hedgesJ(double dof) {
    if (!(dof > 1) || !Double.isFinite(dof)) {
      return Double.NaN;
    }
    return Math.exp(org.apache.commons.math3.special.Gamma.logGamma(dof / 2)
        - org.apache.commons.math3.special.Gamma.logGamma((dof - 1) / 2)) / Math.sqrt(dof / 2);
  }
}
