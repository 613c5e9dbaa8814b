package org.voxelspark.nifti;

import java.util.Objects;
import org.voxelspark.geometry.VoxelLayout;

/**
 * A NIfTI header with its voxel values as float32.
 *
 * <p>{@link #data()} holds the <em>scaled</em> values ({@code stored × slope + inter}, see
 * {@link NiftiHeader#effectiveSlope()}) in {@link #layout()} order, spatially i fastest. For a
 * multi-component type (complex: 2, RGB: 3, RGBA: 4) the components of a voxel are adjacent,
 * component fastest: element {@code (offset(v, t)) · components + c}.
 *
 * <p>Holds the array without copying; callers must not modify it if they share the image.
 */
public final class NiftiImage {
  private final NiftiHeader header;
  private final float[] data;
  private final VoxelLayout layout;

  public NiftiImage(NiftiHeader header, float[] data, VoxelLayout layout) {
    this.header = Objects.requireNonNull(header, "header");
    this.data = Objects.requireNonNull(data, "data");
    this.layout = Objects.requireNonNull(layout, "layout");
    long expected = header.voxelCount() * header.datatype().components();
    if (data.length != expected) {
      throw new IllegalArgumentException("data has " + data.length + " values, header implies " + expected);
    }
  }

  public NiftiHeader header() {
    return header;
  }

  /** The scaled voxel values (not a copy). */
  public float[] data() {
    return data;
  }

  public VoxelLayout layout() {
    return layout;
  }

  /** Values per voxel: 1 for scalars, 2 for complex, 3 for RGB, 4 for RGBA. */
  public int components() {
    return header.datatype().components();
  }

  /** The scaled value at voxel (i, j, k), volume t, component c. */
  public float get(int i, int j, int k, int t, int c) {
    long v = i + (long) header.nx() * (j + (long) header.ny() * k);
    long off = layout.offset(v, t, header.voxelsPerVolume(), header.nt());
    return data[(int) (off * components() + c)];
  }

  /** The scaled value of a scalar image at voxel (i, j, k), volume t. */
  public float get(int i, int j, int k, int t) {
    return get(i, j, k, t, 0);
  }
}
