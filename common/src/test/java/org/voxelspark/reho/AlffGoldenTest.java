package org.voxelspark.reho;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.voxelspark.geometry.VoxelLayout;
import org.voxelspark.nifti.NiftiImage;
import org.voxelspark.nifti.NiftiReader;
import org.voxelspark.signal.Fft;
import org.voxelspark.testing.SharedData;

/**
 * ALFF/fALFF against the tools' own maps on the real 80×80×35×156 run (TR 2 s): the DPABI convention
 * against DPABI's {@code y_alff_falff.m} run under GNU Octave (band 0.01–0.08 Hz), the C-PAC
 * convention against C-PAC's workflow (AFNI 3dBandpass + 3dTstat, files {@code cpac-afni-<band>_*})
 * for its default band 0.01–0.1 Hz and for 0.01–0.08 Hz. Tolerance: relative difference ≤ 1e-5 in
 * the mask (the tools compute in float32; AFNI's own float rounding is ≈ 4e-6 of these values), and 0
 * outside it.
 */
class AlffGoldenTest {
  private static NiftiImage bold;
  private static boolean[] mask;

  private static synchronized void load() {
    if (bold == null) {
      bold = NiftiReader.read(SharedData.require("func/studyforrest/bold.nii.gz"), VoxelLayout.VOXEL_MAJOR);
      float[] m = NiftiReader.read(SharedData.require("func/studyforrest/mask.nii.gz")).data();
      mask = new boolean[m.length];
      for (int q = 0; q < m.length; q++) {
        mask[q] = m[q] != 0;
      }
    }
  }

  @Test
  void matchesDpabi() {
    compare(new AlffKernel(AlffConvention.DPABI, 2.0, 0.01, 0.08), "dpabi-octave_", 1e-5);
  }

  @Test
  void matchesCpacDefaultBand() {
    compare(new AlffKernel(AlffConvention.CPAC, 2.0, 0.01, 0.1), "cpac-afni-0.01-0.1_", 1e-5);
  }

  @Test
  void matchesCpacResearchBand() {
    compare(new AlffKernel(AlffConvention.CPAC, 2.0, 0.01, 0.08), "cpac-afni-0.01-0.08_", 1e-5);
  }

  private static void compare(AlffKernel kernel, String prefix, double tolerance) {
    load();
    var h = bold.header();
    float[] ours = kernel.computeVolume(bold.data(), h.nt(), h.nx(), h.ny(), h.nz(), mask);
    String[] names = {"alff", "falff"};
    for (int c = 0; c < 2; c++) {
      float[] ref = NiftiReader.read(SharedData.require("golden/alff/studyforrest/" + prefix + names[c] + ".nii.gz")).data();
      double worst = 0;
      for (int v = 0; v < ref.length; v++) {
        if (mask[v]) {
          worst = Math.max(worst, Math.abs(ours[2 * v + c] - ref[v]) / Math.max(1e-12, Math.abs(ref[v])));
        } else {
          assertEquals(0f, ours[2 * v + c], "0 outside the mask");
        }
      }
      String msg = String.format(Locale.ROOT, "%s %s vs %s: max relative difference in mask %.3g", kernel.convention(),
          names[c], prefix + names[c], worst);
      System.out.println(msg);
      assertTrue(worst <= tolerance, msg);
    }
  }

  @Test
  void syntheticProperties() {
    int n = 128;
    double tr = 2;
    AlffKernel k = new AlffKernel(tr, 0.01, 0.08);
    float[] in = new float[n];
    float[] shifted = new float[n];
    float[] doubled = new float[n];
    float[] out = new float[n];
    for (int t = 0; t < n; t++) {
      double inBand = 3 * Math.sin(2 * Math.PI * 0.04 * t * tr);
      double outBand = 3 * Math.sin(2 * Math.PI * 0.2 * t * tr);
      in[t] = (float) inBand;
      shifted[t] = (float) (inBand + 500 - 0.7 * t); // a constant and a line added
      doubled[t] = (float) (2 * inBand);
      out[t] = (float) outBand;
    }
    float[] a = k.computeVolume(in, n, 1, 1, 1, null);
    float[] b = k.computeVolume(shifted, n, 1, 1, 1, null);
    float[] c = k.computeVolume(doubled, n, 1, 1, 1, null);
    float[] d = k.computeVolume(out, n, 1, 1, 1, null);
    assertEquals(a[0], b[0], 1e-3 * a[0], "ALFF ignores an added constant and line");
    assertEquals(a[1], b[1], 1e-3, "so does fALFF");
    assertEquals(2 * a[0], c[0], 1e-5 * a[0], "ALFF scales with the amplitude");
    assertEquals(a[1], c[1], 1e-6, "fALFF does not");
    assertTrue(a[1] > 0.5 && d[1] < 0.2, "in-band fALFF " + a[1] + ", out-of-band " + d[1]);
    float[] constant = k.computeVolume(new float[] {5, 5, 5, 5, 5, 5, 5, 5}, 8, 1, 1, 1, null);
    assertEquals(0f, constant[0]);
    assertEquals(0f, constant[1]);
    assertEquals(256, Fft.nextPowerOfTwo(156));
  }
}
