package org.voxelspark.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.voxelspark.geometry.VoxelLayout;
import org.voxelspark.nifti.NiftiImage;
import org.voxelspark.nifti.NiftiReader;
import org.voxelspark.testing.SharedData;

/**
 * Detrending, confound regression and band-pass on series with known truth: planted polynomials and
 * confounds are removed exactly (to double rounding, 1e-9 of the series' scale, then float32 output:
 * 1e-6 relative), a sinusoid in the band survives a confound regression and the filter, and the
 * pipeline reproduces the reference data's band-passed crop.
 */
class PreprocessingTest {
  private static final int N = 156;
  private static final double TR = 2;

  private static float[] apply(Preprocessing p, double[] x) {
    float[] in = new float[x.length];
    for (int t = 0; t < x.length; t++) {
      in[t] = (float) x[t];
    }
    float[] out = new float[x.length];
    p.apply(in, 0, out, 0, p.scratch());
    return out;
  }

  private static double[] noise(long seed, double sd) {
    Random rnd = new Random(seed);
    double[] x = new double[N];
    for (int t = 0; t < N; t++) {
      x[t] = sd * rnd.nextGaussian();
    }
    return x;
  }

  @Test
  void detrendRemovesExactlyItsPolynomial() {
    double[] x = noise(1, 5);
    Preprocessing linear = Preprocessing.of(N, Detrend.LINEAR, List.of(), null);
    Preprocessing quadratic = Preprocessing.of(N, Detrend.QUADRATIC, List.of(), null);
    double[] withLine = new double[N];
    double[] withParabola = new double[N];
    for (int t = 0; t < N; t++) {
      withLine[t] = x[t] + 800 - 1.7 * t;
      withParabola[t] = x[t] + 800 - 1.7 * t + 0.02 * t * t;
    }
    float[] a = apply(linear, x);
    float[] b = apply(linear, withLine);
    float[] c = apply(quadratic, x);
    float[] d = apply(quadratic, withParabola);
    for (int t = 0; t < N; t++) {
      // the float32 inputs carry 800-level rounding (≈ 3e-5); the residuals agree to that
      assertEquals(a[t], b[t], 1e-4, "a line added changes nothing after a linear detrend");
      assertEquals(c[t], d[t], 1e-4, "a parabola added changes nothing after a quadratic detrend");
    }
    // the residual is orthogonal to 1, t (and t² for quadratic)
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    for (int t = 0; t < N; t++) {
      s0 += d[t];
      s1 += d[t] * t;
      s2 += d[t] * (double) t * t;
    }
    assertEquals(0, s0, 1e-3);
    assertEquals(0, s1, 1e-3 * N);
    assertEquals(0, s2, 1e-3 * N * N);
    assertTrue(Preprocessing.of(N, Detrend.NONE, List.of(), null).isIdentity());
  }

  @Test
  void plantedConfoundsAreRemoved() {
    double[] x = noise(2, 1);
    double[] motion = noise(3, 0.3);
    double[] csf = noise(4, 40);
    for (int t = 0; t < N; t++) {
      csf[t] += 1000; // a confound with a large mean, as fMRIPrep's CSF signal has
    }
    double[] y = new double[N];
    for (int t = 0; t < N; t++) {
      y[t] = 500 + x[t] + 2.5 * motion[t] - 0.04 * csf[t];
    }
    Preprocessing p = Preprocessing.of(N, Detrend.NONE, List.of(motion, csf), null);
    assertEquals(3, p.regressionRank(), "intercept + 2 confounds");
    float[] clean = apply(p, y);
    float[] reference = apply(p, x); // the same regression on the series without the confounds
    double ss = 0;
    for (int t = 0; t < N; t++) {
      assertEquals(reference[t], clean[t], 1e-4, "the planted confounds are gone at t = " + t);
      ss += clean[t] * clean[t];
    }
    // what remains is x minus its projection on 3 columns: variance ≈ (N − 3)/N of x's
    double varX = 0;
    double meanX = 0;
    for (double v : x) {
      meanX += v / N;
    }
    for (double v : x) {
      varX += (v - meanX) * (v - meanX);
    }
    assertTrue(ss <= varX + 1e-6 && ss > 0.9 * varX, "residual " + ss + " of " + varX);
    // a duplicated confound adds nothing: the same residual
    Preprocessing dup = Preprocessing.of(N, Detrend.NONE, List.of(motion, csf, motion.clone()), null);
    assertEquals(3, dup.regressionRank());
    float[] again = apply(dup, y);
    for (int t = 0; t < N; t++) {
      assertEquals(clean[t], again[t], 1e-4);
    }
  }

