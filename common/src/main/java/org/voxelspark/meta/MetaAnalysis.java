package org.voxelspark.meta;

import java.util.Arrays;
import org.apache.commons.statistics.distribution.ChiSquaredDistribution;
import org.apache.commons.statistics.distribution.NormalDistribution;
import org.apache.commons.statistics.distribution.TDistribution;

/**
 * Inverse-variance meta-analysis of per-site effects, vectorised over voxels (or ROIs): the
 * intercept-only model of metafor's {@code rma.uni} (Viechtbauer 2010, J Stat Softw 36(3)),
 * matching metafor 3.8.1 to 1e-9 (see {@code docs/validation.md}).
 *
 * <p><b>Layout.</b> A block of v voxels from K sites is two arrays, site-major:
 * {@code effect[site·v + voxel]} and {@code variance[site·v + voxel]} (the sampling variance of that
 * effect, for example from {@link EffectSizes}). A site enters a voxel's pooling when its effect is
 * finite and its variance finite and &gt; 0; otherwise (NaN = the site does not cover the voxel) it
 * is left out for that voxel only, so k varies per voxel. The same call pools ROIs: v = number of
 * ROIs.
 *
 * <p><b>Per voxel</b>, with the k sites: fixed-effect weights w = 1/v, Q and p(Q) (χ², k − 1 df);
 * τ² by the {@link MetaMethod}; random-effects weights w* = 1/(v + τ²); pooled
 * {@code μ̂ = Σ w* y / Σ w*}, {@code SE = 1/√Σ w*}; test and interval by the {@link MetaTest}; I² and
 * H² by metafor's definitions ({@link MetaOutput}).
 *
 * <p><b>Few sites</b> ({@link MetaReason}): k &lt; 2 → every output NaN. A random-effects method with
 * 2 ≤ k &lt; {@link MetaOptions#minimumSitesRandom()} (default 3) → Q, p(Q) and k only; τ² from two
 * sites is barely determined, and metafor reports it anyway (its k = 2 results are reproduced with the
 * minimum set to 2). The fixed-effect model pools any k ≥ 2.
 *
 * <p>Stateless and thread-safe; per call O(K) scratch, nothing allocated per voxel.
 */
public final class MetaAnalysis {
  private MetaAnalysis() {}

  /**
   * Pools every voxel of a block.
   *
   * @param effect {@code sites × voxels}, site-major {@code [site·voxels + voxel]}; NaN = missing
   * @param variance same layout, sampling variances
   */
  public static MetaMaps pool(double[] effect, double[] variance, int sites, int voxels, MetaOptions options) {
    MetaMaps out = new MetaMaps(voxels);
    pool(effect, variance, sites, voxels, options, out);
    return out;
  }

  /** As {@link #pool(double[], double[], int, int, MetaOptions)}, into {@code out} (v = out.voxels()). */
  public static void pool(double[] effect, double[] variance, int sites, int voxels, MetaOptions options,
      MetaMaps out) {
    if (effect.length != (long) sites * voxels || variance.length != effect.length) {
      throw new IllegalArgumentException("effect/variance have " + effect.length + "/" + variance.length
          + " values, expected " + sites + " sites × " + voxels + " voxels");
    }
    if (out.voxels() != voxels) {
      throw new IllegalArgumentException("output for " + out.voxels() + " voxels, input " + voxels);
    }
    Pooler p = new Pooler(sites, options);
    for (int vox = 0; vox < voxels; vox++) {
      int k = 0;
      for (int s = 0; s < sites; s++) {
        double e = effect[s * voxels + vox];
        double var = variance[s * voxels + vox];
        if (Double.isFinite(e) && Double.isFinite(var) && var > 0) {
          p.y[k] = e;
          p.v[k] = var;
          k++;
        }
      }
      p.poolOne(k, vox, out);
    }
  }

  /** The per-voxel computation over the k gathered sites. */
  private static final class Pooler {
    final double[] y;
    final double[] v;
    final double[] scratch;
    final MetaOptions o;
    final ChiSquaredDistribution[] chi2;
    final TDistribution[] t;
    final double[] tCrit;
    final NormalDistribution normal = NormalDistribution.of(0, 1);
    final double zCrit;
    int k;
    MetaReason reason;

    Pooler(int sites, MetaOptions o) {
      this.o = o;
      y = new double[sites];
      v = new double[sites];
      scratch = new double[sites];
      chi2 = new ChiSquaredDistribution[Math.max(sites, 1)];
      t = new TDistribution[Math.max(sites, 1)];
      tCrit = new double[Math.max(sites, 1)];
      double alpha = 1 - o.level();
      for (int df = 1; df < sites; df++) {
        chi2[df] = ChiSquaredDistribution.of(df);
        t[df] = TDistribution.of(df);
        tCrit[df] = t[df].inverseSurvivalProbability(alpha / 2);
      }
      zCrit = normal.inverseSurvivalProbability(alpha / 2);
    }

