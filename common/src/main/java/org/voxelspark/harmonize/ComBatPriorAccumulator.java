package org.voxelspark.harmonize;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.voxelspark.error.UserInputException;
import org.voxelspark.error.UserInputException.Problem;

/**
 * The reduction over all features between ComBat's two passes: accept every block's
 * {@link ComBatBlockFit}, combine partial accumulators in any order and grouping, finish on the
 * driver into {@link ComBatPriors}.
 *
 * <p>Per site it keeps the count, mean and centred sum of squares of γ̂ and of δ̂² (Welford's
 * update; partial states merged by Chan, Golub &amp; LeVeque's formula), so the result equals one
 * pass over all features up to rounding (relative 1e-15, tested); plus the status counts; plus, for
 * {@link EmpiricalBayes#NON_PARAMETRIC}, every used feature's (id, γ̂, δ̂²), sorted by id at
 * {@link #finish()}. Not thread-safe; Spark gives each task its own copy.
 */
public final class ComBatPriorAccumulator implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String[] batchNames;
  private final int referenceIndex;
  private final EmpiricalBayes eb;
  private final ComBatAdjustment adjustment;
  private final long[] count;
  private final double[] gMean;
  private final double[] gM2;
  private final double[] dMean;
  private final double[] dM2;
  private final long[] statusCounts = new long[ComBatFeatureStatus.values().length];
  private final long[] batchStateCounts;
  private final int[][] ids;
  private final double[][] gammas;
  private final double[][] deltas;
  private final int[] sizes;

  ComBatPriorAccumulator(String[] batchNames, int referenceIndex, EmpiricalBayes eb, ComBatAdjustment adjustment) {
    this.batchNames = batchNames;
    this.referenceIndex = referenceIndex;
    this.eb = eb;
    this.adjustment = adjustment;
    int nb = batchNames.length;
    count = new long[nb];
    gMean = new double[nb];
    gM2 = new double[nb];
    dMean = new double[nb];
    dM2 = new double[nb];
    batchStateCounts = new long[nb * ComBatBatchState.values().length];
    if (eb == EmpiricalBayes.NON_PARAMETRIC) {
      ids = new int[nb][16];
      gammas = new double[nb][16];
      deltas = new double[nb][16];
      sizes = new int[nb];
    } else {
      ids = null;
      gammas = null;
      deltas = null;
      sizes = null;
    }
  }

  /** Adds one block's pass-1 fit. */
  public ComBatPriorAccumulator accept(ComBatBlockFit fit) {
    if (fit.batchCount() != batchNames.length) {
      throw new IllegalArgumentException("fit has " + fit.batchCount() + " sites, accumulator " + batchNames.length);
    }
    int v = fit.featureCount();
    int states = ComBatBatchState.values().length;
    for (int f = 0; f < v; f++) {
      statusCounts[fit.status[f]]++;
      boolean adjusted = ComBatFeatureStatus.ofCode(fit.status[f]).adjusted();
      for (int b = 0; b < batchNames.length; b++) {
        int i = b * v + f;
        batchStateCounts[b * states + fit.batchState[i]]++;
        if (!adjusted || fit.batchState[i] != ComBatBatchState.USED.code()) {
          continue;
        }
        double g = fit.gammaHat[i];
        double d = fit.deltaHat[i];
        long c = ++count[b];
        double dg = g - gMean[b];
        gMean[b] += dg / c;
        gM2[b] += dg * (g - gMean[b]);
        double dd = d - dMean[b];
        dMean[b] += dd / c;
        dM2[b] += dd * (d - dMean[b]);
        if (ids != null) {
          add(b, fit.firstFeature() + f, g, d);
        }
      }
    }
    return this;
  }

  /** Merges {@code other} (from the same {@link ComBat}) into this one. */
  public ComBatPriorAccumulator combine(ComBatPriorAccumulator other) {
    if (other.batchNames.length != batchNames.length || other.eb != eb) {
      throw new IllegalArgumentException("accumulators of different ComBat runs");
    }
    for (int b = 0; b < batchNames.length; b++) {
      long na = count[b];
      long nb = other.count[b];
      if (nb == 0) {
        continue;
      }
      long n = na + nb;
      double dg = other.gMean[b] - gMean[b];
      double dd = other.dMean[b] - dMean[b];
      double wa = (double) na / n;
      double wb = (double) nb / n;
      gMean[b] = wa * gMean[b] + wb * other.gMean[b];
      dMean[b] = wa * dMean[b] + wb * other.dMean[b];
      gM2[b] += other.gM2[b] + dg * dg * na * wb;
      dM2[b] += other.dM2[b] + dd * dd * na * wb;
      count[b] = n;
      if (ids != null) {
        for (int j = 0; j < other.sizes[b]; j++) {
          add(b, other.ids[b][j], other.gammas[b][j], other.deltas[b][j]);
        }
      }
    }
    for (int s = 0; s < statusCounts.length; s++) {
      statusCounts[s] += other.statusCounts[s];
    }
    for (int s = 0; s < batchStateCounts.length; s++) {
      batchStateCounts[s] += other.batchStateCounts[s];
    }
    return this;
  }

  /**
   * The priors. Throws {@link UserInputException} when empirical Bayes is on and a non-reference
   * site has fewer than 2 features with data (its prior variance is undefined), or, for the
   * parametric location-and-scale model, when all of a site's δ̂² are equal (the inverse-gamma
   * prior is undefined).
   */
  public ComBatPriors finish() {
    int nb = batchNames.length;
    double[] gammaBar = new double[nb];
    double[] tau2 = new double[nb];
    double[] a = new double[nb];
    double[] bp = new double[nb];
    List<Problem> problems = new ArrayList<>();
    for (int b = 0; b < nb; b++) {
      long c = count[b];
      gammaBar[b] = c > 0 ? gMean[b] : Double.NaN;
      tau2[b] = c > 1 ? gM2[b] / (c - 1) : Double.NaN;
      if (adjustment == ComBatAdjustment.MEAN_ONLY) {
        a[b] = Double.NaN;
        bp[b] = Double.NaN;
      } else {
        double m = dMean[b];
        double s2 = c > 1 ? dM2[b] / (c - 1) : Double.NaN;
        a[b] = (2 * s2 + m * m) / s2;
        bp[b] = (m * s2 + m * m * m) / s2;
      }
      if (eb == EmpiricalBayes.NONE || b == referenceIndex) {
        continue;
      }
      if (c < 2) {
        problems.add(new Problem("ComBat empirical Bayes", "site " + batchNames[b], c
            + " feature(s) with data in this site; the EB prior needs at least 2 (use no empirical Bayes)"));
      } else if (eb == EmpiricalBayes.PARAMETRIC && adjustment == ComBatAdjustment.MEAN_AND_VARIANCE
          && !(Double.isFinite(a[b]) && Double.isFinite(bp[b]))) {
        problems.add(new Problem("ComBat empirical Bayes", "site " + batchNames[b],
            "every feature has the same within-site variance, so the inverse-gamma prior is undefined "
                + "(use the non-parametric or no empirical Bayes)"));
      }
    }
    UserInputException.throwIfAny(problems);
    int[][] sortedIds = null;
    double[][] sortedG = null;
    double[][] sortedD = null;
    if (ids != null) {
      sortedIds = new int[nb][];
      sortedG = new double[nb][];
      sortedD = new double[nb][];
      for (int b = 0; b < nb; b++) {
        int m = sizes[b];
        long[] keys = new long[m];
        for (int j = 0; j < m; j++) {
          keys[j] = ((long) ids[b][j] << 32) | j;
        }
        Arrays.sort(keys);
        sortedIds[b] = new int[m];
        sortedG[b] = new double[m];
        sortedD[b] = new double[m];
        for (int j = 0; j < m; j++) {
          int pos = (int) keys[j];
          sortedIds[b][j] = ids[b][pos];
          sortedG[b][j] = gammas[b][pos];
          sortedD[b][j] = deltas[b][pos];
          if (j > 0 && sortedIds[b][j] == sortedIds[b][j - 1]) {
            throw new IllegalStateException("feature " + sortedIds[b][j] + " accepted twice into the ComBat priors");
          }
        }
      }
    }
    return new ComBatPriors(batchNames.clone(), gammaBar, tau2, a, bp, count.clone(), statusCounts.clone(),
        batchStateCounts.clone(), sortedIds, sortedG, sortedD, null);
  }

  private void add(int b, int id, double g, double d) {
    if (sizes[b] == ids[b].length) {
      int cap = ids[b].length * 2;
      ids[b] = Arrays.copyOf(ids[b], cap);
      gammas[b] = Arrays.copyOf(gammas[b], cap);
      deltas[b] = Arrays.copyOf(deltas[b], cap);
    }
    ids[b][sizes[b]] = id;
    gammas[b][sizes[b]] = g;
    deltas[b][sizes[b]] = d;
    sizes[b]++;
  }
}
