package org.voxelspark.nifti;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.voxelspark.geometry.Affine;
import org.voxelspark.geometry.VoxelLayout;

/** Write then read: every datatype × byte order × NIfTI version × gzip, with scaling and affines. */
class NiftiRoundTripTest {

  static Stream<Arguments> combinations() {
    List<Arguments> cases = new ArrayList<>();
    for (NiftiDatatype dt : NiftiDatatype.values()) {
      for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
        for (int version : new int[] {1, 2}) {
          for (boolean gzip : new boolean[] {false, true}) {
            cases.add(Arguments.of(dt, order, version, gzip));
          }
        }
      }
    }
    return cases.stream();
  }

  /** An oblique affine with shear and a reflection (negative determinant), as scanners write. */
  static final Affine OBLIQUE = Affine.of(new double[][] {
    {-2.0, 0.1, 0.0, 90.0}, {0.05, 2.0, 0.2, -126.0}, {0.0, -0.15, 2.5, -72.0}
  });

  @ParameterizedTest(name = "{0} {1} NIfTI-{2} gzip={3}")
  @MethodSource("combinations")
  void roundTripPreservesValuesAndHeader(NiftiDatatype dt, ByteOrder order, int version, boolean gzip) throws IOException {
    int nx = 5;
    int ny = 4;
    int nz = 3;
    int nt = 2;
    boolean scaled = dt.isInteger();
    NiftiHeader h = NiftiHeader.builder(nx, ny, nz, nt)
        .version(version)
        .byteOrder(order)
        .datatype(dt)
        .affine(OBLIQUE, NiftiHeader.XFORM_SCANNER_ANAT)
        .repetitionTimeSeconds(2.5)
        .scaling(scaled ? 0.5 : 0, scaled ? -3 : 0)
        .intent(NiftiHeader.INTENT_ESTIMATE, "FA")
        .description("round trip " + dt)
        .build();
    int n = nx * ny * nz * nt * dt.components();
    float[] data = values(dt, n, scaled, new SplittableRandom(dt.code() * 31L + version));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    NiftiWriter.write(h, data, bytes, gzip);
    byte[] file = bytes.toByteArray();
    assertEquals(gzip, (file[0] & 0xff) == 0x1f && (file[1] & 0xff) == 0x8b, "gzip magic");

    NiftiImage back = NiftiReader.read(new ByteArrayInputStream(file), "roundtrip", VoxelLayout.VOLUME_MAJOR, file.length);
    NiftiHeader r = back.header();
    assertEquals(version, r.version());
    assertEquals(order, r.byteOrder());
    assertEquals(dt, r.datatype());
    assertEquals(4, r.ndim());
    assertEquals(nt, r.nt());
    assertEquals(2.5, r.repetitionTimeSeconds(), 1e-6);
    assertEquals(NiftiHeader.INTENT_ESTIMATE, r.intentCode());
    assertEquals("FA", r.intentName());
    assertEquals("round trip " + dt, r.description());
    assertTrue(r.affine().approximatelyEquals(OBLIQUE, 1e-5), "sform " + r.affine());
    // the qform is the nearest rigid transform: same voxel sizes and offset, same handedness
    Affine q = r.qform();
    for (int c = 0; c < 3; c++) {
      assertEquals(OBLIQUE.columnNorm(c), q.columnNorm(c), 1e-5, "qform voxel size " + c);
    }
    assertEquals(Math.signum(OBLIQUE.determinant()), Math.signum(q.determinant()), "qform handedness");
    assertArrayEquals(data, back.data(), "values");
    // equal to the header we wrote except for fields the reader derives
    assertEquals(h.toBuilder().voxOffset(version == 1 ? 352 : 544).build().toString(), r.toString());
  }

  /** Values every type stores exactly: integers in range (after inverse scaling), floats as is. */
  private static float[] values(NiftiDatatype dt, int n, boolean scaled, SplittableRandom rnd) {
    float[] v = new float[n];
    double lo = Math.max(dt.minValue(), -1e6);
    double hi = Math.min(dt.maxValue(), 1e6);
    for (int q = 0; q < n; q++) {
      if (dt.isInteger() || dt == NiftiDatatype.RGB24 || dt == NiftiDatatype.RGBA32) {
        long stored = (long) (lo + Math.floor(rnd.nextDouble() * (hi - lo + 1)));
        if (q == 0) {
          stored = (long) lo;
        } else if (q == 1) {
          stored = (long) hi;
        }
        v[q] = scaled ? (float) (stored * 0.5 - 3) : stored;
      } else {
        v[q] = (float) (rnd.nextGaussian() * 1000);
      }
    }
    return v;
  }

  @Test
  void unsignedTypesKeepValuesAboveTheSignedRange() throws IOException {
    for (NiftiDatatype dt : new NiftiDatatype[] {NiftiDatatype.UINT16, NiftiDatatype.UINT32, NiftiDatatype.UINT64}) {
      NiftiHeader h = NiftiHeader.builder(3, 1, 1, 1).datatype(dt).build();
      float[] data = {0f, (float) (Math.floor(dt.maxValue() / 2) + 1), (float) dt.maxValue()};
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      NiftiWriter.write(h, data, out, false);
      float[] back = NiftiReader.read(new ByteArrayInputStream(out.toByteArray()), dt.name()).data();
      assertArrayEquals(data, back, dt.name());
      assertTrue(back[2] > 0, dt + " read as signed");
    }
  }

  @Test
  void integerStorageRoundsHalfToEvenClipsAndStoresNanAsZero() throws IOException {
    NiftiHeader h = NiftiHeader.builder(6, 1, 1, 1).datatype(NiftiDatatype.INT16).build();
    float[] data = {2.5f, 3.5f, -2.5f, 40000f, -40000f, Float.NaN};
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    NiftiWriter.write(h, data, out, false);
    float[] back = NiftiReader.read(new ByteArrayInputStream(out.toByteArray()), "rint").data();
    assertArrayEquals(new float[] {2, 4, -2, 32767, -32768, 0}, back);
  }

  @Test
  void voxelMajorIsTheTransposeOfVolumeMajor() throws IOException {
    int v = 4 * 3 * 2;
    int nt = 5;
    NiftiHeader h = NiftiHeader.builder(4, 3, 2, nt).build();
    float[] data = new float[v * nt];
    for (int q = 0; q < data.length; q++) {
      data[q] = q;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    NiftiWriter.write(h, data, out, true);
    float[] vm = NiftiReader.read(new ByteArrayInputStream(out.toByteArray()), "t", VoxelLayout.VOXEL_MAJOR, -1).data();
    for (int t = 0; t < nt; t++) {
      for (int q = 0; q < v; q++) {
        assertEquals(data[t * v + q], vm[q * nt + t]);
      }
    }
  }

  @Test
  void largeStreamOfUnknownLengthGrowsToTheRightSize() throws IOException {
    // more values than the reader's initial allocation for unknown-length streams
    int nx = 256;
    int ny = 256;
    int nz = 70;
    NiftiHeader h = NiftiHeader.builder(nx, ny, nz, 1).datatype(NiftiDatatype.INT16).build();
    float[] data = new float[nx * ny * nz];
    for (int q = 0; q < data.length; q++) {
      data[q] = (q * 7) % 30000;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    NiftiWriter.write(h, data, out, true, 1);
    assertArrayEquals(data, NiftiReader.read(new ByteArrayInputStream(out.toByteArray()), "big", VoxelLayout.VOLUME_MAJOR, -1).data());
    float[] vm = NiftiReader.read(new ByteArrayInputStream(out.toByteArray()), "big", VoxelLayout.VOXEL_MAJOR, -1).data();
    assertArrayEquals(data, vm, "3D: voxel-major equals volume-major");
  }

  @Test
  void fileWriteIsAtomicAndDeterministic(@TempDir Path dir) throws IOException {
    NiftiHeader h = NiftiHeader.builder(8, 8, 8, 3).datatype(NiftiDatatype.INT16).repetitionTimeSeconds(2).build();
    float[] data = new float[8 * 8 * 8 * 3];
    for (int q = 0; q < data.length; q++) {
      data[q] = q % 1000;
    }
    Path a = dir.resolve("a_bold.nii.gz");
    Path b = dir.resolve("b_bold.nii.gz");
    NiftiWriter.write(h, data, a);
    NiftiWriter.write(h, data, b);
    assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b), "same image, same bytes (gzip mtime 0)");
    try (Stream<Path> files = Files.list(dir)) {
      assertFalse(files.anyMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temporary file left");
    }
    assertArrayEquals(data, NiftiReader.read(a).data());
    Path plain = dir.resolve("c.nii");
    NiftiWriter.write(h, data, plain);
    assertEquals(352 + data.length * 2L, Files.size(plain), "uncompressed .nii: 352-byte header + int16 data");
  }

  @Test
  void longDescriptionIsTruncatedOnACharacterBoundary() throws IOException {
    String text = "é".repeat(60); // 120 bytes of UTF-8
    NiftiHeader h = NiftiHeader.builder(1, 1, 1, 1).description(text).build();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    NiftiWriter.write(h, new float[1], out, false);
    String back = NiftiReader.read(new ByteArrayInputStream(out.toByteArray()), "d").header().description();
    assertEquals("é".repeat(40), back);
  }
}
