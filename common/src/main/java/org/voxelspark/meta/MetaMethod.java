package org.voxelspark.meta;

/**
 * How the per-site effects are pooled: a fixed-effect (common-effect) model, or a random-effects
 * model with one of metafor's estimators of the between-site variance τ² (Viechtbauer 2005, J Educ
 * Behav Stat 30:261; metafor 3.8 {@code rma.uni(method = …)}). Formulas: intercept-only model,
 * k sites with effects y_i and sampling variances v_i, {@code w_i = 1/v_i}, {@code S_r = Σ w_i^r}.
 */
public enum MetaMethod {
  /** τ² = 0: inverse-variance weighted mean (metafor {@code "FE"}/{@code "EE"}). */
  FIXED_EFFECT("FE", false),
  /**
   * DerSimonian–Laird (1986) moment estimator, {@code τ² = max(0, (Q − (k − 1)) / (S_1 − S_2/S_1))}.
   */
  DERSIMONIAN_LAIRD("DL", true),
  /**
   * Restricted maximum likelihood (the default), by metafor's Fisher scoring: from the truncated
   * Hedges estimate, {@code τ² += stepadj · (YᵀPPY − tr P) / tr(PP)}, halving a step that would make
   * τ² negative, until {@code |Δτ²| ≤ threshold}; then metafor's check that the likelihood at τ² = 0
   * is not higher.
   */
  REML("REML", true),
  /** Maximum likelihood, the same Fisher scoring with {@code (YᵀPPY − S_1) / S_2}. */
  ML("ML", true),
  /**
   * Paule–Mandel (1982): the root of the generalised Q statistic {@code Q(τ²) = k − 1}, found as metafor
   * finds it, by R's {@code uniroot} (Brent's zeroin) on [0, max(100, 10·mad(y)²)] with tolerance
   * {@code DBL_EPSILON^¼}; 0 if {@code Q(0) < k − 1}.
   */
  PAULE_MANDEL("PM", true),
  /** Hedges' unweighted moment estimator, {@code max(0, (Σ(y − ȳ)² − (1 − 1/k) Σ v) / (k − 1))}. */
  HEDGES("HE", true),
  /** Sidik–Jonkman: {@code τ₀² = Σ(y − ȳ)²/k}, {@code τ² = τ₀² Σ w*(y − μ*)² / (k − 1)}, w* = 1/(v + τ₀²). */
  SIDIK_JONKMAN("SJ", true);

  private final String metaforName;
  private final boolean randomEffects;

  MetaMethod(String metaforName, boolean randomEffects) {
    this.metaforName = metaforName;
    this.randomEffects = randomEffects;
  }

  /** metafor's name of the method ({@code method =} of {@code rma}). */
  public String metaforName() {
    return metaforName;
  }

  /** True for the random-effects estimators. */
  public boolean randomEffects() {
    return randomEffects;
  }
}