    void poolOne(int kk, int vox, MetaMaps out) {
      k = kk;
      reason = MetaReason.OK;
      out.k()[vox] = k;
      for (MetaOutput m : MetaOutput.values()) {
        out.get(m)[vox] = Double.NaN;
      }
      if (k < 2) {
        out.reason()[vox] = (byte) MetaReason.FEWER_THAN_TWO_SITES.code();
        return;
      }
      double s1 = 0;
      double s2 = 0;
      double sy = 0;
      for (int i = 0; i < k; i++) {
        double w = 1 / v[i];
        s1 += w;
        s2 += w * w;
        sy += w * y[i];
      }
      double muFe = sy / s1;
      double q = 0;
      for (int i = 0; i < k; i++) {
        double e = y[i] - muFe;
        q += e * e / v[i];
      }
      q = Math.max(0, q);
      int df = k - 1;
      out.get(MetaOutput.Q)[vox] = q;
      out.get(MetaOutput.P_Q)[vox] = chi2[df].survivalProbability(q);
      double trP = s1 - s2 / s1;
      double vt = df / trP;
      MetaMethod method = o.method();
      double tau2;
      if (!method.randomEffects()) {
        tau2 = 0;
        out.get(MetaOutput.I2)[vox] = Math.max(0, 100 * (q - df) / q);
        out.get(MetaOutput.H2)[vox] = q / df;
      } else {
        if (k < o.minimumSitesRandom()) {
          out.reason()[vox] = (byte) MetaReason.TOO_FEW_SITES_FOR_RANDOM_EFFECTS.code();
          return;
        }
        tau2 = tau2(method, q, trP);
        if (reason != MetaReason.OK && !(reason == MetaReason.NOT_CONVERGED && method == MetaMethod.PAULE_MANDEL)) {
          out.reason()[vox] = (byte) reason.code();
          return;
        }
        out.get(MetaOutput.I2)[vox] = 100 * tau2 / (vt + tau2);
        out.get(MetaOutput.H2)[vox] = tau2 / vt + 1;
      }
      out.get(MetaOutput.TAU2)[vox] = tau2;
      double sw = 0;
      double swy = 0;
      for (int i = 0; i < k; i++) {
        double w = 1 / (v[i] + tau2);
        sw += w;
        swy += w * y[i];
      }
      double mu = swy / sw;
      double se = Math.sqrt(1 / sw);
      double stat;
      double pval;
      double crit;
      if (o.test() == MetaTest.HKSJ) {
        double rss = 0;
        for (int i = 0; i < k; i++) {
          double e = y[i] - mu;
          rss += e * e / (v[i] + tau2);
        }
        double s2w = rss <= Math.ulp(1.0) ? 0 : rss / df;
        se *= Math.sqrt(s2w);
        stat = mu / se;
        pval = 2 * t[df].survivalProbability(Math.abs(stat));
        crit = tCrit[df];
      } else {
        stat = mu / se;
        pval = 2 * normal.survivalProbability(Math.abs(stat));
        crit = zCrit;
      }
      out.get(MetaOutput.ESTIMATE)[vox] = mu;
      out.get(MetaOutput.SE)[vox] = se;
      out.get(MetaOutput.STAT)[vox] = stat;
      out.get(MetaOutput.P)[vox] = pval;
      out.get(MetaOutput.CI_LOWER)[vox] = mu - crit * se;
      out.get(MetaOutput.CI_UPPER)[vox] = mu + crit * se;
      out.reason()[vox] = (byte) reason.code();
    }

    double tau2(MetaMethod method, double q, double trP) {
      return switch (method) {
        case DERSIMONIAN_LAIRD -> Math.max(0, (q - (k - 1)) / trP);
        case HEDGES -> Math.max(0, hedgesRaw());
        case SIDIK_JONKMAN -> sidikJonkman();
        case REML, ML -> fisherScoring(method == MetaMethod.REML);
        case PAULE_MANDEL -> pauleMandel();
        case FIXED_EFFECT -> 0;
      };
    }

    /** Hedges' estimate before truncation (metafor's starting value for ML/REML). */
    double hedgesRaw() {
      double mean = 0;
      double sv = 0;
      for (int i = 0; i < k; i++) {
        mean += y[i];
        sv += v[i];
      }
      mean /= k;
      double rss = 0;
      for (int i = 0; i < k; i++) {
        rss += (y[i] - mean) * (y[i] - mean);
      }
      return (rss - sv * (1 - 1.0 / k)) / (k - 1);
    }

