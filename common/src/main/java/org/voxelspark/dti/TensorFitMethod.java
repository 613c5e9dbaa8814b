package org.voxelspark.dti;

/** How the diffusion tensor is fitted to the log signal {@code y = ln S = B·p} (B: design matrix). */
public enum TensorFitMethod {
  /** Ordinary least squares: {@code p = pinv(B)·y}, the pseudo-inverse computed once per gradient table. */
  OLS,
  /**
   * Weighted least squares as DIPY's {@code fit_method='WLS'}: one pass with weights w = the
   * OLS-predicted signal {@code exp(B·p_OLS)}, minimising {@code Σ w_i² (y_i − B_i·p)²}.
   */
  WLS,
  /**
   * Iteratively reweighted least squares as MRtrix3's {@code dwi2tensor} default: a first pass
   * weighted by the measured signal, then reweighting passes weighted by the predicted signal
   * ({@link TensorModel.Settings#reweightings()}, default 2).
   */
  IWLS
}
