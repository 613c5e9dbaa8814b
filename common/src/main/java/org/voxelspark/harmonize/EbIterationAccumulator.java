package org.voxelspark.harmonize;

import java.io.Serializable;

/**
 * The extra reduction that {@link ComBatConvention#NEUROCOMBAT_COMPATIBLE} parametric EB needs:
 * neuroCombat iterates all features of a site together and stops at the first iteration t at which
 * the largest ratio over the site's features is ≤ 1e-4, so every feature's result depends on the
 * iteration count T of its site, which depends on every feature.
 *
 * <p>Each feature's iteration needs only its pass-1 moments and the priors (O(1) per iteration), so
 * this pass reads {@link ComBatBlockFit}s, not the data. For each site it keeps four bit sets over t:
 * some feature's γ ratio NaN, some feature's δ² ratio NaN, some feature's γ ratio above the
 * threshold, same for δ². neuroCombat continues after iteration t exactly when the γ ratios have no
 * NaN and either the γ ratios or (if they have no NaN) the δ² ratios exceed the threshold
 * ({@code max(gmax, dmax)} with NumPy's NaN-propagating {@code max} inside Python's {@code max});
 * T is the first t at which it does not. Combine is a bitwise OR, so any split gives the same T.
 *
 * <p>A feature records up to {@link #RECORD_WINDOW} iterations after its own ratios first allow
 * stopping. Pass 2 iterates exactly T times and checks each feature's own ratios at T; a feature
 * that would still force continuation there (so neuroCombat's T would have been larger) is reported
 * as {@link ComBatFeatureStatus#NOT_CONVERGED}. When no feature is so reported, T is exactly
 * neuroCombat's (every earlier t was a recorded, real exceedance).
 */
public final class EbIterationAccumulator implements Serializable {
  private static final long serialVersionUID = 1L;
  /** Iterations recorded past a feature's own stopping point. */
  public static final int RECORD_WINDOW = 64;

  private final ComBatPriors priors;
  private final double tolerance;
  private final int referenceIndex;
  private final int cap;
  private final long[][] gNaN;
  private final long[][] dNaN;
  private final long[][] gAbove;
  private final long[][] dAbove;

  EbIterationAccumulator(ComBat combat, ComBatPriors priors) {
    this.priors = priors;
    this.tolerance = combat.options().ebTolerance();
    this.referenceIndex = combat.referenceIndex();
    this.cap = combat.options().ebMaxIterations();
    int nb = priors.batchNames.length;
    int words = (cap >>> 6) + 1;
    gNaN = new long[nb][words];
    dNaN = new long[nb][words];
    gAbove = new long[nb][words];
    dAbove = new long[nb][words];
  }

  /** Iterates every adjusted feature of {@code fit} in every used, non-reference site. */
  public EbIterationAccumulator accept(ComBatBlockFit fit) {
    int v = fit.featureCount();
    for (int b = 0; b < priors.batchNames.length; b++) {
      if (b == referenceIndex) {
        continue;
      }
      for (int f = 0; f < v; f++) {
        int i = b * v + f;
        if (!ComBatFeatureStatus.ofCode(fit.status[f]).adjusted() || fit.batchState[i] != ComBatBatchState.USED.code()) {
          continue;
        }
        EbMath.recordNeuroCombat(fit.gammaHat[i], fit.deltaHat[i], fit.finiteCount[i], fit.withinSs[i],
            fit.batchMean[i], priors.gammaBar[b], priors.tau2[b], priors.aPrior[b], priors.bPrior[b], tolerance, cap,
            RECORD_WINDOW, gNaN[b], dNaN[b], gAbove[b], dAbove[b]);
      }
    }
    return this;
  }

  /** ORs {@code other}'s records into this one. */
  public EbIterationAccumulator combine(EbIterationAccumulator other) {
    for (int b = 0; b < gNaN.length; b++) {
      for (int w = 0; w < gNaN[b].length; w++) {
        gNaN[b][w] |= other.gNaN[b][w];
        dNaN[b][w] |= other.dNaN[b][w];
        gAbove[b][w] |= other.gAbove[b][w];
        dAbove[b][w] |= other.dAbove[b][w];
      }
    }
    return this;
  }

  /**
   * neuroCombat's iteration count T per site, in [1, max iterations] (1 for the reference site and
   * for a site without features); pass it to {@link ComBatPriors#withIterationCounts}.
   */
  public int[] finish() {
    int[] counts = new int[gNaN.length];
    for (int b = 0; b < counts.length; b++) {
      int t = 1;
      while (t < cap && continues(b, t)) {
        t++;
      }
      counts[b] = t;
    }
    return counts;
  }

  private boolean continues(int b, int t) {
    long bit = 1L << (t & 63);
    int w = t >>> 6;
    boolean gn = (gNaN[b][w] & bit) != 0;
    boolean dn = (dNaN[b][w] & bit) != 0;
    boolean ga = (gAbove[b][w] & bit) != 0;
    boolean da = (dAbove[b][w] & bit) != 0;
    return !gn && (ga || (!dn && da));
  }
}
