package org.voxelspark.dti;

import java.util.Arrays;
import org.voxelspark.linalg.SymmetricEigen3;
import org.voxelspark.math.LogExp;

/**
 * The engine behind {@link TensorFitter}: fits a batch of up to {@link #capacity} voxels at once,
 * in structure-of-arrays layout — row i of {@link #x}, {@link #y}, {@link #w} holds sample i of
 * every voxel of the batch, one lane per voxel — so that one SIMD instruction can process the same
 * sample of several voxels. Every lane follows the arithmetic contract of {@link TensorFitter}
 * (the same IEEE operations in the same order whatever the batch), so a voxel's outputs never depend
 * on the other voxels of its batch nor on the subclass: {@link PlainTensorBatch} (plain loops over
 * the lanes, for C2's auto-vectoriser) and {@code VectorTensorBatch} (the JDK's incubating Vector
 * API) are bit-identical.
 *
 * <p>This class holds the batch's arrays, the order of the steps, and the parts computed one lane at
 * a time by the same code for both subclasses: the log's fall-back check, Householder QR where the
 * weighted normal equations are ill-conditioned, the NLLS iterations, the output. Subclasses
 * implement the passes over all lanes. Allocation-free after construction; not thread-safe.
 */
abstract class TensorBatch {
  /** Index of (a, b), a ≤ b, in the 28-element packed upper triangle. */
  static int packed(int a, int b) {
    return a * 7 - a * (a - 1) / 2 + (b - a);
  }

  /** Index of the diagonal entry (a, a) in the packed normal matrix. */
  private static final int[] DIAGONAL = {0, 7, 13, 18, 22, 25, 27};

  final TensorModel model;
  final TensorModel.Settings settings;
  final int n;
  final int capacity;
  /** Floored signal, n × capacity. */
  final double[][] x;
  /** Its log. */
  final double[][] y;
  /** Squared weights of the current weighted pass. */
  final double[][] w;
  /** Scratch: predicted log signal; weighted log signal. */
  final double[][] t;
  /** Parameters (Dxx, Dxy, Dyy, Dxz, Dyz, Dzz, ln S0) per lane. */
  final double[][] p;
  /** Packed normal matrix of the scaled design (28 rows) and right-hand side (7 rows). */
  final double[][] m;
  final double[][] r;
  /** RELATIVE_TO_MAX floor per lane. */
  final double[] floor;
  final double[][] s0;
  final double[][] values;
  final double[][] vectors;
  /** FA, MD, AD, RD, λ1, λ2, λ3 (clipped) per lane. */
  final double[][] scalars;
  /** Lane gets NaN outputs. */
  final boolean[] nan;
  /** Lane's log was computed by Math.log (an element outside the fast path's domain). */
  final boolean[] slow;
  /** Lane's Cholesky pivot test failed: solved by Householder QR. */
  final boolean[] failed;
  final LogExp.Columns logExp;
  final SymmetricEigen3.Batch eigen;
  private final double[][] p6;
  /** Lanes solved by Householder QR so far (for tests: the fall-back must be exercised). */
  long householderLanes;

  // one lane at a time: Householder QR and NLLS
  private final double[] laneM = new double[28];
  private final double[] laneR = new double[7];
  private final double[] laneL = new double[49];
  private final double[] laneInv = new double[7];
  private final double[] laneZ = new double[7];
  private final double[] laneX;
  private final double[] laneW;
  private final double[] laneP = new double[7];
  private final double[] qrA;
  private final double[] qrRhs;
  private final double[] trial = new double[7];
  private final double[] jtj = new double[28];
  private final double[] nllsT;
  private double[] mu;
  private double[] trialMu;
  private double[] res;
  private double[] trialRes;
  private final LogExp scalarLogExp;

