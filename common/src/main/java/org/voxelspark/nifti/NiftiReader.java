package org.voxelspark.nifti;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.voxelspark.error.UserInputException;
import org.voxelspark.geometry.VoxelLayout;

/**
 * Reads NIfTI-1 and NIfTI-2 images: single-file {@code .nii}, gzip-compressed or not (detected by
 * the gzip magic bytes {@code 1f 8b}, never by the name; concatenated gzip members are read as one
 * stream), in either byte order (detected from {@code sizeof_hdr}), every datatype of
 * {@link NiftiDatatype}. Header-only {@code .hdr} files ({@code ni1}/{@code ni2}) give their header;
 * their data (in a separate {@code .img}) is not read.
 *
 * <p><b>Values.</b> Data are returned as float32, scaled by {@code scl_slope}/{@code scl_inter}
 * (computed in double, then rounded once to float), in the requested {@link VoxelLayout}. Header
 * extensions are skipped: each must have a size that is a positive multiple of 16 and end at or
 * before {@code vox_offset}.
 *
 * <p><b>Errors.</b> Malformed input raises {@link UserInputException} naming the source and the
 * field: {@code sizeof_hdr}, {@code magic}, {@code dim}, {@code datatype}, {@code bitpix},
 * {@code vox_offset}, {@code extension}, {@code data} (truncated), {@code gzip} (corrupt stream, or a
 * CRC-32/length trailer that does not match: a whole-image read of a gzip file reads it to its end).
 * The data size the header claims is checked before any allocation proportional to it: against the
 * file size for an uncompressed file, against the largest possible deflate expansion (1032:1) of
 * the compressed size for a gzip file, and, for a stream of unknown length, by growing the result
 * only as bytes actually arrive. A gzip file whose claim is within {@value #TRUSTED_GZIP_RATIO}:1 of
 * its compressed size (real images compress 2–75:1) gets its result allocated up front; beyond that
 * the result grows as bytes arrive too, so a forged header cannot make us allocate more than
 * {@value #TRUSTED_GZIP_RATIO} × 4 bytes per compressed byte (or twice the data actually present).
 * The transform in use ({@link NiftiHeader#affine()}: the sform, else the qform, else the voxel
 * sizes) must be finite ({@code srow_x}/{@code srow_y}/{@code srow_z}, {@code qform} or
 * {@code pixdim}) and invertible, with a finite non-zero determinant ({@code sform}, {@code qform},
 * {@code pixdim}): every output is written on its grid and resampling inverts it. A transform that
 * is not used (its code is 0) is not checked.
 *
 * <p>Stateless and thread-safe.
 */
public final class NiftiReader {
  /** deflate cannot expand more than this (RFC 1951: at best 258 bytes per 2 bits, ≈ 1032:1). */
  private static final long MAX_DEFLATE_RATIO = 1032;
  /**
   * Largest claimed expansion of a gzip file for which the result is allocated before the data are
   * read (faster: no growing, voxel-major scatter in place); larger claims grow as bytes arrive.
   */
  static final long TRUSTED_GZIP_RATIO = 64;
  /** Arrays beyond this size cannot be allocated by the JVM. */
  private static final long MAX_ARRAY = Integer.MAX_VALUE - 16;
  private static final int CHUNK_BYTES = 1 << 20;
  private static final int INITIAL_STREAM_FLOATS = 1 << 22;

  private NiftiReader() {}

  /** Reads the header of a file (compressed or not). */
  public static NiftiHeader readHeader(Path file) {
    try (InputStream in = openFile(file)) {
      return readHeader(in, file.toString());
    } catch (IOException e) {
      throw ioError(file.toString(), e);
    }
  }

  /**
   * Reads the header (and skips extensions) from {@code in}, decompressing if it is gzip. The
   * stream is left positioned somewhere after the header; use {@link #read(InputStream, String)} to
   * get the data too.
   */
  public static NiftiHeader readHeader(InputStream in, String sourceName) {
    try {
      return parseHeader(decompressIfGzip(in, sourceName), sourceName).header;
    } catch (ZipException | EOFException e) {
      throw streamError(sourceName, e, "header");
    } catch (IOException e) {
      throw ioError(sourceName, e);
    }
  }

  /** Reads a whole image, volume-major. */
  public static NiftiImage read(Path file) {
    return read(file, VoxelLayout.VOLUME_MAJOR);
  }

  /** Reads a whole image in {@code layout}. */
  public static NiftiImage read(Path file, VoxelLayout layout) {
    long size;
    try {
      size = Files.size(file);
    } catch (NoSuchFileException e) {
      throw new UserInputException(file.toString(), "", "file does not exist");
    } catch (IOException e) {
      throw ioError(file.toString(), e);
    }
    try (InputStream raw = openFile(file)) {
      return read(raw, file.toString(), layout, size);
    } catch (IOException e) {
      throw ioError(file.toString(), e);
    }
  }

  /** Reads a whole image from a stream (gzip or not), volume-major. */
  public static NiftiImage read(InputStream in, String sourceName) {
    return read(in, sourceName, VoxelLayout.VOLUME_MAJOR, -1);
  }

