package org.voxelspark.meta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.voxelspark.testing.SharedData;

/**
 * Meta-analysis against metafor 3.8.1 ({@code golden/meta}: 12 voxels × 6 sites with missing sites,
 * a voxel with Q &lt; df and one with k = 2; provenance in its README). metafor ran with
 * {@code control = list(threshold = 1e-12, maxiter = 1000, stepadj = 0.5)} (its manifest), so the
 * comparison uses the same control, and a minimum of 2 sites for random effects (metafor fits k = 2).
 *
 * <p>Tolerance, the 1e-9: {@code |Δ| ≤ 1e-9 · max(1, |metafor|)} for every output, and
 * relative 1e-9 for p-values (some are 1e-7). Measured maxima are printed and recorded in
 * {@code docs/validation.md}.
 */
class MetaGoldenTest {
  static final double TOLERANCE = 1e-9;
  static final int SITES = 6;
  static final int VOXELS = 12;
  static final String[] SITE_NAMES = {"siteA", "siteB", "siteC", "siteD", "siteE", "siteF"};

  static MetaOptions goldenControl() {
    return MetaOptions.defaults().withControl(1e-12, 1000, 0.5).withMinimumSitesRandom(2);
  }

  static List<Map<String, String>> csv(String name) {
    try {
      List<String> lines = Files.readAllLines(SharedData.require("golden/meta/" + name));
      String[] header = lines.get(0).split(",", -1);
      List<Map<String, String>> rows = new ArrayList<>();
      for (String line : lines.subList(1, lines.size())) {
        if (line.isBlank()) {
          continue;
        }
        String[] f = line.split(",", -1);
        Map<String, String> row = new HashMap<>();
        for (int i = 0; i < header.length; i++) {
          row.put(header[i], f[i]);
        }
        rows.add(row);
      }
      return rows;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static double num(String s) {
    return s.isEmpty() || s.equals("NA") ? Double.NaN : Double.parseDouble(s);
  }

  /** Columns of a per-(voxel, site) table as site-major arrays. */
  static Map<String, double[]> siteMajor(String file, String... columns) {
    Map<String, double[]> out = new HashMap<>();
    for (String c : columns) {
      out.put(c, new double[SITES * VOXELS]);
    }
    for (Map<String, String> row : csv(file)) {
      int vox = Integer.parseInt(row.get("voxel"));
      int site = List.of(SITE_NAMES).indexOf(row.get("site"));
      for (String c : columns) {
        out.get(c)[site * VOXELS + vox] = num(row.get(c));
      }
    }
    return out;
  }

  enum Fit {
    FE(MetaMethod.FIXED_EFFECT, MetaTest.Z, "metafor_FE.csv"),
    DL(MetaMethod.DERSIMONIAN_LAIRD, MetaTest.Z, "metafor_DL.csv"),
    REML(MetaMethod.REML, MetaTest.Z, "metafor_REML.csv"),
    ML(MetaMethod.ML, MetaTest.Z, "metafor_ML.csv"),
    PM(MetaMethod.PAULE_MANDEL, MetaTest.Z, "metafor_PM.csv"),
    HE(MetaMethod.HEDGES, MetaTest.Z, "metafor_HE.csv"),
    SJ(MetaMethod.SIDIK_JONKMAN, MetaTest.Z, "metafor_SJ.csv"),
    REML_KNHA(MetaMethod.REML, MetaTest.HKSJ, "metafor_REML_knha.csv"),
    DL_KNHA(MetaMethod.DERSIMONIAN_LAIRD, MetaTest.HKSJ, "metafor_DL_knha.csv");

    final MetaMethod method;
    final MetaTest test;
    final String file;

    Fit(MetaMethod method, MetaTest test, String file) {
      this.method = method;
      this.test = test;
      this.file = file;
    }
  }

  static final Map<MetaOutput, String> METAFOR_COLUMN = Map.ofEntries(Map.entry(MetaOutput.ESTIMATE, "est"),
      Map.entry(MetaOutput.SE, "se"), Map.entry(MetaOutput.STAT, "stat"), Map.entry(MetaOutput.P, "p"),
      Map.entry(MetaOutput.CI_LOWER, "ci_lb"), Map.entry(MetaOutput.CI_UPPER, "ci_ub"),
      Map.entry(MetaOutput.Q, "q"), Map.entry(MetaOutput.P_Q, "p_q"), Map.entry(MetaOutput.I2, "i2"),
      Map.entry(MetaOutput.H2, "h2"), Map.entry(MetaOutput.TAU2, "tau2"));

  /** Compares every output with a metafor table; returns the largest scaled difference. */
  static double compare(MetaMaps ours, String file, String what) {
    double worst = 0;
    String where = "";
    for (Map<String, String> row : csv(file)) {
      int vox = Integer.parseInt(row.get("voxel"));
      assertEquals(Integer.parseInt(row.get("k")), ours.k()[vox], what + " k of voxel " + vox);
      assertEquals(MetaReason.OK, ours.reason(vox), what + " voxel " + vox);
      for (MetaOutput m : MetaOutput.values()) {
        double ref = num(row.get(METAFOR_COLUMN.get(m)));
        double got = ours.value(m, vox);
        boolean pValue = m == MetaOutput.P || m == MetaOutput.P_Q;
        double scaled = Math.abs(got - ref) / (pValue ? Math.abs(ref) : Math.max(1, Math.abs(ref)));
        if (!(scaled <= worst)) {
          worst = scaled;
          where = m + " voxel " + vox + ": " + got + " vs metafor " + ref;
        }
      }
    }
    System.out.println(String.format(Locale.ROOT, "%s vs metafor: max scaled |Δ| %.2g (%s)", what, worst, where));
    assertTrue(worst <= TOLERANCE, what + ": " + where);
    return worst;
  }

  @ParameterizedTest
  @EnumSource(Fit.class)
  void poolingMatchesMetafor(Fit fit) {
    Map<String, double[]> in = siteMajor("input_effects.csv", "yi", "vi");
    MetaMaps maps = MetaAnalysis.pool(in.get("yi"), in.get("vi"), SITES, VOXELS,
        goldenControl().withMethod(fit.method).withTest(fit.test));
    compare(maps, fit.file, fit.name());
  }

  @Test
  void kOfTwoFollowsTheMinimumSitesOption() {
    Map<String, double[]> in = siteMajor("input_effects.csv", "yi", "vi");
    MetaMaps ours = MetaAnalysis.pool(in.get("yi"), in.get("vi"), SITES, VOXELS,
        MetaOptions.defaults().withControl(1e-12, 1000, 0.5));
    assertEquals(2, ours.k()[11]);
    assertEquals(MetaReason.TOO_FEW_SITES_FOR_RANDOM_EFFECTS, ours.reason(11));
    assertTrue(Double.isNaN(ours.value(MetaOutput.ESTIMATE, 11)) && Double.isNaN(ours.value(MetaOutput.TAU2, 11)));
    Map<String, String> metafor = csv("metafor_REML.csv").get(11);
    assertEquals(num(metafor.get("q")), ours.value(MetaOutput.Q, 11), 1e-9 * num(metafor.get("q")),
        "Q is still reported at k = 2");
    assertEquals(num(metafor.get("p_q")), ours.value(MetaOutput.P_Q, 11), 1e-9 * num(metafor.get("p_q")));
    assertEquals(4, ours.k()[10]);
    assertEquals(MetaReason.OK, ours.reason(10));
    MetaMaps fixed = MetaAnalysis.pool(in.get("yi"), in.get("vi"), SITES, VOXELS,
        MetaOptions.defaults().withMethod(MetaMethod.FIXED_EFFECT));
    assertEquals(MetaReason.OK, fixed.reason(11), "the fixed-effect model pools k = 2");
  }

  @Test
  void effectSizesMatchEscalc() {
    Map<String, double[]> g = siteMajor("input_groupstats.csv", "m1", "sd1", "n1", "m2", "sd2", "n2");
    double[] yi = new double[SITES * VOXELS];
    double[] vi = new double[SITES * VOXELS];
    EffectSizes.hedgesG(g.get("m1"), g.get("sd1"), g.get("n1"), g.get("m2"), g.get("sd2"), g.get("n2"), yi, vi);
    Map<String, double[]> ref = siteMajor("escalc_smd.csv", "yi", "vi");
    double worst = Math.max(maxRelative(yi, ref.get("yi")), maxRelative(vi, ref.get("vi")));
    Map<String, double[]> c = siteMajor("input_corr.csv", "r", "n");
    double[] zi = new double[SITES * VOXELS];
    double[] zv = new double[SITES * VOXELS];
    EffectSizes.fisherZ(c.get("r"), c.get("n"), 0, zi, zv);
    Map<String, double[]> zref = siteMajor("escalc_zcor.csv", "yi", "vi");
    double worstZ = Math.max(maxRelative(zi, zref.get("yi")), maxRelative(zv, zref.get("vi")));
    System.out.println(String.format(Locale.ROOT, "escalc SMD (Hedges g) max rel |Δ| %.2g; ZCOR %.2g", worst, worstZ));
    assertTrue(worst <= 1e-12 && worstZ <= 1e-12);
    // and pooled (REML) exactly as metafor pooled them
    compare(MetaAnalysis.pool(yi, vi, SITES, VOXELS, goldenControl()), "metafor_smd_reml.csv", "Hedges g → REML");
    MetaMaps z = MetaAnalysis.pool(zi, zv, SITES, VOXELS, goldenControl());
    compare(z, "metafor_zcor_reml.csv", "Fisher z → REML");
    double worstR = 0;
    for (Map<String, String> row : csv("metafor_zcor_reml.csv")) {
      int vox = Integer.parseInt(row.get("voxel"));
      worstR = Math.max(worstR, Math.abs(EffectSizes.correlationFromZ(z.value(MetaOutput.ESTIMATE, vox))
          - num(row.get("r_pooled"))));
      worstR = Math.max(worstR, Math.abs(EffectSizes.correlationFromZ(z.value(MetaOutput.CI_LOWER, vox))
          - num(row.get("r_ci_lb"))));
      worstR = Math.max(worstR, Math.abs(EffectSizes.correlationFromZ(z.value(MetaOutput.CI_UPPER, vox))
          - num(row.get("r_ci_ub"))));
    }
    assertTrue(worstR <= TOLERANCE, "back-transformed r: " + worstR);
  }

  static double maxRelative(double[] ours, double[] ref) {
    double worst = 0;
    for (int i = 0; i < ours.length; i++) {
      worst = Math.max(worst, Math.abs(ours[i] - ref[i]) / Math.abs(ref[i]));
    }
    return worst;
  }

  @Test
  void pValueCombinationsMatchTheReference() {
    Map<String, double[]> in = siteMajor("input_effects.csv", "yi", "vi", "n");
    double[] p = new double[SITES * VOXELS];
    double[] w = new double[SITES * VOXELS];
    for (int i = 0; i < p.length; i++) {
      p[i] = PValueCombination.oneSidedP(in.get("yi")[i] / Math.sqrt(in.get("vi")[i]));
      w[i] = Math.sqrt(in.get("n")[i]);
    }
    PValueCombination.Combined st = PValueCombination.stouffer(p, null, SITES, VOXELS);
    PValueCombination.Combined ws = PValueCombination.stouffer(p, w, SITES, VOXELS);
    PValueCombination.Combined fi = PValueCombination.fisher(p, SITES, VOXELS);
    double worst = 0;
    for (Map<String, String> row : csv("combine_pvalues.csv")) {
      int v = Integer.parseInt(row.get("voxel"));
      assertEquals(Integer.parseInt(row.get("k")), st.k()[v]);
      double[][] pairs = {{st.statistic()[v], num(row.get("stouffer_z"))}, {st.p()[v], num(row.get("stouffer_p_onesided"))},
          {ws.statistic()[v], num(row.get("wstouffer_z"))}, {ws.p()[v], num(row.get("wstouffer_p_onesided"))},
          {fi.statistic()[v], num(row.get("fisher_chi2"))}, {fi.p()[v], num(row.get("fisher_p_onesided"))}};
      for (double[] pr : pairs) {
        worst = Math.max(worst, Math.abs(pr[0] - pr[1]) / Math.abs(pr[1]));
      }
    }
    System.out.println(String.format(Locale.ROOT, "Stouffer / weighted Stouffer / Fisher vs SciPy: max rel |Δ| %.2g", worst));
    assertTrue(worst <= TOLERANCE);
  }
}
