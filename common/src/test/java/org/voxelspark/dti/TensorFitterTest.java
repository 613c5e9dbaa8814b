package org.voxelspark.dti;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.voxelspark.geometry.Block;
import org.voxelspark.geometry.BlockGrid;
import org.voxelspark.geometry.VoxelLayout;

/**
 * Synthetic signals with analytic truth, degenerate voxels, block/whole-volume equality, and the
 * batch contract: a voxel's outputs are the same bits alone or in any batch, with the plain loops or
 * the Vector API (the tests run with {@code --add-modules jdk.incubator.vector}, common/pom.xml).
 */
class TensorFitterTest {
  /** 6 b0 + 30 directions (golden-angle spiral) at b = 1000, as a gradient table. */
  static GradientTable table() {
    int dirs = 30;
    StringBuilder bval = new StringBuilder();
    StringBuilder[] rows = {new StringBuilder(), new StringBuilder(), new StringBuilder()};
    for (int v = 0; v < dirs + 6; v++) {
      boolean b0 = v % 6 == 0;
      int d = v - v / 6 - 1;
      double z = 1 - (d + 0.5) / dirs;
      double r = Math.sqrt(1 - z * z);
      double phi = Math.PI * (3 - Math.sqrt(5)) * d;
      double[] g = b0 ? new double[3] : new double[] {r * Math.cos(phi), r * Math.sin(phi), z};
      bval.append(b0 ? "0 " : "1000 ");
      for (int c = 0; c < 3; c++) {
        rows[c].append(g[c]).append(' ');
      }
    }
    return GradientTable.parse(bval.toString(), "bval", rows[0] + "\n" + rows[1] + "\n" + rows[2], "bvec", dirs + 6, 50);
  }

  /** Signal of a cylindrical tensor (axial a, radial r, axis e) with S0. */
  static float[] signal(GradientTable g, double s0, double a, double r, double[] e) {
    float[] s = new float[g.volumes()];
    for (int v = 0; v < g.volumes(); v++) {
      double cos = g.bvec(v, 0) * e[0] + g.bvec(v, 1) * e[1] + g.bvec(v, 2) * e[2];
      s[v] = (float) (s0 * Math.exp(-g.effectiveBval(v) * (r + (a - r) * cos * cos)));
    }
    return s;
  }

  @Test
  void noiseFreeTensorsAreRecoveredByEveryMethod() {
    GradientTable g = table();
    double[] e = {0.6, 0.0, 0.8};
    float[] s = signal(g, 1000, 1.7e-3, 0.3e-3, e);
    double fa = Math.sqrt(0.5) * Math.sqrt(2 * Math.pow(1.4e-3, 2)) / Math.sqrt(1.7e-3 * 1.7e-3 + 2 * 0.3e-3 * 0.3e-3);
    for (TensorFitMethod m : TensorFitMethod.values()) {
      double[] out = new double[TensorFitter.OUTPUTS];
      new TensorFitter(new TensorModel(g, TensorModel.Settings.dipy(m))).fit(s, 0, out, 0);
      // float32 signal: relative errors ~1e-7 on the log, so 1e-6 on FA and diffusivities
      assertEquals(fa, out[TensorFitter.FA], 1e-6, m + " FA");
      assertEquals((1.7e-3 + 0.6e-3) / 3, out[TensorFitter.MD], 1e-9, m + " MD");
      assertEquals(1.7e-3, out[TensorFitter.AD], 1e-9, m + " AD");
      assertEquals(0.3e-3, out[TensorFitter.RD], 1e-9, m + " RD");
      assertEquals(1000, out[TensorFitter.S0], 1e-3, m + " S0");
      double dot = Math.abs(out[TensorFitter.V1] * e[0] + out[TensorFitter.V1 + 1] * e[1] + out[TensorFitter.V1 + 2] * e[2]);
      assertEquals(1, dot, 1e-9, m + " V1 along the fibre");
      assertEquals((1.7e-3 - 0.3e-3) * e[0] * e[2], out[TensorFitter.TENSOR + TensorComponent.XZ.ordinal()], 1e-9,
          m + " Dxz = (axial - radial) ex ez");
    }
  }

