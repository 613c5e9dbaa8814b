package org.voxelspark.dti;

/**
 * How the diffusion tensor is fitted to the signal: the log-linear methods fit
 * {@code y = ln S = B·p} (B: design matrix), NLLS fits {@code S = exp(B·p)}.
 */
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
  IWLS,
  /**
   * Non-linear least squares as DIPY's {@code fit_method='NLLS'} (DIPY 1.6 defaults: unweighted,
   * the tensor elements themselves as parameters, no Cholesky parameterisation, started from OLS):
   * {@code p = argmin Σ (S_i − exp(B_i·p))²} on the floored signal, by Levenberg–Marquardt
   * ({@link TensorFitter} gives the stopping rule; DIPY uses MINPACK's {@code lmder} through
   * {@code scipy.optimize.leastsq}). Eigenvalues are bounded at 0 as DIPY does for this method.
   */
  NLLS
}
