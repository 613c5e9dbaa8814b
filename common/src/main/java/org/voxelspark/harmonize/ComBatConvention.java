package org.voxelspark.harmonize;

/**
 * Numerical conventions: ours, or the reference implementation's where it differs.
 *
 * <p>The two differ in exactly two places (everything else — design, pooled variance with the 1/n
 * divisor, priors, posteriors, the mean-only posterior — is the same):
 * <table>
 *   <caption>differences between the conventions</caption>
 *   <tr><th></th><th>{@link #VOXELSPARK} (default)</th><th>{@link #NEUROCOMBAT_COMPATIBLE}</th></tr>
 *   <tr><td>covariate values</td><td>used as given, in double precision</td>
 *       <td>rounded to float32 first (neuroCombat 0.2.12 casts continuous covariates to float32;
 *       0/1 dummy codes are exact in float32, so rounding every column is the same)</td></tr>
 *   <tr><td>parametric EB stopping rule</td>
 *       <td>per feature: stop when {@code |Δγ| ≤ tol·√δ²} and {@code |Δδ²| ≤ tol·δ²}
 *       ({@link ComBatOptions#DEFAULT_EB_TOLERANCE}), so a feature's estimate is the fixed point
 *       of the EB equations and does not depend on which other features were in the mask or the
 *       block</td>
 *       <td>per site, over all features at once: every feature iterates until the largest
 *       {@code |Δγ|/γ_old} or {@code |Δδ²|/δ²_old} over all features of the site is ≤ 1e-4
 *       ({@link ComBatOptions#NEUROCOMBAT_EB_TOLERANCE}); the ratio is signed by {@code γ_old}
 *       as in neuroCombat. Needs one more reduction over all features
 *       ({@link EbIterationAccumulator}).</td></tr>
 * </table>
 */
public enum ComBatConvention {
  /** Double-precision covariates, per-feature convergence to a tight tolerance (the default). */
  VOXELSPARK,
  /** Reproduces neuroCombat 0.2.12 (Python, Jfortin1/neuroCombat@ac82a06) to rounding. */
  NEUROCOMBAT_COMPATIBLE
}
