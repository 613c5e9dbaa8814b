package org.voxelspark.nifti;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.voxelspark.error.UserInputException;
import org.voxelspark.geometry.VoxelLayout;

/**
 * Regression tests for what fuzzing and reading the reader's size checks found (docs/reliability.md):
 * headers whose claims are forged or damaged must give a {@link UserInputException} naming the field,
 * with an allocation bounded by the bytes actually present, never by the header's claim. Allocation
 * is measured per thread ({@code com.sun.management.ThreadMXBean#getThreadAllocatedBytes}), so the
 * bounds do not depend on the garbage collector or on other tests.
 */
class NiftiForgedHeaderTest {
  /** Allocation allowed for reading a few MB of input: buffers, the 16 MB first step of a grown stream, the data. */
  private static final long ALLOCATION_BOUND = 96L << 20;

  @TempDir Path dir;

  private static byte[] image(NiftiHeader h) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    NiftiWriter.write(h, new float[(int) (h.voxelCount() * h.datatype().components())], out, false);
    return out.toByteArray();
  }

  private static byte[] gzip(byte[] b) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(b);
    }
    return out.toByteArray();
  }

  private static long allocatedBytes() {
    return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
  }

  /** Runs {@code read}, expects a user error on {@code field}, returns the bytes allocated meanwhile. */
  private static long expectProblem(String field, Executable read) {
    long before = allocatedBytes();
    UserInputException e = assertThrows(UserInputException.class, read);
    long allocated = allocatedBytes() - before;
    assertEquals(field, e.problems().get(0).field(), e.getMessage());
    return allocated;
  }

  /**
   * A gzip file of 2.2 MB may decompress to up to 1032 × 2.2 MB (deflate's limit), so a header
   * claiming 2^31 − 2^22 uint8 voxels passed the size check and made the reader allocate a float
   * array for all of them (8.6 GB) before reading a byte. Now a claim beyond
   * 64 times the compressed size is read by growing the result
   * as data arrive: the truncation is found after reading the 2.2 MB that are there.
   */
  @Test
  void gzipClaimingAThousandTimesItsSizeDoesNotAllocateTheClaim() throws IOException {
    byte[] header = image(NiftiHeader.builder(1, 1, 1, 1).datatype(NiftiDatatype.UINT8).build());
    ByteBuffer bb = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
    bb.putShort(40, (short) 3).putShort(42, (short) 2048).putShort(44, (short) 2048).putShort(46, (short) 511);
    byte[] body = new byte[header.length + (2200 << 10)];
    System.arraycopy(header, 0, body, 0, header.length);
    SplittableRandom rnd = new SplittableRandom(8);
    for (int q = header.length; q < body.length; q++) {
      body[q] = (byte) rnd.nextInt(256); // incompressible: the .gz is as large as its content
    }
    byte[] gz = gzip(body);
    long claimed = 2048L * 2048 * 511;
    assertTrue(claimed <= gz.length * 1032L, "the claim passes the deflate bound, so only the trust ratio stops it");
    Path p = dir.resolve("forged.nii.gz");
    Files.write(p, gz);
    for (VoxelLayout layout : VoxelLayout.values()) {
      long allocated = expectProblem("data", () -> NiftiReader.read(p, layout));
      assertTrue(allocated < ALLOCATION_BOUND, layout + ": allocated " + (allocated >> 20) + " MB for a 2 MB file claiming "
          + (claimed >> 20) + " MB of voxels");
    }
  }

  /** The same claim in an uncompressed file is refused by the file size before any allocation. */
  @Test
  void uncompressedClaimIsRefusedByTheFileSize() throws IOException {
    byte[] b = image(NiftiHeader.builder(4, 4, 4, 1).datatype(NiftiDatatype.UINT8).build());
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putShort(42, (short) 2048).putShort(44, (short) 2048)
        .putShort(46, (short) 511);
    Path p = dir.resolve("forged.nii");
    Files.write(p, b);
    assertTrue(expectProblem("data", () -> NiftiReader.read(p, VoxelLayout.VOXEL_MAJOR)) < 1L << 20, "no allocation");
    long streamed = expectProblem("data", () -> NiftiReader.read(new ByteArrayInputStream(b), p.toString()));
    assertTrue(streamed < ALLOCATION_BOUND, "a stream of unknown length grows only as bytes arrive: " + (streamed >> 20) + " MB");
  }

  /**
   * A vox_offset near 2^63 (a NIfTI-1 float such as 1e30 converts to Long.MAX_VALUE) made
   * {@code vox_offset + data bytes} overflow to a negative number, so the slab reader's size check
   * passed and it asked the file for a negative position (IllegalArgumentException from the channel).
   */
  @Test
  void slabReadOfAHugeVoxOffsetIsTruncationNotAnOverflow() throws IOException {
    byte[] b = image(NiftiHeader.builder(4, 4, 4, 2).datatype(NiftiDatatype.INT16).build());
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putFloat(108, 1e30f);
    Path p = dir.resolve("offset.nii");
    Files.write(p, b);
    NiftiHeader h = NiftiReader.readHeader(p);
    assertEquals(Long.MAX_VALUE, h.voxOffset());
    try (SeekableSource src = SeekableSource.of(p)) {
      expectProblem("data", () -> NiftiReader.readSlab(src, h, 0, 4, VoxelLayout.VOLUME_MAJOR));
    }
    expectProblem("data", () -> NiftiReader.read(p));
  }

  /**
   * A header whose transform in use holds NaN or infinity has no voxel-to-world mapping; it used to
   * be read, and the first output written on its grid failed with an IllegalArgumentException (a
   * whole Spark job lost to one subject's header). It is now a user error naming the transform.
   */
  @Test
  void nonFiniteTransformInUseIsAUserErrorNamingIt() throws IOException {
    NiftiHeader good = NiftiHeader.builder(4, 4, 4, 1).build();
    byte[] sform = image(good);
    ByteBuffer.wrap(sform).order(ByteOrder.LITTLE_ENDIAN).putFloat(280 + 4 * 3, Float.NaN); // srow_x[3]
    assertFieldOfHeader(sform, "srow_x");
    byte[] qform = image(good);
    ByteBuffer q = ByteBuffer.wrap(qform).order(ByteOrder.LITTLE_ENDIAN);
    q.putShort(254, (short) 0); // sform_code 0: the qform is used
    q.putFloat(268, Float.POSITIVE_INFINITY); // qoffset_x
    assertFieldOfHeader(qform, "qform");
    byte[] none = image(good);
    ByteBuffer n = ByteBuffer.wrap(none).order(ByteOrder.LITTLE_ENDIAN);
    n.putShort(252, (short) 0).putShort(254, (short) 0); // no transform: pixdim gives the voxel sizes
    n.putFloat(80, Float.NaN); // pixdim[1]
    assertFieldOfHeader(none, "pixdim");
    // a non-finite sform that is not used (sform_code 0) does not matter
    byte[] unused = image(good);
    ByteBuffer u = ByteBuffer.wrap(unused).order(ByteOrder.LITTLE_ENDIAN);
    u.putShort(254, (short) 0).putFloat(280, Float.NaN);
    Path ok = dir.resolve("unused.nii");
    Files.write(ok, unused);
    assertEquals(4, NiftiReader.read(ok).header().geometry().nx());
  }

  /**
   * A transform in use that is finite but not invertible: a zeroed sform, voxel sizes of 0 with no
   * transform, and (found by fuzzing: the seed {@code regression-nifti2-sform-infinite-determinant})
   * a NIfTI-2 sform of doubles whose determinant overflows to infinity. Each is a user error.
   */
  @Test
  void singularOrOverflowingTransformInUseIsAUserError() throws IOException {
    NiftiHeader good = NiftiHeader.builder(4, 4, 4, 1).build();
    byte[] zero = image(good);
    ByteBuffer z = ByteBuffer.wrap(zero).order(ByteOrder.LITTLE_ENDIAN);
    for (int e = 0; e < 12; e++) {
      z.putFloat(280 + 4 * e, 0f);
    }
    assertFieldOfHeader(zero, "sform");
    byte[] flat = image(good);
    ByteBuffer f = ByteBuffer.wrap(flat).order(ByteOrder.LITTLE_ENDIAN);
    f.putShort(252, (short) 0).putShort(254, (short) 0).putFloat(88, 0f); // no transform, pixdim[3] = 0
    assertFieldOfHeader(flat, "pixdim");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    NiftiWriter.write(NiftiHeader.builder(4, 4, 4, 1).version(2).build(), new float[64], out, false);
    byte[] huge = out.toByteArray();
    ByteBuffer hb = ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN);
    hb.putDouble(400, 1e200).putDouble(400 + 8 * 5, 1e200).putDouble(400 + 8 * 10, 1e200); // srow diagonal
    assertFieldOfHeader(huge, "sform");
  }

  /**
   * Found by the isolation test of the participant stage: damage inside a deflate stream that still
   * inflates to the right number of bytes was read as wrong voxel values, because the reader stopped
   * after the data and never reached the gzip trailer. A wrong CRC-32 or length is now a user error.
   */
  @Test
  void gzipWhoseTrailerDoesNotMatchItsDataIsAUserError() throws IOException {
    NiftiHeader h = NiftiHeader.builder(6, 5, 4, 3).datatype(NiftiDatatype.INT16).build();
    float[] data = new float[6 * 5 * 4 * 3];
    for (int q = 0; q < data.length; q++) {
      data[q] = q % 97;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    NiftiWriter.write(h, data, out, true);
    byte[] good = out.toByteArray();
    Path ok = dir.resolve("ok.nii.gz");
    Files.write(ok, good);
    assertEquals(data.length, NiftiReader.read(ok).data().length, "the intact file reads");
    for (int offset : new int[] {8, 2}) { // the trailer's CRC-32 (last 8..5 bytes), then its length (last 4..1)
      byte[] bad = good.clone();
      bad[bad.length - offset] ^= 0x01;
      Path p = dir.resolve("trailer" + offset + ".nii.gz");
      Files.write(p, bad);
      for (VoxelLayout layout : VoxelLayout.values()) {
        expectProblem("gzip", () -> NiftiReader.read(p, layout));
      }
      expectProblem("gzip", () -> NiftiReader.read(new ByteArrayInputStream(bad), p.toString()));
      expectProblem("gzip", () -> NiftiReader.readRawData(p));
    }
  }

  private void assertFieldOfHeader(byte[] file, String field) throws IOException {
    Path p = dir.resolve(field + ".nii");
    Files.write(p, file);
    expectProblem(field, () -> NiftiReader.readHeader(p));
    expectProblem(field, () -> NiftiReader.read(p));
    Path gz = dir.resolve(field + ".nii.gz");
    Files.write(gz, gzip(file));
    expectProblem(field, () -> NiftiReader.read(gz));
  }
}
