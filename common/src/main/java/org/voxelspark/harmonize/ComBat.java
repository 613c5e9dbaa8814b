package org.voxelspark.harmonize;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * ComBat harmonisation of many features (voxels) measured in several sites (batches), protecting
 * biological covariates: Johnson, Li &amp; Rabinovic 2007 (Biostatistics 8:118), as adapted to
 * imaging by Fortin et al. 2017 (NeuroImage 161:149; 2018, NeuroImage 167:104). Reference
 * implementation: neuroCombat 0.2.12 (Python); {@link ComBatConvention} says where and why ours
 * differs, and {@code docs/harmonization-and-meta.md} gives the full specification.
 *
 * <p><b>Model</b>, feature f, subject s of site b: {@code y = α + x_s·β + γ_b + δ_b ε}. The fit
 * standardises each feature by its grand mean, covariate effects and pooled variance
 * ({@link ComBatBlockFit}), estimates each site's location γ̂ and scale δ̂² on the standardised data,
 * shrinks them by empirical Bayes ({@link EmpiricalBayes}) and maps every site onto the pooled
 * distribution ({@link ComBatModel} gives the formula). Covariates are protected: their fitted
 * effects are kept.
 *
 * <p><b>Inputs.</b> Per subject a site label (sites are ordered by {@link String#compareTo}, as
 * neuroCombat's {@code np.unique} orders them) and a numeric covariate row of q values already
 * coded by the caller, with <em>no intercept column</em> (the site indicators are the intercepts):
 * a categorical covariate with L levels as L − 1 treatment (0/1 dummy) columns, a continuous one as
 * its value. The harmonised data do not depend on which level is the baseline or on centring a
 * continuous covariate (both change only the reported grand mean); neuroCombat drops the first level
 * in sorted order and does not centre. Data blocks are subject-major, {@code data[s·v + f]} for
 * subject s (in the order given to {@link #of}) and the block's feature f — the layout of the group
 * stage's blocks and of the GLM kernel — with NaN for a missing value.
 *
 * <p><b>Two passes, Spark-shaped</b> (all objects are {@link Serializable}; this engine is built once
 * on the driver and broadcast):
 * <ol>
 *   <li>pass 1, per block: {@link #fitBlock} → {@link ComBatBlockFit};
 *   <li>reduction over all blocks: {@link #newPriorAccumulator()}, {@code accept}/{@code combine},
 *       {@code finish} on the driver → {@link ComBatPriors} (broadcast);
 *   <li>only if {@link #needsIterationPass()} (neuroCombat-compatible parametric EB): per block
 *       {@link #newIterationAccumulator} {@code accept} the block fits (no data needed),
 *       {@code combine}, {@code finish}, then {@link ComBatPriors#withIterationCounts};
 *   <li>pass 2, per block: {@link #adjustBlock} with the block's data and its pass-1 fit (kept from
 *       pass 1, or recomputed by {@link #fitBlock}: it is deterministic) → the harmonised block and
 *       the block's {@link ComBatModel}; {@link ComBatModel#concat} joins the blocks' models.
 * </ol>
 * The result does not depend on how the features are cut into blocks (tested), except through the
 * rounding of the reduction (relative 1e-15). {@link #harmonize} runs the whole protocol locally.
 *
 * <p><b>Non-parametric EB at scale.</b> Each feature's estimate is a weighted mean over all
 * <em>other</em> features' (γ̂, δ̂²) of the same site, so pass 2 needs those vectors: the accumulator
 * gathers them (28 bytes per feature and site, 56 MB at 200 000 voxels × 10 sites) into the
 * broadcast priors, and each feature skips its own entry by its global id. The work is
 * O(features²·sites) exponentials (4·10¹¹ at that size), against O(features·subjects) for the
 * parametric EB.
 *
 * <p>Thread-safe and immutable; each call allocates its own workspace (none per feature).
 */
public final class ComBat implements Serializable {
  private static final long serialVersionUID = 1L;

  private final ComBatDesign design;
  private final ComBatOptions options;

  private ComBat(ComBatDesign design, ComBatOptions options) {
    this.design = design;
    this.options = options;
  }

  /**
   * Validates and factors the design once.
   *
   * @param source the file or option the subjects and covariates come from, for error messages
   * @param subjects subject ids, n of them (for messages)
   * @param batchLabels site label of each subject
   * @param covariateNames the q covariate column names (null or empty for none)
   * @param covariates {@code n × q} subject-major {@code [s·q + j]}, coded as in the class comment
   * @throws org.voxelspark.error.UserInputException naming {@code source} if a subject has no site
   *     or a non-finite covariate, a site has fewer than 2 subjects, the reference site is unknown,
   *     no residual degree of freedom is left, or a covariate is collinear with the sites and the
   *     covariates before it (all problems found are listed together)
   */
  public static ComBat of(String source, String[] subjects, String[] batchLabels, String[] covariateNames,
      double[] covariates, ComBatOptions options) {
    return new ComBat(ComBatDesign.of(source, subjects, batchLabels, covariateNames, covariates, options), options);
  }

  public ComBatOptions options() {
    return options;
  }

  /** Number of subjects n. */
  public int subjectCount() {
    return design.n;
  }

  /** Site labels in model order. */
  public String[] batchNames() {
    return design.batchNames.clone();
  }

  /** Index of the reference site, or −1. */
  public int referenceIndex() {
    return design.referenceIndex;
  }

  /** Covariates as used by the fit ({@code n × q}, float32-rounded under the neuroCombat convention). */
  public double[] covariates() {
    return design.covariates.clone();
  }

  /** An empty accumulator for the reduction between the passes. */
  public ComBatPriorAccumulator newPriorAccumulator() {
    return new ComBatPriorAccumulator(design.batchNames, design.referenceIndex, options.empiricalBayes(),
        options.adjustment());
  }

  /** True when pass 2 needs the iteration counts of {@link EbIterationAccumulator} first. */
  public boolean needsIterationPass() {
    return options.convention() == ComBatConvention.NEUROCOMBAT_COMPATIBLE
        && options.empiricalBayes() == EmpiricalBayes.PARAMETRIC
        && options.adjustment() == ComBatAdjustment.MEAN_AND_VARIANCE;
  }

  /** An empty accumulator of neuroCombat's iteration counts, for these priors. */
  public EbIterationAccumulator newIterationAccumulator(ComBatPriors priors) {
    if (!needsIterationPass()) {
      throw new IllegalStateException("the iteration pass is only for neuroCombat-compatible parametric EB");
    }
    return new EbIterationAccumulator(this, priors);
  }

  /**
   * Pass 1 for a block of features.
   *
   * @param firstFeature global id of the block's first feature (ids must be unique across blocks;
   *     the non-parametric EB uses them to leave each feature out of its own prior)
   * @param featureCount v, the features in the block
   * @param data {@code n × v} subject-major {@code [s·v + f]}; non-finite values are missing
   */
  public ComBatBlockFit fitBlock(int firstFeature, int featureCount, double[] data) {
    int n = design.n;
    if (data.length != (long) featureCount * n) {
      throw new IllegalArgumentException("block has " + data.length + " values, expected " + featureCount
          + " features × " + n + " subjects");
    }
    ComBatBlockFit fit = new ComBatBlockFit(firstFeature, featureCount, design.batchCount, design.q);
    Workspace w = new Workspace(design.batchCount, design.q, n);
    TileKernels.Pass1 t = new TileKernels.Pass1(design.batchCount, design.q);
    boolean[] fast = new boolean[TileKernels.TILE];
    for (int f0 = 0; f0 < featureCount; f0 += TileKernels.TILE) {
      int width = Math.min(TileKernels.TILE, featureCount - f0);
      fitTile(data, featureCount, f0, width, fit, t, w, fast);
    }
    return fit;
  }

  /**
   * Pass 1 of a tile: features with every value finite and every site used (the common case) by the
   * vectorised tile loops; the others one by one ({@link #fitFeature}).
   */
  private void fitTile(double[] data, int v, int f0, int width, ComBatBlockFit fit, TileKernels.Pass1 t,
      Workspace w, boolean[] fast) {
    int n = design.n;
    int q = design.q;
    int nb = design.batchCount;
    int tile = TileKernels.TILE;
    TileKernels.moments(data, v, f0, width, n, design.batchOf, design.siteOrder, design.betaProjector, q, t);
    boolean anyFast = false;
    for (int k = 0; k < width; k++) {
      boolean ok = true;
      for (int b = 0; b < nb; b++) {
        int o = b * tile + k;
        ok &= t.check[o] == 0 && t.spread[o] > 0;
      }
      fast[k] = ok;
      anyFast |= ok;
      if (ok) {
        for (int b = 0; b < nb; b++) {
          double a = t.sum[b * tile + k] / design.siteOrder.size(b);
          for (int j = 0; j < q; j++) {
            a -= design.covariateBatchMean[b * q + j] * t.beta[j * tile + k];
          }
          t.alpha[b * tile + k] = a;
        }
      }
    }
    if (anyFast) {
      TileKernels.residuals(data, v, f0, width, n, design.batchOf, design.covariates, q, t);
    }
    for (int k = 0; k < width; k++) {
      int f = f0 + k;
      if (!fast[k]) {
        design.siteOrder.gatherColumn(data, f, v, w.ys);
        fitFeature(f, fit, w);
        continue;
      }
      for (int b = 0; b < nb; b++) {
        int o = b * tile + k;
        w.count[b] = design.siteOrder.size(b);
        w.usable[b] = true;
        w.alpha[b] = t.alpha[o];
        w.rsum[b] = t.rsum[o];
        w.r2sum[b] = t.r2sum[o];
        fit.batchState[b * fit.featureCount() + f] = (byte) ComBatBatchState.USED.code();
      }
      for (int j = 0; j < q; j++) {
        w.betaF[j] = t.beta[j * tile + k];
      }
      record(f, fit, w, finishMoments(f, fit, w, ComBatFeatureStatus.HARMONIZED));
    }
  }

  /**
   * Pass 2 for a block: the empirical-Bayes estimates of every feature and site, and the harmonised
   * data.
   *
   * @param fit the block's pass-1 fit (from the same data)
   * @param priors the finished reduction over all blocks (with iteration counts if
   *     {@link #needsIterationPass()})
   * @param data the block's data, as given to {@link #fitBlock}
   * @param out receives the harmonised block, same layout; may be {@code data} itself
   * @return the block's fitted model (its {@link ComBatModel#status} includes pass 2's
   *     {@link ComBatFeatureStatus#NOT_CONVERGED})
   */
  public ComBatModel adjustBlock(ComBatBlockFit fit, ComBatPriors priors, double[] data, double[] out) {
    int n = design.n;
    int v = fit.featureCount();
    int nb = design.batchCount;
    if (data.length != (long) v * n || out.length != data.length) {
      throw new IllegalArgumentException("data/out have " + data.length + "/" + out.length + " values, expected "
          + v + " features × " + n + " subjects");
    }
    if (needsIterationPass() && priors.iterations == null) {
      throw new IllegalStateException("neuroCombat-compatible parametric EB needs the iteration counts "
          + "(EbIterationAccumulator) before pass 2");
    }
    double[] gammaStar = new double[nb * v];
    double[] deltaStar = new double[nb * v];
    byte[] status = fit.status.clone();
    double[] est = new double[2];
    int scratchSize = 0;
    if (priors.npIds != null) {
      for (int[] ids : priors.npIds) {
        scratchSize = Math.max(scratchSize, ids.length);
      }
    }
    double[] scratch = new double[scratchSize];
    double tol = options.ebTolerance();
    boolean meanOnly = options.adjustment() == ComBatAdjustment.MEAN_ONLY;
    TileKernels.Pass2 p = new TileKernels.Pass2(nb, design.q);
    for (int f0 = 0; f0 < v; f0 += TileKernels.TILE) {
      int width = Math.min(TileKernels.TILE, v - f0);
      for (int k = 0; k < width; k++) {
        int f = f0 + k;
        estimateFeature(fit, priors, f, gammaStar, deltaStar, status, est, scratch, tol, meanOnly);
        TileKernels.setParameters(p, k, nb, design.q, status[f], fit.grandMean[f], fit.varPooled[f], fit.beta,
            gammaStar, deltaStar, fit.batchState, f, v, design.referenceIndex);
      }
      TileKernels.harmonize(data, out, v, f0, width, n, design.batchOf, design.siteOrder, design.covariates,
          design.q, p);
    }
    return new ComBatModel(design.batchNames, design.referenceIndex, design.covariateNames, options.convention(),
        fit.firstFeature(), v, fit.grandMean, fit.varPooled, fit.beta, gammaStar, deltaStar, status,
        fit.batchState, priors.gammaBar, priors.tau2, priors.aPrior, priors.bPrior);
  }

  /** The EB estimates γ*, δ*² of feature f in every site (and NOT_CONVERGED in {@code status}). */
  private void estimateFeature(ComBatBlockFit fit, ComBatPriors priors, int f, double[] gammaStar,
      double[] deltaStar, byte[] status, double[] est, double[] scratch, double tol, boolean meanOnly) {
    int v = fit.featureCount();
    int nb = design.batchCount;
    boolean adjusted = ComBatFeatureStatus.ofCode(status[f]).adjusted();
    boolean converged = true;
    for (int b = 0; b < nb; b++) {
      int i = b * v + f;
      if (!adjusted || fit.batchState[i] != ComBatBatchState.USED.code()) {
        gammaStar[i] = Double.NaN;
        deltaStar[i] = Double.NaN;
        continue;
      }
      if (b == design.referenceIndex) {
        gammaStar[i] = 0;
        deltaStar[i] = 1;
        continue;
      }
      double gHat = fit.gammaHat[i];
      double dHat = fit.deltaHat[i];
      double cnt = fit.finiteCount[i];
      switch (options.empiricalBayes()) {
        case NONE -> {
          gammaStar[i] = gHat;
          deltaStar[i] = dHat;
        }
        case PARAMETRIC -> {
          if (meanOnly) {
            gammaStar[i] = EbMath.postMean(gHat, priors.gammaBar[b], 1, 1, priors.tau2[b]);
            deltaStar[i] = 1;
          } else {
            boolean ok = options.convention() == ComBatConvention.NEUROCOMBAT_COMPATIBLE
                ? EbMath.parametricFixedCount(gHat, dHat, cnt, fit.withinSs[i], fit.batchMean[i],
                    priors.gammaBar[b], priors.tau2[b], priors.aPrior[b], priors.bPrior[b], tol,
                    priors.iterations[b], est)
                : EbMath.parametric(gHat, dHat, cnt, fit.withinSs[i], fit.batchMean[i], priors.gammaBar[b],
                    priors.tau2[b], priors.aPrior[b], priors.bPrior[b], tol, options.ebMaxIterations(), est);
            converged &= ok;
            gammaStar[i] = est[0];
            deltaStar[i] = est[1];
          }
        }
        case NON_PARAMETRIC -> {
          int self = Arrays.binarySearch(priors.npIds[b], fit.firstFeature() + f);
          EbMath.nonParametric(cnt, fit.withinSs[i], fit.batchMean[i], priors.npGamma[b], priors.npDelta[b],
              priors.npLogDelta[b], priors.npInvDelta[b], self < 0 ? -1 : self, scratch, est);
          gammaStar[i] = est[0];
          deltaStar[i] = meanOnly ? 1 : est[1];
        }
        default -> throw new IllegalStateException("unknown EB " + options.empiricalBayes());
      }
    }
    if (!converged) {
      status[f] = (byte) ComBatFeatureStatus.NOT_CONVERGED.code();
    }
  }

  /** The result of {@link #harmonize}: the whole model, the harmonised data, the priors, the pass-1 fits. */
  public record Result(ComBatModel model, double[] harmonized, ComBatPriors priors, List<ComBatBlockFit> fits) {}

  /**
   * Runs the whole protocol locally on a subject-major {@code n × featureCount} matrix
   * {@code [s·featureCount + f]}, cut into blocks of {@code blockSize} consecutive features (each
   * block's accumulators are combined into the first, as a Spark reduction would).
   */
  public Result harmonize(double[] data, int featureCount, int blockSize) {
    int n = design.n;
    if (blockSize < 1) {
      throw new IllegalArgumentException("block size must be >= 1");
    }
    if (data.length != (long) featureCount * n) {
      throw new IllegalArgumentException("data have " + data.length + " values, expected " + n + " subjects × "
          + featureCount + " features");
    }
    List<ComBatBlockFit> fits = new ArrayList<>();
    List<double[]> blocks = new ArrayList<>();
    ComBatPriorAccumulator acc = newPriorAccumulator();
    for (int start = 0; start < featureCount; start += blockSize) {
      int v = Math.min(blockSize, featureCount - start);
      double[] block = new double[n * v];
      for (int s = 0; s < n; s++) {
        System.arraycopy(data, s * featureCount + start, block, s * v, v);
      }
      ComBatBlockFit fit = fitBlock(start, v, block);
      fits.add(fit);
      blocks.add(block);
      acc.combine(newPriorAccumulator().accept(fit));
    }
    ComBatPriors priors = acc.finish();
    if (needsIterationPass()) {
      EbIterationAccumulator it = newIterationAccumulator(priors);
      for (ComBatBlockFit fit : fits) {
        it.combine(newIterationAccumulator(priors).accept(fit));
      }
      priors = priors.withIterationCounts(it.finish());
    }
    double[] out = new double[data.length];
    List<ComBatModel> models = new ArrayList<>();
    for (int k = 0; k < fits.size(); k++) {
      ComBatBlockFit fit = fits.get(k);
      int v = fit.featureCount();
      double[] harmonised = new double[blocks.get(k).length];
      models.add(adjustBlock(fit, priors, blocks.get(k), harmonised));
      for (int s = 0; s < n; s++) {
        System.arraycopy(harmonised, s * v, out, s * featureCount + fit.firstFeature(), v);
      }
    }
    return new Result(ComBatModel.concat(models), out, priors, fits);
  }

  /** Per-call scratch space of {@link #fitBlock} and {@link #adjustBlock}. */
  private static final class Workspace {
    final int[] count;
    final double[] ysum;
    final boolean[] usable;
    final double[] alpha;
    final double[] betaF;
    final double[] rsum;
    final double[] r2sum;
    final double[] xmean;
    final double[] gram;
    final double[] rhs;
    /** One feature's values in site order. */
    final double[] ys;
    /** Its covariate effect x·β per position. */
    final double[] xb;

    Workspace(int nb, int q, int n) {
      count = new int[nb];
      ysum = new double[nb];
      usable = new boolean[nb];
      alpha = new double[nb];
      betaF = new double[q];
      rsum = new double[nb];
      r2sum = new double[nb];
      xmean = new double[nb * q];
      gram = new double[q * q];
      rhs = new double[q];
      ys = new double[n];
      xb = new double[n];
    }
  }

  /**
   * Pass 1 of one feature with missing values or unusable sites (the general path), its values in
   * site order in {@code w.ys}.
   */
  private void fitFeature(int f, ComBatBlockFit fit, Workspace w) {
    int n = design.n;
    int q = design.q;
    int nb = design.batchCount;
    int v = fit.featureCount();
    int[] start = design.siteOrder.start;
    double[] ys = w.ys;
    int usableCount = 0;
    for (int b = 0; b < nb; b++) {
      int cnt = 0;
      boolean varied = false;
      double sum = 0;
      double first = 0;
      for (int i = start[b]; i < start[b + 1]; i++) {
        double y = ys[i];
        if (Double.isFinite(y)) {
          if (cnt == 0) {
            first = y;
          } else if (y != first) {
            varied = true;
          }
          cnt++;
          sum += y;
        }
      }
      ComBatBatchState state = cnt == 0 ? ComBatBatchState.NO_DATA
          : cnt == 1 ? ComBatBatchState.ONE_VALUE : varied ? ComBatBatchState.USED : ComBatBatchState.CONSTANT;
      fit.batchState[b * v + f] = (byte) state.code();
      w.count[b] = cnt;
      w.ysum[b] = sum;
      w.usable[b] = state == ComBatBatchState.USED;
      if (w.usable[b]) {
        usableCount++;
      }
    }
    int ref = design.referenceIndex;
    ComBatFeatureStatus status = usableCount == nb ? ComBatFeatureStatus.HARMONIZED : ComBatFeatureStatus.PARTIAL;
    if (usableCount == 0) {
      status = ComBatFeatureStatus.CONSTANT;
    } else if (ref >= 0 && !w.usable[ref]) {
      status = ComBatFeatureStatus.REFERENCE_UNUSABLE;
    } else if (!fitPartial(w)) {
      status = ComBatFeatureStatus.TOO_FEW_VALUES;
    }
    if (status.adjusted()) {
      SiteOrder.covariateEffect(design.covariateColumns, q, n, w.betaF, 0, 1, w.xb);
      status = finishFeature(f, fit, w, status);
    }
    record(f, fit, w, status);
  }

  /** Stores the status of feature f; a feature left unchanged gets NaN estimates. */
  private void record(int f, ComBatBlockFit fit, Workspace w, ComBatFeatureStatus status) {
    int q = design.q;
    int nb = design.batchCount;
    int v = fit.featureCount();
    fit.status[f] = (byte) status.code();
    if (!status.adjusted()) {
      fit.grandMean[f] = Double.NaN;
      fit.varPooled[f] = Double.NaN;
      for (int j = 0; j < q; j++) {
        fit.beta[j * v + f] = Double.NaN;
      }
      for (int b = 0; b < nb; b++) {
        int i = b * v + f;
        fit.batchMean[i] = Double.NaN;
        fit.withinSs[i] = Double.NaN;
        fit.gammaHat[i] = Double.NaN;
        fit.deltaHat[i] = Double.NaN;
        fit.finiteCount[i] = w.count[b];
      }
    }
  }

  /** Least squares on the finite values of the usable sites; false if no residual df or collinear. */
  private boolean fitPartial(Workspace w) {
    int n = design.n;
    int q = design.q;
    int nb = design.batchCount;
    int[] start = design.siteOrder.start;
    double[] x = design.covariateColumns;
    double[] ys = w.ys;
    int m = 0;
    int sites = 0;
    for (int b = 0; b < nb; b++) {
      if (!w.usable[b]) {
        continue;
      }
      sites++;
      m += w.count[b];
      for (int j = 0; j < q; j++) {
        double sum = 0;
        for (int i = start[b]; i < start[b + 1]; i++) {
          if (Double.isFinite(ys[i])) {
            sum += x[j * n + i];
          }
        }
        w.xmean[b * q + j] = sum / w.count[b];
      }
    }
    if (m - sites - q < 1) {
      return false;
    }
    Arrays.fill(w.gram, 0);
    Arrays.fill(w.rhs, 0);
    for (int b = 0; b < nb; b++) {
      if (!w.usable[b]) {
        continue;
      }
      for (int i = start[b]; i < start[b + 1]; i++) {
        double y = ys[i];
        if (!Double.isFinite(y)) {
          continue;
        }
        for (int r = 0; r < q; r++) {
          double cr = x[r * n + i] - w.xmean[b * q + r];
          w.rhs[r] += cr * y;
          for (int c = 0; c <= r; c++) {
            w.gram[r * q + c] += cr * (x[c * n + i] - w.xmean[b * q + c]);
          }
        }
      }
    }
    if (SmallLinearAlgebra.cholesky(w.gram, q, ComBatDesign.COLLINEARITY_TOLERANCE) >= 0) {
      return false;
    }
    SmallLinearAlgebra.choleskySolve(w.gram, q, w.rhs);
    System.arraycopy(w.rhs, 0, w.betaF, 0, q);
    for (int b = 0; b < nb; b++) {
      if (!w.usable[b]) {
        continue;
      }
      double a = w.ysum[b] / w.count[b];
      for (int j = 0; j < q; j++) {
        a -= w.xmean[b * q + j] * w.betaF[j];
      }
      w.alpha[b] = a;
    }
    return true;
  }

  /** Residual moments of the used sites of feature f (values in site order in {@code w.ys}). */
  private ComBatFeatureStatus finishFeature(int f, ComBatBlockFit fit, Workspace w, ComBatFeatureStatus status) {
    int nb = design.batchCount;
    int[] start = design.siteOrder.start;
    double[] ys = w.ys;
    double[] xb = w.xb;
    for (int b = 0; b < nb; b++) {
      if (!w.usable[b]) {
        continue;
      }
      double a = w.alpha[b];
      double rs = 0;
      double r2 = 0;
      if (w.count[b] == start[b + 1] - start[b]) {
        double rs1 = 0;
        double r21 = 0;
        int i = start[b];
        int end = start[b + 1];
        for (; i + 1 < end; i += 2) {
          double r0 = ys[i] - a - xb[i];
          double r1 = ys[i + 1] - a - xb[i + 1];
          rs += r0;
          r2 += r0 * r0;
          rs1 += r1;
          r21 += r1 * r1;
        }
        if (i < end) {
          double r0 = ys[i] - a - xb[i];
          rs += r0;
          r2 += r0 * r0;
        }
        rs += rs1;
        r2 += r21;
      } else {
        for (int i = start[b]; i < start[b + 1]; i++) {
          double y = ys[i];
          if (Double.isFinite(y)) {
            double r = y - a - xb[i];
            rs += r;
            r2 += r * r;
          }
        }
      }
      w.rsum[b] = rs;
      w.r2sum[b] = r2;
    }
    return finishMoments(f, fit, w, status);
  }

  /**
   * From each used site's n_b, α_b, Σ r and Σ r² (in {@code w}): pooled variance, grand mean,
   * standardised per-site moments, γ̂, δ̂²; stores them for feature f and returns its status.
   */
  private ComBatFeatureStatus finishMoments(int f, ComBatBlockFit fit, Workspace w, ComBatFeatureStatus status) {
    int q = design.q;
    int nb = design.batchCount;
    int v = fit.featureCount();
    int total = 0;
    double r2all = 0;
    for (int b = 0; b < nb; b++) {
      if (w.usable[b]) {
        total += w.count[b];
        r2all += w.r2sum[b];
      }
    }
    int ref = design.referenceIndex;
    double grandMean;
    double varPooled;
    if (ref >= 0) {
      grandMean = w.alpha[ref];
      varPooled = w.r2sum[ref] / w.count[ref];
    } else {
      double gm = 0;
      for (int b = 0; b < nb; b++) {
        if (w.usable[b]) {
          gm += ((double) w.count[b] / total) * w.alpha[b];
        }
      }
      grandMean = gm;
      varPooled = r2all / total;
    }
    if (!(varPooled > 0) || !Double.isFinite(varPooled)) {
      return ComBatFeatureStatus.CONSTANT;
    }
    double sd = Math.sqrt(varPooled);
    boolean meanOnly = options.adjustment() == ComBatAdjustment.MEAN_ONLY;
    for (int b = 0; b < nb; b++) {
      int i = b * v + f;
      fit.finiteCount[i] = w.count[b];
      if (!w.usable[b]) {
        fit.batchMean[i] = Double.NaN;
        fit.withinSs[i] = Double.NaN;
        continue;
      }
      double rbar = w.rsum[b] / w.count[b];
      fit.batchMean[i] = (w.alpha[b] - grandMean + rbar) / sd;
      double ss = Math.max(0, w.r2sum[b] - w.count[b] * rbar * rbar) / varPooled;
      fit.withinSs[i] = ss;
      if (!(ss > 0) && !meanOnly) {
        return ComBatFeatureStatus.ZERO_SITE_VARIANCE;
      }
    }
    double refMean = ref >= 0 ? fit.batchMean[ref * v + f] : 0;
    for (int b = 0; b < nb; b++) {
      int i = b * v + f;
      if (!w.usable[b]) {
        fit.gammaHat[i] = Double.NaN;
        fit.deltaHat[i] = Double.NaN;
        continue;
      }
      fit.gammaHat[i] = b == ref || ref < 0 ? fit.batchMean[i] : fit.batchMean[i] - refMean;
      fit.deltaHat[i] = meanOnly ? 1.0 : fit.withinSs[i] / (w.count[b] - 1);
    }
    fit.grandMean[f] = grandMean;
    fit.varPooled[f] = varPooled;
    for (int j = 0; j < q; j++) {
      fit.beta[j * v + f] = w.betaF[j];
    }
    return status;
  }
}
