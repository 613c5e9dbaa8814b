package org.voxelspark.meta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Meta-analysis on synthetic data with known truth, missing sites, edge cases and the layout. */
class MetaAnalysisTest {

  /** {@code voxels} voxels × {@code sites} sites, true effect mu, between-site variance tau2. */
  static double[][] simulate(long seed, int sites, int voxels, double mu, double tau2) {
    Random rnd = new Random(seed);
    double[] y = new double[sites * voxels];
    double[] v = new double[sites * voxels];
    for (int s = 0; s < sites; s++) {
      int n = 20 + 10 * s;
      for (int vox = 0; vox < voxels; vox++) {
        double vi = 4.0 / n * (0.8 + 0.4 * rnd.nextDouble());
        v[s * voxels + vox] = vi;
        y[s * voxels + vox] = mu + Math.sqrt(tau2) * rnd.nextGaussian() + Math.sqrt(vi) * rnd.nextGaussian();
      }
    }
    return new double[][] {y, v};
  }

  @ParameterizedTest
  @EnumSource(MetaMethod.class)
  void recoversTheTruthWithNominalCoverage(MetaMethod method) {
    int sites = 20;
    int voxels = 4000;
    double mu = 0.3;
    double tau2 = method.randomEffects() ? 0.04 : 0;
    double[][] d = simulate(7, sites, voxels, mu, tau2);
    for (MetaTest test : MetaTest.values()) {
      MetaMaps m = MetaAnalysis.pool(d[0], d[1], sites, voxels, MetaOptions.defaults().withMethod(method).withTest(test));
      double meanEst = 0;
      double meanTau2 = 0;
      int covered = 0;
      for (int vox = 0; vox < voxels; vox++) {
        assertEquals(MetaReason.OK, m.reason(vox));
        meanEst += m.value(MetaOutput.ESTIMATE, vox) / voxels;
        meanTau2 += m.value(MetaOutput.TAU2, vox) / voxels;
        if (m.value(MetaOutput.CI_LOWER, vox) <= mu && mu <= m.value(MetaOutput.CI_UPPER, vox)) {
          covered++;
        }
      }
      double coverage = covered / (double) voxels;
      String msg = String.format(Locale.ROOT, "%s/%s: mean estimate %.4f (true %.2f), mean τ² %.4f (true %.2f), "
          + "95%% CI coverage %.3f", method, test, meanEst, mu, meanTau2, tau2, coverage);
      System.out.println(msg);
      // SE of the mean estimate over 4000 voxels ≈ 0.001; coverage SE ≈ 0.0035
      assertEquals(mu, meanEst, 0.005, msg);
      // Sidik–Jonkman is known to overestimate a small τ² (it is never 0; Veroniki et al. 2016,
      // Res Synth Methods 7:55), so only its estimate and coverage are checked
      if (method.randomEffects() && method != MetaMethod.SIDIK_JONKMAN) {
        assertEquals(tau2, meanTau2, 0.01, msg);
      }
      assertTrue(coverage > 0.92 && coverage < 0.975, msg);
    }
  }

  @Test
  void missingSitesArePooledPerVoxel() {
    int sites = 8;
    int voxels = 50;
    double[][] d = simulate(3, sites, voxels, 0.2, 0.02);
    double[] y = d[0].clone();
    double[] v = d[1].clone();
    Random rnd = new Random(4);
    for (int i = 0; i < y.length; i++) {
      if (rnd.nextDouble() < 0.3) {
        if (rnd.nextBoolean()) {
          y[i] = Double.NaN;
        } else {
          v[i] = rnd.nextBoolean() ? Double.NaN : (rnd.nextBoolean() ? 0 : -1); // invalid variance = missing
        }
      }
    }
    MetaOptions o = MetaOptions.defaults().withMinimumSitesRandom(2);
    MetaMaps block = MetaAnalysis.pool(y, v, sites, voxels, o);
    for (int vox = 0; vox < voxels; vox++) {
      double[] yy = new double[sites];
      double[] vv = new double[sites];
      int k = 0;
      for (int s = 0; s < sites; s++) {
        double e = y[s * voxels + vox];
        double var = v[s * voxels + vox];
        if (Double.isFinite(e) && Double.isFinite(var) && var > 0) {
          yy[k] = e;
          vv[k] = var;
          k++;
        }
      }
      assertEquals(k, block.k()[vox]);
      MetaMaps one = MetaAnalysis.pool(Arrays.copyOf(yy, k), Arrays.copyOf(vv, k), k, 1, o);
      for (MetaOutput m : MetaOutput.values()) {
        assertEquals(one.value(m, 0), block.value(m, vox), 0.0, m + " voxel " + vox);
      }
      assertEquals(one.reason(0), block.reason(vox));
    }
  }

