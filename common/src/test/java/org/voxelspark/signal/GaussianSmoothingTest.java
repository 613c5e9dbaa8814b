package org.voxelspark.signal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * SPM-style smoothing: the kernel against its definition (a Gaussian convolved with the unit triangle,
 * integrated numerically), a delta's response equals the product of the axis kernels, anisotropic
 * voxels get proportionally narrower kernels, SPM's edge rules (zero outside in i and j, renormalised
 * in k), and the separable passes equal a direct 3D convolution with those rules.
 */
class GaussianSmoothingTest {
  @Test
  void erfToDoublePrecision() {
    // reference values of erf (Abramowitz & Stegun table 7.1, extended precision)
    assertEquals(0.5204998778130465, GaussianSmoothing.erf(0.5), 1e-15);
    assertEquals(0.8427007929497149, GaussianSmoothing.erf(1), 1e-15);
    assertEquals(0.9953222650189527, GaussianSmoothing.erf(2), 1e-15);
    assertEquals(0.9999779095030014, GaussianSmoothing.erf(3), 1e-15);
    assertEquals(-0.8427007929497149, GaussianSmoothing.erf(-1), 1e-15);
    assertEquals(0.0, GaussianSmoothing.erf(0));
    assertEquals(1.0, GaussianSmoothing.erf(7));
  }

  @Test
  void kernelIsTheGaussianConvolvedWithTheTriangle() {
    for (double fwhm : new double[] {0.8, 1.333, 2.5, 6}) {
      double sigma = fwhm / Math.sqrt(8 * Math.log(2));
      for (int x = -6; x <= 6; x++) {
        // ∫ (1 − |u|) g(x − u) du over u in [−1, 1], by Simpson's rule on 20 000 intervals
        int m = 20000;
        double hStep = 2.0 / m;
        double s = 0;
        for (int q = 0; q <= m; q++) {
          double u = -1 + q * hStep;
          double g = Math.exp(-(x - u) * (x - u) / (2 * sigma * sigma)) / Math.sqrt(2 * Math.PI * sigma * sigma);
          double w = q == 0 || q == m ? 1 : q % 2 == 1 ? 4 : 2;
          s += w * (1 - Math.abs(u)) * g;
        }
        s *= hStep / 3;
        assertEquals(s, GaussianSmoothing.spmSmoothKernel(fwhm, x), 1e-9, "FWHM " + fwhm + " voxels, x = " + x);
      }
    }
  }

  @Test
  void kernelWidthSumAndVariance() {
    double fwhm = 8; // voxels: σ = 3.397, h = round(20.38) = 20
    double[] k = GaussianSmoothing.sampledKernel(fwhm);
    assertEquals(41, k.length);
    double sum = 0;
    double var = 0;
    for (int q = 0; q < k.length; q++) {
      sum += k[q];
      var += k[q] * (q - 20) * (q - 20);
      assertEquals(k[q], k[k.length - 1 - q], 1e-15, "symmetric");
    }
    double sigma = fwhm / Math.sqrt(8 * Math.log(2));
    assertEquals(1, sum, 1e-14);
    assertEquals(sigma * sigma + 1.0 / 6, var, 1e-6, "variance σ² + 1/6 (the triangle's)");
    // DPARSF's default on the studyforrest grid: 4 mm on 3 × 3 × 3.3 mm voxels → h = 3 on every axis
    GaussianSmoothing g = new GaussianSmoothing(4, new double[] {3, 3, 3.3});
    assertEquals(7, g.kernel(0).length);
    assertEquals(7, g.kernel(2).length);
  }

