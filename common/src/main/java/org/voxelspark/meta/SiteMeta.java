package org.voxelspark.meta;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.voxelspark.error.UserInputException;
import org.voxelspark.stats.design.Contrast;
import org.voxelspark.stats.design.ContrastSpec;
import org.voxelspark.stats.design.Design;
import org.voxelspark.stats.design.DesignBuilder;
import org.voxelspark.stats.design.ModelSpec;
import org.voxelspark.stats.glm.GlmKernel;
import org.voxelspark.stats.glm.GlmMaps;
import org.voxelspark.stats.glm.GlmModel;
import org.voxelspark.stats.glm.GlmOutput;

/**
 * The multi-centre meta-analysis of one model (ENIGMA practice): the same GLM fitted in each site
 * separately, each t-contrast turned into a per-site effect size with its sampling variance, and the
 * sites pooled per voxel by {@link MetaAnalysis}; besides, Stouffer's (√n-weighted) and Fisher's
 * combinations of the per-site one-sided p.
 *
 * <p><b>Effect sizes</b> ({@link EffectSizes}): a contrast that is a two-level group difference
 * ({@link Contrast#isGroupDifference()}) gives Hedges' g from the site's t,
 * {@code g = J(n1 + n2 − 2)·t·√(1/n1 + 1/n2)} with variance {@code 1/n1 + 1/n2 + g²/(2(n1 + n2))},
 * n1 and n2 the site's subjects with data at the voxel in the contrast's positive and negative group
 * (so covariates adjust g through t); any other contrast (a clinical score, an age slope) gives
 * Fisher's z of the partial correlation {@code r = t/√(t² + ν)}, variance {@code 1/(n − 3 − q)} with q
 * the covariates partialled out (the design's columns other than the intercept and the tested
 * regressor). Signs follow the contrast: a positive pooled g or z means the contrast's direction.
 *
 * <p><b>Per-site designs.</b> Each site's design is built from its own rows with the model given
 * without the site term (a site's subjects share one site) and without exchangeability blocks. A
 * site whose design cannot be estimated (too few subjects, one group only, a covariate constant
 * in the site) is left out of the pooling, and {@link #excludedSites()} says why. Voxels where a
 * site lacks data use that site's remaining subjects (the GLM's own N); a site with no estimable
 * fit at a voxel is missing there, and k — the sites pooled — is reported per voxel.
 *
 * <p>Data layout as the group stage: {@code y[s·v + j]} subject-major in the full design's row
 * order. Build once on the driver ({@link #of}) and broadcast; {@link #pool} is the block kernel.
 * Immutable; {@link #pool} allocates its own workspace.
 */