  @Test
  void siteOrderDoesNotMatter() {
    int sites = 10;
    int voxels = 200;
    double[][] d = simulate(5, sites, voxels, 0.1, 0.05);
    int[] perm = {3, 7, 0, 9, 1, 5, 2, 8, 6, 4};
    double[] y = new double[d[0].length];
    double[] v = new double[d[0].length];
    for (int s = 0; s < sites; s++) {
      System.arraycopy(d[0], perm[s] * voxels, y, s * voxels, voxels);
      System.arraycopy(d[1], perm[s] * voxels, v, s * voxels, voxels);
    }
    for (MetaMethod method : MetaMethod.values()) {
      MetaOptions o = MetaOptions.defaults().withMethod(method);
      MetaMaps a = MetaAnalysis.pool(d[0], d[1], sites, voxels, o);
      MetaMaps b = MetaAnalysis.pool(y, v, sites, voxels, o);
      for (MetaOutput m : MetaOutput.values()) {
        for (int vox = 0; vox < voxels; vox++) {
          double x = a.value(m, vox);
          // PM's uniroot stops at a tolerance of 1.2e-4 in τ², so its iterates (not its root) move with rounding
          double tol = method == MetaMethod.PAULE_MANDEL ? 1e-4 : 1e-9;
          assertEquals(x, b.value(m, vox), tol * Math.max(1, Math.abs(x)), method + " " + m);
        }
      }
    }
  }

  @Test
  void fewSitesGiveNaNWithAReason() {
    double nan = Double.NaN;
    // voxel 0: no site; 1: one site; 2: two sites; 3: three sites
    double[] y = {nan, 0.5, 0.5, 0.5, nan, nan, 0.1, 0.1, nan, nan, nan, 0.9};
    double[] v = {0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1};
    MetaMaps m = MetaAnalysis.pool(y, v, 3, 4, MetaOptions.defaults());
    assertEquals(MetaReason.FEWER_THAN_TWO_SITES, m.reason(0));
    assertEquals(MetaReason.FEWER_THAN_TWO_SITES, m.reason(1));
    for (MetaOutput o : MetaOutput.values()) {
      assertTrue(Double.isNaN(m.value(o, 0)) && Double.isNaN(m.value(o, 1)), o.toString());
    }
    assertEquals(MetaReason.TOO_FEW_SITES_FOR_RANDOM_EFFECTS, m.reason(2));
    assertEquals(0.8, m.value(MetaOutput.Q, 2), 1e-12, "Q = (0.2² + 0.2²)/0.1 is reported");
    assertTrue(Double.isNaN(m.value(MetaOutput.ESTIMATE, 2)));
    assertEquals(MetaReason.OK, m.reason(3));
    assertEquals(3, m.k()[3]);
    long[] counts = m.reasonCounts();
    assertEquals(2, counts[MetaReason.FEWER_THAN_TWO_SITES.code()]);
  }

  @Test
  void identicalEffectsHaveNoHeterogeneity() {
    double[] y = {0.4, 0.4, 0.4, 0.4};
    double[] v = {0.1, 0.2, 0.05, 0.3};
    for (MetaMethod method : MetaMethod.values()) {
      MetaMaps m = MetaAnalysis.pool(y, v, 4, 1, MetaOptions.defaults().withMethod(method));
      assertEquals(0.4, m.value(MetaOutput.ESTIMATE, 0), 1e-15, method.toString());
      assertEquals(0, m.value(MetaOutput.TAU2, 0), 0, method.toString());
      assertEquals(0, m.value(MetaOutput.Q, 0), 1e-30);
      assertEquals(0, m.value(MetaOutput.I2, 0), 0, method.toString());
      assertEquals(method.randomEffects() ? 1 : 0, m.value(MetaOutput.H2, 0), 1e-30, method.toString());
      assertEquals(1 / Math.sqrt(10 + 5 + 20 + 10 / 3.0), m.value(MetaOutput.SE, 0), 1e-15);
    }
  }