  TensorBatch(TensorModel model, int capacity, LogExp.Columns logExp, SymmetricEigen3.Batch eigen) {
    this.model = model;
    this.settings = model.settings();
    this.n = model.volumes();
    this.capacity = capacity;
    this.logExp = logExp;
    this.eigen = eigen;
    x = new double[n][capacity];
    y = new double[n][capacity];
    w = new double[n][capacity];
    t = new double[n][capacity];
    p = new double[7][capacity];
    m = new double[28][capacity];
    r = new double[7][capacity];
    floor = new double[capacity];
    s0 = new double[1][capacity];
    p6 = new double[][] {p[6]};
    values = new double[3][capacity];
    vectors = new double[9][capacity];
    scalars = new double[7][capacity];
    nan = new boolean[capacity];
    slow = new boolean[capacity];
    failed = new boolean[capacity];
    laneX = new double[n];
    laneW = new double[n];
    qrA = new double[n * 7];
    qrRhs = new double[n];
    nllsT = new double[n];
    mu = new double[n];
    trialMu = new double[n];
    res = new double[n];
    trialRes = new double[n];
    scalarLogExp = new LogExp(n);
  }

  /** A short description of the implementation, for logs. */
  abstract String name();

  /** Lanes computed for a batch of count voxels (the vector subclass pads to whole vectors). */
  abstract int lanes(int count);

  /**
   * {@link #x} = the samples as doubles, lanes ≥ count copies of lane 0; with the ABSOLUTE floor,
   * already floored ({@code Math.max(x, minSignal)}).
   */
  abstract void load(float[] series, int[] offsets, int from, int count, int lanes);

  /** RELATIVE_TO_MAX: {@link #floor} = 1e-6 × the lane's largest sample, {@link #nan} where it is not > 0; x floored. */
  abstract void floorRelative(int lanes);

  /** p_c = fma chain over i ascending of pinv[c][i]·y_i, from 0. */
  abstract void ols(int lanes);

  /** t_i = fma chain over c ascending of design[i][c]·(2·p_c), from 0. */
  abstract void predict(int lanes);

  /** w_i = x_i·x_i. */
  abstract void square(int lanes);

  /**
   * m_q = fma chain over i of w_i·outer[i][q]; t_i = w_i·y_i; r_c = fma chain over i of
   * t_i·scaledDesign[i][c]; all from 0, i ascending.
   */
  abstract void normalEquations(int lanes);

  /**
   * Cholesky solve of every lane's (m, r) as {@link #cholesky}, p_c = z_c·inverseScale[c] where
   * the pivots pass, {@link #failed} set where they do not (p is then undefined there).
   */
  abstract void solve(int lanes);

  /** {@link #scalars} from {@link #values} (eigenvalue floor, FA, MD, AD, RD). */
  abstract void scalars(int lanes);

  /**
   * Fits voxels b &lt; count ≤ {@link #capacity}, whose samples are
   * {@code series[offsets[from + b] .. + n)}; writes {@link TensorFitter#OUTPUTS} values per voxel
   * to {@code out[outOffset + b·OUTPUTS ..]}.
   */
  final void fit(float[] series, int[] offsets, int from, int count, double[] out, int outOffset) {
    int lanes = lanes(count);
    load(series, offsets, from, count, lanes);
    if (settings.floor() == TensorModel.SignalFloor.RELATIVE_TO_MAX) {
      floorRelative(lanes);
    } else {
      Arrays.fill(nan, 0, lanes, false);
    }
    logExp.log(x, y, n, lanes, slow);
    for (int b = 0; b < count; b++) {
      if (slow[b] && !nan[b] && !finite(b)) {
        nan[b] = true;
      }
    }
    switch (settings.method()) {
      case OLS -> ols(lanes);
      case WLS -> {
        ols(lanes);
        predictedWeights(lanes);
        weightedSolve(lanes, count);
      }
      case IWLS -> {
        square(lanes); // weights: the measured (floored) signal
        weightedSolve(lanes, count);
        for (int k = 0; k < settings.reweightings(); k++) {
          predictedWeights(lanes);
          weightedSolve(lanes, count);
        }
      }
      case NLLS -> {
        ols(lanes);
        for (int b = 0; b < count; b++) {
          if (!nan[b]) {
            nonLinear(b);
          }
        }
      }
    }
    logExp.exp(p6, s0, 1, lanes);
    eigen.decompose(p, lanes, values, vectors);
    scalars(lanes);
    store(count, out, outOffset);
  }

  /** w_i² = exp(2·B_i·p): the squared predicted signal. */
  private void predictedWeights(int lanes) {
    predict(lanes);
    logExp.exp(t, w, n, lanes);
  }

