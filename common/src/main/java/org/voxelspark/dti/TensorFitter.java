package org.voxelspark.dti;

import org.voxelspark.linalg.SymmetricEigen3;
import org.voxelspark.math.LogExp;

/**
 * Fits the diffusion tensor of a {@link TensorModel} to one voxel's signal at a time, with
 * preallocated scratch space: nothing is allocated per voxel. Not thread-safe: one per thread.
 *
 * <p><b>Output</b> ({@link #fit}) is {@value #OUTPUTS} doubles: the tensor in {@link TensorComponent}
 * order ({@link #TENSOR}, mm²/s), S0 ({@link #S0}), FA ({@link #FA}, dimensionless), MD, AD, RD
 * ({@link #MD}, {@link #AD}, {@link #RD}, mm²/s), the eigenvalues λ1 ≥ λ2 ≥ λ3 ({@link #EVALS}, after
 * clipping when the settings clip) and the unit principal eigenvector V1 in the FSL image frame
 * ({@link #V1}; its sign is arbitrary).
 *
 * <p><b>Definitions.</b> FA = √(½·((λ1−λ2)² + (λ2−λ3)² + (λ3−λ1)²) / (λ1² + λ2² + λ3²)), 0 when
 * every eigenvalue is 0; MD = (λ1 + λ2 + λ3)/3; AD = λ1; RD = (λ2 + λ3)/2 (Basser and Pierpaoli 1996).
 *
 * <p><b>Degenerate voxels.</b> A NaN or infinite sample: every output NaN. With the MRtrix floor, a
 * voxel with no positive sample: every output NaN (as MRtrix writes). All-zero or negative signal
 * with the DIPY floor: the floor makes the log signal constant, the tensor 0 and (after clipping)
 * FA 0, MD = AD = RD = the minimum diffusivity.
 */
public final class TensorFitter {
  public static final int TENSOR = 0;
  public static final int S0 = 6;
  public static final int FA = 7;
  public static final int MD = 8;
  public static final int AD = 9;
  public static final int RD = 10;
  public static final int EVALS = 11;
  public static final int V1 = 14;
  public static final int OUTPUTS = 17;

  /** The exponent bits of a float: all set for infinities and NaNs. */
  private static final int FLOAT_EXPONENT = 0x7F800000;

  private final TensorModel model;
  private final int n;
  private final double[] x; // the floored signal
  private final double[] y; // its log
  private final double[] w2; // squared weights of the current weighted pass
  private final double[] t; // scratch: twice the predicted log signal
  private final double[] a;
  private final double[] rhs;
  private final double[] p = new double[7];
  private final double[] m = new double[28];
  private final double[] r = new double[7];
  private final double[] l = new double[49];
  private final double[] z = new double[7];
  private final LogExp logExp;
  private final SymmetricEigen3 eigen = new SymmetricEigen3();

  public TensorFitter(TensorModel model) {
    this.model = model;
    this.n = model.volumes();
    x = new double[n];
    y = new double[n];
    w2 = new double[n];
    t = new double[n];
    a = new double[n * 7];
    rhs = new double[n];
    logExp = new LogExp(n);
  }

