package org.voxelspark.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.commons.statistics.distribution.NormalDistribution;
import org.junit.jupiter.api.Test;
import org.voxelspark.geometry.Affine;
import org.voxelspark.geometry.VolumeGeometry;
import org.voxelspark.testing.Chromium;
import org.voxelspark.testing.PageParts;

/**
 * The group page from synthetic inputs with known content, as the group stage will call it: a
 * 30-subject design (HFS vs HC, age, sex, 3 sites), a t map with a planted left-hemisphere blob
 * over a mean-FA-like phantom stored LAS, its cluster table as TSV, a severity–ReHo scatter
 * with a planted correlation, a 3-site forest plot pooled by inverse-variance weights, a
 * max-statistic null distribution, site distributions before and after removing the site means,
 * two excluded subjects. Every embedded image must decode, the cluster table must equal its TSV
 * cell for cell, and headless Chromium must render the page without errors.
 */
class GroupReportTest {
  /** Where the page and its screenshot are left for a person to look at (module's target/). */
  static final Path LOOK = Path.of("target", "report-screenshots");

  static final String CLUSTERS_TSV = String.join("\n",
      "cluster\tsize_voxels\tpeak_t\tpeak_i\tpeak_j\tpeak_k\tpeak_x_mm\tpeak_y_mm\tpeak_z_mm\tatlas_label\tmean_effect\tp_fwe",
      "1\t212\t6.02\t28\t28\t21\t-34\t18\t18\tLeft corticospinal tract <CST>\t-0.041\t0.002",
      "2\t37\t-4.11\t9\t20\t14\t42\t-14\t-10\tRight & left brainstem\t0.018\t0.031", "");

  static Input synthetic() {
    return new Input();
  }

  /** The synthetic inputs, built deterministically. */
  static final class Input {
    final VolumeGeometry grid = new VolumeGeometry(40, 48, 34, Affine.scaling(-4, 4, 4, 78, -94, -66)); // LAS
    final float[] meanFa = new float[grid.voxelCount()];
    final float[] tMap = new float[grid.voxelCount()];
    final TsvTable clusters = TsvTable.parse("group_clusters.tsv", CLUSTERS_TSV);

    Input() {
      SplittableRandom rnd = new SplittableRandom(3);
      for (int k = 0; k < grid.nz(); k++) {
        for (int j = 0; j < grid.ny(); j++) {
          for (int i = 0; i < grid.nx(); i++) {
            double[] w = grid.affine().voxelToWorld(i, j, k);
            double e = (w[0] / 68) * (w[0] / 68) + (w[1] / 84) * (w[1] / 84) + (w[2] / 58) * (w[2] / 58);
            int v = grid.index(i, j, k);
            if (e <= 1) {
              double wm = Math.exp(-Math.pow((Math.sqrt(e) - 0.55) / 0.18, 2));
              meanFa[v] = (float) (0.15 + 0.5 * wm);
              double b = Math.pow(w[0] + 34, 2) + Math.pow(w[1] - 18, 2) + Math.pow(w[2] - 18, 2);
              double c = Math.pow(w[0] - 42, 2) + Math.pow(w[1] + 14, 2) + Math.pow(w[2] + 10, 2);
              tMap[v] = (float) (6.0 * Math.exp(-b / (2 * 9 * 9)) - 4.1 * Math.exp(-c / (2 * 5 * 5)) + 0.8 * rnd.nextGaussian());
            }
          }
        }
      }
    }

