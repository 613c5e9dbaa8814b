package org.voxelspark.stats.glm;

import java.util.HashMap;
import java.util.Map;
import org.apache.commons.statistics.distribution.FDistribution;
import org.apache.commons.statistics.distribution.TDistribution;
import org.voxelspark.stats.linalg.PackedGemm;

/**
 * The voxelwise GLM of one block: every {@link GlmOutput} for every voxel of a subject-major block
 * {@code y[s*v + j]} (subject s in design row order, voxel j; NaN = subject missing at the voxel).
 *
 * <p><b>Algorithm.</b> For a tile of voxels, {@code w = Qᵀy} (one dense product for the tile,
 * {@link PackedGemm}), the residual sum of squares from the explicit residuals
 * {@code RSS = |y − Q·w|²} (no cancellation), then the closed forms of {@link GlmModel} per voxel.
 * Voxels with missing subjects are grouped by pattern ({@link VoxelGroups}) and each group is fitted
 * with the design restricted to its subjects ({@link GlmModel#restrict}), so N and ν are the voxel's
 * own.
 *
 * <p><b>Degenerate voxels.</b> A voxel whose residuals vanish, {@code RSS ≤ 10⁻²⁰·|y|²} (data
 * exactly explained by the design; e.g. constant), has σ̂ = 0: its t is ±∞ when the contrast's
 * component of y exceeds {@code 10⁻¹⁰·|y|}, and NaN otherwise (a constant voxel has t = NaN for every
 * contrast not involving the intercept); F likewise (+∞ or NaN); r = ±1 or NaN; d = ±∞ or NaN. A
 * voxel with all values 0 has β = 0 and NaN statistics. A voxel without subjects, or whose restricted
 * design is not estimable, has NaN outputs.
 *
 * <p>Not thread-safe (preallocated workspace); one kernel per task. The model can be shared.
 */
public final class GlmKernel {
  /** Voxels per tile of the dense product. */
  static final int TILE = 256;
  /** Relative residual sum of squares (to |y|²) at or below which a fit is treated as exact. */
  public static final double EXACT_FIT_RSS = 1e-20;

  private final GlmModel model;
  private final int n;
  private final int p;
  private final double[][] tile;
  private final double[][] w;
  private final double[] rss = new double[TILE];
  private final double[] yy = new double[TILE];
  private final double[] fitted = new double[TILE];
  private final double[] wv;
  private final Map<String, GlmModel> restricted = new HashMap<>();
  private final Map<Integer, TDistribution> tDist = new HashMap<>();
  private final Map<Long, FDistribution> fDist = new HashMap<>();
  private final Map<Long, Double> fMedian = new HashMap<>();

  public GlmKernel(GlmModel model) {
    this.model = model;
    this.n = model.subjects();
    this.p = model.columns();
    tile = new double[n][TILE];
    w = new double[p][TILE];
    wv = new double[p];
  }

  /** The model this kernel fits. */
  public GlmModel model() {
    return model;
  }

  /**
   * Fits every voxel of the n×v subject-major block {@code y}.
   *
   * @throws IllegalArgumentException if {@code y.length != n·v}
   */
  public GlmMaps fit(double[] y, int v) {
    VoxelGroups groups = VoxelGroups.of(y, n, v);
    GlmMaps out = new GlmMaps(v, p, model.contrasts(), model.fTests());
    for (int g = 0; g < groups.count(); g++) {
      int[] idx = groups.voxels(g);
      if (idx.length == 0) {
        continue;
      }
      boolean[] avail = groups.available(g);
      int m = groups.subjects(g);
      for (int j : idx) {
        out.set(GlmOutput.SUBJECTS, 0, j, m);
      }
      GlmModel mod = g == 0 ? model : restricted.computeIfAbsent(key(avail), k -> model.restrict(avail));
      if (m == 0 || !mod.estimable()) {
        continue;
      }
      fitGroup(mod, y, v, idx, avail, m, out);
    }
    return out;
  }

  private static String key(boolean[] avail) {
    StringBuilder sb = new StringBuilder(avail.length);
    for (boolean b : avail) {
      sb.append(b ? '1' : '0');
    }
    return sb.toString();
  }