  /**
   * Fits the voxel whose n samples are {@code signal[offset .. offset+n)} and writes
   * {@value #OUTPUTS} values to {@code out[outOffset ..]}.
   */
  public void fit(float[] signal, int offset, double[] out, int outOffset) {
    TensorModel.Settings s = model.settings();
    int exponentGap = FLOAT_EXPONENT; // becomes 0 if a sample has every exponent bit set (inf, NaN)
    for (int i = 0; i < n; i++) {
      float v = signal[offset + i];
      exponentGap = Math.min(exponentGap, ~Float.floatToRawIntBits(v) & FLOAT_EXPONENT);
      x[i] = v;
    }
    if (exponentGap == 0) {
      fillNaN(out, outOffset);
      return;
    }
    double floor;
    if (s.floor() == TensorModel.SignalFloor.RELATIVE_TO_MAX) {
      double max = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < n; i++) {
        max = Math.max(max, x[i]);
      }
      if (!(max > 0)) {
        fillNaN(out, outOffset);
        return;
      }
      floor = 1e-6 * max;
    } else {
      floor = s.minSignal();
    }
    for (int i = 0; i < n; i++) {
      x[i] = Math.max(x[i], floor);
    }
    logExp.log(x, 0, y, 0, n);
    switch (s.method()) {
      case OLS -> ols();
      case WLS -> {
        ols();
        predictedWeights();
        weightedSolve();
      }
      case IWLS -> {
        for (int i = 0; i < n; i++) { // weights: the measured (floored) signal
          w2[i] = x[i] * x[i];
        }
        weightedSolve();
        for (int r = 0; r < s.reweightings(); r++) {
          predictedWeights();
          weightedSolve();
        }
      }
    }
    metrics(out, outOffset);
  }

  /** p = pinv·y, with the 7 sums accumulated side by side (independent dependency chains). */
  private void ols() {
    double[] pt = model.pinvByRow();
    double p0 = 0, p1 = 0, p2 = 0, p3 = 0, p4 = 0, p5 = 0, p6 = 0;
    for (int i = 0, b = 0; i < n; i++, b += 7) {
      double yi = y[i];
      p0 += pt[b] * yi;
      p1 += pt[b + 1] * yi;
      p2 += pt[b + 2] * yi;
      p3 += pt[b + 3] * yi;
      p4 += pt[b + 4] * yi;
      p5 += pt[b + 5] * yi;
      p6 += pt[b + 6] * yi;
    }
    p[0] = p0;
    p[1] = p1;
    p[2] = p2;
    p[3] = p3;
    p[4] = p4;
    p[5] = p5;
    p[6] = p6;
  }

  /** w_i² = exp(2·B_i·p): the squared predicted signal (the design read column by column, so the loop vectorises). */
  private void predictedWeights() {
    double[] d = model.designByColumn();
    double p0 = 2 * p[0], p1 = 2 * p[1], p2 = 2 * p[2], p3 = 2 * p[3], p4 = 2 * p[4], p5 = 2 * p[5], p6 = 2 * p[6];
    int c1 = n, c2 = 2 * n, c3 = 3 * n, c4 = 4 * n, c5 = 5 * n, c6 = 6 * n;
    for (int i = 0; i < n; i++) {
      t[i] = d[i] * p0 + d[c1 + i] * p1 + d[c2 + i] * p2 + d[c3 + i] * p3 + d[c4 + i] * p4 + d[c5 + i] * p5 + d[c6 + i] * p6;
    }
    logExp.exp(t, 0, w2, 0, n);
  }

  /**
   * p = argmin Σ w_i² (y_i − B_i·p)² by the normal equations of the column-equilibrated design
   * (each column scaled to max |entry| 1, so the 7×7 system is well conditioned), accumulated from
   * precomputed row products, and a Cholesky solve: about 36·n flops a pass instead of QR's
   * 2·49·n. A system that is not positive definite (degenerate weights) falls back to
   * Householder QR.
   */
  private void weightedSolve() {
    double[] outer = model.outer();
    double[] xs = model.scaledDesign();
    double[] scale = model.columnScale();
    java.util.Arrays.fill(m, 0);
    double r0 = 0, r1 = 0, r2 = 0, r3 = 0, r4 = 0, r5 = 0, r6 = 0;
    for (int i = 0, b = 0; i < n; i++, b += 7) {
      double wi = w2[i];
      int base = 28 * i;
      for (int q = 0; q < 28; q++) {
        m[q] += wi * outer[base + q];
      }
      double wy = wi * y[i];
      r0 += wy * xs[b];
      r1 += wy * xs[b + 1];
      r2 += wy * xs[b + 2];
      r3 += wy * xs[b + 3];
      r4 += wy * xs[b + 4];
      r5 += wy * xs[b + 5];
      r6 += wy * xs[b + 6];
    }
    r[0] = r0;
    r[1] = r1;
    r[2] = r2;
    r[3] = r3;
    r[4] = r4;
    r[5] = r5;
    r[6] = r6;
    if (!cholesky()) {
      householderSolve(model.design());
      return;
    }
    // forward then back substitution with L (lower, packed in l[7][7])
    for (int a = 0; a < 7; a++) {
      double acc = r[a];
      for (int b = 0; b < a; b++) {
        acc -= l[7 * a + b] * z[b];
      }
      z[a] = acc / l[7 * a + a];
    }
    for (int a = 6; a >= 0; a--) {
      double acc = z[a];
      for (int b = a + 1; b < 7; b++) {
        acc -= l[7 * b + a] * p[b];
      }
      p[a] = acc / l[7 * a + a];
    }
    for (int c = 0; c < 7; c++) {
      p[c] /= scale[c];
    }
  }

  /** Cholesky factor of the packed normal matrix {@link #m} into {@link #l}; false if not positive definite. */
  private boolean cholesky() {
    for (int a = 0; a < 7; a++) {
      for (int b = 0; b <= a; b++) {
        double acc = m[packed(b, a)];
        for (int k = 0; k < b; k++) {
          acc -= l[7 * a + k] * l[7 * b + k];
        }
        if (a == b) {
          if (!(acc > 0)) {
            return false;
          }
          l[7 * a + a] = Math.sqrt(acc);
        } else {
          l[7 * a + b] = acc / l[7 * b + b];
        }
      }
    }
    return true;
  }

  /** Index of (a, b), a ≤ b, in the 28-element packed upper triangle. */
  private static int packed(int a, int b) {
    return a * 7 - a * (a - 1) / 2 + (b - a);
  }

  /** p = argmin Σ w_i² (y_i − B_i·p)², by Householder QR of the row-weighted design. */
  private void householderSolve(double[] design) {
    for (int i = 0; i < n; i++) {
      double wi = Math.sqrt(w2[i]);
      for (int c = 0; c < 7; c++) {
        a[7 * i + c] = wi * design[7 * i + c];
      }
      rhs[i] = wi * y[i];
    }
    for (int j = 0; j < 7; j++) {
      double norm = 0;
      for (int i = j; i < n; i++) {
        norm += a[7 * i + j] * a[7 * i + j];
      }
      norm = Math.sqrt(norm);
      if (norm == 0) {
        continue;
      }
      double alpha = a[7 * j + j] > 0 ? -norm : norm;
      // v = x − alpha·e1 stored in column j below the diagonal; a_jj becomes alpha
      double v0 = a[7 * j + j] - alpha;
      a[7 * j + j] = v0;
      double vnorm2 = v0 * v0;
      for (int i = j + 1; i < n; i++) {
        vnorm2 += a[7 * i + j] * a[7 * i + j];
      }
      if (vnorm2 == 0) {
        a[7 * j + j] = alpha;
        continue;
      }
      for (int c = j + 1; c < 7; c++) {
        double dot = 0;
        for (int i = j; i < n; i++) {
          dot += a[7 * i + j] * a[7 * i + c];
        }
        double f = 2 * dot / vnorm2;
        for (int i = j; i < n; i++) {
          a[7 * i + c] -= f * a[7 * i + j];
        }
      }
      double dot = 0;
      for (int i = j; i < n; i++) {
        dot += a[7 * i + j] * rhs[i];
      }
      double f = 2 * dot / vnorm2;
      for (int i = j; i < n; i++) {
        rhs[i] -= f * a[7 * i + j];
      }
      a[7 * j + j] = alpha;
    }
    for (int j = 6; j >= 0; j--) {
      double acc = rhs[j];
      for (int c = j + 1; c < 7; c++) {
        acc -= a[7 * j + c] * p[c];
      }
      p[j] = a[7 * j + j] == 0 ? 0 : acc / a[7 * j + j];
    }
  }

  private void metrics(double[] out, int o) {
    for (int c = 0; c < 6; c++) {
      out[o + TENSOR + c] = p[c];
    }
    out[o + S0] = Math.exp(p[6]);
    eigen.decompose(p[0], p[1], p[2], p[3], p[4], p[5]);
    double l1 = eigen.value(0);
    double l2 = eigen.value(1);
    double l3 = eigen.value(2);
    if (model.settings().clipEigenvalues()) {
      double min = model.minDiffusivity();
      l1 = Math.max(l1, min);
      l2 = Math.max(l2, min);
      l3 = Math.max(l3, min);
    }
    double den = l1 * l1 + l2 * l2 + l3 * l3;
    double num = (l1 - l2) * (l1 - l2) + (l2 - l3) * (l2 - l3) + (l3 - l1) * (l3 - l1);
    out[o + FA] = den == 0 ? 0 : Math.sqrt(0.5 * num / den);
    out[o + MD] = (l1 + l2 + l3) / 3;
    out[o + AD] = l1;
    out[o + RD] = (l2 + l3) / 2;
    out[o + EVALS] = l1;
    out[o + EVALS + 1] = l2;
    out[o + EVALS + 2] = l3;
    for (int c = 0; c < 3; c++) {
      out[o + V1 + c] = eigen.vector(0, c);
    }
  }

  private static void fillNaN(double[] out, int o) {
    java.util.Arrays.fill(out, o, o + OUTPUTS, Double.NaN);
  }
}
