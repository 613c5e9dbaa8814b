package org.voxelspark.reho;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.voxelspark.geometry.VoxelLayout;
import org.voxelspark.nifti.NiftiImage;
import org.voxelspark.nifti.NiftiReader;
import org.voxelspark.testing.SharedData;

/**
 * ReHo against the maps the tools themselves produced ({@code ../shared/data/golden/reho}: DPABI
 * {@code y_reho.m} under GNU Octave 7.3, C-PAC {@code compute_reho}, AFNI {@code 3dReHo}) on a real
 * BOLD run whose every series has ties (80×80×35×156 int16), its 24×24×12 crop whose mask touches
 * every face, and a tie-free float version of the crop. Tolerance: max |ΔW| ≤ 1e-6 in the mask
 * (the tools write float32), for the DPABI and C-PAC presets everywhere and for the AFNI preset on
 * tie-free data. On tied data the AFNI preset's residual is measured, bounded here and documented
 * in docs/validation.md (3dReHo's tie quirks, see {@link RehoPreset}).
 */
class RehoGoldenTest {
  record Data(NiftiImage bold, boolean[] mask) {}

  private static final java.util.Map<String, Data> CACHE = new java.util.HashMap<>();

  static synchronized Data data(String dataset) {
    return CACHE.computeIfAbsent(dataset, d -> {
      String dir = d.startsWith("studyforrest_crop") ? "func/studyforrest_crop/" : "func/studyforrest/";
      String file = d.equals("studyforrest_crop_filtpsc") ? "bold_filtpsc_float32.nii.gz" : "bold.nii.gz";
      NiftiImage bold = NiftiReader.read(SharedData.require(dir + file), VoxelLayout.VOXEL_MAJOR);
      float[] m = NiftiReader.read(SharedData.require(dir + "mask.nii.gz")).data();
      boolean[] mask = new boolean[m.length];
      for (int q = 0; q < m.length; q++) {
        mask[q] = m[q] != 0;
      }
      return new Data(bold, mask);
    });
  }

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    for (String dataset : new String[] {"studyforrest_crop", "studyforrest_crop_filtpsc", "studyforrest"}) {
      for (Neighbourhood nb : Neighbourhood.values()) {
        out.add(Arguments.of(dataset, RehoPreset.DPABI, nb, "dpabi-octave", 1e-6));
        out.add(Arguments.of(dataset, RehoPreset.CPAC, nb, "cpac-orig", 1e-6));
        // AFNI: exact where there are no ties; on tied data bounded by the measured residual
        out.add(Arguments.of(dataset, RehoPreset.AFNI, nb, "afni-3dReHo", 1e-6));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} {1} {2} vs {3} (tol {4})")
  @MethodSource("cases")
  void matchesTheTool(String dataset, RehoPreset preset, Neighbourhood nb, String tool, double tolerance) {
    Data d = data(dataset);
    Path golden = SharedData.require("golden/reho/" + dataset + "/" + tool + "_nn" + nb.size() + ".nii.gz");
    float[] expected = NiftiReader.read(golden).data();
    var h = d.bold().header();
    float[] w = new RehoKernel(preset, nb, h.nx(), h.ny(), h.nz()).computeVolume(d.bold().data(), h.nt(), d.mask());
    double max = 0;
    int worst = -1;
    for (int v = 0; v < w.length; v++) {
      double diff = Math.abs(w[v] - expected[v]);
      if (d.mask()[v] && diff > max) {
        max = diff;
        worst = v;
      }
      if (!d.mask()[v]) {
        assertTrue(w[v] == 0, "0 outside the mask");
      }
    }
    String msg = String.format(Locale.ROOT, "%s %s %s: max |ΔW| in mask = %.3g at voxel %d (ours %s, %s %s)",
        dataset, preset, nb, max, worst, worst < 0 ? "-" : w[worst], tool, worst < 0 ? "-" : expected[worst]);
    System.out.println(msg);
    assertTrue(max <= tolerance, msg);
  }
}