  @Test
  void iterationFailuresAreReported() {
    double[][] d = simulate(9, 6, 20, 0.2, 0.1);
    MetaMaps m = MetaAnalysis.pool(d[0], d[1], 6, 20, MetaOptions.defaults().withControl(1e-14, 1, 1));
    assertTrue(m.reasonCounts()[MetaReason.NOT_CONVERGED.code()] > 0);
    for (int vox = 0; vox < 20; vox++) {
      if (m.reason(vox) == MetaReason.NOT_CONVERGED) {
        assertTrue(Double.isNaN(m.value(MetaOutput.ESTIMATE, vox)) && Double.isFinite(m.value(MetaOutput.Q, vox)));
      }
    }
    // Paule–Mandel bracket [0, max(100, 10 mad²)] too small for effects spread over ±1000
    // (mad(y) = 0, so the bracket is [0, 100], and Q(100) ≈ 8000 > k − 1)
    double[] y = {0, 0, 0, 0, 1000};
    double[] v = {0.01, 0.01, 0.01, 0.01, 0.01};
    MetaMaps pm = MetaAnalysis.pool(y, v, 5, 1, MetaOptions.defaults().withMethod(MetaMethod.PAULE_MANDEL));
    assertEquals(MetaReason.TAU2_MAX_TOO_LOW, pm.reason(0));
  }

  @Test
  void defaultControlIsCloseToTheTightOne() {
    double[][] d = simulate(13, 12, 500, 0.2, 0.03);
    MetaMaps a = MetaAnalysis.pool(d[0], d[1], 12, 500, MetaOptions.defaults());
    MetaMaps b = MetaAnalysis.pool(d[0], d[1], 12, 500, MetaOptions.defaults().withControl(1e-12, 1000, 0.5));
    double worst = 0;
    for (int vox = 0; vox < 500; vox++) {
      worst = Math.max(worst, Math.abs(a.value(MetaOutput.TAU2, vox) - b.value(MetaOutput.TAU2, vox)));
    }
    System.out.println(String.format(Locale.ROOT, "REML τ², metafor default control vs threshold 1e-12: max |Δ| %.2g", worst));
    assertTrue(worst < 1e-5);
  }

  @Test
  void effectSizeDefinitions() {
    assertEquals(1 - 3 / (4 * 38.0 - 1), EffectSizes.hedgesCorrection(38), 1e-4);
    assertTrue(Double.isNaN(EffectSizes.hedgesCorrection(1)));
    double[] m1 = {1.2};
    double[] m2 = {0.9};
    double[] sd1 = {0.5};
    double[] sd2 = {0.6};
    double[] n1 = {25};
    double[] n2 = {30};
    double[] g = new double[1];
    double[] v = new double[1];
    EffectSizes.hedgesG(m1, sd1, n1, m2, sd2, n2, g, v);
    double sp = Math.sqrt((24 * 0.25 + 29 * 0.36) / 53);
    double t = (1.2 - 0.9) / (sp * Math.sqrt(1 / 25.0 + 1 / 30.0));
    double[] gt = new double[1];
    double[] vt = new double[1];
    EffectSizes.hedgesGFromT(new double[] {t}, n1, n2, gt, vt);
    assertEquals(g[0], gt[0], 1e-14);
    assertEquals(v[0], vt[0], 1e-14);
    assertEquals(1 / 25.0 + 1 / 30.0 + g[0] * g[0] / 110, v[0], 1e-15);
    double[] z = new double[3];
    double[] zv = new double[3];
    EffectSizes.fisherZ(new double[] {0.3, 0.3, Double.NaN}, new double[] {30, 6, 30}, 3, z, zv);
    assertEquals(0.5 * Math.log(1.3 / 0.7), z[0], 1e-15);
    assertEquals(1 / 24.0, zv[0], 0);
    assertTrue(Double.isNaN(z[1]) && Double.isNaN(zv[1]), "n − 3 − q = 0");
    assertTrue(Double.isNaN(z[2]));
    // r = 0.6 with 16 df: t = r √df / √(1 − r²) = 3
    assertEquals(0.6, EffectSizes.correlationFromT(3, 16), 1e-15);
  }

  @Test
  void pValueCombinationEdgeCases() {
    // site-major: voxel 0 has p = 1e-300 and 0.5, voxel 1 has 0.5 and a missing site
    double[] p = {1e-300, 0.5, 0.5, Double.NaN};
    PValueCombination.Combined s = PValueCombination.stouffer(p, null, 2, 2);
    assertEquals(37.0471 / Math.sqrt(2), s.statistic()[0], 1e-4, "tiny p keeps its z (Φ⁻¹(1 − 1e-300) = 37.0471)");
    assertTrue(Double.isNaN(s.statistic()[1]) && s.k()[1] == 1, "k = 1: NaN");
    PValueCombination.Combined f = PValueCombination.fisher(new double[] {0.01, 0.04}, 2, 1);
    double x2 = -2 * (Math.log(0.01) + Math.log(0.04));
    assertEquals(x2, f.statistic()[0], 1e-12);
    // χ² with 4 df: survival = e^{−x/2}(1 + x/2)
    assertEquals(Math.exp(-x2 / 2) * (1 + x2 / 2), f.p()[0], 1e-15);
  }
}
