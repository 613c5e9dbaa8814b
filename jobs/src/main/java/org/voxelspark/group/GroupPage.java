package org.voxelspark.group;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.voxelspark.geometry.VolumeGeometry;
import org.voxelspark.io.HadoopFiles;
import org.voxelspark.meta.MetaOutput;
import org.voxelspark.meta.SiteMeta;
import org.voxelspark.report.Correlation;
import org.voxelspark.report.DesignMatrixPicture;
import org.voxelspark.report.ForestPlot;
import org.voxelspark.report.GroupReport;
import org.voxelspark.report.GroupReports;
import org.voxelspark.report.HtmlPage;
import org.voxelspark.report.NullHistogram;
import org.voxelspark.report.ScatterPlot;
import org.voxelspark.report.SiteDistributions;
import org.voxelspark.stats.GroupAnalysis;
import org.voxelspark.stats.design.Contrast;
import org.voxelspark.stats.design.Design;
import org.voxelspark.stats.glm.GlmOutput;
import org.voxelspark.stats.inference.MaskedGrid;

/**
 * The group results page of one analysis, {@code <output_dir>/group/<metric>/group.html}
 * ({@link GroupReport}), from the stage's {@link GroupStage.Result} and the tables it wrote:
 * <ul>
 *   <li>the analysis facts and the design matrix;
 *   <li>with ComBat, per site the distribution of the subjects' mean metric over the group mask
 *       before and after harmonisation;
 *   <li>per t-contrast, the z map over the cohort's mean map (the mean over subjects of the analysed
 *       metric), thresholded where the permutation FWE p &lt; 0.05, and at the uncorrected one-sided
 *       parametric p &lt; 0.001 (z ≥ 3.09);
 *   <li>the cluster table of the first t-contrast with clusters (the TSV, cell for cell);
 *   <li>with an atlas, for the ROIs whose FWE p &lt; 0.05 (else the ROI with the largest statistic;
 *       at most four per contrast): a scatter plot of the subjects' ROI means against the contrast's
 *       numeric regressor (a clinical score, age), with the analysis' partial r and its p; and, with
 *       the meta-analysis, a forest plot of the sites with I²;
 *   <li>the max-z null distribution of the first test, with its observed maximum;
 *   <li>the ROI, mega-vs-meta tables; the subjects left out, and links to the outputs.
 * </ul>
 */
public final class GroupPage {
  private GroupPage() {}

  /** Uncorrected one-sided z threshold of the page's second map (p &lt; 0.001). */
  static final double Z_UNCORRECTED = 3.090232306167813;

