package org.voxelspark.harmonize;

/**
 * What ComBat did with one feature (voxel), recorded per feature so that the caller can log, count
 * and map it. A feature is either <em>adjusted</em> (its values in the sites it used are
 * harmonised) or <em>left unchanged</em> (every output value equals its input value, and the
 * feature contributes nothing to the empirical-Bayes priors); it is never silently turned into NaN.
 * Which sites a feature used is in the per-site {@link ComBatBatchState}.
 *
 * <p>{@link #code()} is the stable integer written to output tables; never reorder or reuse codes.
 */
public enum ComBatFeatureStatus {
  /** Every site was used and the EB estimate met its stopping rule. */
  HARMONIZED(0, true),
  /**
   * Adjusted in the sites it could use; subjects of the other sites (a site with no finite value,
   * one value, or all values equal — see {@link ComBatBatchState}) keep their input values.
   */
  PARTIAL(1, true),
  /**
   * Adjusted with the last EB iterate, but the stopping rule was not met: under
   * {@link ComBatConvention#VOXELSPARK} the tolerance was not reached within the maximum number of
   * iterations; under {@link ComBatConvention#NEUROCOMBAT_COMPATIBLE} the site-wide iteration count
   * did not satisfy this feature's own neuroCombat ratio, so neuroCombat would have iterated longer.
   */
  NOT_CONVERGED(2, true),
  /**
   * Left unchanged: no site has two distinct finite values, or nothing is left after fitting the
   * site means and covariates (pooled residual variance 0: a constant feature, or one exactly
   * explained by the covariates).
   */
  CONSTANT(3, false),
  /** Left unchanged: the reference site has no usable values for this feature. */
  REFERENCE_UNUSABLE(4, false),
  /**
   * Left unchanged: on this feature's finite values the site-and-covariate regression has no
   * residual degrees of freedom or its covariates are collinear.
   */
  TOO_FEW_VALUES(5, false),
  /**
   * Left unchanged: a used site's residuals are all exactly zero, so its scale δ² cannot be
   * estimated (only possible with {@link ComBatAdjustment#MEAN_AND_VARIANCE}).
   */
  ZERO_SITE_VARIANCE(6, false);

  private final int code;
  private final boolean adjusted;

  ComBatFeatureStatus(int code, boolean adjusted) {
    this.code = code;
    this.adjusted = adjusted;
  }

  /** Stable integer code written to output tables. */
  public int code() {
    return code;
  }

  /** True if the feature's values were harmonised (in at least one site). */
  public boolean adjusted() {
    return adjusted;
  }

  /** The status with {@code code}. */
  public static ComBatFeatureStatus ofCode(int code) {
    for (ComBatFeatureStatus s : values()) {
      if (s.code == code) {
        return s;
      }
    }
    throw new IllegalArgumentException("no ComBat feature status with code " + code);
  }
}
