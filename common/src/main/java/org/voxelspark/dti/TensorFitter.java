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
 * <p><b>Methods</b> ({@link TensorFitMethod}): OLS, DIPY's WLS and MRtrix's IWLS solve linear
 * least-squares problems in the log signal; NLLS minimises the signal-domain residuals by
 * Levenberg–Marquardt from the OLS estimate (stopping rule at {@link #NLLS_STEP_TOLERANCE}).
 *
 * <p><b>Floors</b> ({@link TensorModel.Settings}): samples are raised to the signal floor before
 * the log (and, for NLLS, in the residuals); eigenvalues are bounded below by the eigenvalue floor
 * before the scalar maps are computed (the tensor output itself is the fitted one).
 *
 * <p><b>Degenerate voxels.</b> A NaN or infinite sample: every output NaN. With the MRtrix floor, a
 * voxel with no positive sample: every output NaN (as MRtrix writes). All-zero or negative signal
 * with the DIPY floor: the floor makes the log signal constant, the tensor 0 and (after clipping)
 * FA 0, MD = AD = RD = the minimum diffusivity (0 for NLLS).
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

  /** NLLS: largest number of Levenberg–Marquardt iterations. */
  public static final int NLLS_MAX_ITERATIONS = 100;
  /** NLLS: stop when a kept step moves no scaled parameter by more than this × (1 + the largest scaled parameter). */
  public static final double NLLS_STEP_TOLERANCE = 1e-10;
  /** NLLS: stop when a kept step lowers the cost by less than this fraction. */
  public static final double NLLS_COST_TOLERANCE = 1e-14;
  /** NLLS: stop when the damping factor λ exceeds this. */
  public static final double NLLS_MAX_DAMPING = 1e12;
  /**
   * The weighted normal equations are solved by Householder QR instead when a Cholesky pivot falls
   * below this fraction of its diagonal entry: they would lose more than half of double's digits
   * there (seen in voxels with mostly floored samples, where DIPY's SVD-based pinv keeps them).
   */
  static final double MIN_RELATIVE_PIVOT = 1e-8;
  /** Index of the diagonal entry (a, a) in the packed normal matrix. */
  private static final int[] DIAGONAL = {0, 7, 13, 18, 22, 25, 27};
  private final TensorModel model;
  private final int n;
  private final double[] x; // the floored signal
  private final double[] y; // its log
  private final double[] w2; // squared weights of the current weighted pass
  private final double[] t; // scratch: the predicted log signal (doubled for the squared weights)
  private final double[] a;
  private final double[] rhs;
  private final double[] p = new double[7];
  private final double[] trial = new double[7];
  private final double[] jtj = new double[28];
  private double[] mu; // NLLS: predicted signal at p, and at the trial point
  private double[] trialMu;
  private double[] res; // NLLS: residuals x − μ at p, and at the trial point
  private double[] trialRes;
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
    mu = new double[n];
    trialMu = new double[n];
    res = new double[n];
    trialRes = new double[n];
  }

  /**
   * Fits the voxel whose n samples are {@code signal[offset .. offset+n)} and writes
   * {@value #OUTPUTS} values to {@code out[outOffset ..]}.
   */
  public void fit(float[] signal, int offset, double[] out, int outOffset) {
    TensorModel.Settings s = model.settings();
    toDouble(signal, offset, x, n);
    double floor;
    if (s.floor() == TensorModel.SignalFloor.RELATIVE_TO_MAX) {
      double max = max(x, n);
      if (!(max > 0)) { // NaN included
        fillNaN(out, outOffset);
        return;
      }
      floor = 1e-6 * max;
    } else {
      floor = s.minSignal();
    }
    floor(x, floor, n);
    if (!logExp.log(x, 0, y, 0, n) && !allFinite(x, n)) {
      fillNaN(out, outOffset);
      return;
    }
    switch (s.method()) {
      case OLS -> ols();
      case WLS -> {
        ols();
        predictedWeights();
        weightedSolve();
      }
      case IWLS -> {
        square(x, w2, n); // weights: the measured (floored) signal
        weightedSolve();
        for (int r = 0; r < s.reweightings(); r++) {
          predictedWeights();
          weightedSolve();
        }
      }
      case NLLS -> {
        ols();
        nonLinear();
      }
    }
    metrics(out, outOffset);
  }

  // The per-sample loops are small static methods: C2 vectorises loops better that way (see LogExp).

  private static void toDouble(float[] signal, int offset, double[] x, int n) {
    for (int i = 0; i < n; i++) {
      x[i] = signal[offset + i];
    }
  }

  private static double max(double[] x, int n) {
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      max = Math.max(max, x[i]);
    }
    return max;
  }

  private static void floor(double[] x, double floor, int n) {
    for (int i = 0; i < n; i++) {
      x[i] = Math.max(x[i], floor);
    }
  }

  private static boolean allFinite(double[] x, int n) {
    for (int i = 0; i < n; i++) {
      if (!Double.isFinite(x[i])) {
        return false;
      }
    }
    return true;
  }

  private static void square(double[] x, double[] out, int n) {
    for (int i = 0; i < n; i++) {
      out[i] = x[i] * x[i];
    }
  }

  /** p = pinv·y: 14 sums side by side (even and odd samples), so the dependency chains overlap. */
  private void ols() {
    double[] pt = model.pinvByRow();
    double[] yy = y;
    double a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0;
    double b0 = 0, b1 = 0, b2 = 0, b3 = 0, b4 = 0, b5 = 0, b6 = 0;
    int i = 0;
    for (; i + 1 < n; i += 2) {
      int b = 7 * i;
      double y0 = yy[i];
      double y1 = yy[i + 1];
      a0 += pt[b] * y0;
      a1 += pt[b + 1] * y0;
      a2 += pt[b + 2] * y0;
      a3 += pt[b + 3] * y0;
      a4 += pt[b + 4] * y0;
      a5 += pt[b + 5] * y0;
      a6 += pt[b + 6] * y0;
      b0 += pt[b + 7] * y1;
      b1 += pt[b + 8] * y1;
      b2 += pt[b + 9] * y1;
      b3 += pt[b + 10] * y1;
      b4 += pt[b + 11] * y1;
      b5 += pt[b + 12] * y1;
      b6 += pt[b + 13] * y1;
    }
    if (i < n) {
      int b = 7 * i;
      double y0 = yy[i];
      a0 += pt[b] * y0;
      a1 += pt[b + 1] * y0;
      a2 += pt[b + 2] * y0;
      a3 += pt[b + 3] * y0;
      a4 += pt[b + 4] * y0;
      a5 += pt[b + 5] * y0;
      a6 += pt[b + 6] * y0;
    }
    p[0] = a0 + b0;
    p[1] = a1 + b1;
    p[2] = a2 + b2;
    p[3] = a3 + b3;
    p[4] = a4 + b4;
    p[5] = a5 + b5;
    p[6] = a6 + b6;
  }

  /** w_i² = exp(2·B_i·p): the squared predicted signal. */
  private void predictedWeights() {
    predict(model.designColumns(), 2 * p[0], 2 * p[1], 2 * p[2], 2 * p[3], 2 * p[4], 2 * p[5], 2 * p[6], t, n);
    logExp.exp(t, 0, w2, 0, n);
  }

  /**
   * t_i = Σ_c column_c[i]·q_c. The design's columns are separate arrays read at the same index
   * as t is written, so C2 vectorises the loop (see LogExp).
   */
  private static void predict(double[][] d, double q0, double q1, double q2, double q3, double q4, double q5, double q6,
      double[] t, int n) {
    double[] d0 = d[0];
    double[] d1 = d[1];
    double[] d2 = d[2];
    double[] d3 = d[3];
    double[] d4 = d[4];
    double[] d5 = d[5];
    double[] d6 = d[6];
    for (int i = 0; i < n; i++) {
      t[i] = d0[i] * q0 + d1[i] * q1 + d2[i] * q2 + d3[i] * q3 + d4[i] * q4 + d5[i] * q5 + d6[i] * q6;
    }
  }

  /** t_i = B_i·q (q the parameters, unscaled): the predicted log signal. */
  private void predictLog(double[] q, double[] t) {
    predict(model.designColumns(), q[0], q[1], q[2], q[3], q[4], q[5], q[6], t, n);
  }

  /** res_i = x_i − μ_i; returns Σ res_i². */
  private static double residuals(double[] x, double[] mu, double[] res, int n) {
    double cost = 0;
    for (int i = 0; i < n; i++) {
      double e = x[i] - mu[i];
      res[i] = e;
      cost += e * e;
    }
    return cost;
  }

  /**
   * Non-linear least squares in the signal domain, as DIPY's {@code fit_method='NLLS'}:
   * p = argmin Σ (x_i − exp(B_i·p))², x the floored signal, from the OLS estimate in {@link #p}, by
   * Levenberg–Marquardt on the equilibrated parameters: J = −diag(μ)·B with μ = exp(B·p), so JᵀJ
   * is the weighted normal matrix with weights μ², and the step solves
   * (JᵀJ + λ·diag(JᵀJ))·δ = −Jᵀr. A step is kept only if it lowers the cost; λ is divided by 10
   * after a kept step and multiplied by 10 after a rejected one. Stops when a kept step changes no
   * scaled parameter by more than {@value #NLLS_STEP_TOLERANCE}·(1 + max |scaled parameter|), when
   * it lowers the cost by less than {@value #NLLS_COST_TOLERANCE} relative, when λ exceeds
   * {@value #NLLS_MAX_DAMPING} (no descent step left: a minimum to working precision) or after
   * {@value #NLLS_MAX_ITERATIONS} iterations; the estimate is then the lowest-cost point reached
   * (the OLS start if none was lower, as DIPY falls back to OLS when its optimiser fails).
   */
  private void nonLinear() {
    double[] xs = model.scaledDesign();
    double[] scale = model.columnScale();
    predictLog(p, t);
    logExp.exp(t, 0, mu, 0, n);
    double cost = residuals(x, mu, res, n);
    if (!Double.isFinite(cost)) {
      return; // the OLS start predicts an overflowing signal: keep it
    }
    double lambda = 1e-3;
    for (int iteration = 0; iteration < NLLS_MAX_ITERATIONS; iteration++) {
      square(mu, w2, n);
      normalMatrix(model.outer(), w2, n, jtj);
      rightHandSide(xs, mu, res, n, r); // −Jᵀr = Σ μ_i·res_i·B_i (scaled)
      boolean kept = false;
      double decrease = 0;
      double largestStep = 0;
      while (!kept) {
        System.arraycopy(jtj, 0, m, 0, 28);
        for (int a = 0; a < 7; a++) {
          m[DIAGONAL[a]] *= 1 + lambda;
        }
        if (!choleskySolve(0)) { // the damped system is singular: no step can be computed
          return;
        }
        largestStep = 0;
        for (int c = 0; c < 7; c++) {
          trial[c] = p[c] + z[c] / scale[c];
          largestStep = Math.max(largestStep, Math.abs(z[c]));
        }
        predictLog(trial, t);
        logExp.exp(t, 0, trialMu, 0, n);
        double trialCost = residuals(x, trialMu, trialRes, n);
        if (trialCost < cost) {
          kept = true;
          decrease = cost - trialCost;
          cost = trialCost;
          System.arraycopy(trial, 0, p, 0, 7);
          double[] swap = mu;
          mu = trialMu;
          trialMu = swap;
          swap = res;
          res = trialRes;
          trialRes = swap;
          lambda = Math.max(lambda / 10, 1e-12);
        } else {
          lambda *= 10;
          if (lambda > NLLS_MAX_DAMPING) {
            return;
          }
        }
      }
      double largestParameter = 0;
      for (int c = 0; c < 7; c++) {
        largestParameter = Math.max(largestParameter, Math.abs(p[c] * scale[c]));
      }
      if (largestStep <= NLLS_STEP_TOLERANCE * (1 + largestParameter) || decrease <= NLLS_COST_TOLERANCE * cost) {
        return;
      }
    }
  }

  /**
   * p = argmin Σ w_i² (y_i − B_i·p)² by the normal equations of the column-equilibrated design
   * (each column scaled to max |entry| 1, so the 7×7 system is well conditioned), accumulated from
   * precomputed row products, and a Cholesky solve: about 36·n flops a pass instead of QR's
   * 2·49·n. A system that is not positive definite (degenerate weights) or ill-conditioned
   * ({@link #MIN_RELATIVE_PIVOT}) is solved by Householder QR of the weighted design instead, whose
   * error grows with the condition number rather than its square.
   */
  private void weightedSolve() {
    normalMatrix(model.outer(), w2, n, m);
    rightHandSide(model.scaledDesign(), w2, y, n, r);
    if (!choleskySolve(MIN_RELATIVE_PIVOT)) {
      householderSolve(model.design());
      return;
    }
    double[] scale = model.columnScale();
    for (int c = 0; c < 7; c++) {
      p[c] = z[c] / scale[c];
    }
  }

  /**
   * Solves m·z = r (m the packed normal matrix of the scaled design) by Cholesky; the solution is
   * in {@link #z}. False (z undefined) if a pivot is too small ({@link #cholesky(double)}).
   */
  private boolean choleskySolve(double minRelativePivot) {
    if (!cholesky(minRelativePivot)) {
      return false;
    }
    for (int a = 0; a < 7; a++) { // forward substitution with L (lower, in l[7][7])
      double acc = r[a];
      for (int b = 0; b < a; b++) {
        acc -= l[7 * a + b] * z[b];
      }
      z[a] = acc / l[7 * a + a];
    }
    for (int a = 6; a >= 0; a--) { // back substitution with Lᵀ
      double acc = z[a];
      for (int b = a + 1; b < 7; b++) {
        acc -= l[7 * b + a] * z[b];
      }
      z[a] = acc / l[7 * a + a];
    }
    return true;
  }

  /**
   * m[q] = Σ_i w_i²·outer[i][q] for the 28 packed products, in two passes of 14 sums kept side by
   * side (independent dependency chains, all in registers).
   */
  private static void normalMatrix(double[] outer, double[] w2, int n, double[] m) {
    for (int half = 0; half < 28; half += 14) {
      double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0;
      double s7 = 0, s8 = 0, s9 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      for (int i = 0; i < n; i++) {
        double w = w2[i];
        int b = 28 * i + half;
        s0 += w * outer[b];
        s1 += w * outer[b + 1];
        s2 += w * outer[b + 2];
        s3 += w * outer[b + 3];
        s4 += w * outer[b + 4];
        s5 += w * outer[b + 5];
        s6 += w * outer[b + 6];
        s7 += w * outer[b + 7];
        s8 += w * outer[b + 8];
        s9 += w * outer[b + 9];
        s10 += w * outer[b + 10];
        s11 += w * outer[b + 11];
        s12 += w * outer[b + 12];
        s13 += w * outer[b + 13];
      }
      m[half] = s0;
      m[half + 1] = s1;
      m[half + 2] = s2;
      m[half + 3] = s3;
      m[half + 4] = s4;
      m[half + 5] = s5;
      m[half + 6] = s6;
      m[half + 7] = s7;
      m[half + 8] = s8;
      m[half + 9] = s9;
      m[half + 10] = s10;
      m[half + 11] = s11;
      m[half + 12] = s12;
      m[half + 13] = s13;
    }
  }

  /** r[c] = Σ_i w_i²·y_i·xs[i][c] (xs: the scaled design). */
  private static void rightHandSide(double[] xs, double[] w2, double[] y, int n, double[] r) {
    double r0 = 0, r1 = 0, r2 = 0, r3 = 0, r4 = 0, r5 = 0, r6 = 0;
    for (int i = 0; i < n; i++) {
      double wy = w2[i] * y[i];
      int b = 7 * i;
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
  }

  /**
   * Cholesky factor of the packed normal matrix {@link #m} into {@link #l}; false if a pivot is not
   * above {@code minRelativePivot} times its diagonal entry (0: not positive definite).
   */
  private boolean cholesky(double minRelativePivot) {
    for (int a = 0; a < 7; a++) {
      for (int b = 0; b <= a; b++) {
        double acc = m[packed(b, a)];
        for (int k = 0; k < b; k++) {
          acc -= l[7 * a + k] * l[7 * b + k];
        }
        if (a == b) {
          if (!(acc > minRelativePivot * m[packed(a, a)])) {
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
    TensorModel.EigenvalueFloor clip = model.settings().eigenvalueFloor();
    if (clip != TensorModel.EigenvalueFloor.NONE) {
      double min = clip == TensorModel.EigenvalueFloor.ZERO ? 0 : model.minDiffusivity();
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
