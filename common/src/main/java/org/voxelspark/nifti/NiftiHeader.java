package org.voxelspark.nifti;

import java.io.Serializable;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;
import org.voxelspark.geometry.Affine;
import org.voxelspark.geometry.VolumeGeometry;

/**
 * A NIfTI-1 or NIfTI-2 header, as read from a file or built for writing. Immutable and
 * serializable; all numeric fields are held in double/long whatever the version stored.
 *
 * <p><b>Dimensions.</b> {@link #dims()} is the header's {@code dim} array (8 entries, {@code dim[0]}
 * = number of dimensions). {@link #nx()}, {@link #ny()}, {@link #nz()} are the spatial sizes (1 when
 * absent) and {@link #nt()} is the number of volumes: the product of {@code dim[4..dim[0]]} (1 for 3D).
 *
 * <p><b>Transforms</b> (NIfTI-1 standard, {@code nifti1.h}): {@link #qform()} is the quaternion
 * transform (method 2: {@code quatern_b,c,d}, {@code qoffset_*}, voxel sizes {@code pixdim[1..3]} and
 * {@code qfac = pixdim[0] < 0 ? −1 : 1}); {@link #sform()} is {@code srow_x,y,z} (method 3).
 * {@link #affine()} chooses as nibabel's {@code get_best_affine}: the sform if
 * {@code sform_code > 0}, else the qform if {@code qform_code > 0}, else the fall-back of a file
 * without orientation: voxel sizes on the diagonal with the first axis flipped (radiological,
 * {@code −pixdim[1]}) and the grid centred on the origin.
 *
 * <p><b>Units.</b> {@code xyzt_units} codes spatial units in bits 0–2 (1 m, 2 mm, 3 µm) and temporal
 * units in bits 3–5 (8 s, 16 ms, 24 µs). Affines are returned as stored; voxelspark assumes mm (the
 * units every neuroimaging tool writes) and {@link #spatialUnitsToMm()} gives the factor for the
 * rare file in m or µm. {@link #repetitionTimeSeconds()} converts {@code pixdim[4]} to seconds.
 */
