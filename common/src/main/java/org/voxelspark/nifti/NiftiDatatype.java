package org.voxelspark.nifti;

/**
 * The NIfTI {@code datatype} codes voxelspark reads and writes, with their storage size.
 *
 * <p>Scalar types are read into {@code float} (one value per voxel). {@link #COMPLEX64} and
 * {@link #COMPLEX128} have 2 components per voxel (real, imaginary), {@link #RGB24} 3 (r, g, b) and
 * {@link #RGBA32} 4; components are interleaved, component fastest
 * ({@link NiftiImage#components()}). 64-bit integers and unsigned 32/64-bit integers are converted
 * exactly where float32 can represent the value and rounded to the nearest float otherwise — never
 * reinterpreted as signed.
 *
 * <p>Not supported (a {@link org.voxelspark.error.UserInputException} names the file):
 * {@code DT_BINARY} (1), {@code DT_FLOAT128} (1536) and {@code DT_COMPLEX256} (2048), which have no
 * Java primitive and which no neuroimaging tool writes in practice.
 */
public enum NiftiDatatype {
  UINT8(2, 8, 1),
  INT16(4, 16, 1),
  INT32(8, 32, 1),
  FLOAT32(16, 32, 1),
  COMPLEX64(32, 64, 2),
  FLOAT64(64, 64, 1),
  RGB24(128, 24, 3),
  INT8(256, 8, 1),
  UINT16(512, 16, 1),
  UINT32(768, 32, 1),
  INT64(1024, 64, 1),
  UINT64(1280, 64, 1),
  COMPLEX128(1792, 128, 2),
  RGBA32(2304, 32, 4);

  private final int code;
  private final int bitsPerVoxel;
  private final int components;

  NiftiDatatype(int code, int bitsPerVoxel, int components) {
    this.code = code;
    this.bitsPerVoxel = bitsPerVoxel;
    this.components = components;
  }

  /** The NIfTI {@code datatype} header code. */
  public int code() {
    return code;
  }

  /** The NIfTI {@code bitpix}: bits per voxel (all components). */
  public int bitsPerVoxel() {
    return bitsPerVoxel;
  }

  /** Bytes per voxel, {@code bitpix / 8}. */
  public int bytesPerVoxel() {
    return bitsPerVoxel / 8;
  }

  /** Values per voxel: 1 for scalars, 2 for complex, 3 for RGB, 4 for RGBA. */
  public int components() {
    return components;
  }

  /** Bytes of one component. */
  public int bytesPerComponent() {
    return bytesPerVoxel() / components;
  }

  /** True for the types {@code scl_slope}/{@code scl_inter} apply to (not RGB, not complex). */
  public boolean isScalable() {
    return components == 1;
  }

  /** True for integer types (signed or unsigned). */
  public boolean isInteger() {
    return this != FLOAT32 && this != FLOAT64 && components == 1;
  }

  /** Smallest value of an integer type (as double), or -∞ for floating types. */
  public double minValue() {
    return switch (this) {
      case UINT8, UINT16, UINT32, UINT64, RGB24, RGBA32 -> 0;
      case INT8 -> Byte.MIN_VALUE;
      case INT16 -> Short.MIN_VALUE;
      case INT32 -> Integer.MIN_VALUE;
      case INT64 -> Long.MIN_VALUE;
      default -> Double.NEGATIVE_INFINITY;
    };
  }

  /** Largest value of an integer type (as double), or +∞ for floating types. */
  public double maxValue() {
    return switch (this) {
      case UINT8, RGB24, RGBA32 -> 255;
      case INT8 -> Byte.MAX_VALUE;
      case INT16 -> Short.MAX_VALUE;
      case UINT16 -> 65535;
      case INT32 -> Integer.MAX_VALUE;
      case UINT32 -> 4294967295.0;
      case INT64 -> Long.MAX_VALUE;
      case UINT64 -> 18446744073709551615.0;
      default -> Double.POSITIVE_INFINITY;
    };
  }

  /**
   * The datatype of a header code.
   *
   * @return the datatype, or null if the code is not one voxelspark supports
   */
  public static NiftiDatatype fromCode(int code) {
    for (NiftiDatatype d : values()) {
      if (d.code == code) {
        return d;
      }
    }
    return null;
  }
}
