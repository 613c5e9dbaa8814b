package org.voxelspark.nifti;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.voxelspark.error.UserInputException;
import org.voxelspark.geometry.Affine;
import org.voxelspark.geometry.VoxelLayout;
import org.voxelspark.testing.SharedData;

/**
 * Reads every file of the NIfTI conformance set ({@code ../shared/data/nifti}: 57 files written by
 * nibabel 5.0, every datatype × byte order × NIfTI-1/2 × gz, scaling, oblique sform, qform-only,
 * sform-only, no transform, nibabel's own test files) and checks it against what nibabel reads,
 * recorded in {@code expected.json}. Tolerances: header floats and affines 1e-6 absolute (they are
 * float32 in NIfTI-1); scaled values relative 1e-6 (we scale in double and round once to float32,
 * nibabel's float32 arithmetic may differ in the last bit); the raw stored bytes exactly (SHA-256).
 */
class NiftiConformanceTest {
  private static final ObjectMapper JSON = com.fasterxml.jackson.databind.json.JsonMapper.builder()
      .enable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

  static Stream<Arguments> files() throws IOException {
    Path dir = SharedData.require("nifti");
    JsonNode root = JSON.readTree(dir.resolve("expected.json").toFile());
    List<Arguments> cases = new ArrayList<>();
    Iterator<String> names = root.get("files").fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      cases.add(Arguments.of(name, dir.resolve(name), root.get("files").get(name)));
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("files")
  void headerMatchesNibabel(String name, Path file, JsonNode e) {
    NiftiHeader h = NiftiReader.readHeader(file);
    assertEquals(e.get("nifti_version").asInt(), h.version(), "version");
    assertEquals(e.get("endianness").asText().equals("big") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN,
        h.byteOrder(), "byte order");
    if (e.path("header_only").asBoolean(false)) {
      assertTrue(!h.singleFile(), "a .hdr is not a single-file NIfTI");
      for (int d = 0; d < 8; d++) {
        assertEquals(e.get("dim").get(d).asLong(), h.dims()[d], "dim[" + d + "]");
      }
      assertEquals(e.get("datatype").asInt(), h.datatype().code(), "datatype");
      return;
    }
    JsonNode shape = e.get("shape");
    assertEquals(shape.size(), h.ndim(), "ndim");
    for (int d = 0; d < shape.size(); d++) {
      assertEquals(shape.get(d).asLong(), h.dims()[d + 1], "dim[" + (d + 1) + "]");
    }
    assertEquals(e.get("datatype").asInt(), h.datatype().code(), "datatype");
    assertEquals(e.get("bitpix").asInt(), h.datatype().bitsPerVoxel(), "bitpix");
    if (h.singleFile()) {
      assertEquals(e.get("vox_offset").asDouble(), h.voxOffset(), "vox_offset");
    }
    JsonNode pix = e.get("pixdim");
    for (int d = 0; d < 8; d++) {
      assertEquals(pix.get(d).asDouble(), h.pixdim()[d], 1e-6, "pixdim[" + d + "]");
    }
    assertEquals(e.get("xyzt_units").asInt(), h.xyztUnits(), "xyzt_units");
    assertEquals(e.get("qform_code").asInt(), h.qformCode(), "qform_code");
    assertEquals(e.get("sform_code").asInt(), h.sformCode(), "sform_code");
    if (e.get("qform_code").asInt() > 0) {
      assertAffine(e.get("qform"), h.qform(), "qform");
    }
    if (e.get("sform_code").asInt() > 0) {
      assertAffine(e.get("sform"), h.sform(), "sform");
    }
    assertAffine(e.get("best_affine"), h.affine(), "best affine");
    assertScalar(e.get("scl_slope"), h.sclSlope(), "scl_slope");
    assertScalar(e.get("scl_inter"), h.sclInter(), "scl_inter");
    assertEquals(e.get("intent_code").asInt(), h.intentCode(), "intent_code");
    // descrip is a NUL-terminated C string (nifti1.h); nibabel keeps bytes after an embedded NUL
    assertEquals(e.get("descrip").asText().split("\0", -1)[0], h.description(), "descrip");
    assertEquals(e.get("n_extensions").asInt(), h.extensionCount(), "extensions");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("files")
  void dataMatchNibabel(String name, Path file, JsonNode e) throws Exception {
    if (e.path("header_only").asBoolean(false)) {
      // header-only .hdr: the data are in a separate .img, which we do not read
      UserInputException ex = assertThrows(UserInputException.class, () -> NiftiReader.read(file));
      assertTrue(ex.getMessage().contains(file.toString()), ex.getMessage());
      return;
    }
    NiftiImage img = NiftiReader.read(file);
    NiftiImage vm = NiftiReader.read(file, VoxelLayout.VOXEL_MAJOR);
    float[] d = img.data();
    JsonNode st = e.get("scaled_stats");
    double sum = 0;
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (float v : d) {
      sum += v;
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    double scale = Math.max(1, Math.max(Math.abs(st.get("min").asDouble()), Math.abs(st.get("max").asDouble())));
    if (!Double.isFinite(scale)) {
      scale = 1; // the image holds NaNs: numpy's statistics are NaN, and so must ours be
    }
    assertStat(st.get("min"), min, 1e-6 * scale, "min");
    assertStat(st.get("max"), max, 1e-6 * scale, "max");
    assertStat(st.get("sum"), sum, 1e-6 * scale * d.length, "sum");
    assertStat(st.get("first"), d[0], 1e-6 * scale, "first");
    assertStat(st.get("last"), d[d.length - 1], 1e-6 * scale, "last");
    long[] dims = img.header().dims();
    for (JsonNode s : e.get("samples")) {
      JsonNode idx = s.get("index");
      int i = idx.get(0).asInt();
      int j = idx.size() > 1 ? idx.get(1).asInt() : 0;
      int k = idx.size() > 2 ? idx.get(2).asInt() : 0;
      int t = 0;
      long stride = 1;
      for (int q = 3; q < idx.size(); q++) {
        t += (int) (idx.get(q).asLong() * stride);
        stride *= dims[q + 1];
      }
      JsonNode value = s.get("value");
      for (int c = 0; c < img.components(); c++) {
        double expected = value.isArray() ? value.get(c).asDouble() : value.asDouble();
        String at = "sample " + idx + " component " + c;
        if (Double.isNaN(expected)) {
          assertTrue(Float.isNaN(img.get(i, j, k, t, c)), at + ": expected NaN");
        } else {
          assertEquals(expected, img.get(i, j, k, t, c), 1e-6 * Math.max(1, Math.abs(expected)), at);
        }
        assertEquals(Float.floatToIntBits(img.get(i, j, k, t, c)), Float.floatToIntBits(vm.get(i, j, k, t, c)),
            at + " (voxel-major)");
      }
    }
    // expected.json hashes what nibabel's dataobj gives: the stored bytes as they are for an
    // unscaled image, and the scaled values as little-endian float64 (stored·slope + inter in
    // double) for a scaled one. Both are reproduced from our raw read and our scaling rule.
    if (e.get("raw_sha256_fortran_order").isNull()) {
      return; // nibabel gives RGB as a structured array; no hash was recorded for it
    }
    byte[] raw = NiftiReader.readRawData(file);
    NiftiHeader h = img.header();
    byte[] hashed = h.effectiveSlope() == 1 && h.effectiveInter() == 0 ? raw : scaledFloat64(raw, h);
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(hashed));
    assertEquals(e.get("raw_sha256_fortran_order").asText(), sha, "SHA-256 of the stored values");
  }

  /** Stored integers or floats decoded from {@code raw}, scaled in double, as LE float64 bytes. */
  private static byte[] scaledFloat64(byte[] raw, NiftiHeader h) {
    java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(raw).order(h.byteOrder());
    int n = (int) h.voxelCount();
    java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(8 * n).order(ByteOrder.LITTLE_ENDIAN);
    for (int q = 0; q < n; q++) {
      double stored = switch (h.datatype()) {
        case UINT8 -> in.get(q) & 0xff;
        case INT8 -> in.get(q);
        case INT16 -> in.getShort(2 * q);
        case UINT16 -> in.getShort(2 * q) & 0xffff;
        case INT32 -> in.getInt(4 * q);
        case UINT32 -> Integer.toUnsignedLong(in.getInt(4 * q));
        case INT64 -> (double) in.getLong(8 * q);
        case UINT64 -> NiftiReader.unsignedToDouble(in.getLong(8 * q));
        case FLOAT32 -> in.getFloat(4 * q);
        case FLOAT64 -> in.getDouble(8 * q);
        default -> throw new IllegalStateException("scaled " + h.datatype());
      };
      out.putDouble(8 * q, stored * h.effectiveSlope() + h.effectiveInter());
    }
    return out.array();
  }

  private static void assertStat(JsonNode expected, double actual, double tolerance, String what) {
    if (Double.isNaN(expected.asDouble())) {
      assertTrue(Double.isNaN(actual), what + ": expected NaN, was " + actual);
    } else {
      assertEquals(expected.asDouble(), actual, tolerance, what);
    }
  }

  private static void assertScalar(JsonNode expected, double actual, String what) {
    if (expected == null || expected.isNull() || expected.asText().equalsIgnoreCase("nan")) {
      assertTrue(Double.isNaN(actual) || actual == 0, what + " should be unset, was " + actual);
    } else {
      assertEquals(expected.asDouble(), actual, 1e-6, what);
    }
  }

  private static void assertAffine(JsonNode expected, Affine actual, String what) {
    double[][] a = actual.toArray();
    for (int r = 0; r < 4; r++) {
      double[] row = new double[4];
      for (int c = 0; c < 4; c++) {
        row[c] = expected.get(r).get(c).asDouble();
      }
      assertArrayEquals(row, a[r], 1e-5, what + " row " + r);
    }
  }
}
