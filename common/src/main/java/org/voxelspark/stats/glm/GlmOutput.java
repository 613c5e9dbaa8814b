package org.voxelspark.stats.glm;

/**
 * The per-voxel outputs of {@link GlmKernel}, with their scope (how many maps: one per design
 * column, per t-contrast, per F-test, or one) and a short label for file names. Definitions (σ̂² =
 * RSS/ν, ν = N − p the voxel's residual degrees of freedom, N its number of subjects, c a contrast,
 * C an F-test's p×q weights):
 *
 * <table>
 *   <caption>GLM outputs</caption>
 *   <tr><th>output</th><th>definition</th><th>units</th></tr>
 *   <tr><td>{@link #BETA}</td><td>least-squares β = (MᵀM)⁻¹Mᵀy</td><td>metric units per regressor unit</td></tr>
 *   <tr><td>{@link #RESIDUAL_SD}</td><td>σ̂ = √(RSS/ν)</td><td>metric units</td></tr>
 *   <tr><td>{@link #COPE}</td><td>cᵀβ</td><td>metric units (per unit of a numeric regressor)</td></tr>
 *   <tr><td>{@link #T}</td><td>cᵀβ / (σ̂·√(cᵀ(MᵀM)⁻¹c))</td><td>t with ν dof</td></tr>
 *   <tr><td>{@link #T_Z}</td><td>z of t ({@link Distributions#tToZ})</td><td>standard normal</td></tr>
 *   <tr><td>{@link #T_P}</td><td>P(T ≥ t): one-tailed, H1 cᵀβ &gt; 0</td><td>p (not 1 − p)</td></tr>
 *   <tr><td>{@link #T_P_TWO_TAILED}</td><td>min(1, 2·P(T ≥ |t|))</td><td>p</td></tr>
 *   <tr><td>{@link #PARTIAL_R}</td><td>r = t / √(t² + ν): the partial correlation of the metric
 *       with the contrast's regressor (e.g. a clinical score) given the other columns</td><td>−1..1</td></tr>
 *   <tr><td>{@link #FISHER_Z}</td><td>atanh(r), Fisher's transform of r (not scaled: its null SD is ≈ 1/√(ν − 1))</td><td></td></tr>
 *   <tr><td>{@link #COHEN_D}</td><td>cᵀβ / σ̂ for a two-level group difference (covariate-adjusted
 *       Cohen's d; the classic pooled-SD d without covariates); NaN for other contrasts</td><td>SD units</td></tr>
 *   <tr><td>{@link #HEDGES_G}</td><td>J(ν)·d, J the exact small-sample correction
 *       ({@link Distributions#hedgesJ})</td><td>SD units</td></tr>
 *   <tr><td>{@link #F}</td><td>(Cᵀβ)ᵀ(Cᵀ(MᵀM)⁻¹C)⁻¹(Cᵀβ) / (q·σ̂²)</td><td>F with (q, ν) dof</td></tr>
 *   <tr><td>{@link #F_Z}</td><td>z of F ({@link Distributions#fToZ})</td><td>standard normal</td></tr>
 *   <tr><td>{@link #F_P}</td><td>P(F ≥ f)</td><td>p</td></tr>
 *   <tr><td>{@link #DOF}</td><td>ν = N − p (NaN where the voxel's design is not estimable)</td><td></td></tr>
 *   <tr><td>{@link #SUBJECTS}</td><td>N: subjects with a value at the voxel</td><td>count</td></tr>
 * </table>
 */
public enum GlmOutput {
  BETA(Scope.COLUMN, "beta"),
  RESIDUAL_SD(Scope.VOXEL, "sigma"),
  COPE(Scope.CONTRAST, "effect"),
  T(Scope.CONTRAST, "t"),
  T_Z(Scope.CONTRAST, "z"),
  T_P(Scope.CONTRAST, "p"),
  T_P_TWO_TAILED(Scope.CONTRAST, "p2tail"),
  PARTIAL_R(Scope.CONTRAST, "r"),
  FISHER_Z(Scope.CONTRAST, "fisherz"),
  COHEN_D(Scope.CONTRAST, "cohend"),
  HEDGES_G(Scope.CONTRAST, "hedgesg"),
  F(Scope.FTEST, "F"),
  F_Z(Scope.FTEST, "z"),
  F_P(Scope.FTEST, "p"),
  DOF(Scope.VOXEL, "dof"),
  SUBJECTS(Scope.VOXEL, "n");

  /** How many maps an output has. */
  public enum Scope {
    /** one per design column */
    COLUMN,
    /** one per t-contrast */
    CONTRAST,
    /** one per F-test */
    FTEST,
    /** one */
    VOXEL
  }

  private final Scope scope;
  private final String label;

  GlmOutput(Scope scope, String label) {
    this.scope = scope;
    this.label = label;
  }

  /** How many maps this output has. */
  public Scope scope() {
    return scope;
  }

  /** A short label for file names (e.g. the BIDS {@code stat-<label>} entity). */
  public String label() {
    return label;
  }
}
