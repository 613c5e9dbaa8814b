package org.voxelspark.nifti;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.voxelspark.geometry.Affine;
import org.voxelspark.testing.SharedData;

/**
 * Files written by {@link NiftiWriter} read back in nibabel (the reference Python NIfTI library)
 * with the same shape, datatype, affine, voxel sizes, units, intent and description, and the same
 * values bit for bit. Needs a python3 with nibabel (Debian {@code python3-nibabel}, which
 * {@code deploy/bin/run-tests} installs): skipped with a message without it, failed under CI.
 */
class NiftiNibabelInteropTest {
  @TempDir Path dir;

  record Case(String name, NiftiHeader header, float[] data) {}

  @Test
  void nibabelReadsOurFilesExactly() throws Exception {
    String python = pythonWithNibabel();
    SplittableRandom rnd = new SplittableRandom(42);
    Affine oblique = Affine.of(new double[][] {{-2.0, 0.1, 0.0, 90.0}, {0.05, 2.0, 0.2, -126.0}, {0.0, -0.15, 2.5, -72.0}});
    List<Case> cases = new ArrayList<>();
    cases.add(new Case("f32_4d.nii.gz", NiftiHeader.builder(7, 6, 5, 4).affine(oblique, NiftiHeader.XFORM_SCANNER_ANAT)
        .repetitionTimeSeconds(2.0).intent(NiftiHeader.INTENT_ESTIMATE, "FA").description("voxelspark float32").build(),
        gaussian(7 * 6 * 5 * 4, rnd)));
    cases.add(new Case("i16_scaled.nii", NiftiHeader.builder(9, 4, 3, 1).datatype(NiftiDatatype.INT16).scaling(0.5, -3)
        .affine(Affine.scaling(2.5, 2.5, 2.5, -10, -20, -30), NiftiHeader.XFORM_MNI_152).build(), integers(9 * 4 * 3, -1000, 1000, 0.5, -3, rnd)));
    cases.add(new Case("u8_labels.nii.gz", NiftiHeader.builder(5, 5, 5, 1).datatype(NiftiDatatype.UINT8)
        .intent(NiftiHeader.INTENT_LABEL, "labels").build(), integers(125, 0, 255, 1, 0, rnd)));
    cases.add(new Case("f64_be.nii", NiftiHeader.builder(3, 4, 5, 2).datatype(NiftiDatatype.FLOAT64)
        .byteOrder(ByteOrder.BIG_ENDIAN).build(), gaussian(120, rnd)));
    cases.add(new Case("f32_nifti2.nii.gz", NiftiHeader.builder(4, 4, 4, 3).version(2).affine(oblique, 1).build(), gaussian(192, rnd)));
    List<String> cmd = new ArrayList<>(List.of(python, script().toString()));
    for (Case c : cases) {
      Path p = dir.resolve(c.name());
      NiftiWriter.write(c.header(), c.data(), p);
      cmd.add(p.toString());
    }
    Process proc = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String output = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(proc.waitFor(60, TimeUnit.SECONDS), "python finished");
    assertEquals(0, proc.exitValue(), output);
    ObjectMapper json = new ObjectMapper();
    List<String> lines = output.lines().filter(l -> l.startsWith("{")).toList();
    assertEquals(cases.size(), lines.size(), output);
    for (int q = 0; q < cases.size(); q++) {
      Case c = cases.get(q);
      JsonNode n = json.readTree(lines.get(q));
      NiftiHeader h = c.header();
      String at = c.name();
      assertEquals(h.ndim() == 4 ? List.of(h.nx(), h.ny(), h.nz(), h.nt()) : List.of(h.nx(), h.ny(), h.nz()),
          json.convertValue(n.get("shape"), List.class), at + " shape");
      assertEquals(h.datatype().code(), n.get("datatype").asInt(), at + " datatype");
      double[][] a = h.affine().toArray();
      for (int r = 0; r < 4; r++) {
        for (int col = 0; col < 4; col++) {
          assertEquals(a[r][col], n.get("affine").get(r).get(col).asDouble(), 1e-5, at + " affine");
        }
      }
      assertEquals(h.affine().columnNorm(0), n.get("zooms").get(0).asDouble(), 1e-5, at + " voxel size");
      assertEquals("mm", n.get("units").get(0).asText(), at);
      if (h.ndim() == 4) {
        assertEquals("sec", n.get("units").get(1).asText(), at);
        assertEquals(h.pixdim()[4], n.get("zooms").get(3).asDouble(), 1e-6, at + " TR");
      }
      assertEquals(h.intentCode(), n.get("intent").get(0).asInt(), at);
      assertEquals(h.intentName(), n.get("intent").get(1).asText(), at);
      assertEquals(h.description(), n.get("descrip").asText(), at);
      ByteBuffer bb = ByteBuffer.allocate(4 * c.data().length).order(ByteOrder.LITTLE_ENDIAN);
      for (float v : c.data()) {
        bb.putFloat(v);
      }
      String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bb.array()));
      assertEquals(sha, n.get("sha_f4").asText(), at + ": nibabel's values equal ours bit for bit");
    }
  }

  private static float[] gaussian(int n, SplittableRandom rnd) {
    float[] v = new float[n];
    for (int q = 0; q < n; q++) {
      v[q] = (float) (100 * rnd.nextGaussian());
    }
    return v;
  }

  /** Values exactly representable after storage: stored integers in [lo, hi], scaled. */
  private static float[] integers(int n, int lo, int hi, double slope, double inter, SplittableRandom rnd) {
    float[] v = new float[n];
    for (int q = 0; q < n; q++) {
      v[q] = (float) (rnd.nextInt(lo, hi + 1) * slope + inter);
    }
    return v;
  }

  private Path script() throws IOException {
    Path p = dir.resolve("nibabel_check.py");
    try (InputStream in = getClass().getResourceAsStream("/nifti/nibabel_check.py")) {
      Files.write(p, in.readAllBytes());
    }
    return p;
  }

  /** A python3 that imports nibabel; skips (or fails under CI) when there is none. */
  private static String pythonWithNibabel() throws InterruptedException {
    for (String candidate : new String[] {"/usr/bin/python3", "python3"}) {
      try {
        Process p = new ProcessBuilder(candidate, "-c", "import nibabel").redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) {
          return candidate;
        }
      } catch (IOException e) {
        // not there: try the next one
      }
    }
    String msg = "no python3 with nibabel (install Debian python3-nibabel; deploy/bin/run-tests does)";
    if (SharedData.underCi()) {
      fail(msg + "; under CI it must be present");
    }
    System.err.println("SKIPPED: " + msg);
    assumeTrue(false, msg);
    return null;
  }
}