  @Test
  void aDeltaGivesTheProductOfTheAxisKernelsWithAnisotropicVoxels() {
    int nx = 21;
    int ny = 17;
    int nz = 13;
    GaussianSmoothing g = new GaussianSmoothing(6, new double[] {2, 3, 4}); // 3, 2 and 1.5 voxels of FWHM
    assertArrayEquals(GaussianSmoothing.sampledKernel(3), g.kernel(0));
    assertArrayEquals(GaussianSmoothing.sampledKernel(2), g.kernel(1));
    assertArrayEquals(GaussianSmoothing.sampledKernel(1.5), g.kernel(2));
    float[] delta = new float[nx * ny * nz];
    int ci = 10;
    int cj = 8;
    int ck = 6;
    delta[ci + nx * (cj + ny * ck)] = 1;
    float[] out = g.apply(delta, nx, ny, nz);
    double[] kx = g.kernel(0);
    double[] ky = g.kernel(1);
    double[] kz = g.kernel(2);
    double total = 0;
    for (int k = 0; k < nz; k++) {
      for (int j = 0; j < ny; j++) {
        for (int i = 0; i < nx; i++) {
          int di = i - ci + kx.length / 2;
          int dj = j - cj + ky.length / 2;
          int dk = k - ck + kz.length / 2;
          double expected = di >= 0 && di < kx.length && dj >= 0 && dj < ky.length && dk >= 0 && dk < kz.length
              ? kx[di] * ky[dj] * kz[dk] : 0;
          assertEquals(expected, out[i + nx * (j + ny * k)], 1e-7 * Math.max(expected, 1e-3), i + "," + j + "," + k);
          total += out[i + nx * (j + ny * k)];
        }
      }
    }
    assertEquals(1, total, 1e-6, "an interior delta keeps its integral");
  }

  @Test
  void edgesFollowSpm() {
    int nx = 20; // FWHM 3 voxels: h = 8, so voxel 10 is interior on every axis
    int ny = 20;
    int nz = 20;
    float[] ones = new float[nx * ny * nz];
    java.util.Arrays.fill(ones, 1f);
    GaussianSmoothing g = new GaussianSmoothing(6, new double[] {2, 2, 2});
    float[] out = g.apply(ones, nx, ny, nz);
    double[] k = g.kernel(0);
    int h = k.length / 2;
    assertEquals(8, h);
    double truncated = 0;
    for (int d = 0; d <= h; d++) {
      truncated += k[h + d]; // at i = 0 only the kernel's right half is inside
    }
    int c = 10;
    assertEquals(1, out[c + nx * (c + ny * c)], 1e-6, "interior: a constant stays constant");
    assertEquals(truncated, out[nx * (c + ny * c)], 1e-6, "i face: zero outside, not renormalised");
    assertEquals(truncated, out[c + nx * (ny * c)], 1e-6, "j face: the same");
    assertEquals(1, out[c + nx * c], 1e-6, "k face: truncated and renormalised");
    float[] nan = ones.clone();
    nan[c + nx * (c + ny * c)] = Float.NaN;
    float[] withNan = g.apply(nan, nx, ny, nz);
    double centre = g.kernel(0)[h] * g.kernel(1)[h] * g.kernel(2)[h];
    assertEquals(1 - centre, withNan[c + nx * (c + ny * c)], 1e-6, "a NaN counts as 0");
    assertThrows(IllegalArgumentException.class, () -> new GaussianSmoothing(0, new double[] {2, 2, 2}));
  }

  @Test
  void separablePassesEqualADirect3dConvolution() {
    int nx = 9;
    int ny = 8;
    int nz = 7;
    SplittableRandom rnd = new SplittableRandom(3);
    float[] vol = new float[nx * ny * nz];
    for (int q = 0; q < vol.length; q++) {
      vol[q] = rnd.nextDouble() < 0.3 ? 0f : (float) rnd.nextDouble();
    }
    GaussianSmoothing g = new GaussianSmoothing(5, new double[] {1.5, 2, 2.5});
    float[] out = g.apply(vol, nx, ny, nz);
    double[] kx = g.kernel(0);
    double[] ky = g.kernel(1);
    double[] kz = g.kernel(2);
    int hx = kx.length / 2;
    int hy = ky.length / 2;
    int hz = kz.length / 2;
    for (int k = 0; k < nz; k++) {
      double zWeight = 0;
      for (int c = Math.max(0, k - hz); c <= Math.min(nz - 1, k + hz); c++) {
        zWeight += kz[c - k + hz];
      }
      for (int j = 0; j < ny; j++) {
        for (int i = 0; i < nx; i++) {
          double s = 0;
          for (int c = 0; c < nz; c++) {
            for (int b = 0; b < ny; b++) {
              for (int a = 0; a < nx; a++) {
                int di = a - i + hx;
                int dj = b - j + hy;
                int dk = c - k + hz;
                if (di >= 0 && di < kx.length && dj >= 0 && dj < ky.length && dk >= 0 && dk < kz.length) {
                  s += kx[di] * ky[dj] * kz[dk] * vol[a + nx * (b + ny * c)];
                }
              }
            }
          }
          assertEquals(s / zWeight, out[i + nx * (j + ny * k)], 1e-6, i + "," + j + "," + k);
        }
      }
    }
  }
}