  @Test
  void ricianNoiseBiasIsSmallAtRealisticSnr() {
    // SNR 30 at b0: FA bias of WLS over 2000 voxels stays below 0.02 (noise inflates FA slightly)
    GradientTable g = table();
    TensorFitter f = new TensorFitter(new TensorModel(g, TensorModel.Settings.dipy(TensorFitMethod.WLS)));
    SplittableRandom rnd = new SplittableRandom(3);
    double[] e = {1, 0, 0};
    float[] clean = signal(g, 1000, 1.7e-3, 0.3e-3, e);
    double sum = 0;
    double[] out = new double[TensorFitter.OUTPUTS];
    float[] noisy = new float[clean.length];
    for (int k = 0; k < 2000; k++) {
      for (int v = 0; v < clean.length; v++) {
        double re = clean[v] + 1000 / 30.0 * rnd.nextGaussian();
        double im = 1000 / 30.0 * rnd.nextGaussian();
        noisy[v] = (float) Math.sqrt(re * re + im * im);
      }
      f.fit(noisy, 0, out, 0);
      sum += out[TensorFitter.FA];
    }
    double truth = Math.sqrt(0.5) * Math.sqrt(2 * Math.pow(1.4e-3, 2)) / Math.sqrt(1.7e-3 * 1.7e-3 + 2 * 0.3e-3 * 0.3e-3);
    assertEquals(truth, sum / 2000, 0.02, "mean FA under Rician noise");
  }

  /** Σ (S − S0·exp(B·D))² at a fit's outputs (tensor and S0). */
  private static double signalCost(TensorModel model, float[] s, double[] out) {
    double[] design = model.design();
    double c = 0;
    for (int i = 0; i < s.length; i++) {
      double t = 0;
      for (int k = 0; k < 6; k++) {
        t += design[7 * i + k] * out[TensorFitter.TENSOR + k];
      }
      double e = Math.max(s[i], model.settings().minSignal()) - out[TensorFitter.S0] * Math.exp(t);
      c += e * e;
    }
    return c;
  }

  @Test
  void nllsMinimisesTheSignalDomainCost() {
    // NLLS's estimate has a lower Σ (S − μ)² than the log-linear fits and than any nearby point
    GradientTable g = table();
    TensorModel nlls = new TensorModel(g, TensorModel.Settings.dipy(TensorFitMethod.NLLS));
    TensorFitter fit = new TensorFitter(nlls);
    TensorFitter wls = new TensorFitter(new TensorModel(g, TensorModel.Settings.dipy(TensorFitMethod.WLS)));
    TensorFitter ols = new TensorFitter(new TensorModel(g, TensorModel.Settings.dipy(TensorFitMethod.OLS)));
    SplittableRandom rnd = new SplittableRandom(21);
    double[] out = new double[TensorFitter.OUTPUTS];
    double[] other = new double[TensorFitter.OUTPUTS];
    for (int k = 0; k < 200; k++) {
      double[] e = {rnd.nextGaussian(), rnd.nextGaussian(), rnd.nextGaussian()};
      double norm = Math.sqrt(e[0] * e[0] + e[1] * e[1] + e[2] * e[2]);
      float[] s = signal(g, 900, 1.6e-3, 0.4e-3, new double[] {e[0] / norm, e[1] / norm, e[2] / norm});
      for (int v = 0; v < s.length; v++) {
        double re = s[v] + 40 * rnd.nextGaussian();
        double im = 40 * rnd.nextGaussian();
        s[v] = (float) Math.sqrt(re * re + im * im);
      }
      fit.fit(s, 0, out, 0);
      double best = signalCost(nlls, s, out);
      wls.fit(s, 0, other, 0);
      assertTrue(best <= signalCost(nlls, s, other), "NLLS cost <= WLS's, voxel " + k);
      ols.fit(s, 0, other, 0);
      assertTrue(best <= signalCost(nlls, s, other), "NLLS cost <= OLS's, voxel " + k);
      for (int trial = 0; trial < 10; trial++) { // local minimum: perturbations by 1e-4 relative raise it
        System.arraycopy(out, 0, other, 0, TensorFitter.OUTPUTS);
        for (int c = 0; c < 6; c++) {
          other[TensorFitter.TENSOR + c] += 1e-4 * 1e-3 * rnd.nextGaussian();
        }
        other[TensorFitter.S0] *= 1 + 1e-4 * rnd.nextGaussian();
        assertTrue(best <= signalCost(nlls, s, other), "NLLS at a local minimum, voxel " + k);
      }
    }
  }