  private void weightedSolve(int lanes, int count) {
    normalEquations(lanes);
    solve(lanes);
    for (int b = 0; b < count; b++) {
      if (failed[b] && !nan[b]) {
        householder(b);
        householderLanes++;
      }
    }
  }

  private boolean finite(int b) {
    for (int i = 0; i < n; i++) {
      if (!Double.isFinite(x[i][b])) {
        return false;
      }
    }
    return true;
  }

  private void store(int count, double[] out, int outOffset) {
    for (int b = 0; b < count; b++) {
      int o = outOffset + b * TensorFitter.OUTPUTS;
      if (nan[b]) {
        Arrays.fill(out, o, o + TensorFitter.OUTPUTS, Double.NaN);
        continue;
      }
      for (int c = 0; c < 6; c++) {
        out[o + TensorFitter.TENSOR + c] = p[c][b];
      }
      out[o + TensorFitter.S0] = s0[0][b];
      out[o + TensorFitter.FA] = scalars[0][b];
      out[o + TensorFitter.MD] = scalars[1][b];
      out[o + TensorFitter.AD] = scalars[2][b];
      out[o + TensorFitter.RD] = scalars[3][b];
      out[o + TensorFitter.EVALS] = scalars[4][b];
      out[o + TensorFitter.EVALS + 1] = scalars[5][b];
      out[o + TensorFitter.EVALS + 2] = scalars[6][b];
      for (int c = 0; c < 3; c++) {
        out[o + TensorFitter.V1 + c] = vectors[c][b];
      }
    }
  }

  /** The eigenvalue floor of the settings, mm²/s, or −∞ for none. */
  double eigenvalueFloor() {
    return switch (settings.eigenvalueFloor()) {
      case MIN_DIFFUSIVITY -> model.minDiffusivity();
      case ZERO -> 0;
      case NONE -> Double.NEGATIVE_INFINITY;
    };
  }

  /**
   * The contract's Cholesky solve of m·z = r (m packed, 28; r, 7): for a = 0..6 and b = 0..a,
   * acc = m(b, a) then acc = fma(−l(a, k), l(b, k), acc) for k &lt; b; on the diagonal the pivot must
   * exceed {@code minRelativePivot}·m(a, a), l(a, a) = √acc and inv(a) = 1/l(a, a); below it
   * l(a, b) = acc·inv(b). Then z(a) = (r(a) − Σ_{b&lt;a} l(a, b)·z(b))·inv(a) and
   * z(a) = (z(a) − Σ_{b&gt;a} l(b, a)·z(b))·inv(a) (a descending), each sum as an fma chain in
   * ascending b. l is 7×7 row-major. False (z undefined) if a pivot fails.
   */
  static boolean cholesky(double[] m, double[] r, double minRelativePivot, double[] l, double[] inv, double[] z) {
    for (int a = 0; a < 7; a++) {
      for (int b = 0; b <= a; b++) {
        double acc = m[packed(b, a)];
        for (int k = 0; k < b; k++) {
          acc = Math.fma(-l[7 * a + k], l[7 * b + k], acc);
        }
        if (a == b) {
          if (!(acc > minRelativePivot * m[packed(a, a)])) {
            return false;
          }
          double d = Math.sqrt(acc);
          l[7 * a + a] = d;
          inv[a] = 1 / d;
        } else {
          l[7 * a + b] = acc * inv[b];
        }
      }
    }
    for (int a = 0; a < 7; a++) {
      double acc = r[a];
      for (int b = 0; b < a; b++) {
        acc = Math.fma(-l[7 * a + b], z[b], acc);
      }
      z[a] = acc * inv[a];
    }
    for (int a = 6; a >= 0; a--) {
      double acc = z[a];
      for (int b = a + 1; b < 7; b++) {
        acc = Math.fma(-l[7 * b + a], z[b], acc);
      }
      z[a] = acc * inv[a];
    }
    return true;
  }

