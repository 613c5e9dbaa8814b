package org.voxelspark.dti;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.voxelspark.geometry.Affine;
import org.voxelspark.geometry.VoxelLayout;
import org.voxelspark.nifti.NiftiImage;
import org.voxelspark.nifti.NiftiReader;
import org.voxelspark.testing.SharedData;

/**
 * The Canon axial-orthogonal and axial-oblique scans are one subject in one session, acquired at
 * different slice angles: after fitting each in its own grid, the principal directions in world
 * space must agree. Each ortho voxel (FA > 0.3 in both, inside both masks) is compared with the
 * oblique voxel nearest to the same world point. The scans are independent acquisitions (noise,
 * partial volumes, interpolation-free nearest neighbour), so the agreement is a distribution, and
 * it must be the one DIPY's own world-space V1 maps give for the same pairs of voxels.
 */
class CrossAcquisitionTest {
  record Fit(NiftiImage dwi, double[] v1World, double[] v1Image, double[] fa, float[] mask) {}

  static Fit fit(String ds) throws Exception {
    Path dir = SharedData.require("dwi/" + ds);
    NiftiImage dwi = NiftiReader.read(dir.resolve("dwi.nii.gz"), VoxelLayout.VOXEL_MAJOR);
    var h = dwi.header();
    GradientTable g = GradientTable.parse(Files.readString(dir.resolve("dwi.bval")), "bval",
        Files.readString(dir.resolve("dwi.bvec")), "bvec", h.nt(), 50);
    TensorFitter f = new TensorFitter(new TensorModel(g, TensorModel.Settings.dipy(TensorFitMethod.WLS)));
    float[] mask = NiftiReader.read(SharedData.require("golden/dti/" + ds + "/mask.nii.gz")).data();
    int voxels = mask.length;
    double[] v1 = new double[3 * voxels];
    double[] v1Image = new double[3 * voxels];
    double[] fa = new double[voxels];
    double[] out = new double[TensorFitter.OUTPUTS];
    double[][] rot = h.affine().unitColumns();
    boolean flip = h.affine().determinant() > 0;
    double[] w = new double[3];
    for (int v = 0; v < voxels; v++) {
      if (mask[v] == 0) {
        continue;
      }
      f.fit(dwi.data(), v * h.nt(), out, 0);
      fa[v] = out[TensorFitter.FA];
      GradientTable.fslToWorld(rot, flip, out[TensorFitter.V1], out[TensorFitter.V1 + 1], out[TensorFitter.V1 + 2], w);
      System.arraycopy(w, 0, v1, 3 * v, 3);
      System.arraycopy(out, TensorFitter.V1, v1Image, 3 * v, 3);
    }
    return new Fit(dwi, v1, v1Image, fa, mask);
  }

  @Test
  void principalDirectionsAgreeInWorldSpace() throws Exception {
    Fit ortho = fit("canon_ax_ortho");
    Fit oblique = fit("canon_ax_oblique");
    var ho = ortho.dwi().header();
    var hq = oblique.dwi().header();
    Affine toOblique = hq.affine().inverse();
    List<Double> angles = new ArrayList<>();
    List<Double> wrongFrame = new ArrayList<>();
    for (int k = 0; k < ho.nz(); k++) {
      for (int j = 0; j < ho.ny(); j++) {
        for (int i = 0; i < ho.nx(); i++) {
          int v = i + ho.nx() * (j + ho.ny() * k);
          if (ortho.mask()[v] == 0 || ortho.fa()[v] <= 0.3) {
            continue;
          }
          double[] world = ho.affine().voxelToWorld(i, j, k);
          double[] q = toOblique.voxelToWorld(world[0], world[1], world[2]);
          int a = (int) Math.round(q[0]);
          int b = (int) Math.round(q[1]);
          int c = (int) Math.round(q[2]);
          if (a < 0 || b < 0 || c < 0 || a >= hq.nx() || b >= hq.ny() || c >= hq.nz()) {
            continue;
          }
          int u = a + hq.nx() * (b + hq.ny() * c);
          if (oblique.mask()[u] == 0 || oblique.fa()[u] <= 0.3) {
            continue;
          }
          wrongFrame.add(TensorAgreement.angleDegrees(ortho.v1World()[3 * v], ortho.v1World()[3 * v + 1],
              ortho.v1World()[3 * v + 2], oblique.v1Image()[3 * u], oblique.v1Image()[3 * u + 1], oblique.v1Image()[3 * u + 2]));
          angles.add(TensorAgreement.angleDegrees(ortho.v1World()[3 * v], ortho.v1World()[3 * v + 1], ortho.v1World()[3 * v + 2],
              oblique.v1World()[3 * u], oblique.v1World()[3 * u + 1], oblique.v1World()[3 * u + 2]));
        }
      }
    }
    angles.sort(Double::compare);
    wrongFrame.sort(Double::compare);
    double wrongMedian = wrongFrame.get(wrongFrame.size() / 2);
    double median = angles.get(angles.size() / 2);
    double p90 = angles.get((int) (0.9 * (angles.size() - 1)));
    String msg = String.format(Locale.ROOT, "ortho vs oblique, world V1, %d voxels with FA > 0.3 in both: median %.1f deg, "
        + "p90 %.1f deg (DIPY's own V1world maps: 18.0 and 60.6); oblique's image frame taken as world: median %.1f deg",
        angles.size(), median, p90, wrongMedian);
    System.out.println(msg);
    assertTrue(angles.size() > 1000, msg);
    // DIPY's V1world maps of the same scans, compared the same way, give median 18.0 and p90 60.6
    // degrees: the spread is the acquisitions' (12 directions, different slice angles), not ours
    assertTrue(Math.abs(median - 18.0) < 1.0 && Math.abs(p90 - 60.6) < 2.0, msg);
    assertTrue(wrongMedian > median + 5, "the comparison detects a frame error: " + msg);
  }
}