  /**
   * Reads a whole image from a stream in {@code layout}.
   *
   * @param storedSize the number of bytes of the stream as stored (compressed size for gzip), or
   *     −1 if unknown; used to refuse a forged header before allocating
   */
  public static NiftiImage read(InputStream in, String sourceName, VoxelLayout layout, long storedSize) {
    try {
      BufferedInputStream buffered = buffered(in);
      boolean gzip = isGzip(buffered);
      InputStream data = gzip ? new GZIPInputStream(buffered, 1 << 16) : buffered;
      Parsed p = parseHeader(data, sourceName);
      NiftiHeader h = p.header;
      requireSingleFile(h, sourceName);
      long maxDataBytes = -1;
      if (storedSize >= 0) {
        maxDataBytes = gzip ? storedSize * MAX_DEFLATE_RATIO : storedSize - h.voxOffset();
        if (h.dataBytes() > maxDataBytes) {
          throw truncated(sourceName, h, gzip
              ? "the compressed file of " + storedSize + " bytes cannot hold it"
              : "the file has " + Math.max(0, storedSize - h.voxOffset()) + " bytes after vox_offset");
        }
      }
      skipTo(data, p.consumed, h.voxOffset(), sourceName);
      boolean trusted = maxDataBytes >= 0 && (!gzip || h.dataBytes() <= storedSize * TRUSTED_GZIP_RATIO);
      float[] values = readData(data, sourceName, h, layout, trusted);
      if (gzip) {
        drainToTrailer(data);
      }
      return new NiftiImage(h, values, layout);
    } catch (ZipException | EOFException e) {
      throw streamError(sourceName, e, "data");
    } catch (IOException e) {
      throw ioError(sourceName, e);
    }
  }

  /**
   * Reads the voxel data that follow a header already consumed from {@code in} (the stream must be
   * positioned at {@code vox_offset}, i.e. the caller skipped any extension bytes).
   */
  public static float[] readData(InputStream in, String sourceName, NiftiHeader h, VoxelLayout layout) {
    try {
      return readData(in, sourceName, h, layout, false);
    } catch (ZipException | EOFException e) {
      throw streamError(sourceName, e, "data");
    } catch (IOException e) {
      throw ioError(sourceName, e);
    }
  }

  /**
   * The stored data bytes exactly as in the file (file byte order, Fortran/NIfTI voxel order), with
   * no conversion or scaling. For checksums and bit-exact comparisons.
   */
  public static byte[] readRawData(Path file) {
    String name = file.toString();
    try (InputStream raw = openFile(file)) {
      long storedSize = Files.size(file);
      BufferedInputStream buffered = buffered(raw);
      boolean gzip = isGzip(buffered);
      InputStream data = gzip ? new GZIPInputStream(buffered, 1 << 16) : buffered;
      Parsed p = parseHeader(data, name);
      requireSingleFile(p.header, name);
      long n = p.header.dataBytes();
      long max = gzip ? storedSize * MAX_DEFLATE_RATIO : storedSize - p.header.voxOffset();
      if (n > max || n > MAX_ARRAY) {
        throw truncated(name, p.header, "the file cannot hold that many bytes, or they do not fit one array");
      }
      skipTo(data, p.consumed, p.header.voxOffset(), name);
      byte[] out = new byte[(int) n];
      readFully(data, out, 0, out.length, name, p.header);
      if (gzip) {
        drainToTrailer(data);
      }
      return out;
    } catch (ZipException | EOFException e) {
      throw streamError(name, e, "data");
    } catch (IOException e) {
      throw ioError(name, e);
    }
  }