    double sidikJonkman() {
      double mean = 0;
      for (int i = 0; i < k; i++) {
        mean += y[i];
      }
      mean /= k;
      double tau0 = 0;
      for (int i = 0; i < k; i++) {
        tau0 += (y[i] - mean) * (y[i] - mean);
      }
      tau0 /= k;
      return tau0 * generalisedQ(tau0) / (k - 1);
    }

    /** {@code Σ w(y − μ_w)²} with {@code w = 1/(v + τ²)}. */
    double generalisedQ(double tau2) {
      double sw = 0;
      double swy = 0;
      for (int i = 0; i < k; i++) {
        double w = 1 / (v[i] + tau2);
        sw += w;
        swy += w * y[i];
      }
      double mu = swy / sw;
      double r = 0;
      for (int i = 0; i < k; i++) {
        double e = y[i] - mu;
        r += e * e / (v[i] + tau2);
      }
      return r;
    }

    /** metafor's Fisher scoring for ML/REML, including its check of the likelihood at τ² = 0. */
    double fisherScoring(boolean reml) {
      double tau2 = Math.max(0, hedgesRaw());
      double change = o.threshold() + 1;
      int iter = 0;
      while (change > o.threshold()) {
        iter++;
        double old = tau2;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        double swy = 0;
        for (int i = 0; i < k; i++) {
          double w = 1 / (v[i] + tau2);
          s1 += w;
          s2 += w * w;
          s3 += w * w * w;
          swy += w * y[i];
        }
        double mu = swy / s1;
        double yppy = 0;
        for (int i = 0; i < k; i++) {
          double w = 1 / (v[i] + tau2);
          double e = w * (y[i] - mu);
          yppy += e * e;
        }
        double adj;
        if (reml) {
          double trP = s1 - s2 / s1;
          double trPP = s2 - 2 * s3 / s1 + (s2 / s1) * (s2 / s1);
          adj = (yppy - trP) / trPP;
        } else {
          adj = (yppy - s1) / s2;
        }
        adj *= o.stepAdjustment();
        if (Double.isNaN(adj)) {
          adj = 0;
        }
        if (tau2 == 0 && adj < 0) {
          adj = 0; // what metafor's halving loop ends with from τ² = 0 (adj halved to −0.0), without its ~1075 halvings
        }
        while (tau2 + adj < 0) {
          adj /= 2;
        }
        tau2 += adj;
        change = Math.abs(old - tau2);
        if (iter > o.maxIterations()) {
          reason = MetaReason.NOT_CONVERGED;
          return Double.NaN;
        }
      }
      double ll0 = logLikelihood(0, reml);
      double ll = logLikelihood(tau2, reml);
      if (ll0 - ll > MetaOptions.UNIROOT_TOLERANCE && tau2 > o.threshold()) {
        tau2 = 0;
      }
      return Math.max(0, tau2);
    }

    /** ML or REML log-likelihood up to terms that do not depend on τ². */
    double logLikelihood(double tau2, boolean reml) {
      double sw = 0;
      double swy = 0;
      double logs = 0;
      for (int i = 0; i < k; i++) {
        double w = 1 / (v[i] + tau2);
        sw += w;
        swy += w * y[i];
        logs += Math.log(v[i] + tau2);
      }
      double mu = swy / sw;
      double rss = 0;
      for (int i = 0; i < k; i++) {
        double e = y[i] - mu;
        rss += e * e / (v[i] + tau2);
      }
      return -0.5 * logs - 0.5 * rss - (reml ? 0.5 * Math.log(sw) : 0);
    }

    double pauleMandel() {
      double target = k - 1;
      double f0 = generalisedQ(0) - target;
      if (f0 < 0) {
        return 0;
      }
      double mad = mad();
      double upper = Math.max(100, 10 * mad * mad);
      double fu = generalisedQ(upper) - target;
      if (fu > 0) {
        reason = MetaReason.TAU2_MAX_TOO_LOW;
        return Double.NaN;
      }
      Zeroin.Root root = Zeroin.find(x -> generalisedQ(x) - target, 0, upper, f0, fu, MetaOptions.UNIROOT_TOLERANCE,
          o.maxIterations());
      if (!root.converged()) {
        reason = MetaReason.NOT_CONVERGED;
      }
      return root.x();
    }

    /** R's {@code mad(y)}: 1.4826 · median |y − median(y)|. */
    double mad() {
      System.arraycopy(y, 0, scratch, 0, k);
      Arrays.sort(scratch, 0, k);
      double med = median(scratch, k);
      for (int i = 0; i < k; i++) {
        scratch[i] = Math.abs(y[i] - med);
      }
      Arrays.sort(scratch, 0, k);
      return 1.4826 * median(scratch, k);
    }

    static double median(double[] sorted, int n) {
      return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
  }
}