  @Test
  void aSinusoidInTheBandSurvivesRegressionAndFilter() {
    // bin 12 of 156 at TR 2 s = 0.0385 Hz (in 0.01–0.08); bin 60 = 0.19 Hz (out). The confound is
    // made orthogonal to the constant and both sinusoids, so the truth is exact: the regression
    // removes the confound and the mean, the filter the out-of-band sinusoid, and the in-band one is
    // left unchanged.
    double[] signal = new double[N];
    double[] outOfBand = new double[N];
    for (int t = 0; t < N; t++) {
      signal[t] = 4 * Math.cos(2 * Math.PI * 12 * t / N + 1.1);
      outOfBand[t] = 2 * Math.cos(2 * Math.PI * 60 * t / N);
    }
    double[] one = new double[N];
    java.util.Arrays.fill(one, 1);
    double[] confound = noise(5, 1);
    for (double[] b : new double[][] {one, signal, outOfBand}) {
      double dot = 0;
      double bb = 0;
      for (int t = 0; t < N; t++) {
        dot += b[t] * confound[t];
        bb += b[t] * b[t];
      }
      for (int t = 0; t < N; t++) {
        confound[t] -= dot / bb * b[t];
      }
    }
    double[] y = new double[N];
    for (int t = 0; t < N; t++) {
      y[t] = 300 + signal[t] + outOfBand[t] + 3 * confound[t];
    }
    BandpassFilter f = BandpassFilter.of(BandpassFilter.Design.IDEAL, N, TR, 0.01, 0.08);
    float[] out = apply(Preprocessing.of(N, Detrend.NONE, List.of(confound), f), y);
    for (int t = 0; t < N; t++) {
      // float32 input at the 300 level: rounding ≈ 3e-5
      assertEquals(signal[t], out[t], 1e-4, "t = " + t);
    }
    // AFNI design: quadratic detrend is added, as 3dBandpass does
    Preprocessing afni = Preprocessing.of(N, Detrend.NONE, List.of(),
        BandpassFilter.of(BandpassFilter.Design.AFNI, N, TR, 0.01, 0.08));
    assertEquals(Detrend.QUADRATIC, afni.detrend());
  }

  @Test
  void tooManyRegressorsAreRefused() {
    List<double[]> cols = new java.util.ArrayList<>();
    for (int c = 0; c < 9; c++) {
      double[] x = new double[10];
      x[c] = 1;
      cols.add(x);
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Preprocessing.of(10, Detrend.NONE, cols, null));
    assertTrue(e.getMessage().contains("no degree of freedom"), e.getMessage());
  }

  /**
   * The reference data's {@code bold_filt_float32} (README: "detrended + band-passed (mean added
   * back)") is the crop linearly detrended and ideal-filtered to 0.01–0.08 Hz at the series' length:
   * ours plus the temporal mean equals it to float32 rounding of values ≈ 3.5e4 (2 ulps: relative
   * 2.4e-7);
   * {@code bold_filtpsc_float32} is the same in percent of the mean (absolute 1e-5 percent).
   */
  @Test
  void reproducesTheReferenceBandPassedCrop() {
    NiftiImage raw = NiftiReader.read(SharedData.require("func/studyforrest_crop/bold.nii.gz"), VoxelLayout.VOXEL_MAJOR);
    float[] filt = NiftiReader.read(SharedData.require("func/studyforrest_crop/bold_filt_float32.nii.gz"),
        VoxelLayout.VOXEL_MAJOR).data();
    float[] psc = NiftiReader.read(SharedData.require("func/studyforrest_crop/bold_filtpsc_float32.nii.gz"),
        VoxelLayout.VOXEL_MAJOR).data();
    int n = raw.header().nt();
    Preprocessing p = Preprocessing.of(n, Detrend.LINEAR, List.of(),
        BandpassFilter.of(BandpassFilter.Design.IDEAL, n, raw.header().repetitionTimeSeconds(), 0.01, 0.08));
    float[] ours = new float[raw.data().length];
    Preprocessing.Scratch s = p.scratch();
    int voxels = (int) raw.header().voxelsPerVolume();
    double worstFilt = 0;
    double worstPsc = 0;
    for (int v = 0; v < voxels; v++) {
      p.apply(raw.data(), v * n, ours, v * n, s);
      double mean = 0;
      for (int t = 0; t < n; t++) {
        mean += raw.data()[v * n + t];
      }
      mean /= n;
      for (int t = 0; t < n; t++) {
        int q = v * n + t;
        worstFilt = Math.max(worstFilt, Math.abs(ours[q] + mean - filt[q]) / Math.abs(filt[q]));
        worstPsc = Math.max(worstPsc, Math.abs(100 * ours[q] / mean - psc[q]));
      }
    }
    String msg = String.format(Locale.ROOT, "band-passed crop: max relative difference %.3g, percent units %.3g", worstFilt,
        worstPsc);
    System.out.println(msg);
    assertTrue(worstFilt <= 2.4e-7 && worstPsc <= 1e-5, msg);
  }
}
