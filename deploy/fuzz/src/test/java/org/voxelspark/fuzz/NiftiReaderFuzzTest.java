package org.voxelspark.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.lang.management.ManagementFactory;
import java.util.function.Supplier;
import org.voxelspark.error.UserInputException;
import org.voxelspark.geometry.VolumeGeometry;
import org.voxelspark.geometry.VoxelLayout;
import org.voxelspark.nifti.NiftiHeader;
import org.voxelspark.nifti.NiftiImage;
import org.voxelspark.nifti.NiftiReader;
import org.voxelspark.nifti.SeekableSource;

/**
 * Coverage-guided fuzzing (Jazzer) of {@link NiftiReader}: any byte string, read every way the
 * pipeline reads files, must give either an image or a {@link UserInputException} naming the source,
 * never another exception, and never an allocation that follows the header's claims instead of the
 * bytes present.
 *
 * <p><b>Properties checked on every input</b> ({@code docs/reliability.md}):
 * <ol>
 *   <li>only {@link UserInputException} escapes (an in-memory stream has no I/O errors of its own),
 *       each problem naming the source given to the reader and a non-empty message;
 *   <li>the bytes allocated by one read (per thread, {@code ThreadMXBean}) stay below
 *       {@value #ALLOCATION_CONSTANT_BYTES} + {@value #ALLOCATION_PER_INPUT_BYTE} × input length:
 *       a header claiming 2^31 voxels in a small input cannot make the reader allocate for them;
 *   <li>the reads agree: with the stored size known (as the Spark jobs read) and unknown (a plain
 *       stream) both succeed or both fail; on success the voxel-major and volume-major layouts hold
 *       the same values, an uncompressed file read by z-slabs (positioned reads) equals the whole
 *       read, {@link NiftiReader#readHeader} gives the same header, and the header yields a grid
 *       ({@link NiftiHeader#geometry()}: finite affine) as every output writer needs.
 * </ol>
 *
 * <p>Regular test runs execute this over the seed files in {@code NiftiReaderFuzzTestInputs/read}
 * (see {@code SEEDS.md}); {@code deploy/bin/fuzz-nifti} runs a fuzzing session.
 */
class NiftiReaderFuzzTest {
  private static final String NAME = "fuzz.nii";
  /** Fixed part of the allocation bound: stream buffers, chunk buffer, the 16 MB first step of a grown stream. */
  static final long ALLOCATION_CONSTANT_BYTES = 48L << 20;
  /**
   * Per input byte: 4 float bytes per stored byte of uint8 data, × 2 for voxel-major staging, × the
   * reader's trusted gzip expansion (64).
   */
  static final long ALLOCATION_PER_INPUT_BYTE = 4 * 2 * 64 + 64;

  @FuzzTest(maxDuration = "10m")
  void read(byte[] input) {
    long bound = ALLOCATION_CONSTANT_BYTES + ALLOCATION_PER_INPUT_BYTE * input.length;
    NiftiImage sized = attempt(bound, input.length, () -> NiftiReader.read(new ByteArrayInputStream(input), NAME,
        VoxelLayout.VOXEL_MAJOR, input.length));
    NiftiImage streamed = attempt(bound, input.length, () -> NiftiReader.read(new ByteArrayInputStream(input), NAME));
    NiftiHeader header = attempt(bound, input.length, () -> NiftiReader.readHeader(new ByteArrayInputStream(input), NAME));
    assertEquals(sized == null, streamed == null, "the reads with and without the stored size agree on success");
    if (sized == null) {
      return;
    }
    NiftiHeader h = sized.header();
    assertEquals(h, streamed.header());
    assertEquals(h, header, "readHeader gives the header read() does");
    VolumeGeometry grid = h.geometry();
    assertTrue(grid.voxelCount() > 0 && Double.isFinite(grid.affine().determinant()), "a usable grid");
    assertFalse(h.toString().isEmpty());
    float[] byVoxel = sized.data();
    float[] byVolume = streamed.data();
    assertEquals(byVoxel.length, byVolume.length);
    int comps = h.datatype().components();
    long volume = h.voxelsPerVolume();
    int nt = h.nt();
    for (long q = 0; q < volume; q++) {
      for (int t = 0; t < nt; t++) {
        for (int c = 0; c < comps; c++) {
          int a = (int) ((q * nt + t) * comps + c);
          int b = (int) ((t * volume + q) * comps + c);
          if (Float.floatToIntBits(byVoxel[a]) != Float.floatToIntBits(byVolume[b])) {
            throw new AssertionError("voxel " + q + " volume " + t + ": voxel-major " + byVoxel[a] + " != volume-major "
                + byVolume[b]);
          }
        }
      }
    }
    boolean gzip = input.length >= 2 && (input[0] & 0xff) == 0x1f && (input[1] & 0xff) == 0x8b;
    if (!gzip) {
      float[] slabs = attempt(bound, input.length, () -> NiftiReader.readSlab(new BytesSource(input), h, 0, h.nz(),
          VoxelLayout.VOLUME_MAJOR));
      assertArrayEquals(byVolume, slabs, "one slab of every z equals the whole read");
    }
  }

  /**
   * Runs one read: returns its result, or null for a well-formed user error; checks the allocation.
   * A read over the bound is repeated once and fails only if it is over again: the first execution
   * of a code path also counts the loading (and Jazzer's instrumentation) of its classes.
   */
  private static <T> T attempt(long bound, int length, Supplier<T> read) {
    long before = allocatedBytes();
    T result = readOrNull(read);
    long allocated = allocatedBytes() - before;
    if (allocated > bound) {
      before = allocatedBytes();
      readOrNull(read);
      allocated = allocatedBytes() - before;
      if (allocated > bound) {
        throw new AssertionError("a read of " + length + " input bytes allocated " + allocated + " bytes (bound " + bound + ")");
      }
    }
    return result;
  }

  private static <T> T readOrNull(Supplier<T> read) {
    try {
      return read.get();
    } catch (UserInputException e) {
      assertFalse(e.problems().isEmpty());
      for (UserInputException.Problem p : e.problems()) {
        assertEquals(NAME, p.source(), "the problem names the source");
        assertFalse(p.message().isBlank(), "the problem says what is wrong");
      }
      return null;
    }
  }

  private static long allocatedBytes() {
    return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
  }

  /** Positioned reads of a byte array, with the contract of a file channel (negative positions are bugs). */
  private record BytesSource(byte[] bytes) implements SeekableSource {
    @Override
    public String name() {
      return NAME;
    }

    @Override
    public long size() {
      return bytes.length;
    }

    @Override
    public void readFully(long position, byte[] b, int off, int len) throws EOFException {
      if (position < 0) {
        throw new IllegalArgumentException("negative position " + position);
      }
      if (position + len > bytes.length || position + len < 0) {
        throw new EOFException(NAME + ": " + len + " bytes at " + position + " past the end (" + bytes.length + " bytes)");
      }
      System.arraycopy(bytes, (int) position, b, off, len);
    }

    @Override
    public void close() {}
  }
}
