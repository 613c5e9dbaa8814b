package org.voxelspark.meta;

/**
 * The per-voxel outputs of {@link MetaAnalysis#pool}, in one order, with the column name the output
 * writers and {@code docs/harmonization-and-meta.md} use (defined here once; a test checks the doc). Besides these, {@link MetaMaps} holds
 * the number of sites pooled (k) and the {@link MetaReason} code.
 */
public enum MetaOutput {
  /** Pooled effect μ̂ (units of the input effects). */
  ESTIMATE("estimate"),
  /** Standard error of μ̂ (HKSJ-adjusted under {@link MetaTest#HKSJ}). */
  SE("se"),
  /** z = μ̂/SE, or t with k − 1 df under HKSJ. */
  STAT("stat"),
  /** Two-sided p of STAT. */
  P("p"),
  /** Lower confidence limit μ̂ − crit·SE. */
  CI_LOWER("ci_lower"),
  /** Upper confidence limit μ̂ + crit·SE. */
  CI_UPPER("ci_upper"),
  /** Cochran's Q with fixed-effect weights, {@code max(0, Σ w(y − μ̂_FE)²)}, whatever the method. */
  Q("q"),
  /** p of Q under χ² with k − 1 df. */
  P_Q("p_q"),
  /**
   * I² in percent, metafor's definition: fixed effect {@code max(0, 100 (Q − (k−1))/Q)}; random
   * effects {@code 100 τ²/(τ² + ṽ)}, typical within-site variance {@code ṽ = (k − 1)/(S_1 − S_2/S_1)}.
   */
  I2("i2"),
  /** H²: fixed effect {@code Q/(k − 1)}; random effects {@code τ²/ṽ + 1}. */
  H2("h2"),
  /** Between-site variance τ̂² (0 for fixed effect). */
  TAU2("tau2");

  private final String column;

  MetaOutput(String column) {
    this.column = column;
  }

  /** Output column / map name. */
  public String column() {
    return column;
  }
}