  @Test
  void degenerateVoxelsGiveTheDocumentedOutput() {
    GradientTable g = table();
    double[] out = new double[TensorFitter.OUTPUTS];
    TensorModel dipy = new TensorModel(g, TensorModel.Settings.dipy(TensorFitMethod.WLS));
    new TensorFitter(dipy).fit(new float[g.volumes()], 0, out, 0);
    assertEquals(0, out[TensorFitter.FA], "all zero: FA 0");
    assertEquals(dipy.minDiffusivity(), out[TensorFitter.MD], 1e-20, "all zero: eigenvalues clipped to the minimum");
    float[] constant = new float[g.volumes()];
    java.util.Arrays.fill(constant, 500);
    new TensorFitter(dipy).fit(constant, 0, out, 0);
    assertEquals(0, out[TensorFitter.FA], 1e-12, "constant: isotropic");
    float[] negative = new float[g.volumes()];
    java.util.Arrays.fill(negative, -5);
    new TensorFitter(dipy).fit(negative, 0, out, 0);
    assertTrue(Double.isFinite(out[TensorFitter.FA]), "negative signal is floored, not an exception");
    float[] nan = constant.clone();
    nan[3] = Float.NaN;
    new TensorFitter(dipy).fit(nan, 0, out, 0);
    assertTrue(Double.isNaN(out[TensorFitter.FA]) && Double.isNaN(out[TensorFitter.MD]), "NaN sample: NaN outputs");
    new TensorFitter(new TensorModel(g, TensorModel.Settings.mrtrix(TensorFitMethod.IWLS))).fit(negative, 0, out, 0);
    assertTrue(Double.isNaN(out[TensorFitter.FA]), "MRtrix floor: no positive sample gives NaN");
    for (TensorFitMethod m : TensorFitMethod.values()) {
      new TensorFitter(new TensorModel(g, TensorModel.Settings.dipy(m))).fit(signal(g, 800, 1e-3, 1e-3, new double[] {0, 1, 0}), 0, out, 0);
      assertTrue(out[TensorFitter.FA] >= 0 && out[TensorFitter.FA] <= 1e-5, m + ": isotropic FA 0");
    }
  }

  @Test
  void blocksEqualTheWholeVolume() {
    GradientTable g = table();
    int nx = 7;
    int ny = 5;
    int nz = 4;
    int n = g.volumes();
    SplittableRandom rnd = new SplittableRandom(8);
    float[] s = variedVoxels(g, nx * ny * nz, rnd);
    boolean[] mask = new boolean[nx * ny * nz];
    for (int v = 0; v < mask.length; v++) {
      mask[v] = rnd.nextDouble() < 0.7;
    }
    TensorModel model = new TensorModel(g, TensorModel.Settings.dipy(TensorFitMethod.WLS));
    TensorKernel k = new TensorKernel(model);
    org.voxelspark.geometry.Box whole = org.voxelspark.geometry.Box.of(nx, ny, nz);
    float[] expected = new float[whole.voxelCount() * k.channels()];
    k.compute(s, n, whole, whole, mask, expected);
    // the kernel's outputs are the fitter's on each voxel alone (float32), 0 outside the mask
    TensorFitter alone = new TensorFitter(model);
    double[] one = new double[TensorFitter.OUTPUTS];
    for (int v = 0; v < mask.length; v++) {
      alone.fit(s, v * n, one, 0);
      for (int q = 0; q < TensorFitter.OUTPUTS; q++) {
        assertEquals(mask[v] ? (float) one[q] : 0f, expected[v * TensorFitter.OUTPUTS + q], 0, "voxel " + v + ", output " + q);
      }
    }
    for (int size : new int[] {2, 3, 4}) { // block sizes that do and do not divide the volume
      float[] assembled = new float[expected.length];
      for (Block b : BlockGrid.regular(nx, ny, nz, size, size, size, 0).blocks()) {
        float[] part = BlockGrid.extract(s, nx, ny, nz, n, VoxelLayout.VOXEL_MAJOR, b.halo(), VoxelLayout.VOXEL_MAJOR);
        float[] out = new float[b.core().voxelCount() * k.channels()];
        k.compute(part, n, b.halo(), b.core(), BlockGrid.extractMask(mask, nx, ny, nz, b.halo()), out);
        BlockGrid.insert(out, b.core(), b.core(), k.channels(), VoxelLayout.VOXEL_MAJOR, assembled, nx, ny, nz, VoxelLayout.VOXEL_MAJOR);
      }
      assertArrayEquals(expected, assembled, "blocks of " + size);
    }
  }