  /**
   * p = argmin Σ w_i (y_i − B_i·p)² for lane b, by Householder QR of the row-weighted design
   * (column-major, so each column's dot products and updates run over contiguous memory with four
   * partial sums: the fall-back is taken by most background voxels' weighted solves, where weights
   * span many orders of magnitude).
   */
  private void householder(int b) {
    double[] design = model.design();
    double[] a = qrA; // column c at a[c·n ..]
    double[] rhs = qrRhs;
    for (int i = 0; i < n; i++) {
      double wi = Math.sqrt(w[i][b]);
      for (int c = 0; c < 7; c++) {
        a[c * n + i] = wi * design[7 * i + c];
      }
      rhs[i] = wi * y[i][b];
    }
    for (int j = 0; j < 7; j++) {
      int cj = j * n;
      double below = dot(a, cj + j + 1, a, cj + j + 1, n - j - 1); // Σ_{i>j} a_ij²
      double ajj = a[cj + j];
      double norm = Math.sqrt(ajj * ajj + below);
      if (norm == 0) {
        continue;
      }
      double alpha = ajj > 0 ? -norm : norm;
      // v = x − alpha·e1 stored in column j from the diagonal down; a_jj becomes alpha
      double v0 = ajj - alpha;
      double vnorm2 = v0 * v0 + below;
      if (vnorm2 == 0) {
        continue;
      }
      a[cj + j] = v0;
      for (int c = j + 1; c < 7; c++) {
        int cc = c * n;
        double f = 2 * dot(a, cj + j, a, cc + j, n - j) / vnorm2;
        subtract(f, a, cj + j, a, cc + j, n - j);
      }
      double f = 2 * dot(a, cj + j, rhs, j, n - j) / vnorm2;
      subtract(f, a, cj + j, rhs, j, n - j);
      a[cj + j] = alpha;
    }
    double[] q = laneP;
    for (int j = 6; j >= 0; j--) {
      double acc = rhs[j];
      for (int c = j + 1; c < 7; c++) {
        acc -= a[c * n + j] * q[c];
      }
      q[j] = a[j * n + j] == 0 ? 0 : acc / a[j * n + j];
    }
    for (int c = 0; c < 7; c++) {
      p[c][b] = q[c];
    }
  }

  /** Σ_k x[xo + k]·y[yo + k], k &lt; length, in four interleaved partial sums. */
  private static double dot(double[] x, int xo, double[] y, int yo, int length) {
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    int k = 0;
    for (; k + 3 < length; k += 4) {
      s0 += x[xo + k] * y[yo + k];
      s1 += x[xo + k + 1] * y[yo + k + 1];
      s2 += x[xo + k + 2] * y[yo + k + 2];
      s3 += x[xo + k + 3] * y[yo + k + 3];
    }
    for (; k < length; k++) {
      s0 += x[xo + k] * y[yo + k];
    }
    return (s0 + s1) + (s2 + s3);
  }

  /** y[yo + k] −= f·x[xo + k], k &lt; length. */
  private static void subtract(double f, double[] x, int xo, double[] y, int yo, int length) {
    for (int k = 0; k < length; k++) {
      y[yo + k] -= f * x[xo + k];
    }
  }

