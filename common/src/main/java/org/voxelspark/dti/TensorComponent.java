package org.voxelspark.dti;

/**
 * The six distinct elements of the symmetric diffusion tensor, in NIfTI's SYMMATRIX
 * lower-triangular order ({@code intent_code} 1005): XX, XY, YY, XZ, YZ, ZZ. This is the order of
 * the fitted parameters ({@code p[0..5]}, then ln S0 at {@code p[6]}) and of the tensor maps
 * voxelspark writes. FSL's order (XX, XY, XZ, YY, YZ, ZZ) is {@link #FSL_ORDER}.
 */
public enum TensorComponent {
  XX, XY, YY, XZ, YZ, ZZ;

  /** FSL's (and DIPY's TENSOR file's) order, as components of this enum. */
  public static final TensorComponent[] FSL_ORDER = {XX, XY, XZ, YY, YZ, ZZ};
}