    GroupReport.Input build() {
      SplittableRandom rnd = new SplittableRandom(11);
      int n = 30;
      double[][] design = new double[n][];
      List<String> labels = new ArrayList<>();
      for (int s = 0; s < n; s++) {
        int site = s % 3;
        design[s] = new double[] {1, s % 2 == 0 ? 1 : 0, 40 + rnd.nextDouble() * 30 - 55, s % 4 < 2 ? 1 : 0, site == 1 ? 1 : 0,
          site == 2 ? 1 : 0};
        labels.add(String.format("sub-%02d", s + 1));
      }
      DesignMatrixPicture dm = new DesignMatrixPicture("Design matrix", List.of("intercept", "group[HFS]", "age", "sex[M]",
          "site[B]", "site[C]"), design, labels, List.of(
            new DesignMatrixPicture.Contrast("HFS > HC", new double[] {0, 1, 0, 0, 0, 0}),
            new DesignMatrixPicture.Contrast("HFS < HC", new double[] {0, -1, 0, 0, 0, 0})));
      // severity against ReHo with a planted correlation
      double[] severity = new double[15];
      double[] reho = new double[15];
      for (int q = 0; q < 15; q++) {
        severity[q] = 1 + q % 4;
        reho[q] = 0.30 + 0.02 * severity[q] + 0.03 * rnd.nextGaussian();
      }
      ScatterPlot scatter = new ScatterPlot("Brainstem ReHo against spasm severity", "severity (Cohen grade)",
          "mean ReHo in cluster 2 (dimensionless)", severity, reho, null, null);
      double[] rehoAll = new double[30];
      double[] score = new double[30];
      String[] group = new String[30];
      for (int q = 0; q < 30; q++) {
        group[q] = q < 15 ? "HFS" : "HC";
        score[q] = q < 15 ? severity[q] : 0;
        rehoAll[q] = q < 15 ? reho[q] : 0.30 + 0.03 * rnd.nextGaussian();
      }
      ScatterPlot byGroup = new ScatterPlot("Cluster 2 ReHo by group", "severity (Cohen grade; 0 for controls)",
          "mean ReHo (dimensionless)", score, rehoAll, group, new Correlation(0.404, 0.027, 30, "partial r | age, sex"));
      // forest: inverse-variance (fixed-effect) pooling of three sites' Hedges g
      double[] g = {-0.62, -0.35, -0.80};
      double[] se = {0.30, 0.34, 0.28};
      double sw = 0;
      double swg = 0;
      for (int s = 0; s < 3; s++) {
        sw += 1 / (se[s] * se[s]);
        swg += g[s] / (se[s] * se[s]);
      }
      double pooled = swg / sw;
      double pooledSe = Math.sqrt(1 / sw);
      double qStat = 0;
      for (int s = 0; s < 3; s++) {
        qStat += Math.pow(g[s] - pooled, 2) / (se[s] * se[s]);
      }
      double i2 = Math.max(0, (qStat - 2) / qStat) * 100;
      List<ForestPlot.Study> studies = new ArrayList<>();
      String[] sites = {"A (n = 10)", "B (n = 8)", "C (n = 10)"};
      for (int s = 0; s < 3; s++) {
        studies.add(new ForestPlot.Study(sites[s], g[s], g[s] - 1.96 * se[s], g[s] + 1.96 * se[s],
            100 / (se[s] * se[s]) / sw));
      }
      studies.add(new ForestPlot.Study("D (n = 1)", Double.NaN, Double.NaN, Double.NaN, Double.NaN));
      double z = pooled / pooledSe;
      ForestPlot forest = new ForestPlot("Cluster 1 FA: HFS vs HC by site", "Hedges g", studies,
          new ForestPlot.Pooled("Fixed effect", pooled, pooled - 1.96 * pooledSe, pooled + 1.96 * pooledSe,
              2 * NormalDistribution.of(0, 1).survivalProbability(Math.abs(z))),
          new ForestPlot.Heterogeneity(i2, 0, qStat, 2, org.apache.commons.statistics.distribution.ChiSquaredDistribution.of(2)
              .survivalProbability(qStat)));
      // null distribution of the max of 2000 |N(0,1)| per shuffling
      double[] maxima = new double[1000];
      for (int s = 0; s < maxima.length; s++) {
        double m = 0;
        for (int v = 0; v < 2000; v++) {
          m = Math.max(m, Math.abs(rnd.nextGaussian()));
        }
        maxima[s] = m;
      }
      double threshold = SiteDistributions.quantile(maxima, 0.95);
      double observed = 6.02;
      long atLeast = Arrays.stream(maxima).filter(m -> m >= observed).count();
      NullHistogram nul = new NullHistogram("Max |t| under permutation", "max |t| over the brain", maxima, threshold, "FWE 5%",
          List.of(new NullHistogram.Observed("cluster 1 peak", observed, (atLeast + 1) / (maxima.length + 1.0)),
              new NullHistogram.Observed("cluster 2 peak", 4.11, (Arrays.stream(maxima).filter(m -> m >= 4.11).count() + 1)
                  / (maxima.length + 1.0))));
      // sites before/after: site offsets removed
      List<SiteDistributions.Site> siteValues = new ArrayList<>();
      double[] offset = {0, 0.04, -0.03};
      for (int s = 0; s < 3; s++) {
        double[] before = new double[10];
        double[] after = new double[10];
        for (int q = 0; q < 10; q++) {
          after[q] = 0.45 + 0.02 * rnd.nextGaussian();
          before[q] = after[q] + offset[s];
        }
        siteValues.add(new SiteDistributions.Site("site " + "ABC".charAt(s), before, after));
      }
      SiteDistributions harm = new SiteDistributions("Mean FA in the group mask", "mean FA (dimensionless)", "before ComBat",
          "after ComBat", siteValues);
      GroupReport.StatMap map = new GroupReport.StatMap("HFS vs HC: t, uncorrected", "t",
          "uncorrected p < 0.001 (|t| ≥ 3.69, 24 df)", grid, meanFa, "cohort mean FA", tMap, 3.69, true, null);
      GroupReport.StatMap fwe = new GroupReport.StatMap("HFS vs HC: t, FWE-corrected", "t",
          "FWE-corrected p < 0.05 (|t| ≥ " + Figures.format(threshold) + ", 1000 shufflings)", grid, meanFa, "cohort mean FA",
          tMap, threshold, true, new double[] {-34, 18, 18});
      return new GroupReport.Input("Group analysis: FA, HFS vs HC", "Voxelwise GLM of FA on group, age, sex and site, "
          + "Freedman–Lane permutation inference (synthetic inputs of the report test).",
          List.of(new GroupReport.Fact("model", "FA ~ group + age + sex + site"), new GroupReport.Fact("subjects", "30 (2 excluded)"),
              new GroupReport.Fact("shufflings", "1000")),
          dm, List.of(harm), List.of(map, fwe), clusters, List.of(scatter, byGroup), List.of(forest), nul,
          List.of(new GroupReport.CaptionedTable("Mega vs meta", "Pooled GLM after ComBat and the meta-analysis, per cluster.",
              TsvTable.parse("group_mega_vs_meta.tsv", "cluster\tmega_g\tmeta_g\n1\t-0.58\t-0.61\n"))),
          List.of(new GroupReport.Excluded("sub-29", "participant:dwi", "sub-29_dwi.bval: count: 34 values for 35 volumes"),
              new GroupReport.Excluded("sub-30", "input", "participants.tsv: age: missing")),
          List.of(new HtmlPage.Link("group_clusters.tsv", "group_clusters.tsv"),
              new HtmlPage.Link("t map", "group_stat-t_statmap.nii.gz")), "voxelspark test");
    }
  }