  /**
   * Non-linear least squares in the signal domain for lane b, as DIPY's {@code fit_method='NLLS'},
   * from the OLS estimate in p (see {@link TensorFitter}): Levenberg–Marquardt on the equilibrated
   * parameters, J = −diag(μ)·B with μ = exp(B·p), the step solving (JᵀJ + λ·diag(JᵀJ))·δ = −Jᵀr by
   * {@link #cholesky}; λ divided by 10 after a kept step, multiplied by 10 after a rejected one.
   */
  private void nonLinear(int b) {
    double[] xs = model.scaledDesign();
    double[] inverseScale = model.inverseScale();
    double[] scale = model.columnScale();
    double[] xl = laneX;
    double[] pl = laneP;
    for (int i = 0; i < n; i++) {
      xl[i] = x[i][b];
    }
    for (int c = 0; c < 7; c++) {
      pl[c] = p[c][b];
    }
    predictLog(pl, nllsT);
    scalarLogExp.exp(nllsT, 0, mu, 0, n);
    double cost = residuals(xl, mu, res, n);
    if (Double.isFinite(cost)) { // else the OLS start predicts an overflowing signal: keep it
      double lambda = 1e-3;
      iterations:
      for (int iteration = 0; iteration < TensorFitter.NLLS_MAX_ITERATIONS; iteration++) {
        square(mu, laneW, n);
        normalMatrix(model.outer(), laneW, n, jtj);
        rightHandSide(xs, mu, res, n, laneR); // −Jᵀr = Σ μ_i·res_i·B_i (scaled)
        boolean kept = false;
        double decrease = 0;
        double largestStep = 0;
        while (!kept) {
          System.arraycopy(jtj, 0, laneM, 0, 28);
          for (int a = 0; a < 7; a++) {
            laneM[DIAGONAL[a]] *= 1 + lambda;
          }
          if (!cholesky(laneM, laneR, 0, laneL, laneInv, laneZ)) { // the damped system is singular: no step
            break iterations;
          }
          largestStep = 0;
          for (int c = 0; c < 7; c++) {
            trial[c] = pl[c] + laneZ[c] * inverseScale[c];
            largestStep = Math.max(largestStep, Math.abs(laneZ[c]));
          }
          predictLog(trial, nllsT);
          scalarLogExp.exp(nllsT, 0, trialMu, 0, n);
          double trialCost = residuals(xl, trialMu, trialRes, n);
          if (trialCost < cost) {
            kept = true;
            decrease = cost - trialCost;
            cost = trialCost;
            System.arraycopy(trial, 0, pl, 0, 7);
            double[] swap = mu;
            mu = trialMu;
            trialMu = swap;
            swap = res;
            res = trialRes;
            trialRes = swap;
            lambda = Math.max(lambda / 10, 1e-12);
          } else {
            lambda *= 10;
            if (lambda > TensorFitter.NLLS_MAX_DAMPING) {
              break iterations;
            }
          }
        }
        double largestParameter = 0;
        for (int c = 0; c < 7; c++) {
          largestParameter = Math.max(largestParameter, Math.abs(pl[c] * scale[c]));
        }
        if (largestStep <= TensorFitter.NLLS_STEP_TOLERANCE * (1 + largestParameter)
            || decrease <= TensorFitter.NLLS_COST_TOLERANCE * cost) {
          break;
        }
      }
    }
    for (int c = 0; c < 7; c++) {
      p[c][b] = pl[c];
    }
  }

  /** t_i = fma chain over c of design[i][c]·q_c (the unscaled parameters), as {@link #predict} with q = p. */
  private void predictLog(double[] q, double[] out) {
    double[] d = model.design();
    for (int i = 0; i < n; i++) {
      double acc = 0;
      for (int c = 0; c < 7; c++) {
        acc = Math.fma(d[7 * i + c], q[c], acc);
      }
      out[i] = acc;
    }
  }

  private static void square(double[] x, double[] out, int n) {
    for (int i = 0; i < n; i++) {
      out[i] = x[i] * x[i];
    }
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
   * m[q] = Σ_i w_i·outer[i][q] for the 28 packed products, in two passes of 14 sums kept side by
   * side (independent dependency chains, all in registers): one voxel's NLLS iterations.
   */
  private static void normalMatrix(double[] outer, double[] w, int n, double[] m) {
    for (int half = 0; half < 28; half += 14) {
      double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0;
      double s7 = 0, s8 = 0, s9 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      for (int i = 0; i < n; i++) {
        double wi = w[i];
        int b = 28 * i + half;
        s0 += wi * outer[b];
        s1 += wi * outer[b + 1];
        s2 += wi * outer[b + 2];
        s3 += wi * outer[b + 3];
        s4 += wi * outer[b + 4];
        s5 += wi * outer[b + 5];
        s6 += wi * outer[b + 6];
        s7 += wi * outer[b + 7];
        s8 += wi * outer[b + 8];
        s9 += wi * outer[b + 9];
        s10 += wi * outer[b + 10];
        s11 += wi * outer[b + 11];
        s12 += wi * outer[b + 12];
        s13 += wi * outer[b + 13];
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

  /** r[c] = Σ_i w_i·y_i·xs[i][c] (xs: the scaled design). */
  private static void rightHandSide(double[] xs, double[] w, double[] y, int n, double[] r) {
    double r0 = 0, r1 = 0, r2 = 0, r3 = 0, r4 = 0, r5 = 0, r6 = 0;
    for (int i = 0; i < n; i++) {
      double wy = w[i] * y[i];
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
}