  /** Writes the page; returns its URI. */
  public static String write(GroupStage.Result r, GroupSettings s, String outputRoot, Configuration conf, String version) {
    String dir = GroupOutputs.directory(outputRoot, s.metric());
    String m = s.metric();
    Design d = r.design();
    MaskedGrid grid = r.grid();
    VolumeGeometry ref = r.inputs().reference();
    float[] background = volume(r.cohortMean(), grid, ref, 0);

    List<GroupReport.Fact> facts = new ArrayList<>();
    facts.add(new GroupReport.Fact("metric", m));
    facts.add(new GroupReport.Fact("model", m + " ~ " + s.model().formula()));
    for (int c = 0; c < d.contrasts().size(); c++) {
      facts.add(new GroupReport.Fact("contrast " + d.contrasts().get(c).name(), d.contrasts().get(c).expression()));
    }
    for (int f = 0; f < d.fTests().size(); f++) {
      facts.add(new GroupReport.Fact("F-test " + d.fTests().get(f).name(), String.join("; ", s.fTests().get(f).parts())));
    }
    facts.add(new GroupReport.Fact("subjects", d.subjects() + " (" + r.inputs().excluded().size() + " left out)"));
    facts.add(new GroupReport.Fact("voxels in the group mask", Integer.toString(r.voxels())));
    facts.add(new GroupReport.Fact("inference", r.shufflings().size() > 1 ? r.shufflings().size() + " shufflings ("
        + r.shufflings().kind().name().toLowerCase().replace('_', '-') + ", seed " + s.seed() + "), FWE by the max statistic"
        : "parametric only"));
    if (r.combat() != null) {
      facts.add(new GroupReport.Fact("harmonisation", "ComBat across sites, protecting " + r.combat().covariateNames()
          + (r.combat().savedModel() != null ? " (saved model " + r.combat().savedModel() + ")"
              : " (estimated on " + r.combat().estimationSubjects() + " subjects)")));
    }
    if (r.metaSites() != null) {
      facts.add(new GroupReport.Fact("meta-analysis", GroupOutputs.metaMethod(s.meta()) + " over sites " + r.metaSites().sites()
          + (r.metaSites().excludedSites().isEmpty() ? "" : "; left out " + r.metaSites().excludedSites().keySet())));
    }

    List<SiteDistributions> harmonisation = new ArrayList<>();
    if (r.subjectMeanHarmonised() != null) {
      Map<String, List<Integer>> bySite = new java.util.TreeMap<>();
      for (SubjectMap sm : r.inputs().maps()) {
        bySite.computeIfAbsent(sm.site(), x -> new ArrayList<>()).add(sm.row());
      }
      List<SiteDistributions.Site> sites = new ArrayList<>();
      bySite.forEach((site, rows) -> sites.add(new SiteDistributions.Site(site,
          rows.stream().mapToDouble(q -> r.subjectMean()[q]).toArray(),
          rows.stream().mapToDouble(q -> r.subjectMeanHarmonised()[q]).toArray())));
      harmonisation.add(new SiteDistributions("Subjects' mean " + m + " over the group mask, by site", m, "before ComBat",
          "after ComBat", sites));
    }

    List<GroupReport.StatMap> maps = new ArrayList<>();
    List<ScatterPlot> scatters = new ArrayList<>();
    List<ForestPlot> forests = new ArrayList<>();
    int nt = d.contrasts().size();
    for (int t = 0; t < nt; t++) {
      GroupStage.TestResult test = r.tests().get(t);
      String name = d.contrasts().get(t).name();
      double[] z = test.z();
      if (r.shufflings().size() > 1) {
        double[] masked = new double[z.length];
        double smallest = Double.POSITIVE_INFINITY;
        for (int c = 0; c < z.length; c++) {
          boolean sig = test.fweP()[c] < 0.05;
          masked[c] = sig ? z[c] : 0;
          if (sig) {
            smallest = Math.min(smallest, Math.abs(z[c]));
          }
        }
        if (Double.isFinite(smallest)) {
          maps.add(new GroupReport.StatMap(name + ": FWE-corrected", "z", "permutation FWE p < 0.05 (" + r.shufflings().size()
              + " shufflings)", ref, background, "cohort mean " + m, volume(masked, grid, ref, 0), smallest,
              s.tail() == org.voxelspark.stats.perm.Tail.TWO_SIDED, null));
        } else {
          facts.add(new GroupReport.Fact(name, "no voxel has FWE p < 0.05 (" + r.shufflings().size() + " shufflings)"));
        }
      }
      double maxZ = Arrays.stream(z).filter(Double::isFinite).max().orElse(Double.NEGATIVE_INFINITY);
      if (maxZ > Z_UNCORRECTED) {
        maps.add(new GroupReport.StatMap(name + ": uncorrected", "z", "uncorrected one-sided p < 0.001 (z ≥ 3.09)", ref,
            background, "cohort mean " + m, volume(z, grid, ref, 0), Z_UNCORRECTED, false, null));
      } else {
        facts.add(new GroupReport.Fact(name + " (uncorrected)", "no voxel has z ≥ 3.09 (one-sided p < 0.001)"));
      }
      if (r.rois() != null) {
        for (int q : chosenRois(r.rois().analysis().tests().get(t))) {
          String roi = r.rois().names().get(q);
          String column = numericRegressor(d, d.contrasts().get(t));
          if (column != null) {
            int n = d.subjects();
            double[] x = new double[n];
            double[] y = new double[n];
            String[] groups = new String[n];
            for (int subject = 0; subject < n; subject++) {
              x[subject] = parse(r.inputs().rows().get(subject).get(column));
              y[subject] = r.rois().means()[subject * r.rois().rois().length + q];
              groups[subject] = r.inputs().maps().get(subject).site();
            }
            double pr = r.rois().analysis().glm().get(GlmOutput.PARTIAL_R, t, q);
            double p = r.rois().analysis().glm().get(GlmOutput.T_P_TWO_TAILED, t, q);
            scatters.add(new ScatterPlot(name + ": mean " + m + " in " + roi, column, "mean " + m, x, y, groups,
                new Correlation(pr, p, n, "partial r given the other covariates, two-sided p")));
          }
          if (r.roiMeta() != null) {
            forests.add(forest(r.metaSites(), r.roiMeta().get(t), r.rois().rois().length, t, q, name, roi, s));
          }
        }
      }
      for (GroupStage.ClusterMeta cm : r.clusterMeta()) {
        if (cm.test() != t) {
          continue;
        }
        double[] fwe = test.spatial().clusterExtentFweP();
        int shown = 0;
        for (int q = 0; q < fwe.length && shown < 4; q++) { // clusters are in decreasing extent
          if (fwe[q] < 0.05 || q == 0) {
            forests.add(forest(r.metaSites(), cm.meta(), cm.mega().rois().length, t, q, name, "cluster " + cm.mega().rois()[q]
                + " (" + test.spatial().clusters().rows().get(q).extent() + " voxels, extent FWE p = "
                + String.format(java.util.Locale.ROOT, "%.3g", fwe[q]) + ")", s));
            shown++;
          }
        }
      }
    }

    GroupReport.Input input = new GroupReport.Input("Group analysis: " + m + " — " + String.join(", ",
        d.contrasts().stream().map(Contrast::name).toList()), description(r, s), facts,
        DesignMatrixPicture.of("Design matrix (" + d.subjects() + " subjects × " + d.columns() + " columns)", d), harmonisation,
        maps, clusterTable(r, s, dir, conf), scatters, forests, nullHistogram(r), tables(r, s, dir, conf),
        excluded(r, outputRoot, conf), links(r, s, dir, conf), "voxelspark " + version);
    return GroupReports.write(dir, input, conf);
  }

