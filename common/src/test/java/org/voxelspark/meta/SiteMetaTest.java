package org.voxelspark.meta;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.voxelspark.error.UserInputException;
import org.voxelspark.stats.design.ContrastSpec;
import org.voxelspark.stats.design.ModelSpec;

/**
 * Per-site GLMs pooled by meta-analysis: with a group-only model each site's Hedges' g equals the
 * textbook g of its group means and pooled SD; with a score-only model each site's Fisher z equals
 * atanh of the Pearson correlation; the pooled maps are {@link MetaAnalysis#pool} of those.
 */
class SiteMetaTest {
  static final String[] SITES = {"A", "B", "C", "D"};

  record Cohort(List<Map<String, String>> rows, String[] site, double[] y, int v) {}

  static Cohort cohort(int perSite, int v, long seed, boolean oneGroupAtD) {
    Random r = new Random(seed);
    List<Map<String, String>> rows = new ArrayList<>();
    List<String> site = new ArrayList<>();
    List<double[]> values = new ArrayList<>();
    for (String s : SITES) {
      double shift = r.nextGaussian();
      for (int i = 0; i < perSite; i++) {
        boolean patient = (oneGroupAtD && s.equals("D")) || i % 2 == 0;
        double severity = patient ? 1 + r.nextInt(4) : 0;
        Map<String, String> row = new LinkedHashMap<>();
        row.put("participant_id", "sub-" + s + i);
        row.put("group", patient ? "HFS" : "HC");
        row.put("severity", Double.toString(severity));
        rows.add(row);
        site.add(s);
        double[] yv = new double[v];
        for (int j = 0; j < v; j++) {
          yv[j] = shift + (patient ? -0.5 : 0) + 0.2 * j * severity + r.nextGaussian();
        }
        if (i == 0) {
          yv[v - 1] = Double.NaN; // a subject missing at the last voxel
        }
        values.add(yv);
      }
    }
    double[] y = new double[values.size() * v];
    for (int s = 0; s < values.size(); s++) {
      System.arraycopy(values.get(s), 0, y, s * v, v);
    }
    return new Cohort(rows, site.toArray(new String[0]), y, v);
  }

  @Test
  void groupContrastsGiveEachSitesHedgesGAndArePooled() {
    Cohort c = cohort(12, 3, 1, false);
    SiteMeta meta = SiteMeta.of(c.rows(), c.site(), "participants.tsv", ModelSpec.parse("group"),
        List.of(new ContrastSpec("HCgtHFS", "-group[HFS]")), MetaOptions.defaults());
    assertTrue(meta.isHedgesG(0));
    SiteMeta.ContrastResult r = meta.pool(c.y(), c.v()).get(0);
    int k = SITES.length;
    for (int s = 0; s < k; s++) {
      for (int j = 0; j < c.v(); j++) {
        // textbook g: controls minus patients, pooled SD, over the subjects with data at voxel j
        double[] m = new double[2];
        double[] ss = new double[2];
        double[] n = new double[2];
        for (int i = 0; i < 12; i++) {
          double val = c.y()[(s * 12 + i) * c.v() + j];
          if (Double.isNaN(val)) {
            continue;
          }
          int g = i % 2 == 0 ? 1 : 0; // 0 = HC, 1 = HFS
          n[g]++;
          m[g] += val;
        }
        m[0] /= n[0];
        m[1] /= n[1];
        for (int i = 0; i < 12; i++) {
          double val = c.y()[(s * 12 + i) * c.v() + j];
          if (!Double.isNaN(val)) {
            int g = i % 2 == 0 ? 1 : 0;
            ss[g] += (val - m[g]) * (val - m[g]);
          }
        }
        double[] g = new double[1];
        double[] var = new double[1];
        EffectSizes.hedgesG(new double[] {m[0]}, new double[] {Math.sqrt(ss[0] / (n[0] - 1))}, new double[] {n[0]},
            new double[] {m[1]}, new double[] {Math.sqrt(ss[1] / (n[1] - 1))}, new double[] {n[1]}, g, var);
        assertEquals(g[0], r.effect()[s * c.v() + j], 1e-12, "site " + SITES[s] + " voxel " + j);
        assertEquals(var[0], r.variance()[s * c.v() + j], 1e-12);
      }
    }
    MetaMaps expected = MetaAnalysis.pool(r.effect(), r.variance(), k, c.v(), MetaOptions.defaults());
    assertArrayEquals(expected.get(MetaOutput.ESTIMATE), r.pooled().get(MetaOutput.ESTIMATE), 0.0);
    assertArrayEquals(expected.get(MetaOutput.I2), r.pooled().get(MetaOutput.I2), 0.0);
    assertTrue(r.pooled().get(MetaOutput.ESTIMATE)[0] > 0, "controls above patients at voxel 0 (no severity effect there)");
    for (int j = 0; j < c.v(); j++) {
      assertEquals(4, r.pooled().k()[j]);
      assertEquals(4, r.stouffer().k()[j]);
    }
  }

  @Test
  void scoreContrastsGiveFisherZOfTheCorrelationAndAOneGroupSiteIsLeftOut() {
    Cohort c = cohort(10, 2, 2, true);
    // patients only have a severity spread; a "severity" model over everyone is a correlation
    SiteMeta meta = SiteMeta.of(c.rows(), c.site(), "participants.tsv", ModelSpec.parse("severity"),
        List.of(new ContrastSpec("severity", "severity")), MetaOptions.defaults());
    SiteMeta.ContrastResult r = meta.pool(c.y(), c.v()).get(0);
    for (int s = 0; s < SITES.length; s++) {
      int j = 0;
      double sx = 0;
      double sy = 0;
      int n = 10;
      double[] xs = new double[n];
      double[] ys = new double[n];
      for (int i = 0; i < n; i++) {
        xs[i] = Double.parseDouble(c.rows().get(s * 10 + i).get("severity"));
        ys[i] = c.y()[(s * 10 + i) * c.v() + j];
        sx += xs[i];
        sy += ys[i];
      }
      double mx = sx / n;
      double my = sy / n;
      double cxy = 0;
      double cxx = 0;
      double cyy = 0;
      for (int i = 0; i < n; i++) {
        cxy += (xs[i] - mx) * (ys[i] - my);
        cxx += (xs[i] - mx) * (xs[i] - mx);
        cyy += (ys[i] - my) * (ys[i] - my);
      }
      double pearson = cxy / Math.sqrt(cxx * cyy);
      assertEquals(0.5 * Math.log((1 + pearson) / (1 - pearson)), r.effect()[s * c.v() + j], 1e-12, "site " + SITES[s]);
      assertEquals(1.0 / (n - 3), r.variance()[s * c.v() + j], 1e-15);
    }
    // a group model cannot be fitted at site D (patients only): D is left out with its reason
    SiteMeta groups = SiteMeta.of(c.rows(), c.site(), "participants.tsv", ModelSpec.parse("group"),
        List.of(new ContrastSpec("HCgtHFS", "-group[HFS]")), MetaOptions.defaults());
    assertEquals(List.of("A", "B", "C"), groups.sites());
    assertTrue(groups.excludedSites().containsKey("D"), groups.excludedSites().toString());
    List<Map<String, String>> twoSites = c.rows().subList(0, 10);
    assertThrows(UserInputException.class, () -> SiteMeta.of(twoSites, java.util.Arrays.copyOf(c.site(), 10), "p.tsv",
        ModelSpec.parse("group"), List.of(new ContrastSpec("g", "group[HFS]")), MetaOptions.defaults()), "one site");
  }
}