public final class SiteMeta implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String[] sites;
  private final int[][] rows;
  private final GlmModel[] models;
  private final Design[] designs;
  private final List<String> contrastNames;
  private final Map<String, String> excluded;
  private final MetaOptions options;

  private SiteMeta(String[] sites, int[][] rows, GlmModel[] models, Design[] designs, List<String> contrastNames,
      Map<String, String> excluded, MetaOptions options) {
    this.sites = sites;
    this.rows = rows;
    this.models = models;
    this.designs = designs;
    this.contrastNames = contrastNames;
    this.excluded = excluded;
    this.options = options;
  }

  /**
   * Builds every site's design once.
   *
   * @param tableRows the participants rows of the full design, in its row order
   * @param siteOfRow each row's site label
   * @param source the table's name, for errors
   * @param model the model without the site term
   * @param contrasts the t-contrasts (F-tests are not meta-analysed)
   * @throws UserInputException if fewer than 2 sites can be fitted
   */
  public static SiteMeta of(List<Map<String, String>> tableRows, String[] siteOfRow, String source, ModelSpec model,
      List<ContrastSpec> contrasts, MetaOptions options) {
    Map<String, List<Integer>> bySite = new java.util.TreeMap<>();
    for (int s = 0; s < siteOfRow.length; s++) {
      bySite.computeIfAbsent(siteOfRow[s], x -> new ArrayList<>()).add(s);
    }
    List<String> names = new ArrayList<>();
    List<int[]> rowList = new ArrayList<>();
    List<GlmModel> modelList = new ArrayList<>();
    List<Design> designList = new ArrayList<>();
    Map<String, String> excluded = new LinkedHashMap<>();
    for (Map.Entry<String, List<Integer>> e : bySite.entrySet()) {
      List<Map<String, String>> siteRows = new ArrayList<>();
      for (int s : e.getValue()) {
        siteRows.add(tableRows.get(s));
      }
      try {
        Design d = DesignBuilder.build(siteRows, source + " (site " + e.getKey() + ")", model, contrasts, List.of());
        names.add(e.getKey());
        rowList.add(e.getValue().stream().mapToInt(Integer::intValue).toArray());
        modelList.add(GlmModel.of(d));
        designList.add(d);
      } catch (UserInputException ex) {
        excluded.put(e.getKey(), ex.getMessage());
      }
    }
    if (names.size() < 2) {
      throw new UserInputException("--meta", "", "the per-site model '" + model.formula() + "' can be fitted in " + names.size()
          + " site(s); a meta-analysis needs at least 2" + (excluded.isEmpty() ? "" : " (" + excluded + ")"));
    }
    List<String> contrastNames = contrasts.stream().map(ContrastSpec::name).toList();
    return new SiteMeta(names.toArray(new String[0]), rowList.toArray(new int[0][]), modelList.toArray(new GlmModel[0]),
        designList.toArray(new Design[0]), contrastNames, excluded, options);
  }

  /** The sites pooled, sorted. */
  public List<String> sites() {
    return List.of(sites);
  }

  /** Sites left out, with the reason. */
  public Map<String, String> excludedSites() {
    return excluded;
  }

  /** The t-contrasts, in order. */
  public List<String> contrastNames() {
    return contrastNames;
  }

  /** Whether contrast {@code c} is meta-analysed as Hedges' g (else Fisher's z). */
  public boolean isHedgesG(int c) {
    return designs[0].contrasts().get(c).isGroupDifference();
  }

  /** The pooling options. */
  public MetaOptions options() {
    return options;
  }

  /**
   * One contrast's meta-analysis of a block.
   *
   * @param pooled the pooled maps ({@link MetaAnalysis#pool})
   * @param effect per-site effect sizes, site-major {@code [site·v + j]} (NaN = missing)
   * @param variance their variances, same layout
   * @param stouffer √n-weighted Stouffer combination of the per-site one-sided p
   * @param fisher Fisher's combination of the same p
   */
  public record ContrastResult(MetaMaps pooled, double[] effect, double[] variance, PValueCombination.Combined stouffer,
      PValueCombination.Combined fisher) implements Serializable {}

  /** The meta-analysis of every contrast on a subject-major block of {@code v} voxels. */
  public List<ContrastResult> pool(double[] y, int v) {
    int k = sites.length;
    int nc = contrastNames.size();
    double[][] effect = new double[nc][k * v];
    double[][] variance = new double[nc][k * v];
    double[][] p = new double[nc][k * v];
    double[][] weight = new double[nc][k * v];
    for (int s = 0; s < k; s++) {
      int[] r = rows[s];
      int n = r.length;
      double[] ys = new double[n * v];
      for (int i = 0; i < n; i++) {
        System.arraycopy(y, r[i] * v, ys, i * v, v);
      }
      GlmMaps fit = new GlmKernel(models[s]).fit(ys, v);
      Design d = designs[s];
      for (int c = 0; c < nc; c++) {
        Contrast contrast = d.contrasts().get(c);
        double[] t = fit.map(GlmOutput.T, c);
        double[] pOne = fit.map(GlmOutput.T_P, c);
        double[] dof = fit.values(GlmOutput.DOF);
        double[] subjects = fit.values(GlmOutput.SUBJECTS);
        int offset = s * v;
        if (contrast.isGroupDifference()) {
          double[] level = new double[n];
          double hi = Double.NEGATIVE_INFINITY;
          double lo = Double.POSITIVE_INFINITY;
          for (int i = 0; i < n; i++) {
            double x = 0;
            for (int col = 0; col < d.columns(); col++) {
              x += d.get(i, col) * contrast.weight(col);
            }
            level[i] = x;
            hi = Math.max(hi, x);
            lo = Math.min(lo, x);
          }
          double[] n1 = new double[v];
          double[] n2 = new double[v];
          for (int i = 0; i < n; i++) {
            boolean first = level[i] == hi;
            boolean second = level[i] == lo;
            for (int j = 0; j < v; j++) {
              if (!Double.isNaN(ys[i * v + j])) {
                n1[j] += first ? 1 : 0;
                n2[j] += second ? 1 : 0;
              }
            }
          }
          double[] g = new double[v];
          double[] var = new double[v];
          EffectSizes.hedgesGFromT(t, n1, n2, g, var);
          System.arraycopy(g, 0, effect[c], offset, v);
          System.arraycopy(var, 0, variance[c], offset, v);
        } else {
          int q = d.columns() - 2;
          double[] r2 = new double[v];
          for (int j = 0; j < v; j++) {
            r2[j] = EffectSizes.correlationFromT(t[j], dof[j]);
          }
          double[] z = new double[v];
          double[] var = new double[v];
          EffectSizes.fisherZ(r2, subjects, Math.max(0, q), z, var);
          System.arraycopy(z, 0, effect[c], offset, v);
          System.arraycopy(var, 0, variance[c], offset, v);
        }
        for (int j = 0; j < v; j++) {
          p[c][offset + j] = pOne[j];
          weight[c][offset + j] = Math.sqrt(subjects[j]);
        }
      }
    }
    List<ContrastResult> out = new ArrayList<>(nc);
    for (int c = 0; c < nc; c++) {
      out.add(new ContrastResult(MetaAnalysis.pool(effect[c], variance[c], k, v, options), effect[c], variance[c],
          PValueCombination.stouffer(p[c], weight[c], k, v), PValueCombination.fisher(p[c], k, v)));
    }
    return out;
  }
}