  private static String description(GroupStage.Result r, GroupSettings s) {
    return "Voxelwise general linear model of " + s.metric() + " over " + r.design().subjects() + " subjects"
        + (r.combat() != null ? " after ComBat harmonisation across sites" : "")
        + ", with Freedman–Lane permutation inference (p values as PALM: p, not 1 − p)"
        + (r.metaSites() != null ? ", and a meta-analysis of the sites' own effects beside it" : "") + ". Pictures are in"
        + " neurological convention (the subject's left on the left) and labelled.";
  }

  /** ROIs to plot: those with FWE p < 0.05 by decreasing |statistic|, else the largest; at most four. */
  static List<Integer> chosenRois(GroupAnalysis.TestResult t) {
    Integer[] order = new Integer[t.statistic().length];
    for (int q = 0; q < order.length; q++) {
      order[q] = q;
    }
    Arrays.sort(order, (a, b) -> Double.compare(Math.abs(finite(t.statistic()[b])), Math.abs(finite(t.statistic()[a]))));
    List<Integer> out = new ArrayList<>();
    for (int q : order) {
      if (t.fweP()[q] < 0.05 && out.size() < 4) {
        out.add(q);
      }
    }
    if (out.isEmpty() && order.length > 0 && Double.isFinite(t.statistic()[order[0]])) {
      out.add(order[0]);
    }
    return out;
  }

