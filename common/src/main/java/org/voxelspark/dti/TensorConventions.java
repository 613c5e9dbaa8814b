package org.voxelspark.dti;

/**
 * Which tool's conventions the tensor fit follows where the tools differ
 * ({@link TensorModel.Settings#of}): the signal floor and the eigenvalue bound.
 */
public enum TensorConventions {
  /**
   * DIPY 1.6: samples raised to 1e-4 ({@link TensorModel.SignalFloor#ABSOLUTE}); eigenvalues
   * bounded below by 1e-6 / max|design| (OLS, WLS, IWLS) or 0 (NLLS), so FA ∈ [0, 1].
   */
  DIPY,
  /**
   * MRtrix3 3.0: samples raised to 1e-6 × the voxel's largest sample, every output NaN where no
   * sample is positive ({@link TensorModel.SignalFloor#RELATIVE_TO_MAX}); eigenvalues not bounded.
   */
  MRTRIX
}
