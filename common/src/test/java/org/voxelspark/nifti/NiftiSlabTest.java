package org.voxelspark.nifti;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.voxelspark.error.UserInputException;
import org.voxelspark.geometry.VoxelLayout;

/** A z-slab read by positioned reads equals the same part of a whole-file read. */
class NiftiSlabTest {
  @TempDir Path dir;

  @Test
  void slabsEqualTheWholeRead() throws IOException {
    int nx = 7;
    int ny = 5;
    int nz = 6;
    int nt = 4;
    for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
      NiftiHeader h = NiftiHeader.builder(nx, ny, nz, nt).byteOrder(order).datatype(NiftiDatatype.INT16)
          .scaling(0.25, 10).build();
      float[] data = new float[nx * ny * nz * nt];
      SplittableRandom rnd = new SplittableRandom(3);
      for (int q = 0; q < data.length; q++) {
        data[q] = (float) (rnd.nextInt(-1000, 1000) * 0.25 + 10);
      }
      Path p = dir.resolve("s_" + order + ".nii");
      NiftiWriter.write(h, data, p);
      NiftiHeader read = NiftiReader.readHeader(p);
      int plane = nx * ny;
      int[][] slabs = {{0, 1}, {0, nz}, {2, 5}, {5, 6}};
      for (VoxelLayout layout : VoxelLayout.values()) {
        for (int[] s : slabs) {
          float[] slab;
          try (SeekableSource src = SeekableSource.of(p)) {
            slab = NiftiReader.readSlab(src, read, s[0], s[1], layout);
          }
          int sv = plane * (s[1] - s[0]);
          float[] expected = new float[sv * nt];
          for (int t = 0; t < nt; t++) {
            for (int q = 0; q < sv; q++) {
              float v = data[t * plane * nz + s[0] * plane + q];
              expected[layout == VoxelLayout.VOLUME_MAJOR ? t * sv + q : q * nt + t] = v;
            }
          }
          assertArrayEquals(expected, slab, order + " " + layout + " slab " + s[0] + ".." + s[1]);
        }
      }
    }
  }

  @Test
  void gzipAndTruncatedFilesAreUserErrors() throws IOException {
    NiftiHeader h = NiftiHeader.builder(4, 4, 4, 2).build();
    Path gz = dir.resolve("x.nii.gz");
    NiftiWriter.write(h, new float[128], gz);
    try (SeekableSource src = SeekableSource.of(gz)) {
      UserInputException e = assertThrows(UserInputException.class,
          () -> NiftiReader.readSlab(src, h, 0, 1, VoxelLayout.VOLUME_MAJOR));
      assertEquals("gzip", e.problems().get(0).field());
    }
    Path nii = dir.resolve("y.nii");
    NiftiWriter.write(h, new float[128], nii);
    java.nio.file.Files.write(nii, java.util.Arrays.copyOf(java.nio.file.Files.readAllBytes(nii), 352 + 300));
    NiftiHeader hr = NiftiReader.readHeader(nii);
    try (SeekableSource src = SeekableSource.of(nii)) {
      UserInputException e = assertThrows(UserInputException.class,
          () -> NiftiReader.readSlab(src, hr, 3, 4, VoxelLayout.VOLUME_MAJOR));
      assertEquals("data", e.problems().get(0).field());
    }
  }

  @Test
  void wholeImageBySlabsEqualsTheStreamRead() throws IOException {
    int nx = 9;
    int ny = 4;
    int nz = 7;
    int nt = 3;
    SplittableRandom rnd = new SplittableRandom(11);
    for (NiftiDatatype dt : new NiftiDatatype[] {NiftiDatatype.INT16, NiftiDatatype.FLOAT32, NiftiDatatype.UINT8}) {
      for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
        NiftiHeader h = NiftiHeader.builder(nx, ny, nz, nt).byteOrder(order).datatype(dt).build();
        float[] data = new float[nx * ny * nz * nt];
        for (int q = 0; q < data.length; q++) {
          data[q] = rnd.nextInt(0, 200);
        }
        Path p = dir.resolve("w_" + dt + "_" + order + ".nii");
        NiftiWriter.write(h, data, p);
        long planeBytes = 4L * nx * ny * nt;
        // one plane per slab, 3 planes (7 = 3 + 3 + 1: a short last slab), the whole volume in one
        for (long slabBytes : new long[] {1, 3 * planeBytes, 100 * planeBytes}) {
          for (VoxelLayout layout : VoxelLayout.values()) {
            NiftiImage bySlabs;
            try (SeekableSource src = SeekableSource.of(p)) {
              bySlabs = NiftiReader.readBySlabs(src, layout, slabBytes);
            }
            NiftiImage streamed = NiftiReader.read(p, layout);
            assertArrayEquals(streamed.data(), bySlabs.data(), dt + " " + order + " " + layout + " slab bytes " + slabBytes);
            assertEquals(layout, bySlabs.layout());
            assertEquals(streamed.header().nt(), bySlabs.header().nt());
          }
        }
      }
    }
  }

  @Test
  void bySlabsRefusesTruncatedAndForgedFilesBeforeAllocating() throws IOException {
    NiftiHeader h = NiftiHeader.builder(4, 4, 4, 2).build();
    Path nii = dir.resolve("t.nii");
    NiftiWriter.write(h, new float[128], nii);
    byte[] whole = java.nio.file.Files.readAllBytes(nii);
    java.nio.file.Files.write(nii, java.util.Arrays.copyOf(whole, whole.length - 4));
    try (SeekableSource src = SeekableSource.of(nii)) {
      UserInputException e = assertThrows(UserInputException.class,
          () -> NiftiReader.readBySlabs(src, VoxelLayout.VOXEL_MAJOR, NiftiReader.DEFAULT_SLAB_BYTES));
      assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }
    // a header claiming 2^31 voxels over a 1 KB file: refused from the file size, nothing allocated
    java.nio.ByteBuffer forged = java.nio.ByteBuffer.wrap(java.util.Arrays.copyOf(whole, whole.length)).order(ByteOrder.LITTLE_ENDIAN);
    forged.putShort(40 + 2, (short) 32767).putShort(40 + 4, (short) 32767).putShort(40 + 6, (short) 2);
    Path big = dir.resolve("forged.nii");
    java.nio.file.Files.write(big, forged.array());
    try (SeekableSource src = SeekableSource.of(big)) {
      UserInputException e = assertThrows(UserInputException.class,
          () -> NiftiReader.readBySlabs(src, VoxelLayout.VOXEL_MAJOR, NiftiReader.DEFAULT_SLAB_BYTES));
      assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }
    Path gz = dir.resolve("x.nii.gz");
    NiftiWriter.write(h, new float[128], gz);
    try (SeekableSource src = SeekableSource.of(gz)) {
      UserInputException e = assertThrows(UserInputException.class,
          () -> NiftiReader.readBySlabs(src, VoxelLayout.VOLUME_MAJOR, 1 << 20));
      assertEquals("gzip", e.problems().get(0).field());
    }
  }
}
