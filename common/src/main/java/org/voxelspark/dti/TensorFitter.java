package org.voxelspark.dti;

/**
 * Fits the diffusion tensor of a {@link TensorModel} to voxels' signals, one voxel or a batch at a
 * time, with preallocated scratch space: nothing is allocated per voxel. Not thread-safe: one per
 * thread.
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
 *
 * <p><b>Batches.</b> Voxels are fitted in batches (structure of arrays: one row per sample, one lane
 * per voxel), so that one SIMD instruction processes the same sample of several voxels. A voxel's
 * outputs are the same bits whether it is fitted alone ({@link #fit(float[], int, double[], int)}) or
 * in any batch ({@link #fit(float[], int[], int, int, double[], int)}), whatever the other voxels,
 * and whichever implementation runs (see below): every voxel follows this arithmetic contract,
 * operation for operation (fma = {@link Math#fma}; sums as written, left to right):
 * <ol>
 *   <li>x_i = the sample as a double, raised to the floor (max); y_i = ln x_i by {@link
 *       org.voxelspark.math.LogExp} (fdlibm's algorithm; {@link Math#log} for the whole voxel if one
 *       x_i is outside its fast domain; every output NaN if one is not finite);
 *   <li>OLS: p_c = fma(pinv[c][n−1], y_{n−1}, … fma(pinv[c][0], y_0, 0));
 *   <li>predicted weights: t_i = fma(B[i][6], 2p_6, … fma(B[i][0], 2p_0, 0)), w_i = exp(t_i) by
 *       LogExp (fdlibm's; {@link Math#exp} outside [{@value org.voxelspark.math.LogExp#EXP_MIN},
 *       {@value org.voxelspark.math.LogExp#EXP_MAX}]); IWLS's first weights w_i = x_i·x_i;
 *   <li>weighted normal equations of the design scaled by powers of two (X = B·diag(1/s)):
 *       M_q = fma chain over i of w_i·(X_ia·X_ib) for the 28 pairs a ≤ b, R_c = fma chain of
 *       (w_i·y_i)·X_ic, i ascending from 0; Cholesky with fma updates and reciprocal pivots (each
 *       pivot must exceed {@link #MIN_RELATIVE_PIVOT} × its diagonal entry, else Householder QR of
 *       the weighted design), p_c = z_c/s_c;
 *   <li>S0 = exp(p_6) by LogExp; the eigen-decomposition by {@link
 *       org.voxelspark.linalg.SymmetricEigen3} (bit-identical in its batch form); the eigenvalue
 *       floor (max), then the definitions above.
 * </ol>
 * NLLS iterates one voxel at a time from the batch's OLS estimate.
 *
 * <p><b>Implementations</b>, chosen once per JVM: with {@code --add-modules jdk.incubator.vector}
 * (the tests and the launchers pass it), the JDK's incubating Vector API ({@code VectorTensorBatch}:
 * a vector holds the same sample of 4–8 voxels, accumulators in registers; bit reinterpretation for
 * the log and exp in vector registers); otherwise, or with the system property
 * {@code voxelspark.tensor=plain}, plain loops over the lanes that HotSpot C2 auto-vectorises
 * ({@code PlainTensorBatch}). Both follow the contract, so results do not depend on the choice
 * ({@code TensorFitterTest} checks every output bit for bit); only the speed does
 * ({@code docs/benchmarks.md}). {@link #implementation()} names the one in use.
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
  private static final boolean VECTOR = vectorAvailable() && !"plain".equals(System.getProperty("voxelspark.tensor"));
  private final TensorBatch batch;
  private final int[] single = new int[1];

  /** A fitter with this JVM's implementation (see the class doc). */
  public TensorFitter(TensorModel model) {
    this(model, VECTOR);
  }

  /** A fitter with the Vector API implementation (vector true; it must be available) or the plain loops. */
  TensorFitter(TensorModel model, boolean vector) {
    batch = vector ? vectorBatch(model) : new PlainTensorBatch(model);
  }

  /** A fitter with the plain loops, whatever the JVM (for benchmarks and checks). */
  public static TensorFitter plain(TensorModel model) {
    return new TensorFitter(model, false);
  }

  /** A fitter with the Vector API implementation, or null when the JVM lacks {@code jdk.incubator.vector}. */
  public static TensorFitter vector(TensorModel model) {
    return vectorAvailable() ? new TensorFitter(model, true) : null;
  }

  /** Whether the Vector API implementation loads (the module is present and its classes link). */
  private static boolean vectorAvailable() {
    if (!org.voxelspark.math.VectorApi.available() || org.voxelspark.math.LogExp.vectorColumns(1) == null
        || org.voxelspark.linalg.SymmetricEigen3.vectorBatch() == null) {
      return false;
    }
    try {
      Class.forName(VECTOR_BATCH);
      return true;
    } catch (ReflectiveOperationException | LinkageError e) {
      return false;
    }
  }

  private static final String VECTOR_BATCH = "org.voxelspark.dti.VectorTensorBatch";

  private static TensorBatch vectorBatch(TensorModel model) {
    TensorBatch b = org.voxelspark.math.VectorApi.instance(VECTOR_BATCH, TensorBatch.class, new Class<?>[] {TensorModel.class}, model);
    if (b == null) {
      throw new IllegalStateException("the Vector API tensor fit needs --add-modules jdk.incubator.vector");
    }
    return b;
  }

  /** The implementation this JVM uses, e.g. "Vector API, 512-bit, 16 voxels per batch". */
  public static String implementation() {
    return VECTOR ? "Vector API" : "plain loops (C2 auto-vectorised)";
  }

  /** This fitter's implementation, with its batch size. */
  public String name() {
    return batch.name();
  }

  /** The engine (for tests). */
  TensorBatch batch() {
    return batch;
  }

  /** Voxels fitted per batch (any count may be passed; larger counts are fitted batch by batch). */
  public int batchSize() {
    return batch.capacity;
  }

  /**
   * Fits the voxel whose n samples are {@code signal[offset .. offset+n)} and writes
   * {@value #OUTPUTS} values to {@code out[outOffset ..]}.
   */
  public void fit(float[] signal, int offset, double[] out, int outOffset) {
    single[0] = offset;
    batch.fit(signal, single, 0, 1, out, outOffset);
  }

  /**
   * Fits {@code count} voxels: voxel b's n samples are {@code series[offsets[from + b] .. + n)}, its
   * {@value #OUTPUTS} outputs go to {@code out[outOffset + b·OUTPUTS ..]}. The same bits as fitting
   * each voxel alone.
   */
  public void fit(float[] series, int[] offsets, int from, int count, double[] out, int outOffset) {
    int capacity = batch.capacity;
    for (int b = 0; b < count; b += capacity) {
      batch.fit(series, offsets, from + b, Math.min(capacity, count - b), out, outOffset + b * OUTPUTS);
    }
  }
}
