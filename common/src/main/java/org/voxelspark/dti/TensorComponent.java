package org.voxelspark.dti;

import java.util.List;

/**
 * The six distinct elements of the symmetric diffusion tensor, in NIfTI's SYMMATRIX
 * lower-triangular order ({@code intent_code} 1005): XX, XY, YY, XZ, YZ, ZZ. This is the order of
 * the fitted parameters ({@code p[0..5]}, then ln S0 at {@code p[6]}) and of the tensor channels of
 * the kernel. Maps can be written in another {@link Order} ({@code --dti-tensor-order}).
 */
public enum TensorComponent {
  XX, XY, YY, XZ, YZ, ZZ;

  /** An order of the six components in a 6-volume tensor map; defined here once for writers, docs and tests. */
  public enum Order {
    /** NIfTI's SYMMATRIX lower-triangular order XX, XY, YY, XZ, YZ, ZZ (the enum's own order; the default). */
    NIFTI(XX, XY, YY, XZ, YZ, ZZ),
    /** FSL's order, as {@code dtifit --save_tensor} writes it (and DIPY's TENSOR files): XX, XY, XZ, YY, YZ, ZZ. */
    FSL(XX, XY, XZ, YY, YZ, ZZ);

    private final List<TensorComponent> components;

    Order(TensorComponent... components) {
      this.components = List.of(components);
    }

    /** The component stored in volume {@code v} (0..5). */
    public TensorComponent component(int v) {
      return components.get(v);
    }

    /** The components in volume order. */
    public List<TensorComponent> components() {
      return components;
    }

    /** "XX, XY, YY, XZ, YZ, ZZ": the volume order, for sidecars and logs. */
    public String label() {
      return String.join(", ", components.stream().map(Enum::name).toList());
    }
  }
}