  private void fitGroup(GlmModel mod, double[] y, int v, int[] idx, boolean[] avail, int m, GlmMaps out) {
    double[] qt = mod.basisRows();
    double dof = mod.dof();
    TDistribution td = tDist.computeIfAbsent(mod.dof(), d -> Distributions.t(d));
    for (int from = 0; from < idx.length; from += TILE) {
      int width = Math.min(TILE, idx.length - from);
      VoxelGroups.gather(y, v, idx, from, width, avail, tile);
      PackedGemm.multiply(qt, 0, p, m, tile, width, w);
      java.util.Arrays.fill(rss, 0, width, 0.0);
      java.util.Arrays.fill(yy, 0, width, 0.0);
      for (int s = 0; s < m; s++) {
        java.util.Arrays.fill(fitted, 0, width, 0.0);
        for (int k = 0; k < p; k++) {
          double q = qt[k * m + s];
          double[] wk = w[k];
          for (int t = 0; t < width; t++) {
            fitted[t] += q * wk[t];
          }
        }
        double[] ys = tile[s];
        for (int t = 0; t < width; t++) {
          double r = ys[t] - fitted[t];
          rss[t] += r * r;
          yy[t] += ys[t] * ys[t];
        }
      }
      for (int t = 0; t < width; t++) {
        for (int k = 0; k < p; k++) {
          wv[k] = w[k][t];
        }
        voxel(mod, idx[from + t], wv, rss[t], yy[t], dof, td, out);
      }
    }
  }

  private void voxel(GlmModel mod, int j, double[] wv, double rssJ, double yyJ, double dof, TDistribution td, GlmMaps out) {
    double[] rinv = mod.rInverse();
    for (int i = 0; i < p; i++) {
      double b = 0;
      for (int k = i; k < p; k++) {
        b += rinv[i * p + k] * wv[k];
      }
      out.set(GlmOutput.BETA, i, j, b);
    }
    double r = rssJ <= EXACT_FIT_RSS * yyJ ? 0.0 : rssJ;
    double sigma = Math.sqrt(r / dof);
    double tiny = 1e-10 * Math.sqrt(yyJ);
    out.set(GlmOutput.RESIDUAL_SD, 0, j, sigma);
    out.set(GlmOutput.DOF, 0, j, dof);
    for (int k = 0; k < mod.contrasts(); k++) {
      double[] a = mod.alpha(k);
      double cope = 0;
      for (int i = 0; i < p; i++) {
        cope += a[i] * wv[i];
      }
      double sd = Math.sqrt(mod.contrastVariance(k));
      double num = cope / sd;
      double t;
      if (sigma > 0) {
        t = num / sigma;
      } else {
        t = Math.abs(num) <= tiny || yyJ == 0 ? Double.NaN : Math.copySign(Double.POSITIVE_INFINITY, num);
      }
      out.set(GlmOutput.COPE, k, j, cope);
      out.set(GlmOutput.T, k, j, t);
      out.set(GlmOutput.T_Z, k, j, Distributions.tToZ(td, t));
      out.set(GlmOutput.T_P, k, j, Distributions.tUpperP(td, t));
      out.set(GlmOutput.T_P_TWO_TAILED, k, j, Distributions.tTwoTailedP(td, t));
      double pr = partialCorrelation(t, dof);
      out.set(GlmOutput.PARTIAL_R, k, j, pr);
      out.set(GlmOutput.FISHER_Z, k, j, fisherZ(pr));
      if (mod.groupDifference(k)) {
        double d = sigma > 0 ? cope / sigma : t;
        out.set(GlmOutput.COHEN_D, k, j, d);
        out.set(GlmOutput.HEDGES_G, k, j, Distributions.hedgesJ(dof) * d);
      }
    }
    for (int f = 0; f < mod.fTests(); f++) {
      int q = mod.fRank(f);
      double[] u = mod.fBasis(f);
      double eff = 0;
      for (int r0 = 0; r0 < q; r0++) {
        double s = 0;
        for (int i = 0; i < p; i++) {
          s += u[r0 * p + i] * wv[i];
        }
        eff += s * s;
      }
      double fv;
      if (sigma > 0) {
        fv = eff / q / (sigma * sigma);
      } else {
        fv = eff <= tiny * tiny || yyJ == 0 ? Double.NaN : Double.POSITIVE_INFINITY;
      }
      long key = ((long) q << 32) | (long) dof;
      FDistribution fd = fDist.computeIfAbsent(key, kk -> Distributions.f(q, dof));
      double med = fMedian.computeIfAbsent(key, kk -> Distributions.fMedian(fd));
      out.set(GlmOutput.F, f, j, fv);
      out.set(GlmOutput.F_Z, f, j, Distributions.fToZ(fd, med, fv));
      out.set(GlmOutput.F_P, f, j, Distributions.fP(fd, fv));
    }
  }

  /** r = t/√(t² + ν); ±1 for infinite t; NaN for NaN t. */
  public static double partialCorrelation(double t, double dof) {
    if (Double.isInfinite(t)) {
      return Math.signum(t);
    }
    return t / Math.sqrt(t * t + dof);
  }

  /** atanh(r) = ½·ln((1 + r)/(1 − r)); ±∞ at r = ±1. */
  public static double fisherZ(double r) {
    if (Double.isNaN(r)) {
      return Double.NaN;
    }
    if (Math.abs(r) >= 1) {
      return Math.copySign(Double.POSITIVE_INFINITY, r);
    }
    return 0.5 * Math.log1p(2 * r / (1 - r));
  }
}