  /** The numeric participants column a contrast tests (one weighted non-categorical column), or null. */
  static String numericRegressor(Design d, Contrast c) {
    String found = null;
    for (int col = 0; col < d.columns(); col++) {
      if (c.weight(col) != 0) {
        String name = d.columnNames().get(col);
        if (found != null || name.contains("[") || name.equals(org.voxelspark.stats.design.ModelSpec.INTERCEPT)) {
          return null;
        }
        found = name;
      }
    }
    return found;
  }

  /** The forest plot of unit q (an ROI or a cluster) of the {@code nr} a meta-analysis pooled. */
  private static ForestPlot forest(SiteMeta sm, SiteMeta.ContrastResult cr, int nr, int t, int q, String contrast, String roi,
      GroupSettings s) {
    List<ForestPlot.Study> studies = new ArrayList<>();
    double wsum = 0;
    double[] w = new double[sm.sites().size()];
    double tau2 = cr.pooled().get(MetaOutput.TAU2)[q];
    for (int k = 0; k < w.length; k++) {
      double v = cr.variance()[k * nr + q];
      w[k] = Double.isFinite(v) ? 1 / (v + (Double.isFinite(tau2) ? tau2 : 0)) : 0;
      wsum += w[k];
    }
    for (int k = 0; k < w.length; k++) {
      double e = cr.effect()[k * nr + q];
      double half = 1.959963984540054 * Math.sqrt(cr.variance()[k * nr + q]);
      studies.add(new ForestPlot.Study(sm.sites().get(k), e, e - half, e + half, wsum > 0 ? 100 * w[k] / wsum : Double.NaN));
    }
    double[] est = cr.pooled().get(MetaOutput.ESTIMATE);
    ForestPlot.Pooled pooled = new ForestPlot.Pooled(GroupOutputs.metaMethod(s.meta()), est[q],
        cr.pooled().get(MetaOutput.CI_LOWER)[q], cr.pooled().get(MetaOutput.CI_UPPER)[q], cr.pooled().get(MetaOutput.P)[q]);
    ForestPlot.Heterogeneity het = new ForestPlot.Heterogeneity(cr.pooled().get(MetaOutput.I2)[q], tau2,
        cr.pooled().get(MetaOutput.Q)[q], Math.max(0, cr.pooled().k()[q] - 1), cr.pooled().get(MetaOutput.P_Q)[q]);
    return new ForestPlot(contrast + ": " + roi + ", sites pooled", sm.isHedgesG(t) ? "Hedges' g" : "Fisher's z of partial r",
        studies, pooled, het);
  }

  private static NullHistogram nullHistogram(GroupStage.Result r) {
    if (r.shufflings().size() < 2 || r.tests().isEmpty()) {
      return null;
    }
    GroupStage.TestResult t = r.tests().get(0);
    double[] sorted = t.maxNull().clone();
    Arrays.sort(sorted);
    double threshold = sorted[(int) Math.ceil(0.95 * sorted.length) - 1];
    double observed = Double.NEGATIVE_INFINITY;
    double p = Double.NaN;
    for (int c = 0; c < t.z().length; c++) {
      if (t.z()[c] > observed) {
        observed = t.z()[c];
        p = t.fweP()[c];
      }
    }
    return new NullHistogram(t.name() + ": maximum z over the group mask, per shuffling", "max z", t.maxNull(), threshold,
        "FWE 5%", List.of(new NullHistogram.Observed("observed maximum", observed, p)));
  }

  private static org.voxelspark.report.TsvTable clusterTable(GroupStage.Result r, GroupSettings s, String dir, Configuration conf) {
    for (GroupStage.TestResult t : r.tests()) {
      if (t.spatial() != null && t.spatial().clusters() != null) {
        return GroupReports.table(dir, GroupOutputs.tableStem(s.metric(), GroupOutputs.label(t.name()), "clusters") + ".tsv", conf);
      }
    }
    return null;
  }

