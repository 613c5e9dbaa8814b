package org.voxelspark.signal;

import java.io.Serializable;

/**
 * 3D Gaussian smoothing of a map exactly as SPM's {@code spm_smooth} does it — the routine DPABI
 * and DPARSF call to smooth ReHo maps ({@code sReHo}, {@code smReHo}, {@code szReHo}).
 *
 * <p><b>Kernel</b> (per axis a, separable). The FWHM in mm is converted to voxels with the voxel size
 * along a, {@code s_a = FWHM / vox_a}, where {@code vox_a} is the length of column a of the image's
 * affine (SPM's {@code sqrt(sum(mat(1:3,1:3).^2))}; for a plain qform this is pixdim), so
 * anisotropic voxels get proportionally narrower kernels. With σ_a = s_a / √(8 ln 2) and the variance
 * v = σ_a² + 2.2e-16 (MATLAB's eps), the kernel is sampled at the integers x = −h … h,
 * h = round(6·σ_a) (half away from zero), from SPM's {@code spm_smoothkern(s_a, x, 1)}: the Gaussian
 * convolved with a triangle (linear B-spline) of half-width 1 voxel,
 * <pre>
 *   k(x) = ½·[erf(w₁(x+1))·(x+1) + erf(w₁(x−1))·(x−1) − 2·erf(w₁x)·x]
 *          + w₃·[exp(w₂(x+1)²) + exp(w₂(x−1)²) − 2·exp(w₂x²)],
 *   w₁ = ½·√(2/v), w₂ = −1/(2v), w₃ = √(v/(2π)),
 * </pre>
 * negative values set to 0, then divided by its sum. Its variance is σ² + 1/6 voxel² (the triangle's
 * share): SPM's kernel is slightly wider than a sampled Gaussian, noticeably so for FWHM of about a
 * voxel (SPM documents this choice).
 *
 * <p><b>Edges</b> (SPM's {@code spm_conv_vol}): along i and j the volume is zero outside (the kernel
 * is truncated and <em>not</em> renormalised, so values fade within h voxels of those faces); along
 * k the kernel is truncated and renormalised by the sum of its weights that fall inside the volume.
 * Non-finite input values count as 0.
 *
 * <p><b>Masking.</b> None: the whole map is smoothed, its zeros outside the brain mask included,
 * and the smoothed map is written for every voxel — as {@code spm_smooth} writes DPABI's smoothed
 * ReHo maps. Values just outside the mask are therefore non-zero, and values just inside it are pulled
 * towards 0; restrict later analyses to a mask, as DPABI users do.
 *
 * <p>Passes in i, then j, then k, in double; float32 out. Deterministic: the same map gives the same
 * bits wherever it is smoothed. Immutable and thread-safe.
 */
public final class GaussianSmoothing implements Serializable {
  private static final long serialVersionUID = 1L;
  /** DPARSF's default smoothing, FWHM in mm. */
  public static final double DEFAULT_FWHM_MM = 4;
  /** MATLAB's eps, which spm_smoothkern adds to the variance. */
  private static final double EPS = Math.ulp(1.0);

  private final double fwhmMm;
  private final double[][] kernels;

  /**
   * @param fwhmMm full width at half maximum, mm (> 0)
   * @param voxelSizeMm the voxel's size along i, j, k in mm (each > 0)
   */
  public GaussianSmoothing(double fwhmMm, double[] voxelSizeMm) {
    if (!(fwhmMm > 0) || !Double.isFinite(fwhmMm) || voxelSizeMm.length != 3) {
      throw new IllegalArgumentException("smoothing needs a FWHM > 0 mm and 3 voxel sizes");
    }
    this.fwhmMm = fwhmMm;
    kernels = new double[3][];
    for (int a = 0; a < 3; a++) {
      if (!(voxelSizeMm[a] > 0) || !Double.isFinite(voxelSizeMm[a])) {
        throw new IllegalArgumentException("voxel size along axis " + a + " is " + voxelSizeMm[a] + " mm");
      }
      kernels[a] = sampledKernel(fwhmMm / voxelSizeMm[a]);
    }
  }

  public double fwhmMm() {
    return fwhmMm;
  }

  /** The normalised kernel along axis {@code a} (0 = i), samples −h … h (a copy). */
  public double[] kernel(int a) {
    return kernels[a].clone();
  }