  /**
   * Reads the z-slab {@code [zStart, zEndExclusive)} of every volume from an uncompressed
   * {@code .nii} by positioned reads: {@code nx·ny·(zEnd − zStart)} voxels × nt volumes, in
   * {@code layout} (the slab's own flat index, i fastest, k from 0 at {@code zStart}).
   *
   * @throws UserInputException if the file is gzip-compressed (not seekable), or truncated
   * @throws IllegalArgumentException if the slab is outside {@code [0, nz]} or empty
   */
  public static float[] readSlab(SeekableSource src, NiftiHeader h, int zStart, int zEndExclusive, VoxelLayout layout) {
    String name = src.name();
    if (zStart < 0 || zEndExclusive > h.nz() || zStart >= zEndExclusive) {
      throw new IllegalArgumentException("slab [" + zStart + ", " + zEndExclusive + ") outside 0.." + h.nz());
    }
    try {
      byte[] magic = new byte[2];
      src.readFully(0, magic, 0, 2);
      if ((magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
        throw new UserInputException(name, "gzip",
            "a gzip-compressed NIfTI cannot be read by slab (not seekable); read it whole or store it uncompressed");
      }
      requireSingleFile(h, name);
      if (h.dataBytes() > src.size() - h.voxOffset()) { // not voxOffset + dataBytes: that can overflow
        throw truncated(name, h, "the file has " + Math.max(0, src.size() - h.voxOffset()) + " bytes after vox_offset");
      }
      NiftiDatatype dt = h.datatype();
      int bpv = dt.bytesPerVoxel();
      int comps = dt.components();
      long plane = (long) h.nx() * h.ny();
      long slabVoxels = plane * (zEndExclusive - zStart);
      int nt = h.nt();
      long total = slabVoxels * nt * comps;
      if (total > MAX_ARRAY) {
        throw new UserInputException(name, "dim", "a slab of " + total + " values is too large for one array");
      }
      float[] out = new float[(int) total];
      Converter conv = new Converter(h, layout, slabVoxels, nt);
      long slabBytes = slabVoxels * bpv;
      int chunkVoxels = (int) Math.max(1, Math.min(slabVoxels, CHUNK_BYTES / bpv));
      byte[] buf = new byte[chunkVoxels * bpv];
      ByteBuffer bb = ByteBuffer.wrap(buf).order(h.byteOrder());
      for (int t = 0; t < nt; t++) {
        long fileOffset = h.voxOffset() + ((long) t * h.voxelsPerVolume() + plane * zStart) * bpv;
        long done = 0;
        while (done < slabVoxels) {
          int n = (int) Math.min(chunkVoxels, slabVoxels - done);
          src.readFully(fileOffset + done * bpv, buf, 0, n * bpv);
          conv.convert(bb, n, t * slabVoxels + done, out);
          done += n;
        }
        assert done * bpv == slabBytes;
      }
      return out;
    } catch (EOFException e) {
      throw new UserInputException(name, "data", "truncated: " + e.getMessage(), e);
    } catch (IOException e) {
      throw ioError(name, e);
    }
  }

  /** Default upper bound of one slab's converted values in {@link #readBySlabs}: 32 MiB of floats. */
  public static final long DEFAULT_SLAB_BYTES = 32L << 20;

  /**
   * Reads a whole uncompressed, single-file {@code .nii} by positioned reads, one z-slab of every
   * volume at a time (the reads of {@link #readSlab}): the way voxelspark reads an uncompressed input
   * through a file system where a stream is a series of remote requests (HDFS). Values are converted
   * straight into the image (volume-major), or through one slab and a tiled transposition
   * (voxel-major). The result equals
   * {@link #read(InputStream, String, VoxelLayout, long)} of the same file, value for value.
   *
   * <p>Slabs hold {@code ⌊slabBytes / (4·nx·ny·nt)⌋} planes (at least one), so the conversion
   * buffer stays bounded; each slab costs {@code nt} positioned reads of its planes (fewer, larger
   * slabs mean fewer requests). The header's claimed data size is checked against the file size
   * before anything is allocated. Multi-component datatypes (RGB) are read by the stream path.
   *
   * @param slabBytes upper bound of one slab's values in bytes (as float32)
   * @throws UserInputException if the file is gzip-compressed, header-only, truncated or too large
   *     for one array
   */
  public static NiftiImage readBySlabs(SeekableSource src, VoxelLayout layout, long slabBytes) {
    String name = src.name();
    try {
      long size = src.size();
      if (size >= 2) {
        byte[] magic = new byte[2];
        src.readFully(0, magic, 0, 2);
        if ((magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
          throw new UserInputException(name, "gzip", "a gzip-compressed NIfTI cannot be read by slab (not seekable)");
        }
      }
      NiftiHeader h = parseHeader(new SourceStream(src, size), name).header;
      requireSingleFile(h, name);
      if (h.voxOffset() + h.dataBytes() > size) {
        throw truncated(name, h, "the file has " + Math.max(0, size - h.voxOffset()) + " bytes after vox_offset");
      }
      if (h.datatype().components() != 1) {
        try (InputStream in = new SourceStream(src, size)) {
          return read(in, name, layout, size);
        }
      }
      long plane = (long) h.nx() * h.ny();
      long volume = h.voxelsPerVolume();
      int nt = h.nt();
      long total = volume * nt;
      if (total > MAX_ARRAY) {
        throw new UserInputException(name, "dim", total + " values do not fit one array");
      }
      float[] out = new float[(int) total];
      int planesPerSlab = (int) Math.max(1, Math.min(h.nz(), slabBytes / (4 * plane * nt)));
      int bpv = h.datatype().bytesPerVoxel();
      byte[] buf = new byte[(int) Math.max(1, Math.min(plane * planesPerSlab, CHUNK_BYTES / bpv)) * bpv];
      ByteBuffer bb = ByteBuffer.wrap(buf).order(h.byteOrder());
      // file order is volume-major: a volume-major image is converted in place; a voxel-major one
      // through a volume-major slab, transposed in tiles so each voxel's values are written together
      Converter whole = new Converter(h, VoxelLayout.VOLUME_MAJOR, volume, nt);
      float[] staging = layout == VoxelLayout.VOXEL_MAJOR ? new float[(int) (plane * planesPerSlab * nt)] : null;
      for (int z0 = 0; z0 < h.nz(); z0 += planesPerSlab) {
        int z1 = Math.min(h.nz(), z0 + planesPerSlab);
        long slabVoxels = plane * (z1 - z0);
        Converter conv = staging == null ? whole : new Converter(h, VoxelLayout.VOLUME_MAJOR, slabVoxels, nt);
        for (int t = 0; t < nt; t++) {
          long fileOffset = h.voxOffset() + ((long) t * volume + plane * z0) * bpv;
          long base = staging == null ? t * volume + plane * z0 : t * slabVoxels;
          int chunk = buf.length / bpv;
          for (long done = 0; done < slabVoxels; ) {
            int n = (int) Math.min(chunk, slabVoxels - done);
            src.readFully(fileOffset + done * bpv, buf, 0, n * bpv);
            conv.convert(bb, n, base + done, staging == null ? out : staging);
            done += n;
          }
        }
        if (staging != null) {
          int first = (int) (plane * z0);
          for (int q0 = 0; q0 < slabVoxels; q0 += SCATTER_TILE) {
            int q1 = (int) Math.min(slabVoxels, q0 + SCATTER_TILE);
            for (int t = 0; t < nt; t++) {
              int from = (int) (t * slabVoxels);
              for (int q = q0; q < q1; q++) {
                out[(first + q) * nt + t] = staging[from + q];
              }
            }
          }
        }
      }
      return new NiftiImage(h, out, layout);
    } catch (EOFException e) {
      throw new UserInputException(name, "data", "truncated: " + e.getMessage(), e);
    } catch (IOException e) {
      throw ioError(name, e);
    }
  }

  /** A {@link SeekableSource} read as a stream from byte 0 (for the header parser). */
  private static final class SourceStream extends InputStream {
    private final SeekableSource src;
    private final long size;
    private long position;

    SourceStream(SeekableSource src, long size) {
      this.src = src;
      this.size = size;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (position >= size) {
        return -1;
      }
      int n = (int) Math.min(len, size - position);
      src.readFully(position, b, off, n);
      position += n;
      return n;
    }
  }

  // ---------------------------------------------------------------------------------------------

  private static InputStream openFile(Path file) throws IOException {
    try {
      return Files.newInputStream(file);
    } catch (NoSuchFileException e) {
      throw new UserInputException(file.toString(), "", "file does not exist");
    }
  }

  private static BufferedInputStream buffered(InputStream in) {
    return in instanceof BufferedInputStream b ? b : new BufferedInputStream(in, 1 << 16);
  }

  private static boolean isGzip(BufferedInputStream in) throws IOException {
    in.mark(2);
    int b0 = in.read();
    int b1 = in.read();
    in.reset();
    return b0 == 0x1f && b1 == 0x8b;
  }

  private static InputStream decompressIfGzip(InputStream in, String sourceName) throws IOException {
    BufferedInputStream buffered = buffered(in);
    return isGzip(buffered) ? new GZIPInputStream(buffered, 1 << 16) : buffered;
  }

  private static void requireSingleFile(NiftiHeader h, String name) {
    if (!h.singleFile()) {
      throw new UserInputException(name, "magic",
          "a header-only NIfTI (.hdr, data in a separate .img) is not supported; convert it to a single .nii or .nii.gz");
    }
  }

  private static final class Parsed {
    final NiftiHeader header;
    final long consumed;

    Parsed(NiftiHeader header, long consumed) {
      this.header = header;
      this.consumed = consumed;
    }

  }

  /** Parses the header and the extensions; {@code consumed} = bytes read from {@code in}. */
  private static Parsed parseHeader(InputStream in, String name) throws IOException {
    byte[] first = new byte[NiftiHeader.NIFTI1_HEADER_SIZE];
    int got = readUpTo(in, first, 0, 4);
    if (got < 4) {
      throw new UserInputException(name, "sizeof_hdr", "file is empty or shorter than a NIfTI header (" + got + " bytes)");
    }
    int le = ByteBuffer.wrap(first, 0, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    int be = ByteBuffer.wrap(first, 0, 4).order(ByteOrder.BIG_ENDIAN).getInt();
    int version;
    ByteOrder order;
    if (le == NiftiHeader.NIFTI1_HEADER_SIZE || be == NiftiHeader.NIFTI1_HEADER_SIZE) {
      version = 1;
      order = le == NiftiHeader.NIFTI1_HEADER_SIZE ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
    } else if (le == NiftiHeader.NIFTI2_HEADER_SIZE || be == NiftiHeader.NIFTI2_HEADER_SIZE) {
      version = 2;
      order = le == NiftiHeader.NIFTI2_HEADER_SIZE ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
    } else {
      throw new UserInputException(name, "sizeof_hdr",
          "is " + le + " (little-endian) / " + be + " (big-endian); a NIfTI-1 header has 348 and NIfTI-2 540: not a NIfTI file");
    }
    int size = version == 1 ? NiftiHeader.NIFTI1_HEADER_SIZE : NiftiHeader.NIFTI2_HEADER_SIZE;
    byte[] hdr = version == 1 ? first : Arrays.copyOf(first, size);
    int n = readUpTo(in, hdr, 4, size - 4);
    if (n < size - 4) {
      throw new UserInputException(name, "header", "truncated: " + (4 + n) + " of " + size + " header bytes");
    }
    ByteBuffer b = ByteBuffer.wrap(hdr).order(order);
    NiftiHeader.Builder hb = version == 1 ? parse1(b, name) : parse2(b, name);
    hb.version(version).byteOrder(order);
    NiftiHeader provisional = hb.build();
    long consumed = size;
    // extensions: 4 bytes of "extender" after the header, then (esize, ecode, data) records
    int extensions = 0;
    long limit = provisional.singleFile() ? provisional.voxOffset() : Long.MAX_VALUE;
    if (limit >= consumed + 4) {
      byte[] ext = new byte[8];
      int e = readUpTo(in, ext, 0, 4);
      consumed += e;
      if (e == 4 && ext[0] != 0) {
        while (consumed + 8 <= limit) {
          int r = readUpTo(in, ext, 0, 8);
          consumed += r;
          if (r < 8) {
            if (!provisional.singleFile() && r == 0) {
              break;
            }
            throw new UserInputException(name, "extension", "truncated extension record after " + extensions + " extensions");
          }
          ByteBuffer eb = ByteBuffer.wrap(ext).order(order);
          int esize = eb.getInt(0);
          if (esize < 16 || esize % 16 != 0) {
            throw new UserInputException(name, "extension",
                "extension " + (extensions + 1) + " has esize " + esize + "; must be a positive multiple of 16 (≥ 16)");
          }
          if (consumed - 8 + esize > limit) {
            throw new UserInputException(name, "extension",
                "extension " + (extensions + 1) + " of " + esize + " bytes runs past vox_offset " + limit);
          }
          skipFully(in, esize - 8, name);
          consumed += esize - 8;
          extensions++;
        }
      }
    }
    hb.extensionCount(extensions);
    NiftiHeader header = hb.build();
    requireUsableTransform(header, name);
    return new Parsed(header, consumed);
  }

  /** The transform in use (see class doc) must be finite and invertible: every output is written on its grid. */
  private static void requireUsableTransform(NiftiHeader h, String name) {
    String field = h.sformCode() > 0 ? null : h.qformCode() > 0 ? "qform" : "pixdim";
    if (field == null) {
      double[] s = h.srowValues();
      String[] rows = {"srow_x", "srow_y", "srow_z"};
      for (int r = 0; r < 3; r++) {
        for (int c = 0; c < 4; c++) {
          if (!Double.isFinite(s[4 * r + c])) {
            throw new UserInputException(name, rows[r], "element " + c + " is " + s[4 * r + c] + " but sform_code is "
                + h.sformCode() + ": the voxel-to-world transform in use must be finite");
          }
        }
      }
    } else {
      try {
        h.affine();
      } catch (IllegalArgumentException e) {
        throw new UserInputException(name, field, (field.equals("qform")
            ? "quatern_b/c/d, qoffset_x/y/z or pixdim[0..3] give a non-finite transform"
            : "the voxel sizes pixdim[1..3] (used as no sform or qform is set) give a non-finite transform")
            + " (" + e.getMessage() + "); the voxel-to-world transform in use must be finite");
      }
    }
    double det = h.affine().determinant();
    if (det == 0 || !Double.isFinite(det)) {
      throw new UserInputException(name, field == null ? "sform" : field, "the voxel-to-world transform in use "
          + h.affine() + " has determinant " + det + ": the voxel axes must span 3-D space with a finite volume per voxel");
    }
  }

  private static NiftiHeader.Builder parse1(ByteBuffer b, String name) {
    String magic = new String(b.array(), 344, 4, StandardCharsets.ISO_8859_1);
    boolean single;
    if (magic.equals("n+1\0")) {
      single = true;
    } else if (magic.equals("ni1\0")) {
      single = false;
    } else {
      throw new UserInputException(name, "magic", "is " + printable(magic) + "; NIfTI-1 needs \"n+1\" (or \"ni1\" for .hdr)");
    }
    long[] dim = new long[8];
    for (int d = 0; d < 8; d++) {
      dim[d] = b.getShort(40 + 2 * d);
    }
    NiftiDatatype dt = datatype(b.getShort(70), b.getShort(72), name);
    double[] pixdim = new double[8];
    for (int d = 0; d < 8; d++) {
      pixdim[d] = b.getFloat(76 + 4 * d);
    }
    double voxOffset = b.getFloat(108);
    if (single && (!(voxOffset >= NiftiHeader.NIFTI1_HEADER_SIZE) || voxOffset != Math.floor(voxOffset))) {
      throw new UserInputException(name, "vox_offset",
          "is " + voxOffset + "; must be an integer ≥ 348 for a single-file NIfTI-1");
    }
    checkDims(dim, name);
    double[] q = new double[6];
    for (int i = 0; i < 6; i++) {
      q[i] = b.getFloat(256 + 4 * i);
    }
    double[] srow = new double[12];
    for (int i = 0; i < 12; i++) {
      srow[i] = b.getFloat(280 + 4 * i);
    }
    return NiftiHeader.builder(1, 1, 1, 1)
        .singleFile(single)
        .dims(dim)
        .datatype(dt)
        .pixdim(pixdim)
        .voxOffset(single ? (long) voxOffset : 0)
        .scaling(b.getFloat(112), b.getFloat(116))
        .xyztUnits(b.get(123) & 0xff)
        .calibration(b.getFloat(128), b.getFloat(124))
        .slice(b.get(122) & 0xff, b.getShort(74), b.getShort(120), b.getFloat(132))
        .toffset(b.getFloat(136))
        .description(cString(b.array(), 148, 80))
        .auxFile(cString(b.array(), 228, 24))
        .qformCode(b.getShort(252))
        .sformCode(b.getShort(254))
        .quaternion(q)
        .srow(srow)
        .intent(b.getShort(68), cString(b.array(), 328, 16))
        .intentParameters(b.getFloat(56), b.getFloat(60), b.getFloat(64))
        .dimInfo(b.get(39) & 0xff);
  }

  private static NiftiHeader.Builder parse2(ByteBuffer b, String name) {
    byte[] a = b.array();
    String magic = new String(a, 4, 8, StandardCharsets.ISO_8859_1);
    boolean single;
    if (magic.equals("n+2\0\r\n\032\n")) {
      single = true;
    } else if (magic.equals("ni2\0\r\n\032\n")) {
      single = false;
    } else {
      throw new UserInputException(name, "magic",
          "is " + printable(magic) + "; NIfTI-2 needs \"n+2\\0\\r\\n\\032\\n\" (the signature may have been damaged by a text-mode transfer)");
    }
    long[] dim = new long[8];
    for (int d = 0; d < 8; d++) {
      dim[d] = b.getLong(16 + 8 * d);
    }
    NiftiDatatype dt = datatype(b.getShort(12), b.getShort(14), name);
    double[] pixdim = new double[8];
    for (int d = 0; d < 8; d++) {
      pixdim[d] = b.getDouble(104 + 8 * d);
    }
    long voxOffset = b.getLong(168);
    if (single && voxOffset < NiftiHeader.NIFTI2_HEADER_SIZE) {
      throw new UserInputException(name, "vox_offset", "is " + voxOffset + "; must be ≥ 540 for a single-file NIfTI-2");
    }
    checkDims(dim, name);
    double[] q = new double[6];
    for (int i = 0; i < 6; i++) {
      q[i] = b.getDouble(352 + 8 * i);
    }
    double[] srow = new double[12];
    for (int i = 0; i < 12; i++) {
      srow[i] = b.getDouble(400 + 8 * i);
    }
    return NiftiHeader.builder(1, 1, 1, 1)
        .singleFile(single)
        .dims(dim)
        .datatype(dt)
        .pixdim(pixdim)
        .voxOffset(single ? voxOffset : 0)
        .scaling(b.getDouble(176), b.getDouble(184))
        .calibration(b.getDouble(200), b.getDouble(192))
        .slice(b.getInt(496), b.getLong(224), b.getLong(232), b.getDouble(208))
        .toffset(b.getDouble(216))
        .description(cString(a, 240, 80))
        .auxFile(cString(a, 320, 24))
        .qformCode(b.getInt(344))
        .sformCode(b.getInt(348))
        .quaternion(q)
        .srow(srow)
        .xyztUnits(b.getInt(500))
        .intent(b.getInt(504), cString(a, 508, 16))
        .intentParameters(b.getDouble(80), b.getDouble(88), b.getDouble(96))
        .dimInfo(a[524] & 0xff);
  }

  private static NiftiDatatype datatype(int code, int bitpix, String name) {
    NiftiDatatype dt = NiftiDatatype.fromCode(code);
    if (dt == null) {
      String what = switch (code) {
        case 1 -> "DT_BINARY (1-bit)";
        case 1536 -> "DT_FLOAT128";
        case 2048 -> "DT_COMPLEX256";
        default -> "unknown";
      };
      throw new UserInputException(name, "datatype", "code " + code + " (" + what + ") is not supported");
    }
    if (bitpix != dt.bitsPerVoxel()) {
      throw new UserInputException(name, "bitpix",
          "is " + bitpix + " but datatype " + dt + " (" + code + ") has " + dt.bitsPerVoxel() + " bits per voxel");
    }
    return dt;
  }

  private static void checkDims(long[] dim, String name) {
    if (dim[0] < 1 || dim[0] > 7) {
      throw new UserInputException(name, "dim", "dim[0] (number of dimensions) is " + dim[0] + "; must be 1..7");
    }
    long total = 1;
    for (int d = 1; d <= dim[0]; d++) {
      if (dim[d] < 1) {
        throw new UserInputException(name, "dim", "dim[" + d + "] is " + dim[d] + "; every used dimension must be ≥ 1");
      }
      if (d <= 3 && dim[d] > Integer.MAX_VALUE) {
        throw new UserInputException(name, "dim", "dim[" + d + "] = " + dim[d] + " exceeds 2^31-1");
      }
      if (total > Long.MAX_VALUE / 64 / dim[d]) {
        throw new UserInputException(name, "dim", "the dimensions multiply to more than 2^57 voxels");
      }
      total *= dim[d];
    }
    long nt = 1;
    for (int d = 4; d <= dim[0]; d++) {
      nt *= dim[d];
    }
    if (nt > Integer.MAX_VALUE) {
      throw new UserInputException(name, "dim", "more than 2^31-1 volumes");
    }
  }

  private static float[] readData(InputStream in, String name, NiftiHeader h, VoxelLayout layout,
      boolean sizeAlreadyChecked) throws IOException {
    NiftiDatatype dt = h.datatype();
    int bpv = dt.bytesPerVoxel();
    long voxels = h.voxelCount();
    long total = voxels * dt.components();
    if (total > MAX_ARRAY) {
      throw new UserInputException(name, "dim",
          "the image has " + total + " values, more than one Java array can hold (2^31-1); read it by slab");
    }
    // Without a known size, grow the result as bytes arrive, so a forged header cannot make us
    // allocate more than the data actually present (times two at most).
    boolean grow = !sizeAlreadyChecked && total > INITIAL_STREAM_FLOATS;
    if (!grow && layout == VoxelLayout.VOXEL_MAJOR && h.nt() > 1) {
      return readVoxelMajor(in, name, h);
    }
    Converter conv = new Converter(h, layout, h.voxelsPerVolume(), h.nt());
    float[] out = new float[(int) (grow ? INITIAL_STREAM_FLOATS : total)];
    int chunkVoxels = (int) Math.max(1, Math.min(voxels, CHUNK_BYTES / bpv));
    byte[] buf = new byte[chunkVoxels * bpv];
    ByteBuffer bb = ByteBuffer.wrap(buf).order(h.byteOrder());
    long done = 0;
    float[] staging = null;
    while (done < voxels) {
      int n = (int) Math.min(chunkVoxels, voxels - done);
      int got = readUpTo(in, buf, 0, n * bpv);
      if (got < n * bpv) {
        throw truncated(name, h, "the data end after " + ((done * bpv) + got) + " bytes");
      }
      if (grow) {
        // file order into a staging array (volume-major), permuted at the end if needed
        if (staging == null) {
          staging = out;
        }
        long need = (done + n) * dt.components();
        if (need > staging.length) {
          staging = Arrays.copyOf(staging, (int) Math.min(total, Math.max(need, 2L * staging.length)));
        }
        new Converter(h, VoxelLayout.VOLUME_MAJOR, h.voxelsPerVolume(), h.nt()).convert(bb, n, done, staging);
      } else {
        conv.convert(bb, n, done, out);
      }
      done += n;
    }
    if (grow) {
      if (layout == VoxelLayout.VOLUME_MAJOR) {
        return staging;
      }
      return transposeToVoxelMajor(staging, h.voxelsPerVolume(), h.nt(), dt.components());
    }
    return out;
  }

  /** Volumes converted per group when reading voxel-major: each voxel's run of them is one cache line. */
  private static final int VOLUME_GROUP = 16;
  /** Voxels per tile of the transposition of a grown stream into voxel-major order. */
  private static final int SCATTER_TILE = 256;

  /**
   * Reads a 4D series into voxel-major order: {@value #VOLUME_GROUP} volumes at a time are converted
   * into a volume-major staging array, then scattered so that each voxel's values of the group are
   * written as one contiguous run (a cache line) instead of one value per cache line.
   */
  private static float[] readVoxelMajor(InputStream in, String name, NiftiHeader h) throws IOException {
    NiftiDatatype dt = h.datatype();
    int bpv = dt.bytesPerVoxel();
    int comps = dt.components();
    long volume = h.voxelsPerVolume();
    int nt = h.nt();
    float[] out = new float[(int) (volume * nt * comps)];
    int group = Math.min(nt, VOLUME_GROUP);
    float[] staging = new float[(int) (volume * group * comps)];
    int chunkVoxels = (int) Math.max(1, Math.min(volume, CHUNK_BYTES / bpv));
    byte[] buf = new byte[chunkVoxels * bpv];
    ByteBuffer bb = ByteBuffer.wrap(buf).order(h.byteOrder());
    Converter conv = new Converter(h, VoxelLayout.VOLUME_MAJOR, volume, group);
    for (int t0 = 0; t0 < nt; t0 += group) {
      int g = Math.min(group, nt - t0);
      long groupVoxels = volume * g;
      long done = 0;
      while (done < groupVoxels) {
        int n = (int) Math.min(chunkVoxels, groupVoxels - done);
        int got = readUpTo(in, buf, 0, n * bpv);
        if (got < n * bpv) {
          throw truncated(name, h, "the data end after " + ((t0 * volume + done) * bpv + got) + " bytes");
        }
        conv.convert(bb, n, done, staging);
        done += n;
      }
      if (comps == 1) {
        // each voxel's g values are one contiguous run of the destination; the g source streams
        // are sequential in q
        for (int q = 0; q < volume; q++) {
          int d = q * nt + t0;
          for (int k = 0, s2 = q; k < g; k++, s2 += (int) volume) {
            out[d + k] = staging[s2];
          }
        }
      } else {
        for (long q = 0; q < volume; q++) {
          for (int k = 0; k < g; k++) {
            int d = (int) ((q * nt + t0 + k) * comps);
            int s2 = (int) ((k * volume + q) * comps);
            for (int c = 0; c < comps; c++) {
              out[d + c] = staging[s2 + c];
            }
          }
        }
      }
    }
    return out;
  }

  private static float[] transposeToVoxelMajor(float[] volumeMajor, long v, int nt, int comps) {
    float[] out = new float[volumeMajor.length];
    for (long q0 = 0; q0 < v; q0 += SCATTER_TILE) {
      long q1 = Math.min(v, q0 + SCATTER_TILE);
      for (int t = 0; t < nt; t++) {
        for (long q = q0; q < q1; q++) {
          for (int c = 0; c < comps; c++) {
            out[(int) ((q * nt + t) * comps + c)] = volumeMajor[(int) ((t * v + q) * comps + c)];
          }
        }
      }
    }
    return out;
  }

  /** Converts stored values of one datatype/byte order into scaled floats at layout positions. */
  private static final class Converter {
    private final NiftiDatatype dt;
    private final double slope;
    private final double inter;
    private final boolean scaled;
    private final VoxelLayout layout;
    private final long volumeVoxels;
    private final int nt;
    private final int comps;

    Converter(NiftiHeader h, VoxelLayout layout, long volumeVoxels, int nt) {
      this.dt = h.datatype();
      this.slope = h.effectiveSlope();
      this.inter = h.effectiveInter();
      this.scaled = slope != 1 || inter != 0;
      this.layout = layout;
      this.volumeVoxels = volumeVoxels;
      this.nt = nt;
      this.comps = dt.components();
    }

    /**
     * Converts {@code n} voxels from {@code bb} (positions 0..) that are voxels
     * {@code firstVoxel ..} in file (volume-major) order.
     */
    void convert(ByteBuffer bb, int n, long firstVoxel, float[] out) {
      int values = n * comps;
      if (layout == VoxelLayout.VOLUME_MAJOR) {
        int base = (int) (firstVoxel * comps);
        convertRun(bb, 0, values, out, base);
        return;
      }
      // voxel-major: the run is split at volume boundaries; within a volume, voxel q of volume t
      // goes to (q·nt + t)·comps.
      long voxel = firstVoxel;
      int done = 0;
      while (done < n) {
        long t = voxel / volumeVoxels;
        long q = voxel % volumeVoxels;
        int run = (int) Math.min(n - done, volumeVoxels - q);
        for (int r = 0; r < run; r++) {
          int dst = (int) (((q + r) * nt + t) * comps);
          convertRun(bb, (done + r) * comps, comps, out, dst);
        }
        done += run;
        voxel += run;
      }
    }

    /** Converts {@code count} consecutive values starting at value index {@code src}. */
    private void convertRun(ByteBuffer bb, int src, int count, float[] out, int dst) {
      switch (dt) {
        case UINT8, RGB24, RGBA32 -> {
          for (int q = 0; q < count; q++) {
            out[dst + q] = scale(bb.get(src + q) & 0xff);
          }
        }
        case INT8 -> {
          for (int q = 0; q < count; q++) {
            out[dst + q] = scale(bb.get(src + q));
          }
        }
        case INT16 -> {
          for (int q = 0; q < count; q++) {
            out[dst + q] = scale(bb.getShort((src + q) << 1));
          }
        }
        case UINT16 -> {
          for (int q = 0; q < count; q++) {
            out[dst + q] = scale(bb.getShort((src + q) << 1) & 0xffff);
          }
        }
        case INT32 -> {
          for (int q = 0; q < count; q++) {
            out[dst + q] = scale(bb.getInt((src + q) << 2));
          }
        }
        case UINT32 -> {
          for (int q = 0; q < count; q++) {
            out[dst + q] = scale(Integer.toUnsignedLong(bb.getInt((src + q) << 2)));
          }
        }
        case INT64 -> {
          for (int q = 0; q < count; q++) {
            out[dst + q] = scale((double) bb.getLong((src + q) << 3));
          }
        }
        case UINT64 -> {
          for (int q = 0; q < count; q++) {
            out[dst + q] = scale(unsignedToDouble(bb.getLong((src + q) << 3)));
          }
        }
        case FLOAT32, COMPLEX64 -> {
          if (scaled) {
            for (int q = 0; q < count; q++) {
              out[dst + q] = scale(bb.getFloat((src + q) << 2));
            }
          } else {
            for (int q = 0; q < count; q++) {
              out[dst + q] = bb.getFloat((src + q) << 2);
            }
          }
        }
        case FLOAT64, COMPLEX128 -> {
          for (int q = 0; q < count; q++) {
            out[dst + q] = scale(bb.getDouble((src + q) << 3));
          }
        }
        default -> throw new IllegalStateException("unhandled datatype " + dt);
      }
    }

    private float scale(double stored) {
      return scaled ? (float) (stored * slope + inter) : (float) stored;
    }
  }

  /** The value of an unsigned 64-bit integer, rounded to the nearest double. */
  static double unsignedToDouble(long x) {
    if (x >= 0) {
      return x;
    }
    // halve (keeping the lowest bit for correct rounding), convert, double
    return ((double) ((x >>> 1) | (x & 1))) * 2.0;
  }

  /**
   * Reads a gzip stream to its end, so that {@link GZIPInputStream} checks each member's trailer
   * (CRC-32 and length of the uncompressed bytes): damage that still inflates to the right number
   * of bytes is found here, as a {@link ZipException}, instead of yielding wrong voxel values.
   */
  private static void drainToTrailer(InputStream gzip) throws IOException {
    byte[] scratch = new byte[8192];
    while (gzip.read(scratch) >= 0) {
      // bytes after the image data (normally none) are read and ignored
    }
  }

  private static void skipTo(InputStream in, long consumed, long voxOffset, String name) throws IOException {
    if (voxOffset < consumed) {
      // can only happen for a .hdr; data are not in this file
      return;
    }
    skipFully(in, voxOffset - consumed, name);
  }

  private static void skipFully(InputStream in, long n, String name) throws IOException {
    long left = n;
    byte[] scratch = null;
    while (left > 0) {
      long s = in.skip(left);
      if (s <= 0) {
        if (scratch == null) {
          scratch = new byte[8192];
        }
        int r = in.read(scratch, 0, (int) Math.min(scratch.length, left));
        if (r < 0) {
          throw new UserInputException(name, "vox_offset", "the file ends before vox_offset (" + (n - left) + " of " + n + " bytes to skip)");
        }
        s = r;
      }
      left -= s;
    }
  }

  private static int readUpTo(InputStream in, byte[] b, int off, int len) throws IOException {
    int total = 0;
    while (total < len) {
      int r = in.read(b, off + total, len - total);
      if (r < 0) {
        break;
      }
      total += r;
    }
    return total;
  }

  private static void readFully(InputStream in, byte[] b, int off, int len, String name, NiftiHeader h) throws IOException {
    int got = readUpTo(in, b, off, len);
    if (got < len) {
      throw truncated(name, h, "the data end after " + got + " bytes");
    }
  }

  private static UserInputException truncated(String name, NiftiHeader h, String detail) {
    return new UserInputException(name, "data", "truncated: the header (" + h + ") needs "
        + h.dataBytes() + " data bytes at vox_offset " + h.voxOffset() + ", but " + detail);
  }

  private static UserInputException streamError(String name, IOException e, String where) {
    if (e instanceof ZipException) {
      return new UserInputException(name, "gzip", "corrupt gzip stream while reading the " + where + ": " + e.getMessage(), e);
    }
    if (e.getMessage() != null && e.getMessage().contains("Unexpected end of ZLIB")) {
      return new UserInputException(name, "gzip",
          "truncated: the gzip stream ends before the " + where + " does (an incomplete upload or copy?)", e);
    }
    return new UserInputException(name, where, "truncated: unexpected end of file (" + e.getMessage() + ")", e);
  }

  private static RuntimeException ioError(String name, IOException e) {
    if (e instanceof EOFException || e instanceof ZipException) {
      return streamError(name, e, "data");
    }
    return new UncheckedIOException("reading " + name + ": " + e.getMessage(), e);
  }

  private static String cString(byte[] a, int off, int len) {
    int end = off;
    while (end < off + len && a[end] != 0) {
      end++;
    }
    return new String(a, off, end - off, StandardCharsets.UTF_8);
  }

  private static String printable(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c >= 32 && c < 127) {
        sb.append(c);
      } else {
        sb.append(String.format("\\x%02x", (int) c));
      }
    }
    return sb.append('"').toString();
  }
}