  /**
   * Voxels that take every path of the fit, voxel-major: noisy tensors at several SNRs and scales,
   * voxels with some or most samples non-positive (floored; the weighted fits' Householder
   * fall-back), all-zero, constant, isotropic (the eigen-solver's Jacobi fall-back), all-negative
   * (MRtrix's NaN), a NaN or an infinite sample (NaN outputs), huge samples.
   */
  static float[] variedVoxels(GradientTable g, int count, SplittableRandom rnd) {
    int n = g.volumes();
    float[] s = new float[count * n];
    for (int v = 0; v < count; v++) {
      double[] e = {rnd.nextGaussian(), rnd.nextGaussian(), rnd.nextGaussian()};
      double norm = Math.sqrt(e[0] * e[0] + e[1] * e[1] + e[2] * e[2]);
      for (int c = 0; c < 3; c++) {
        e[c] /= norm;
      }
      int kind = v % 14;
      double s0 = kind == 6 ? 2 : kind == 13 ? 3e37 : 200 + 2000 * rnd.nextDouble();
      double sigma = kind == 5 ? s0 / 4 : kind == 6 ? 3 : s0 / (10 + 30 * rnd.nextDouble());
      float[] clean = signal(g, s0, 1.2e-3 + 0.8e-3 * rnd.nextDouble(), 0.2e-3 + 0.5e-3 * rnd.nextDouble(), e);
      for (int t = 0; t < n; t++) {
        double x = switch (kind) {
          case 5, 6 -> clean[t] + sigma * rnd.nextGaussian(); // Gaussian noise: some or most samples ≤ 0
          case 7 -> 0;
          case 8 -> 500;
          case 9 -> 800 * Math.exp(-g.effectiveBval(t) * 0.9e-3);
          case 10 -> -1 - 10 * rnd.nextDouble();
          default -> {
            double re = clean[t] + sigma * rnd.nextGaussian();
            double im = sigma * rnd.nextGaussian();
            yield Math.sqrt(re * re + im * im);
          }
        };
        s[v * n + t] = (float) x;
      }
      if (kind == 11) {
        s[v * n + rnd.nextInt(n)] = Float.NaN;
      } else if (kind == 12) {
        s[v * n + rnd.nextInt(n)] = Float.POSITIVE_INFINITY;
      }
    }
    return s;
  }

  /** The settings the identity tests cover: both conventions of every method, and unusual floors and iteration counts. */
  static List<TensorModel.Settings> allSettings() {
    List<TensorModel.Settings> all = new ArrayList<>();
    for (TensorFitMethod m : TensorFitMethod.values()) {
      all.add(TensorModel.Settings.dipy(m));
      all.add(TensorModel.Settings.mrtrix(m));
    }
    // a zero floor: log(0) = −∞ takes the log's slow path (the outputs are then whatever the arithmetic gives)
    all.add(new TensorModel.Settings(TensorFitMethod.WLS, TensorModel.SignalFloor.ABSOLUTE, 0, TensorModel.EigenvalueFloor.ZERO, 2));
    all.add(new TensorModel.Settings(TensorFitMethod.IWLS, TensorModel.SignalFloor.ABSOLUTE, 1e-4, TensorModel.EigenvalueFloor.NONE, 0));
    all.add(new TensorModel.Settings(TensorFitMethod.IWLS, TensorModel.SignalFloor.RELATIVE_TO_MAX, 1e-4,
        TensorModel.EigenvalueFloor.MIN_DIFFUSIVITY, 5));
    return all;
  }