  private static List<GroupReport.CaptionedTable> tables(GroupStage.Result r, GroupSettings s, String dir, Configuration conf) {
    List<GroupReport.CaptionedTable> out = new ArrayList<>();
    if (r.rois() != null) {
      out.add(new GroupReport.CaptionedTable("ROI statistics", "the same model on each subject's ROI means; FWE over the ROIs",
          GroupReports.table(dir, GroupOutputs.tableStem(s.metric(), null, "roistats") + ".tsv", conf)));
    }
    if (r.roiMeta() != null) {
      for (String c : r.metaSites().contrastNames()) {
        out.add(new GroupReport.CaptionedTable("Mega- vs meta-analysis: " + c, "per ROI, the pooled analysis beside the "
            + "random/fixed-effects pooling of the sites' own effects",
            GroupReports.table(dir, GroupOutputs.tableStem(s.metric(), GroupOutputs.label(c), "megameta") + ".tsv", conf)));
      }
    }
    for (GroupStage.ClusterMeta cm : r.clusterMeta()) {
      String c = r.metaSites().contrastNames().get(cm.test());
      out.add(new GroupReport.CaptionedTable("Mega- vs meta-analysis per cluster: " + c, "each cluster of the pooled "
          + "analysis as an ROI: its cluster-extent FWE p and the GLM on the subjects' cluster means, beside the pooling of"
          + " the sites' own effects there",
          GroupReports.table(dir, GroupOutputs.tableStem(s.metric(), GroupOutputs.label(c), "clustermegameta") + ".tsv", conf)));
    }
    return out;
  }

  private static List<GroupReport.Excluded> excluded(GroupStage.Result r, String outputRoot, Configuration conf) {
    List<GroupReport.Excluded> out = new ArrayList<>();
    Map<String, String> seen = new LinkedHashMap<>(r.inputs().excluded());
    seen.forEach((subject, why) -> out.add(new GroupReport.Excluded(subject, "group", why)));
    for (GroupReport.Excluded e : GroupReports.excludedFromFailures(outputRoot, conf)) {
      if (!seen.containsKey(e.subject())) {
        out.add(e);
      }
    }
    return out;
  }

  private static List<HtmlPage.Link> links(GroupStage.Result r, GroupSettings s, String dir, Configuration conf) {
    List<HtmlPage.Link> out = new ArrayList<>();
    String m = s.metric();
    for (String f : List.of("desc-" + m + "_mask.nii.gz", GroupOutputs.tableStem(m, null, "design") + ".tsv",
        GroupOutputs.tableStem(m, null, "group") + ".json", GroupOutputs.tableStem(m, null, "subjects") + ".tsv")) {
      out.add(new HtmlPage.Link(f, f));
    }
    for (GroupStage.TestResult t : r.tests()) {
      String l = GroupOutputs.label(t.name());
      String stat = t.isT() ? "t" : "F";
      out.add(new HtmlPage.Link(t.name() + ": " + stat, GroupOutputs.mapName(m, l, stat, null, null)));
      if (r.shufflings().size() > 1) {
        out.add(new HtmlPage.Link(t.name() + ": FWE p", GroupOutputs.mapName(m, l, "p", "FWE", "permutation")));
      }
    }
    return out.stream().filter(link -> exists(new Path(dir, link.href()).toString(), conf)).toList();
  }

  private static boolean exists(String uri, Configuration conf) {
    try {
      Path p = new Path(uri);
      return p.getFileSystem(conf).exists(p);
    } catch (java.io.IOException e) {
      return false;
    }
  }

  private static float[] volume(double[] compact, MaskedGrid grid, VolumeGeometry ref, float outside) {
    float[] v = new float[ref.voxelCount()];
    Arrays.fill(v, outside);
    for (int c = 0; c < grid.size(); c++) {
      v[grid.index(c)] = (float) compact[c];
    }
    return v;
  }

  private static double parse(String s) {
    try {
      return s == null ? Double.NaN : Double.parseDouble(s.trim());
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  private static double finite(double x) {
    return Double.isFinite(x) ? x : 0;
  }
}