  @Test
  void everyImageDecodesTheClusterTableEqualsItsTsvAndChromiumRendersIt() throws Exception {
    Input in = synthetic();
    String html = GroupReport.html(in.build());
    List<PageParts.Image> images = PageParts.images(html);
    assertEquals(10, images.size(), "design, harmonisation, 2 maps × (ortho + mosaic), 2 scatters, forest, null");
    for (PageParts.Image img : images) {
      BufferedImage decoded = img.decode();
      assertEquals(img.width(), decoded.getWidth(), img.figure());
      assertEquals(img.height(), decoded.getHeight(), img.figure());
      assertTrue(PageParts.distinctColours(decoded) > 8, img.figure() + " is not blank");
    }
    assertEquals(in.clusters.rows(), PageParts.table(html, "group_clusters.tsv"), "the cluster table equals its TSV");
    assertEquals(in.clusters.header(), PageParts.tableHeader(html, "group_clusters.tsv"));
    assertTrue(html.contains("Left corticospinal tract &lt;CST&gt;"), "cell text escaped");
    List<List<String>> excluded = PageParts.tableByClass(html, "excluded");
    assertEquals(List.of("sub-29", "participant:dwi", "sub-29_dwi.bval: count: 34 values for 35 volumes"), excluded.get(0));
    assertEquals(2, excluded.size());
    for (String section : new String[] {"analysis", "design", "harmonisation", "maps", "clusters", "scatter", "forest", "null",
        "excluded", "outputs"}) {
      assertTrue(html.contains("id=\"" + section + "\""), section);
    }
    assertFalse(html.contains("<script"), "no script");
    assertFalse(html.matches("(?s).*src=\"(?!data:).*"), "every image embedded");
    Files.createDirectories(LOOK);
    Path page = LOOK.resolve("group.html");
    Files.writeString(page, html, StandardCharsets.UTF_8);
    BufferedImage shot = Chromium.screenshot(page, LOOK.resolve("group-screenshot.png"), 1280, 6400);
    assertTrue(PageParts.distinctColours(shot) > 200, "the screenshot shows the figures");
  }

  @Test
  void sectionsWithoutInputsAreLeftOut() {
    GroupReport.Input in = new GroupReport.Input("Minimal", null, null, null, null, null, null, null, null, null, null, null,
        null, null);
    String html = GroupReport.html(in);
    assertEquals(0, PageParts.images(html).size());
    assertFalse(html.contains("id=\"clusters\""));
    assertTrue(html.contains("Every subject of the cohort was analysed."));
  }

  @Test
  void anEmptyClusterTableSaysSo() {
    GroupReport.Input in = new GroupReport.Input("No clusters", null, null, null, null, null,
        TsvTable.parse("group_clusters.tsv", CLUSTERS_TSV.lines().findFirst().orElseThrow() + "\n"), null, null, null, null, null,
        null, null);
    String html = GroupReport.html(in);
    assertTrue(html.contains("No cluster passed the threshold."));
    assertEquals(List.of(), PageParts.table(html, "group_clusters.tsv"));
  }

  @Test
  void thePeakIsWhereTheStatisticIsLargest() {
    Input in = synthetic();
    RasVolume stat = RasVolume.of(in.grid, in.tMap);
    int[] peak = GroupReport.peak(stat, true);
    double[] w = stat.world(peak[0], peak[1], peak[2]);
    // the planted blob (t ≈ 6 at (−34, 18, 18) mm, σ 9 mm, noise SD 0.8)
    assertTrue(Math.abs(w[0] + 34) <= 12 && Math.abs(w[1] - 18) <= 12 && Math.abs(w[2] - 18) <= 12, Arrays.toString(w));
  }
}