  private static int[] offsets(int count, int n) {
    int[] o = new int[count];
    for (int v = 0; v < count; v++) {
      o[v] = v * n;
    }
    return o;
  }

  private static void assertSameBits(double[] expected, int eo, double[] actual, int ao, String what) {
    for (int q = 0; q < TensorFitter.OUTPUTS; q++) {
      if (Double.doubleToLongBits(expected[eo + q]) != Double.doubleToLongBits(actual[ao + q])) {
        assertEquals(expected[eo + q], actual[ao + q], 0, what + ", output " + q);
        assertEquals(Double.doubleToLongBits(expected[eo + q]), Double.doubleToLongBits(actual[ao + q]), what + ", output " + q);
      }
    }
  }

  @Test
  void plainLoopsAndVectorApiGiveTheSameBits() {
    GradientTable g = table();
    int n = g.volumes();
    int count = 1400;
    float[] s = variedVoxels(g, count, new SplittableRandom(31));
    int[] offsets = offsets(count, n);
    long householder = 0;
    for (TensorModel.Settings settings : allSettings()) {
      TensorModel model = new TensorModel(g, settings);
      TensorFitter plain = new TensorFitter(model, false);
      TensorFitter vector = new TensorFitter(model, true);
      double[] a = new double[count * TensorFitter.OUTPUTS];
      double[] b = new double[count * TensorFitter.OUTPUTS];
      // several rounds, so that the later ones run C2-compiled code (the Vector API intrinsics)
      for (int round = 0; round < (settings.method() == TensorFitMethod.NLLS ? 2 : 8); round++) {
        plain.fit(s, offsets, 0, count, a, 0);
        vector.fit(s, offsets, 0, count, b, 0);
        for (int v = 0; v < count; v++) {
          assertSameBits(a, v * TensorFitter.OUTPUTS, b, v * TensorFitter.OUTPUTS, settings + ", voxel " + v + " (kind " + v % 14 + ")");
        }
      }
      householder += vector.batch().householderLanes;
      assertEquals(plain.batch().householderLanes, vector.batch().householderLanes, "the same lanes fall back to QR: " + settings);
      int nan = 0;
      for (int v = 0; v < count; v++) {
        nan += Double.isNaN(a[v * TensorFitter.OUTPUTS + TensorFitter.FA]) ? 1 : 0;
      }
      assertTrue(nan >= 2 * count / 14, "NaN and infinite samples give NaN outputs: " + nan + ", " + settings);
      assertNotEquals(plain.name(), vector.name());
    }
    assertTrue(householder > 0, "the Householder fall-back was exercised");
  }

  @Test
  void aVoxelsOutputsDoNotDependOnItsBatch() {
    GradientTable g = table();
    int n = g.volumes();
    int count = 300;
    SplittableRandom rnd = new SplittableRandom(32);
    float[] s = variedVoxels(g, count, rnd);
    for (TensorModel.Settings settings : allSettings()) {
      TensorModel model = new TensorModel(g, settings);
      for (boolean vector : new boolean[] {false, true}) {
        TensorFitter f = new TensorFitter(model, vector);
        double[] alone = new double[count * TensorFitter.OUTPUTS];
        for (int v = 0; v < count; v++) {
          f.fit(s, v * n, alone, v * TensorFitter.OUTPUTS);
        }
        // shuffled voxels, in calls of random sizes (within a batch, across batches, several batches)
        int[] order = offsets(count, n);
        for (int v = count - 1; v > 0; v--) {
          int k = rnd.nextInt(v + 1);
          int tmp = order[v];
          order[v] = order[k];
          order[k] = tmp;
        }
        double[] batched = new double[count * TensorFitter.OUTPUTS];
        for (int from = 0; from < count; ) {
          int size = Math.min(count - from, 1 + rnd.nextInt(3 * f.batchSize()));
          f.fit(s, order, from, size, batched, from * TensorFitter.OUTPUTS);
          from += size;
        }
        for (int b = 0; b < count; b++) {
          int v = order[b] / n;
          assertSameBits(alone, v * TensorFitter.OUTPUTS, batched, b * TensorFitter.OUTPUTS, f.name() + ", " + settings + ", voxel " + v);
        }
      }
    }
  }
}
