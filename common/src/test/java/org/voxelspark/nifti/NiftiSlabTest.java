package org.voxelspark.nifti;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
}