  /** SPM's sampled, normalised kernel for a FWHM of {@code fwhmVoxels} voxels (class doc). */
  public static double[] sampledKernel(double fwhmVoxels) {
    double sigma = fwhmVoxels / Math.sqrt(8 * Math.log(2));
    int h = (int) Math.round(6 * sigma); // σ > 0: Math.round is MATLAB's round (half away from zero)
    double[] k = new double[2 * h + 1];
    double sum = 0;
    for (int q = 0; q < k.length; q++) {
      k[q] = spmSmoothKernel(fwhmVoxels, q - h);
      sum += k[q];
    }
    for (int q = 0; q < k.length; q++) {
      k[q] /= sum;
    }
    return k;
  }

  /** {@code spm_smoothkern(fwhm, x, 1)}: the Gaussian of that FWHM convolved with the unit triangle, at x. */
  static double spmSmoothKernel(double fwhm, double x) {
    double s = Math.pow(fwhm / Math.sqrt(8 * Math.log(2)), 2) + EPS;
    double w1 = 0.5 * Math.sqrt(2 / s);
    double w2 = -0.5 / s;
    double w3 = Math.sqrt(s / 2 / Math.PI);
    double k = 0.5 * (erf(w1 * (x + 1)) * (x + 1) + erf(w1 * (x - 1)) * (x - 1) - 2 * erf(w1 * x) * x)
        + w3 * (Math.exp(w2 * (x + 1) * (x + 1)) + Math.exp(w2 * (x - 1) * (x - 1)) - 2 * Math.exp(w2 * x * x));
    return k < 0 ? 0 : k;
  }

  /**
   * The error function to about 1e-15: erf(x) = (2/√π)·e^{−x²}·Σ_{m≥0} 2^m x^{2m+1} / (1·3·…·(2m+1))
   * (a series of positive terms, no cancellation) for |x| < 6; ±1 beyond (erfc(6) ≈ 2e-17).
   */
  static double erf(double x) {
    double a = Math.abs(x);
    if (a >= 6) {
      return Math.signum(x);
    }
    double term = a;
    double sum = a;
    double x2 = a * a;
    for (int m = 1; m < 500; m++) {
      term *= 2 * x2 / (2 * m + 1);
      sum += term;
      if (term < 1e-17 * sum) {
        break;
      }
    }
    double r = 2 / Math.sqrt(Math.PI) * Math.exp(-x2) * sum;
    return Math.copySign(Math.min(r, 1.0), x);
  }

  /** Smooths {@code volume} ({@code nx·ny·nz}, i fastest); returns a new array. */
  public float[] apply(float[] volume, int nx, int ny, int nz) {
    int voxels = nx * ny * nz;
    if (volume.length != voxels) {
      throw new IllegalArgumentException("volume has " + volume.length + " values, grid " + nx + "×" + ny + "×" + nz);
    }
    double[] a = new double[voxels];
    for (int v = 0; v < voxels; v++) {
      float f = volume[v];
      a[v] = Float.isFinite(f) ? f : 0;
    }
    double[] b = new double[voxels];
    for (int line = 0; line < ny * nz; line++) { // i pass: lines along i
      convolveLine(a, b, line * nx, nx, 1, kernels[0]);
    }
    for (int k = 0; k < nz; k++) { // j pass: lines along j within each slice
      for (int i = 0; i < nx; i++) {
        convolveLine(b, a, k * nx * ny + i, ny, nx, kernels[1]);
      }
    }
    float[] out = new float[voxels];
    double[] kz = kernels[2];
    int h = kz.length / 2;
    int plane = nx * ny;
    for (int k = 0; k < nz; k++) {
      int lo = Math.max(-h, -k);
      int hi = Math.min(h, nz - 1 - k);
      double weight = 0;
      for (int d = lo; d <= hi; d++) {
        weight += kz[d + h];
      }
      for (int p = 0; p < plane; p++) {
        double s = 0;
        for (int d = lo; d <= hi; d++) {
          s += kz[d + h] * a[(k + d) * plane + p];
        }
        out[k * plane + p] = weight > 0 ? (float) (s / weight) : 0f;
      }
    }
    return out;
  }

  /** One line of {@code length} samples from {@code start} with {@code stride}, zero outside it. */
  private static void convolveLine(double[] in, double[] out, int start, int length, int stride, double[] kernel) {
    int h = kernel.length / 2;
    for (int x = 0; x < length; x++) {
      int lo = Math.max(-h, -x);
      int hi = Math.min(h, length - 1 - x);
      double s = 0;
      for (int d = lo; d <= hi; d++) {
        s += kernel[d + h] * in[start + (x + d) * stride];
      }
      out[start + x * stride] = s;
    }
  }
}
