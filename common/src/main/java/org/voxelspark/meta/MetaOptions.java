package org.voxelspark.meta;

import java.io.Serializable;
import java.util.Objects;

/**
 * Settings of a meta-analysis; immutable, {@code with…} returns a modified copy. Defaults:
 * {@link MetaMethod#REML}, {@link MetaTest#Z}, 95 % intervals, random effects from 3 sites, and
 * metafor 3.8's {@code rma} control defaults for the iterations ({@link #DEFAULT_THRESHOLD},
 * {@link #DEFAULT_MAX_ITERATIONS}, step adjustment 1, uniroot tolerance {@link #UNIROOT_TOLERANCE}).
 */
public final class MetaOptions implements Serializable {
  private static final long serialVersionUID = 1L;

  /** metafor's {@code threshold}: Fisher scoring stops when {@code |Δτ²| ≤} this. */
  public static final double DEFAULT_THRESHOLD = 1e-5;
  /** metafor's {@code maxiter}. */
  public static final int DEFAULT_MAX_ITERATIONS = 100;
  /** metafor's {@code stepadj}. */
  public static final double DEFAULT_STEP_ADJUSTMENT = 1.0;
  /** R's and metafor's {@code tol = .Machine$double.eps^0.25} (uniroot, and the ML/REML τ² = 0 check). */
  public static final double UNIROOT_TOLERANCE = Math.pow(Math.ulp(1.0), 0.25);
  /** Fewest sites for a random-effects estimate, by default. */
  public static final int DEFAULT_MINIMUM_SITES_RANDOM = 3;

  private final MetaMethod method;
  private final MetaTest test;
  private final double level;
  private final int minimumSitesRandom;
  private final double threshold;
  private final int maxIterations;
  private final double stepAdjustment;

  private MetaOptions(MetaMethod method, MetaTest test, double level, int minimumSitesRandom, double threshold,
      int maxIterations, double stepAdjustment) {
    this.method = Objects.requireNonNull(method, "method");
    this.test = Objects.requireNonNull(test, "test");
    if (!(level > 0 && level < 1)) {
      throw new IllegalArgumentException("confidence level must be in (0, 1), got " + level);
    }
    if (minimumSitesRandom < 2) {
      throw new IllegalArgumentException("random effects need at least 2 sites, got " + minimumSitesRandom);
    }
    if (!(threshold > 0) || maxIterations < 1 || !(stepAdjustment > 0)) {
      throw new IllegalArgumentException("threshold, max iterations and step adjustment must be positive");
    }
    this.level = level;
    this.minimumSitesRandom = minimumSitesRandom;
    this.threshold = threshold;
    this.maxIterations = maxIterations;
    this.stepAdjustment = stepAdjustment;
  }

  public static MetaOptions defaults() {
    return new MetaOptions(MetaMethod.REML, MetaTest.Z, 0.95, DEFAULT_MINIMUM_SITES_RANDOM, DEFAULT_THRESHOLD,
        DEFAULT_MAX_ITERATIONS, DEFAULT_STEP_ADJUSTMENT);
  }

  public MetaOptions withMethod(MetaMethod m) {
    return new MetaOptions(m, test, level, minimumSitesRandom, threshold, maxIterations, stepAdjustment);
  }

  public MetaOptions withTest(MetaTest t) {
    return new MetaOptions(method, t, level, minimumSitesRandom, threshold, maxIterations, stepAdjustment);
  }

  /** Confidence level of the interval, in (0, 1). */
  public MetaOptions withLevel(double l) {
    return new MetaOptions(method, test, l, minimumSitesRandom, threshold, maxIterations, stepAdjustment);
  }

  /** Fewest sites for a random-effects estimate, ≥ 2 (2 reproduces metafor, which fits k = 2). */
  public MetaOptions withMinimumSitesRandom(int k) {
    return new MetaOptions(method, test, level, k, threshold, maxIterations, stepAdjustment);
  }

  /** metafor's {@code control = list(threshold, maxiter, stepadj)} for REML/ML (maxiter also bounds PM). */
  public MetaOptions withControl(double threshold, int maxIterations, double stepAdjustment) {
    return new MetaOptions(method, test, level, minimumSitesRandom, threshold, maxIterations, stepAdjustment);
  }

  public MetaMethod method() {
    return method;
  }

  public MetaTest test() {
    return test;
  }

  public double level() {
    return level;
  }

  public int minimumSitesRandom() {
    return minimumSitesRandom;
  }

  public double threshold() {
    return threshold;
  }

  public int maxIterations() {
    return maxIterations;
  }

  public double stepAdjustment() {
    return stepAdjustment;
  }

  @Override
  public String toString() {
    return "Meta(method=" + method + ", test=" + test + ", level=" + level + ", minimumSitesRandom="
        + minimumSitesRandom + ", threshold=" + threshold + ", maxIterations=" + maxIterations + ", stepadj="
        + stepAdjustment + ")";
  }
}
