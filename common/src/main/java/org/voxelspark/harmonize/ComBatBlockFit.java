package org.voxelspark.harmonize;

import java.io.Serializable;

/**
 * Pass 1 of ComBat for one block of features: the least-squares fit of every feature and its
 * standardised per-site moments ({@link ComBat#fitBlock}). Small (about {@code 2 + q + 6·sites}
 * numbers per feature), serializable, and deterministic: fitting the same block again gives the
 * same object, so pass 2 may either keep it (cache) or recompute it from the data.
 *
 * <p><b>Layouts.</b> Per-feature arrays have {@link #featureCount()} entries, feature {@code f} of the
 * block at index f (its global id is {@code firstFeature() + f}). Per-site arrays are site-major,
 * {@code [b·featureCount + f]}, sites in {@link ComBat#batchNames()} order. The covariate
 * coefficients are covariate-major, {@code [j·featureCount + f]}.
 *
 * <p><b>Definitions</b> (feature f, site b, finite values of the used sites only):
 * <ul>
 *   <li>{@code grandMean} = Σ_b (n_b/n) α_b over the used sites, or α_ref with a reference site;
 *   <li>{@code varPooled} σ̂² = (1/n) Σ residual² over the used sites (the 1/n divisor of Johnson
 *       2007 eq. 2.2, sva and neuroCombat), or over the reference site's subjects only;
 *   <li>standardised data {@code z_s = (y_s − grandMean − x_s·β) / σ̂};
 *   <li>{@code batchMean} z̄_b, {@code withinSs} Σ_b (z − z̄_b)², {@code finiteCount} n_b;
 *   <li>{@code gammaHat} γ̂_b = z̄_b (with a reference site r: γ̂_r = z̄_r and γ̂_b = z̄_b − z̄_r, the
 *       coefficients of neuroCombat's reference design);
 *   <li>{@code deltaHat} δ̂²_b = withinSs/(n_b − 1), or 1 for {@link ComBatAdjustment#MEAN_ONLY}.
 * </ul>
 * Features left unchanged ({@link ComBatFeatureStatus#adjusted()} false) and sites not used for a
 * feature have NaN in these arrays.
 */
public final class ComBatBlockFit implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int firstFeature;
  private final int featureCount;
  private final int batchCount;
  private final int covariateCount;
  final double[] grandMean;
  final double[] varPooled;
  final double[] beta;
  final double[] batchMean;
  final double[] withinSs;
  final int[] finiteCount;
  final double[] gammaHat;
  final double[] deltaHat;
  final byte[] batchState;
  final byte[] status;

  ComBatBlockFit(int firstFeature, int featureCount, int batchCount, int covariateCount) {
    this.firstFeature = firstFeature;
    this.featureCount = featureCount;
    this.batchCount = batchCount;
    this.covariateCount = covariateCount;
    int fb = featureCount * batchCount;
    grandMean = new double[featureCount];
    varPooled = new double[featureCount];
    beta = new double[featureCount * covariateCount];
    batchMean = new double[fb];
    withinSs = new double[fb];
    finiteCount = new int[fb];
    gammaHat = new double[fb];
    deltaHat = new double[fb];
    batchState = new byte[fb];
    status = new byte[featureCount];
  }

  /** Global id of the block's first feature. */
  public int firstFeature() {
    return firstFeature;
  }

  public int featureCount() {
    return featureCount;
  }

  public int batchCount() {
    return batchCount;
  }

  public int covariateCount() {
    return covariateCount;
  }

  /** Pass-1 status of feature f (pass 2 may still turn an adjusted feature into NOT_CONVERGED). */
  public ComBatFeatureStatus status(int f) {
    return ComBatFeatureStatus.ofCode(status[f]);
  }

  /** Whether site b was used for feature f. */
  public ComBatBatchState batchState(int b, int f) {
    return ComBatBatchState.ofCode(batchState[b * featureCount + f]);
  }

  public double gammaHat(int b, int f) {
    return gammaHat[b * featureCount + f];
  }

  public double deltaHat(int b, int f) {
    return deltaHat[b * featureCount + f];
  }

  /** Copies of the arrays described in the class comment. */
  public double[] grandMean() {
    return grandMean.clone();
  }

  public double[] varPooled() {
    return varPooled.clone();
  }

  public double[] beta() {
    return beta.clone();
  }

  public double[] gammaHat() {
    return gammaHat.clone();
  }

  public double[] deltaHat() {
    return deltaHat.clone();
  }

  public int[] finiteCount() {
    return finiteCount.clone();
  }
}