public final class NiftiHeader implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Header size of NIfTI-1 ({@code sizeof_hdr}). */
  public static final int NIFTI1_HEADER_SIZE = 348;
  /** Header size of NIfTI-2 ({@code sizeof_hdr}). */
  public static final int NIFTI2_HEADER_SIZE = 540;

  /** {@code xyzt_units} codes. */
  public static final int UNITS_METER = 1;
  public static final int UNITS_MM = 2;
  public static final int UNITS_MICRON = 3;
  public static final int UNITS_SEC = 8;
  public static final int UNITS_MSEC = 16;
  public static final int UNITS_USEC = 24;

  /** Transform codes ({@code qform_code}, {@code sform_code}). */
  public static final int XFORM_UNKNOWN = 0;
  public static final int XFORM_SCANNER_ANAT = 1;
  public static final int XFORM_ALIGNED_ANAT = 2;
  public static final int XFORM_TALAIRACH = 3;
  public static final int XFORM_MNI_152 = 4;

  /** Intent codes voxelspark writes (NIfTI-1 {@code intent_code}). */
  public static final int INTENT_NONE = 0;
  public static final int INTENT_TTEST = 3;
  public static final int INTENT_FTEST = 4;
  public static final int INTENT_ZSCORE = 5;
  public static final int INTENT_PVAL = 22;
  public static final int INTENT_ESTIMATE = 1001;
  public static final int INTENT_LABEL = 1002;
  public static final int INTENT_VECTOR = 1007;
  public static final int INTENT_SYMMATRIX = 1005;

  private final int version;
  private final boolean bigEndian;
  private final boolean singleFile;
  private final long[] dim;
  private final NiftiDatatype datatype;
  private final double[] pixdim;
  private final long voxOffset;
  private final double sclSlope;
  private final double sclInter;
  private final int xyztUnits;
  private final int qformCode;
  private final int sformCode;
  private final double[] quatern; // b, c, d, qoffset_x, qoffset_y, qoffset_z
  private final double[] srow; // 12, row-major
  private final int intentCode;
  private final double[] intentP;
  private final String intentName;
  private final String description;
  private final String auxFile;
  private final double calMin;
  private final double calMax;
  private final int dimInfo;
  private final int sliceCode;
  private final long sliceStart;
  private final long sliceEnd;
  private final double sliceDuration;
  private final double toffset;
  private final int extensionCount;

  private NiftiHeader(Builder b) {
    this.version = b.version;
    this.bigEndian = b.bigEndian;
    this.singleFile = b.singleFile;
    this.dim = b.dim.clone();
    this.datatype = b.datatype;
    this.pixdim = b.pixdim.clone();
    this.voxOffset = b.voxOffset;
    this.sclSlope = b.sclSlope;
    this.sclInter = b.sclInter;
    this.xyztUnits = b.xyztUnits;
    this.qformCode = b.qformCode;
    this.sformCode = b.sformCode;
    this.quatern = b.quatern.clone();
    this.srow = b.srow.clone();
    this.intentCode = b.intentCode;
    this.intentP = b.intentP.clone();
    this.intentName = b.intentName;
    this.description = b.description;
    this.auxFile = b.auxFile;
    this.calMin = b.calMin;
    this.calMax = b.calMax;
    this.dimInfo = b.dimInfo;
    this.sliceCode = b.sliceCode;
    this.sliceStart = b.sliceStart;
    this.sliceEnd = b.sliceEnd;
    this.sliceDuration = b.sliceDuration;
    this.toffset = b.toffset;
    this.extensionCount = b.extensionCount;
  }

  /** 1 or 2. */
  public int version() {
    return version;
  }

  /** Byte order of the header and data. */
  public ByteOrder byteOrder() {
    return bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
  }

  /** True for a single-file {@code .nii} ({@code n+1}/{@code n+2}), false for a {@code .hdr}/.img pair. */
  public boolean singleFile() {
    return singleFile;
  }

  /** The {@code dim} array (8 entries, a copy). */
  public long[] dims() {
    return dim.clone();
  }

  /** {@code dim[0]}: number of dimensions, 1..7. */
  public int ndim() {
    return (int) dim[0];
  }

  public int nx() {
    return (int) dimOrOne(1);
  }

  public int ny() {
    return (int) dimOrOne(2);
  }

  public int nz() {
    return (int) dimOrOne(3);
  }

  /** Number of volumes: the product of {@code dim[4..ndim]}, 1 for a 3D image. */
  public int nt() {
    long n = 1;
    for (int d = 4; d <= ndim(); d++) {
      n *= dim[d];
    }
    return (int) n;
  }

  private long dimOrOne(int d) {
    return d <= ndim() ? dim[d] : 1;
  }

  /** Voxels in one volume, {@code nx·ny·nz}. */
  public long voxelsPerVolume() {
    return (long) nx() * ny() * nz();
  }

  /** Voxels in the whole image, {@code nx·ny·nz·nt}. */
  public long voxelCount() {
    return voxelsPerVolume() * nt();
  }

  /** Bytes of voxel data the file must hold after {@link #voxOffset()}. */
  public long dataBytes() {
    return voxelCount() * datatype.bytesPerVoxel();
  }

  public NiftiDatatype datatype() {
    return datatype;
  }

  /** The {@code pixdim} array (8 entries, a copy): qfac, voxel sizes, TR, ... */
  public double[] pixdim() {
    return pixdim.clone();
  }

  /** Byte offset of the voxel data in the file. */
  public long voxOffset() {
    return voxOffset;
  }

  /** {@code scl_slope} as stored (0 or non-finite means "no scaling": see {@link #effectiveSlope()}). */
  public double sclSlope() {
    return sclSlope;
  }

  public double sclInter() {
    return sclInter;
  }

  /**
   * The slope applied to stored values: {@code scl_slope}, or 1 when it is 0 or not finite (the
   * standard's "no scaling"), and always 1 for RGB and complex data.
   */
  public double effectiveSlope() {
    if (!datatype.isScalable() || sclSlope == 0 || !Double.isFinite(sclSlope)) {
      return 1;
    }
    return sclSlope;
  }

  /** The intercept applied: {@code scl_inter}, or 0 when scaling is off or it is not finite. */
  public double effectiveInter() {
    if (!datatype.isScalable() || sclSlope == 0 || !Double.isFinite(sclSlope) || !Double.isFinite(sclInter)) {
      return 0;
    }
    return sclInter;
  }

  public int xyztUnits() {
    return xyztUnits;
  }

  /** Factor from the stored spatial unit to mm (1 when the unit is mm or unknown). */
  public double spatialUnitsToMm() {
    return switch (xyztUnits & 0x07) {
      case UNITS_METER -> 1000.0;
      case UNITS_MICRON -> 0.001;
      default -> 1.0;
    };
  }

  /**
   * The repetition time in seconds: {@code pixdim[4]} converted from the temporal unit of
   * {@code xyzt_units} (seconds when the unit is unknown), or NaN for a 3D image or a non-positive
   * or non-finite {@code pixdim[4]}.
   */
  public double repetitionTimeSeconds() {
    if (ndim() < 4) {
      return Double.NaN;
    }
    double tr = pixdim[4];
    if (!(tr > 0) || !Double.isFinite(tr)) {
      return Double.NaN;
    }
    return switch (xyztUnits & 0x38) {
      case UNITS_MSEC -> tr / 1000.0;
      case UNITS_USEC -> tr / 1e6;
      default -> tr;
    };
  }

  public int qformCode() {
    return qformCode;
  }

  public int sformCode() {
    return sformCode;
  }

  /** {@code quatern_b, quatern_c, quatern_d, qoffset_x, qoffset_y, qoffset_z} (a copy). */
  public double[] quaternion() {
    return quatern.clone();
  }

  /** The qform as an affine, whatever {@code qform_code} says (see class doc). */
  public Affine qform() {
    return Quaternions.qformAffine(quatern, pixdim);
  }

  /** {@code srow_x, srow_y, srow_z} as stored, 12 values row-major (a copy; may hold NaN, unlike {@link #sform()}). */
  double[] srowValues() {
    return srow.clone();
  }

  /** The sform ({@code srow_x, srow_y, srow_z}), whatever {@code sform_code} says. */
  public Affine sform() {
    return Affine.of(new double[][] {
      {srow[0], srow[1], srow[2], srow[3]},
      {srow[4], srow[5], srow[6], srow[7]},
      {srow[8], srow[9], srow[10], srow[11]}
    });
  }

  /** The transform to use, by nibabel's {@code get_best_affine} precedence (see class doc). */
  public Affine affine() {
    if (sformCode > 0) {
      return sform();
    }
    if (qformCode > 0) {
      return qform();
    }
    return baseAffine();
  }

  /** The affine of a file without orientation: flipped x, voxel sizes, grid centred on 0 (nibabel). */
  private Affine baseAffine() {
    double[] n = {nx(), ny(), nz()};
    double[] zoom = {
      ndim() >= 1 ? pixdim[1] : 1, ndim() >= 2 ? pixdim[2] : 1, ndim() >= 3 ? pixdim[3] : 1
    };
    zoom[0] = -zoom[0];
    double[][] a = new double[3][4];
    for (int r = 0; r < 3; r++) {
      a[r][r] = zoom[r];
      a[r][3] = -((n[r] - 1) / 2.0) * zoom[r];
    }
    return Affine.of(a);
  }

  /** The spatial grid: dims and {@link #affine()}. */
  public VolumeGeometry geometry() {
    return new VolumeGeometry(nx(), ny(), nz(), affine());
  }

  public int intentCode() {
    return intentCode;
  }

  /** {@code intent_p1, intent_p2, intent_p3} (a copy). */
  public double[] intentParameters() {
    return intentP.clone();
  }

  public String intentName() {
    return intentName;
  }

  /** The {@code descrip} field (up to 80 bytes). */
  public String description() {
    return description;
  }

  public String auxFile() {
    return auxFile;
  }

  public double calMin() {
    return calMin;
  }

  public double calMax() {
    return calMax;
  }

  public int dimInfo() {
    return dimInfo;
  }

  public int sliceCode() {
    return sliceCode;
  }

  public long sliceStart() {
    return sliceStart;
  }

  public long sliceEnd() {
    return sliceEnd;
  }

  public double sliceDuration() {
    return sliceDuration;
  }

  public double toffset() {
    return toffset;
  }

  /** Number of header extensions found between the header and the data (0 when built). */
  public int extensionCount() {
    return extensionCount;
  }

  /** A builder initialised with every field of this header. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.version = version;
    b.bigEndian = bigEndian;
    b.singleFile = singleFile;
    b.dim = dim.clone();
    b.datatype = datatype;
    b.pixdim = pixdim.clone();
    b.voxOffset = voxOffset;
    b.sclSlope = sclSlope;
    b.sclInter = sclInter;
    b.xyztUnits = xyztUnits;
    b.qformCode = qformCode;
    b.sformCode = sformCode;
    b.quatern = quatern.clone();
    b.srow = srow.clone();
    b.intentCode = intentCode;
    b.intentP = intentP.clone();
    b.intentName = intentName;
    b.description = description;
    b.auxFile = auxFile;
    b.calMin = calMin;
    b.calMax = calMax;
    b.dimInfo = dimInfo;
    b.sliceCode = sliceCode;
    b.sliceStart = sliceStart;
    b.sliceEnd = sliceEnd;
    b.sliceDuration = sliceDuration;
    b.toffset = toffset;
    b.extensionCount = extensionCount;
    return b;
  }

  /**
   * A builder for a new image of {@code nx × ny × nz × nt} voxels ({@code nt = 1}: a 3D image):
   * NIfTI-1, little-endian, float32, identity affine (sform and qform code 1), mm and s units.
   * Set the affine with {@link Builder#affine(Affine, int)}: it fills the sform, the qform
   * quaternion and the voxel sizes in {@code pixdim} consistently.
   */
  public static Builder builder(int nx, int ny, int nz, int nt) {
    Builder b = new Builder();
    if (nx < 1 || ny < 1 || nz < 1 || nt < 1) {
      throw new IllegalArgumentException("dims must be ≥ 1: " + nx + "×" + ny + "×" + nz + "×" + nt);
    }
    b.dim = nt > 1 ? new long[] {4, nx, ny, nz, nt, 1, 1, 1} : new long[] {3, nx, ny, nz, 1, 1, 1, 1};
    b.affine(Affine.identity(), XFORM_SCANNER_ANAT);
    return b;
  }

  /** Builder for a header with the time axis of {@code geometry}'s grid and {@code nt} volumes. */
  public static Builder builder(VolumeGeometry geometry, int nt) {
    return builder(geometry.nx(), geometry.ny(), geometry.nz(), nt).affine(geometry.affine(), XFORM_SCANNER_ANAT);
  }

  /** Mutable builder; {@link #build()} validates. Not thread-safe. */
  public static final class Builder {
    private int version = 1;
    private boolean bigEndian;
    private boolean singleFile = true;
    private long[] dim = {3, 1, 1, 1, 1, 1, 1, 1};
    private NiftiDatatype datatype = NiftiDatatype.FLOAT32;
    private double[] pixdim = {1, 1, 1, 1, 0, 0, 0, 0};
    private long voxOffset = -1;
    private double sclSlope = 0;
    private double sclInter = 0;
    private int xyztUnits = UNITS_MM | UNITS_SEC;
    private int qformCode;
    private int sformCode;
    private double[] quatern = new double[6];
    private double[] srow = {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0};
    private int intentCode;
    private double[] intentP = new double[3];
    private String intentName = "";
    private String description = "";
    private String auxFile = "";
    private double calMin;
    private double calMax;
    private int dimInfo;
    private int sliceCode;
    private long sliceStart;
    private long sliceEnd;
    private double sliceDuration;
    private double toffset;
    private int extensionCount;

    private Builder() {}

    /** NIfTI version to write: 1 (default) or 2. */
    public Builder version(int v) {
      if (v != 1 && v != 2) {
        throw new IllegalArgumentException("NIfTI version must be 1 or 2, got " + v);
      }
      this.version = v;
      return this;
    }

    public Builder byteOrder(ByteOrder order) {
      this.bigEndian = order == ByteOrder.BIG_ENDIAN;
      return this;
    }

    Builder singleFile(boolean single) {
      this.singleFile = single;
      return this;
    }

    /** The whole {@code dim} array (8 entries, {@code dim[0]} = number of dimensions). */
    public Builder dims(long[] dims) {
      if (dims.length != 8) {
        throw new IllegalArgumentException("dim needs 8 entries");
      }
      this.dim = dims.clone();
      return this;
    }

    public Builder datatype(NiftiDatatype d) {
      this.datatype = Objects.requireNonNull(d);
      return this;
    }

    /** The whole {@code pixdim} array (8 entries). Prefer {@link #affine} for voxel sizes. */
    public Builder pixdim(double[] p) {
      if (p.length != 8) {
        throw new IllegalArgumentException("pixdim needs 8 entries");
      }
      this.pixdim = p.clone();
      return this;
    }

    Builder voxOffset(long offset) {
      this.voxOffset = offset;
      return this;
    }

    /** {@code scl_slope}, {@code scl_inter}: stored value × slope + inter = value. */
    public Builder scaling(double slope, double inter) {
      this.sclSlope = slope;
      this.sclInter = inter;
      return this;
    }

    public Builder xyztUnits(int units) {
      this.xyztUnits = units;
      return this;
    }

    public Builder qformCode(int code) {
      this.qformCode = code;
      return this;
    }

    public Builder sformCode(int code) {
      this.sformCode = code;
      return this;
    }

    /** Quaternion parameters b, c, d and offsets x, y, z (6 values). */
    public Builder quaternion(double[] bcdxyz) {
      if (bcdxyz.length != 6) {
        throw new IllegalArgumentException("quaternion needs b, c, d, qoffset_x, qoffset_y, qoffset_z");
      }
      this.quatern = bcdxyz.clone();
      return this;
    }

    /** The sform rows (12 values, row-major 3×4). */
    public Builder srow(double[] rows12) {
      if (rows12.length != 12) {
        throw new IllegalArgumentException("srow needs 12 values");
      }
      this.srow = rows12.clone();
      return this;
    }

    /**
     * Sets the sform to {@code affine} with {@code code} for both sform and qform, the qform
     * quaternion to the nearest rigid rotation of the affine (with qfac for a reflection, as
     * nibabel's {@code set_qform}), and {@code pixdim[0..3]} to qfac and the voxel sizes (the
     * affine's column norms).
     */
    public Builder affine(Affine affine, int code) {
      double[] q = new double[7];
      Quaternions.fromAffine(affine, q);
      this.quatern = new double[] {q[0], q[1], q[2], q[3], q[4], q[5]};
      this.pixdim[0] = q[6];
      for (int c = 0; c < 3; c++) {
        this.pixdim[c + 1] = affine.columnNorm(c);
      }
      double[][] a = affine.toArray();
      for (int r = 0; r < 3; r++) {
        for (int c = 0; c < 4; c++) {
          this.srow[4 * r + c] = a[r][c];
        }
      }
      this.sformCode = code;
      this.qformCode = code;
      return this;
    }

    /** Repetition time in seconds: {@code pixdim[4]} with the temporal unit set to seconds. */
    public Builder repetitionTimeSeconds(double seconds) {
      this.pixdim[4] = seconds;
      this.xyztUnits = (this.xyztUnits & 0x07) | UNITS_SEC;
      return this;
    }

    public Builder intent(int code, String name) {
      this.intentCode = code;
      this.intentName = name == null ? "" : name;
      return this;
    }

    public Builder intentParameters(double p1, double p2, double p3) {
      this.intentP = new double[] {p1, p2, p3};
      return this;
    }

    /** The {@code descrip} field; truncated to 80 bytes (UTF-8, on a character boundary) when written. */
    public Builder description(String d) {
      this.description = d == null ? "" : d;
      return this;
    }

    public Builder auxFile(String aux) {
      this.auxFile = aux == null ? "" : aux;
      return this;
    }

    public Builder calibration(double min, double max) {
      this.calMin = min;
      this.calMax = max;
      return this;
    }

    public Builder dimInfo(int info) {
      this.dimInfo = info;
      return this;
    }

    public Builder slice(int code, long start, long end, double duration) {
      this.sliceCode = code;
      this.sliceStart = start;
      this.sliceEnd = end;
      this.sliceDuration = duration;
      return this;
    }

    public Builder toffset(double t) {
      this.toffset = t;
      return this;
    }

    Builder extensionCount(int n) {
      this.extensionCount = n;
      return this;
    }

    /**
     * @throws IllegalArgumentException if dims are not 1..7 dimensions of positive sizes, or
     *     {@code voxOffset} is set below the header size
     */
    public NiftiHeader build() {
      if (dim[0] < 1 || dim[0] > 7) {
        throw new IllegalArgumentException("dim[0] must be 1..7, got " + dim[0]);
      }
      for (int d = 1; d <= dim[0]; d++) {
        if (dim[d] < 1) {
          throw new IllegalArgumentException("dim[" + d + "] must be ≥ 1, got " + dim[d]);
        }
      }
      int headerSize = version == 1 ? NIFTI1_HEADER_SIZE : NIFTI2_HEADER_SIZE;
      if (voxOffset < 0) {
        voxOffset = headerSize + 4; // header + the 4-byte extension flag, no extension
      } else if (singleFile && voxOffset < headerSize) {
        throw new IllegalArgumentException("vox_offset " + voxOffset + " is inside the header");
      }
      return new NiftiHeader(this);
    }
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof NiftiHeader h)) {
      return false;
    }
    return version == h.version && bigEndian == h.bigEndian && singleFile == h.singleFile
        && Arrays.equals(dim, h.dim) && datatype == h.datatype && Arrays.equals(pixdim, h.pixdim)
        && voxOffset == h.voxOffset && Double.compare(sclSlope, h.sclSlope) == 0
        && Double.compare(sclInter, h.sclInter) == 0 && xyztUnits == h.xyztUnits
        && qformCode == h.qformCode && sformCode == h.sformCode && Arrays.equals(quatern, h.quatern)
        && Arrays.equals(srow, h.srow) && intentCode == h.intentCode && Arrays.equals(intentP, h.intentP)
        && intentName.equals(h.intentName) && description.equals(h.description)
        && auxFile.equals(h.auxFile) && Double.compare(calMin, h.calMin) == 0
        && Double.compare(calMax, h.calMax) == 0 && dimInfo == h.dimInfo && sliceCode == h.sliceCode
        && sliceStart == h.sliceStart && sliceEnd == h.sliceEnd
        && Double.compare(sliceDuration, h.sliceDuration) == 0 && Double.compare(toffset, h.toffset) == 0
        && extensionCount == h.extensionCount;
  }

  @Override
  public int hashCode() {
    return Objects.hash(version, Arrays.hashCode(dim), datatype, Arrays.hashCode(srow), description);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("NiftiHeader[NIfTI-").append(version).append(' ');
    sb.append(bigEndian ? "BE " : "LE ");
    for (int d = 1; d <= ndim(); d++) {
      sb.append(d == 1 ? "" : "×").append(dim[d]);
    }
    return sb.append(' ').append(datatype).append(']').toString();
  }
}
