package org.voxelspark.nifti;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.voxelspark.error.UserInputException;

/** Every malformed input is a UserInputException naming the file and the field; never an AIOOBE. */
class NiftiMalformedTest {
  @TempDir Path dir;

  private byte[] goodFile() throws IOException {
    NiftiHeader h = NiftiHeader.builder(4, 4, 4, 2).datatype(NiftiDatatype.INT16).build();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    NiftiWriter.write(h, new float[4 * 4 * 4 * 2], out, false);
    return out.toByteArray();
  }

  private Path file(String name, byte[] content) throws IOException {
    Path p = dir.resolve(name);
    Files.write(p, content);
    return p;
  }

  private static byte[] gzip(byte[] b) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(b);
    }
    return out.toByteArray();
  }

  private static void assertProblem(Path p, String field) {
    UserInputException e = assertThrows(UserInputException.class, () -> NiftiReader.read(p));
    UserInputException.Problem problem = e.problems().get(0);
    assertEquals(p.toString(), problem.source(), "the problem names the file");
    assertEquals(field, problem.field(), e.getMessage());
  }

  @Test
  void truncatedUncompressedFile() throws IOException {
    byte[] good = goodFile();
    assertProblem(file("t.nii", Arrays.copyOf(good, good.length - 10)), "data");
  }

  @Test
  void truncatedGzipFile() throws IOException {
    byte[] gz = gzip(goodFile());
    assertProblem(file("t.nii.gz", Arrays.copyOf(gz, gz.length - 30)), "gzip");
  }

  @Test
  void gzipOfATruncatedImage() throws IOException {
    byte[] good = goodFile();
    assertProblem(file("short.nii.gz", gzip(Arrays.copyOf(good, good.length - 64))), "data");
  }

  @Test
  void corruptGzip() throws IOException {
    byte[] gz = gzip(goodFile());
    for (int q = 20; q < 40; q++) {
      gz[q] ^= (byte) 0x5a;
    }
    assertProblem(file("corrupt.nii.gz", gz), "gzip");
  }

  @Test
  void headerShorterThan348Bytes() throws IOException {
    assertProblem(file("short.nii", Arrays.copyOf(goodFile(), 200)), "header");
    assertProblem(file("empty.nii", new byte[0]), "sizeof_hdr");
  }

  @Test
  void wrongSizeofHdr() throws IOException {
    byte[] b = goodFile();
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 349);
    assertProblem(file("sizeof.nii", b), "sizeof_hdr");
  }

  @Test
  void wrongMagic() throws IOException {
    byte[] b = goodFile();
    b[345] = 'x';
    assertProblem(file("magic.nii", b), "magic");
  }

  @Test
  void zeroNegativeAndTooManyDims() throws IOException {
    byte[] b = goodFile();
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putShort(42, (short) 0);
    assertProblem(file("zero.nii", b), "dim");
    b = goodFile();
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putShort(44, (short) -4);
    assertProblem(file("negative.nii", b), "dim");
    b = goodFile();
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putShort(40, (short) 9);
    assertProblem(file("ndim.nii", b), "dim");
  }

  @Test
  void unknownDatatypeAndBitpixMismatch() throws IOException {
    byte[] b = goodFile();
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putShort(70, (short) 3);
    assertProblem(file("dtype.nii", b), "datatype");
    b = goodFile();
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putShort(72, (short) 32);
    assertProblem(file("bitpix.nii", b), "bitpix");
  }

  @Test
  void voxOffsetInsideTheHeader() throws IOException {
    byte[] b = goodFile();
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putFloat(108, 100f);
    assertProblem(file("offset.nii", b), "vox_offset");
  }

  @Test
  void forgedHugeDimsFailFastWithoutAllocating() throws IOException {
    // claims 32767^3 × 32767 int16 voxels in a 1 kB file (uncompressed and compressed)
    byte[] b = goodFile();
    ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    for (int d = 1; d <= 4; d++) {
      bb.putShort(40 + 2 * d, Short.MAX_VALUE);
    }
    long before = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
    assertProblem(file("forged.nii", b), "dim");
    assertProblem(file("forged.nii.gz", gzip(b)), "dim");
    // 2^31 voxels of uint8 in a small file: fits the dims check, fails the size check
    byte[] c = goodFile();
    ByteBuffer cc = ByteBuffer.wrap(c).order(ByteOrder.LITTLE_ENDIAN);
    cc.putShort(40, (short) 3).putShort(42, (short) 2048).putShort(44, (short) 2048).putShort(46, (short) 512);
    cc.putShort(70, (short) 2).putShort(72, (short) 8);
    assertProblem(file("forged2.nii", c), "data");
    assertProblem(file("forged2.nii.gz", gzip(c)), "data");
    long after = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
    assertTrue(after - before < 256L << 20, "no allocation proportional to the forged size");
  }

  @Test
  void extensionRunningPastVoxOffset() throws IOException {
    byte[] good = goodFile();
    // insert a 32-byte extension claimed as 64 bytes: header, extender {1,0,0,0}, esize 64, ecode 4
    byte[] b = new byte[good.length + 32];
    System.arraycopy(good, 0, b, 0, 348);
    ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    bb.putFloat(108, 352 + 32);
    b[348] = 1;
    bb.putInt(352, 64).putInt(356, 4);
    System.arraycopy(good, 352, b, 384, good.length - 352);
    assertProblem(file("ext.nii", b), "extension");
    bb.putInt(352, 20); // not a multiple of 16
    assertProblem(file("ext20.nii", b), "extension");
    bb.putInt(352, 32); // correct: reads
    Path ok = file("ext32.nii", b);
    assertEquals(1, NiftiReader.read(ok).header().extensionCount());
  }

  @Test
  void missingFile() {
    assertProblem(dir.resolve("absent.nii.gz"), "");
  }
}
