package org.voxelspark.harmonize;

/**
 * How ComBat estimates each feature's per-site location γ* and scale δ*² from the least-squares
 * estimates γ̂ and δ̂² (Johnson, Li &amp; Rabinovic 2007, Biostatistics 8:118).
 */
public enum EmpiricalBayes {
  /**
   * Parametric empirical Bayes (the default): a normal prior N(γ̄, τ̄²) on γ and an inverse-gamma
   * prior IG(a, b) on δ², both fitted per site by the method of moments over all features; the
   * posterior means are found by the fixed-point iteration of Johnson 2007 (eqs. 3.1–3.2).
   */
  PARAMETRIC,
  /**
   * Non-parametric empirical Bayes: the prior is the empirical distribution of the other features'
   * (γ̂, δ̂²) in the same site; each feature's estimate is the likelihood-weighted mean over them.
   * Cost O(features²) per site.
   */
  NON_PARAMETRIC,
  /** No shrinkage: γ* = γ̂ and δ*² = δ̂² (the "L/S" adjustment without empirical Bayes). */
  NONE
}
