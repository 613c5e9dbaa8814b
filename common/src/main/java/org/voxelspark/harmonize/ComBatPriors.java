package org.voxelspark.harmonize;

import java.io.Serializable;

/**
 * The reduction of pass 1 over all features: the empirical-Bayes hyper-parameters of each site,
 * the counts of feature statuses, and — for {@link EmpiricalBayes#NON_PARAMETRIC} — the per-site
 * vectors of every feature's γ̂ and δ̂² that the non-parametric prior is made of. Built by
 * {@link ComBatPriorAccumulator#finish()} on the driver and broadcast to pass 2.
 *
 * <p><b>Hyper-parameters</b> of site b (Johnson 2007 §3.1, method of moments over the features that
 * used the site, {@code F_b} of them): {@code γ̄_b = mean(γ̂_b·)}, {@code τ̄²_b = var(γ̂_b·)}
 * (divisor F_b − 1); with {@code m = mean(δ̂²_b·)} and {@code s² = var(δ̂²_b·)} (divisor F_b − 1),
 * {@code a_b = (2s² + m²)/s²} and {@code b_b = (m s² + m³)/s²}. a and b are NaN for
 * {@link ComBatAdjustment#MEAN_ONLY}. With a reference site the reference's own priors are
 * reported but never used (its δ̂² are all n_ref/(n_ref − 1), so its a and b are rounding noise).
 *
 * <p><b>Size.</b> Without the non-parametric vectors a few numbers per site. With them,
 * 28 bytes per feature and site (id, γ̂, δ̂², log δ̂², 1/δ̂²): 56 MB at 200 000 voxels × 10 sites,
 * small enough to broadcast.
 */
public final class ComBatPriors implements Serializable {
  private static final long serialVersionUID = 1L;

  final String[] batchNames;
  final double[] gammaBar;
  final double[] tau2;
  final double[] aPrior;
  final double[] bPrior;
  final long[] featureCounts;
  final long[] statusCounts;
  final long[] batchStateCounts;
  /** Non-parametric prior per site: ids ascending, and the matching γ̂, δ̂², log δ̂², 1/δ̂²; or null. */
  final int[][] npIds;
  final double[][] npGamma;
  final double[][] npDelta;
  final double[][] npLogDelta;
  final double[][] npInvDelta;
  /** neuroCombat-compatible iteration count per site (0 for the reference site), or null. */
  final int[] iterations;

  ComBatPriors(String[] batchNames, double[] gammaBar, double[] tau2, double[] aPrior, double[] bPrior,
      long[] featureCounts, long[] statusCounts, long[] batchStateCounts, int[][] npIds, double[][] npGamma,
      double[][] npDelta, int[] iterations) {
    this.batchNames = batchNames;
    this.gammaBar = gammaBar;
    this.tau2 = tau2;
    this.aPrior = aPrior;
    this.bPrior = bPrior;
    this.featureCounts = featureCounts;
    this.statusCounts = statusCounts;
    this.batchStateCounts = batchStateCounts;
    this.npIds = npIds;
    this.npGamma = npGamma;
    this.npDelta = npDelta;
    if (npDelta != null) {
      npLogDelta = new double[npDelta.length][];
      npInvDelta = new double[npDelta.length][];
      for (int b = 0; b < npDelta.length; b++) {
        npLogDelta[b] = new double[npDelta[b].length];
        npInvDelta[b] = new double[npDelta[b].length];
        for (int j = 0; j < npDelta[b].length; j++) {
          npLogDelta[b][j] = Math.log(npDelta[b][j]);
          npInvDelta[b][j] = 1.0 / npDelta[b][j];
        }
      }
    } else {
      npLogDelta = null;
      npInvDelta = null;
    }
    this.iterations = iterations;
  }

  /**
   * These priors with the site-wide iteration counts of the neuroCombat-compatible parametric EB
   * ({@link EbIterationAccumulator#finish()}), which pass 2 then uses.
   */
  public ComBatPriors withIterationCounts(int[] counts) {
    if (counts.length != batchNames.length) {
      throw new IllegalArgumentException(counts.length + " iteration counts for " + batchNames.length + " sites");
    }
    return new ComBatPriors(batchNames, gammaBar, tau2, aPrior, bPrior, featureCounts, statusCounts,
        batchStateCounts, npIds, npGamma, npDelta, counts.clone());
  }

  /** Site labels, in the order of every per-site array. */
  public String[] batchNames() {
    return batchNames.clone();
  }

  /** γ̄ per site. */
  public double[] gammaBar() {
    return gammaBar.clone();
  }

  /** τ̄² per site. */
  public double[] tau2() {
    return tau2.clone();
  }

  /** Inverse-gamma shape a per site (NaN for mean-only). */
  public double[] aPrior() {
    return aPrior.clone();
  }

  /** Inverse-gamma scale b per site (NaN for mean-only). */
  public double[] bPrior() {
    return bPrior.clone();
  }

  /** Number of features that used each site (and so entered its priors). */
  public long[] featureCounts() {
    return featureCounts.clone();
  }

  /** Pass-1 count of features per {@link ComBatFeatureStatus}, indexed by {@code code()}. */
  public long[] statusCounts() {
    return statusCounts.clone();
  }

  /** Count of features per site and {@link ComBatBatchState}: {@code [b·4 + state.code()]}. */
  public long[] batchStateCounts() {
    return batchStateCounts.clone();
  }

  /** The neuroCombat-compatible iteration counts, or null if not set. */
  public int[] iterationCounts() {
    return iterations == null ? null : iterations.clone();
  }
}
