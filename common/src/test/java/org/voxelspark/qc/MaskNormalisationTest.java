package org.voxelspark.qc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.voxelspark.nifti.NiftiReader;
import org.voxelspark.testing.SharedData;

/**
 * m- and z-maps against DPABI's (mReHo, zReHo from {@code golden/reho}; mALFF, zALFF, mfALFF, zfALFF
 * from {@code golden/alff}, DPABI's own and its NumPy re-implementation) on the real run's mask:
 * relative difference ≤ 1e-5 (the inputs are float32 maps).
 */
class MaskNormalisationTest {
  @Test
  void matchesDpabi() {
    float[] m = NiftiReader.read(SharedData.require("func/studyforrest/mask.nii.gz")).data();
    boolean[] mask = new boolean[m.length];
    for (int q = 0; q < m.length; q++) {
      mask[q] = m[q] != 0;
    }
    String[][] cases = {
      {"golden/reho/studyforrest/dpabi-octave_nn27.nii.gz", "golden/reho/studyforrest/mReHo_dpabi-octave_nn27.nii.gz", "m"},
      {"golden/reho/studyforrest/dpabi-octave_nn27.nii.gz", "golden/reho/studyforrest/zReHo_dpabi-octave_nn27.nii.gz", "z"},
      {"golden/alff/studyforrest/np-dpabi_alff.nii.gz", "golden/alff/studyforrest/np-dpabi_malff.nii.gz", "m"},
      {"golden/alff/studyforrest/np-dpabi_alff.nii.gz", "golden/alff/studyforrest/np-dpabi_zalff.nii.gz", "z"},
      {"golden/alff/studyforrest/np-dpabi_falff.nii.gz", "golden/alff/studyforrest/np-dpabi_mfalff.nii.gz", "m"},
      {"golden/alff/studyforrest/np-dpabi_falff.nii.gz", "golden/alff/studyforrest/np-dpabi_zfalff.nii.gz", "z"},
    };
    for (String[] c : cases) {
      float[] x = NiftiReader.read(SharedData.require(c[0])).data();
      float[] ref = NiftiReader.read(SharedData.require(c[1])).data();
      float[] ours = c[2].equals("m") ? MaskNormalisation.meanScaled(x, mask) : MaskNormalisation.zScored(x, mask);
      double worst = 0;
      for (int v = 0; v < x.length; v++) {
        if (mask[v]) {
          worst = Math.max(worst, Math.abs(ours[v] - ref[v]) / Math.max(1, Math.abs(ref[v])));
        } else {
          assertEquals(0f, ours[v]);
        }
      }
      String msg = String.format(Locale.ROOT, "%s: max difference (relative to max(1,|ref|)) %.2g", c[1], worst);
      System.out.println(msg);
      assertTrue(worst <= 1e-5, msg);
    }
  }

  @Test
  void degenerateMasks() {
    float[] x = {1, 2, 3, 4};
    boolean[] none = new boolean[4];
    assertEquals(0f, MaskNormalisation.meanScaled(x, none)[0]);
    assertEquals(0f, MaskNormalisation.zScored(x, none)[0]);
    boolean[] one = {false, true, false, false};
    assertEquals(1f, MaskNormalisation.meanScaled(x, one)[1]);
    assertEquals(0f, MaskNormalisation.zScored(x, one)[1], "one voxel: SD 0, z-map 0");
    boolean[] all = {true, true, true, true};
    float[] z = MaskNormalisation.zScored(x, all);
    assertEquals(-1.5 / Math.sqrt(5.0 / 3), z[0], 1e-6);
  }
}
