package org.voxelspark.group;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.voxelspark.error.UserInputException;
import org.voxelspark.geometry.Affine;
import org.voxelspark.geometry.VolumeGeometry;
import org.voxelspark.io.HadoopFiles;
import org.voxelspark.nifti.NiftiDatatype;
import org.voxelspark.nifti.NiftiHeader;
import org.voxelspark.stats.GroupAnalysis;
import org.voxelspark.stats.design.Design;
import org.voxelspark.stats.glm.GlmOutput;
import org.voxelspark.stats.inference.Clusters;
import org.voxelspark.stats.inference.MaskedGrid;
import org.voxelspark.stats.perm.Tail;
import org.voxelspark.table.SmallTable;
import org.voxelspark.table.SmallTable.Column;

/**
 * Writes the group stage's outputs into {@code <output_dir>/group/<metric>/}, with BIDS-Derivatives
 * and NiMARE style names: {@code desc-<metric>[_contrast-<name>]_stat-<stat>[_corr-<FWE|FDR>]
 * [_method-<permutation|tfce|clusterextent|clustermass>]_statmap.nii.gz}. Names are defined once, in
 * {@link #mapName}; {@code docs/outputs.md} lists every one.
 *
 * <p>Maps are float32 NIfTI-1 on the reference grid (its affine, sform and qform code of the
 * analysis' space). Voxels outside the group mask hold 0, and 1 in p-value maps (so that thresholding
 * a p map at 0.05 never selects them). p values are p (not 1 − p), as PALM writes them. Test names
 * become BIDS labels by dropping every character that is not a letter or digit.
 */
public final class GroupOutputs {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** Name of the group outputs' parent directory in the output. */
  public static final String DIRECTORY = "group";

  private GroupOutputs() {}

  /** The output directory of a metric's analysis. */
  public static String directory(String outputRoot, String metric) {
    return new Path(new Path(outputRoot, DIRECTORY), metric).toString();
  }

  /** A test's name as a BIDS label (letters and digits only). */
  public static String label(String testName) {
    String l = testName.replaceAll("[^A-Za-z0-9]", "");
    if (l.isEmpty()) {
      throw new UserInputException("--contrast", testName, "a test name needs at least one letter or digit");
    }
    return l;
  }

  /**
   * A map's file name.
   *
   * @param test the test's label, or null for maps of the whole model
   * @param stat the {@code stat-} entity
   * @param corr {@code FWE}, {@code FDR} or null
   * @param method {@code permutation}, {@code tfce}, {@code clusterextent}, {@code clustermass} or null
   */
  public static String mapName(String metric, String test, String stat, String corr, String method) {
    return "desc-" + metric + (test == null ? "" : "_contrast-" + test) + "_stat-" + stat + (corr == null ? "" : "_corr-" + corr)
        + (method == null ? "" : "_method-" + method) + "_statmap.nii.gz";
  }

  /** A table's file stem (without {@code .tsv}/{@code .parquet}). */
  public static String tableStem(String metric, String test, String what) {
    return "desc-" + metric + (test == null ? "" : "_contrast-" + test) + "_" + what;
  }

  /** Writes everything; returns the URIs written. */
  public static List<String> write(GroupStage.Result r, GroupSettings settings, String outputRoot, Configuration conf,
      String version) {
    GroupRois.Result rois = r.rois();
    String dir = directory(outputRoot, settings.metric());
    String m = settings.metric();
    VolumeGeometry ref = r.inputs().reference();
    MaskedGrid grid = r.grid();
    int v = r.voxels();
    Writer w = new Writer(dir, ref, r.inputs().space(), grid, conf, version);

    // the model
    float[] mask = new float[ref.voxelCount()];
    for (int c = 0; c < v; c++) {
      mask[grid.index(c)] = 1;
    }
    w.volume("desc-" + m + "_mask.nii.gz", mask, NiftiDatatype.UINT8, NiftiHeader.INTENT_NONE, "group mask");
    w.map(mapName(m, null, "n", null, null), r.glm().get(GlmOutput.SUBJECTS), 0, 0, NiftiHeader.INTENT_NONE, "subjects with data");
    w.map(mapName(m, null, "sigma", null, null), r.glm().get(GlmOutput.RESIDUAL_SD), 0, 0, NiftiHeader.INTENT_ESTIMATE,
        "residual SD");
    Design d = r.design();
    for (int c = 0; c < d.columns(); c++) {
      w.map(mapName(m, null, "beta" + c, null, null), r.glm().get(GlmOutput.BETA), c, 0,
          NiftiHeader.INTENT_ESTIMATE, "beta of " + d.columnNames().get(c));
    }

    int nt = d.contrasts().size();
    for (int t = 0; t < r.tests().size(); t++) {
      GroupStage.TestResult test = r.tests().get(t);
      String l = label(test.name());
      if (test.isT()) {
        w.map(mapName(m, l, "effect", null, null), r.glm().get(GlmOutput.COPE), t, 0, NiftiHeader.INTENT_ESTIMATE, "contrast of parameter estimates");
        w.map(mapName(m, l, "t", null, null), r.glm().get(GlmOutput.T), t, 0, NiftiHeader.INTENT_TTEST, "t");
        w.map(mapName(m, l, "z", null, null), r.glm().get(GlmOutput.T_Z), t, 0, NiftiHeader.INTENT_ZSCORE, "z of t");
        w.map(mapName(m, l, "p", null, null), r.glm().get(settings.tail() == Tail.TWO_SIDED ? GlmOutput.T_P_TWO_TAILED
            : GlmOutput.T_P), t, 1, NiftiHeader.INTENT_PVAL, "parametric p, uncorrected");
        w.map(mapName(m, l, "r", null, null), r.glm().get(GlmOutput.PARTIAL_R), t, 0, NiftiHeader.INTENT_ESTIMATE, "partial correlation r");
        w.map(mapName(m, l, "fisherz", null, null), r.glm().get(GlmOutput.FISHER_Z), t, 0, NiftiHeader.INTENT_ESTIMATE, "Fisher z of r");
        if (d.contrasts().get(t).isGroupDifference()) {
          w.map(mapName(m, l, "cohend", null, null), r.glm().get(GlmOutput.COHEN_D), t, 0, NiftiHeader.INTENT_ESTIMATE, "Cohen's d");
          w.map(mapName(m, l, "hedgesg", null, null), r.glm().get(GlmOutput.HEDGES_G), t, 0, NiftiHeader.INTENT_ESTIMATE, "Hedges' g");
        }
      } else {
        int f = t - nt;
        w.map(mapName(m, l, "F", null, null), r.glm().get(GlmOutput.F), f, 0, NiftiHeader.INTENT_FTEST, "F");
        w.map(mapName(m, l, "z", null, null), r.glm().get(GlmOutput.F_Z), f, 0, NiftiHeader.INTENT_ZSCORE, "z of F");
        w.map(mapName(m, l, "p", null, null), r.glm().get(GlmOutput.F_P), f, 1, NiftiHeader.INTENT_PVAL, "parametric p, uncorrected");
      }
      if (r.shufflings().size() > 1) {
        w.map(mapName(m, l, "p", null, "permutation"), test.uncorrectedP(), 0, 1, NiftiHeader.INTENT_PVAL, "permutation p, uncorrected");
        w.map(mapName(m, l, "p", "FWE", "permutation"), test.fweP(), 0, 1, NiftiHeader.INTENT_PVAL, "permutation p, FWE (max statistic)");
        w.map(mapName(m, l, "p", "FDR", "permutation"), test.fdrP(), 0, 1, NiftiHeader.INTENT_PVAL, "permutation p, BH-FDR adjusted");
      }
      GroupAnalysis.Spatial s = test.spatial();
      SmallTable nulls = SmallTable.of(Column.integer("shuffling"), Column.real("max_z"), Column.real("max_tfce").orNull(),
          Column.integer("max_cluster_extent").orNull(), Column.real("max_cluster_mass").orNull());
      for (int k = 0; k < test.maxNull().length; k++) {
        nulls.add(k, test.maxNull()[k], s == null || s.tfceMaxNull() == null ? null : s.tfceMaxNull()[k],
            s == null || s.extentMaxNull() == null ? null : (int) s.extentMaxNull()[k],
            s == null || s.massMaxNull() == null ? null : s.massMaxNull()[k]);
      }
      w.table(tableStem(m, l, "nulldist"), nulls);
      if (s != null && s.tfce() != null) {
        w.map(mapName(m, l, "tfce", null, null), s.tfce(), 0, 0, NiftiHeader.INTENT_ESTIMATE, "TFCE of z");
        w.map(mapName(m, l, "p", null, "tfce"), s.tfceUncorrectedP(), 0, 1, NiftiHeader.INTENT_PVAL, "TFCE permutation p, uncorrected");
        w.map(mapName(m, l, "p", "FWE", "tfce"), s.tfceFweP(), 0, 1, NiftiHeader.INTENT_PVAL, "TFCE p, FWE");
      }
      if (s != null && s.clusters() != null) {
        double[] extentP = new double[v];
        double[] massP = new double[v];
        java.util.Arrays.fill(extentP, 1);
        java.util.Arrays.fill(massP, 1);
        for (int c = 0; c < v; c++) {
          int cl = s.clusters().labels()[c];
          if (cl > 0) {
            extentP[c] = s.clusterExtentFweP()[cl - 1];
            massP[c] = s.clusterMassFweP()[cl - 1];
          }
        }
        w.map(mapName(m, l, "p", "FWE", "clusterextent"), extentP, 0, 1, NiftiHeader.INTENT_PVAL, "cluster extent p, FWE");
        w.map(mapName(m, l, "p", "FWE", "clustermass"), massP, 0, 1, NiftiHeader.INTENT_PVAL, "cluster mass p, FWE");
        w.table(tableStem(m, l, "clusters"), clusterTable(s, ref, settings, rois == null ? null : rois));
      }
    }

    // design, subjects, ROI tables
    HadoopFiles.writeText(new Path(dir, tableStem(m, null, "design") + ".tsv").toString(), conf, d.toTsv());
    w.written.add(new Path(dir, tableStem(m, null, "design") + ".tsv").toString());
    SmallTable subjects = SmallTable.of(Column.integer("row"), Column.string("subject"), Column.string("site").orNull(),
        Column.string("map"), Column.string("resampled"));
    for (SubjectMap s : r.inputs().maps()) {
      subjects.add(s.row(), s.subjectKey(), s.site(), s.map(), r.inputs().resampled().contains(s.subjectKey()) ? "yes" : "no");
    }
    w.table(tableStem(m, null, "subjects"), subjects);
    SmallTable excluded = SmallTable.of(Column.string("subject"), Column.string("reason"));
    r.inputs().excluded().forEach((subject, reason) -> excluded.add(subject, reason));
    w.table(tableStem(m, null, "excluded"), excluded);
    if (rois != null) {
      w.table(tableStem(m, null, "roimeans"), roiMeans(rois, r.inputs()));
      w.table(tableStem(m, null, "roistats"), roiStats(rois, d, settings));
    }
    if (r.meta() != null) {
      writeMeta(w, r, settings);
    }
    if (r.combat() != null && r.combat().models() != null) {
      writeCombatModel(w, r, settings);
    }
    w.json(tableStem(m, null, "group") + ".json", summary(r, settings, version));
    return w.written;
  }

  /** The meta-analysis method's label in file names: {@code meta<FE|DL|REML|ML|PM|HE|SJ>}, HKSJ appended. */
  static String metaMethod(org.voxelspark.meta.MetaOptions o) {
    return "meta" + o.method().metaforName() + (o.test() == org.voxelspark.meta.MetaTest.HKSJ ? "HKSJ" : "");
  }

  private static void writeMeta(Writer w, GroupStage.Result r, GroupSettings settings) {
    String m = settings.metric();
    String method = metaMethod(settings.meta());
    for (GroupMeta.Result mr : r.meta()) {
      String l = label(mr.contrast());
      for (org.voxelspark.meta.MetaOutput o : org.voxelspark.meta.MetaOutput.values()) {
        boolean p = o == org.voxelspark.meta.MetaOutput.P || o == org.voxelspark.meta.MetaOutput.P_Q;
        w.map(mapName(m, l, o.column().replace("_", ""), null, method), mr.pooled().get(o), 0, p ? 1 : 0,
            p ? NiftiHeader.INTENT_PVAL : NiftiHeader.INTENT_ESTIMATE, "meta-analysis (" + method + ", "
            + (mr.hedgesG() ? "Hedges' g" : "Fisher's z of partial r") + "): " + o.column());
      }
      double[] k = new double[mr.k().length];
      double[] reason = new double[k.length];
      for (int q = 0; q < k.length; q++) {
        k[q] = mr.k()[q];
        reason[q] = mr.reason()[q];
      }
      w.map(mapName(m, l, "k", null, method), k, 0, 0, NiftiHeader.INTENT_NONE, "sites pooled");
      w.map(mapName(m, l, "reason", null, method), reason, 0, 0, NiftiHeader.INTENT_NONE,
          "why a voxel was not pooled (MetaReason code; 0 = pooled)");
      w.map(mapName(m, l, "z", null, "stouffer"), mr.stoufferZ(), 0, 0, NiftiHeader.INTENT_ZSCORE, "Stouffer's sqrt(n)-weighted Z");
      w.map(mapName(m, l, "p", null, "stouffer"), mr.stoufferP(), 0, 1, NiftiHeader.INTENT_PVAL, "Stouffer's combined one-sided p");
      w.map(mapName(m, l, "p", null, "fisher"), mr.fisherP(), 0, 1, NiftiHeader.INTENT_PVAL, "Fisher's combined one-sided p");
    }
    if (r.roiMeta() != null) {
      org.voxelspark.meta.SiteMeta sm = r.metaSites();
      for (int c = 0; c < r.roiMeta().size(); c++) {
        String l = label(sm.contrastNames().get(c));
        GroupRois.Result rois = r.rois();
        megaMetaTables(w, "roi", rois, c, rois.analysis().tests().get(c).fweP(), r.roiMeta().get(c), sm,
            tableStem(m, l, "megameta"), tableStem(m, l, "roisites"));
      }
    }
    for (GroupStage.ClusterMeta cm : r.clusterMeta()) {
      org.voxelspark.meta.SiteMeta sm = r.metaSites();
      String l = label(sm.contrastNames().get(cm.test()));
      megaMetaTables(w, "cluster", cm.mega(), cm.test(), r.tests().get(cm.test()).spatial().clusterExtentFweP(), cm.meta(), sm,
          tableStem(m, l, "clustermegameta"), tableStem(m, l, "clustersites"));
    }
  }

  /**
   * One mega-vs-meta table (a row per ROI or cluster: the pooled analysis' effect, t and FWE p beside
   * the meta-analysis of the sites' effects) and its per-site table (the forest plot's rows).
   *
   * @param key the first column's name ({@code roi} or {@code cluster})
   * @param units the ROIs or clusters, their means and the mega GLM on them
   * @param contrast the t-contrast's index
   * @param megaFwe the FWE p of each unit in the pooled analysis (over ROIs; for clusters, the
   *     cluster-extent FWE p of the voxelwise permutation)
   */
  private static void megaMetaTables(Writer w, String key, GroupRois.Result units, int contrast, double[] megaFwe,
      org.voxelspark.meta.SiteMeta.ContrastResult cr, org.voxelspark.meta.SiteMeta sm, String stem, String sitesStem) {
    int nr = units.rois().length;
    int k = sm.sites().size();
    SmallTable t = SmallTable.of(Column.integer(key), Column.string("name"), Column.real("mega_effect"),
        Column.real("mega_t"), Column.real("mega_p_fwe"), Column.string("meta_effect_size"), Column.real("meta_estimate"),
        Column.real("meta_se"), Column.real("meta_ci_lower"), Column.real("meta_ci_upper"), Column.real("meta_p"),
        Column.real("meta_i2"), Column.real("meta_tau2"), Column.integer("meta_k"));
    SmallTable sites = SmallTable.of(Column.integer(key), Column.string("name"), Column.string("site"),
        Column.real("effect"), Column.real("variance"), Column.real("ci_lower"), Column.real("ci_upper"));
    org.voxelspark.meta.MetaMaps pm = cr.pooled();
    for (int q = 0; q < nr; q++) {
      t.add(units.rois()[q], units.names().get(q), units.analysis().glm().get(GlmOutput.COPE, contrast, q),
          units.analysis().glm().get(GlmOutput.T, contrast, q), megaFwe[q], sm.isHedgesG(contrast) ? "hedges_g" : "fisher_z",
          pm.get(org.voxelspark.meta.MetaOutput.ESTIMATE)[q], pm.get(org.voxelspark.meta.MetaOutput.SE)[q],
          pm.get(org.voxelspark.meta.MetaOutput.CI_LOWER)[q], pm.get(org.voxelspark.meta.MetaOutput.CI_UPPER)[q],
          pm.get(org.voxelspark.meta.MetaOutput.P)[q], pm.get(org.voxelspark.meta.MetaOutput.I2)[q],
          pm.get(org.voxelspark.meta.MetaOutput.TAU2)[q], pm.k()[q]);
      for (int s2 = 0; s2 < k; s2++) {
        double e = cr.effect()[s2 * nr + q];
        double v = cr.variance()[s2 * nr + q];
        double half = 1.959963984540054 * Math.sqrt(v);
        sites.add(units.rois()[q], units.names().get(q), sm.sites().get(s2), e, v, e - half, e + half);
      }
    }
    w.table(stem, t);
    w.table(sitesStem, sites);
  }

  /** Column names of the saved ComBat model (per voxel; site and covariate columns are suffixed). */
  static final String COMBAT_VOXEL = "voxel";

  private static void writeCombatModel(Writer w, GroupStage.Result r, GroupSettings settings) {
    List<org.voxelspark.harmonize.ComBatModel> models = new ArrayList<>(r.combat().models().values());
    models.sort(java.util.Comparator.comparingInt(org.voxelspark.harmonize.ComBatModel::firstFeature));
    org.voxelspark.harmonize.ComBatModel first = models.get(0);
    String[] sites = first.batchNames();
    String[] cov = first.covariateNames();
    List<Column> cols = new ArrayList<>(List.of(Column.integer(COMBAT_VOXEL), Column.real("grand_mean"),
        Column.real("var_pooled"), Column.integer("status")));
    for (String c : cov) {
      cols.add(Column.real("beta_" + c));
    }
    for (String site : sites) {
      cols.add(Column.real("gamma_star_" + site));
      cols.add(Column.real("delta_star_" + site));
      cols.add(Column.integer("site_state_" + site));
    }
    SmallTable t = SmallTable.of(cols);
    // block models by block id, in block-id order (their features are numbered in that order)
    Map<Integer, org.voxelspark.harmonize.ComBatModel> byId = new java.util.TreeMap<>(r.combat().models());
    int[] blockIdsByOffset = byId.keySet().stream().mapToInt(Integer::intValue).toArray();
    for (int id : blockIdsByOffset) {
      org.voxelspark.harmonize.ComBatModel model = byId.get(id);
      int[] voxels = r.blockVoxels().get(id);
      int v = model.featureCount();
      for (int f = 0; f < v; f++) {
        Object[] row = new Object[cols.size()];
        int c = 0;
        row[c++] = voxels[f];
        row[c++] = model.grandMean()[f];
        row[c++] = model.varPooled()[f];
        row[c++] = (int) model.statusCodes()[f];
        for (int j = 0; j < cov.length; j++) {
          row[c++] = model.beta()[j * v + f];
        }
        for (int b = 0; b < sites.length; b++) {
          row[c++] = model.gammaStar()[b * v + f];
          row[c++] = model.deltaStar()[b * v + f];
          row[c++] = (int) model.batchStateCodes()[b * v + f];
        }
        t.add(row);
      }
    }
    VolumeGeometry ref = r.inputs().reference();
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("voxelspark.combat.sites", String.join(",", sites));
    meta.put("voxelspark.combat.reference", Integer.toString(first.referenceIndex()));
    meta.put("voxelspark.combat.covariates", String.join(",", cov));
    meta.put("voxelspark.combat.convention", first.convention().name());
    meta.put("voxelspark.combat.gamma_bar", join(first.gammaBar()));
    meta.put("voxelspark.combat.tau2", join(first.tau2()));
    meta.put("voxelspark.combat.a_prior", join(first.aPrior()));
    meta.put("voxelspark.combat.b_prior", join(first.bPrior()));
    meta.put(org.voxelspark.table.VoxelTable.META_DIM, ref.nx() + "," + ref.ny() + "," + ref.nz());
    meta.put(org.voxelspark.table.VoxelTable.META_AFFINE, join(affine12(ref.affine())));
    String uri = new Path(w.dir, tableStem(settings.metric(), null, "combat") + ".parquet").toString();
    t.writeParquet(uri, w.conf, meta);
    w.written.add(uri);
  }

  /**
   * Reads a model written by {@link #write} ({@code desc-<metric>_combat.parquet}) for applying it
   * to the blocks of {@code reference}, which must be the grid it was estimated on.
   */
  public static GroupHarmonize.SavedModel readCombatModel(org.apache.spark.sql.SparkSession spark, String uri,
      VolumeGeometry reference) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    Map<String, String> meta;
    try (org.apache.parquet.hadoop.ParquetFileReader reader = org.apache.parquet.hadoop.ParquetFileReader.open(
        org.apache.parquet.hadoop.util.HadoopInputFile.fromPath(new Path(uri), conf))) {
      meta = reader.getFooter().getFileMetaData().getKeyValueMetaData();
    } catch (java.io.FileNotFoundException e) {
      throw new UserInputException(uri, "", "file does not exist");
    } catch (java.io.IOException | RuntimeException e) {
      throw new UserInputException(uri, "", "not a readable Parquet file: " + e.getMessage(), e);
    }
    if (meta.get("voxelspark.combat.sites") == null) {
      throw new UserInputException(uri, "", "not a voxelspark ComBat model (no voxelspark.combat.* metadata)");
    }
    String dims = reference.nx() + "," + reference.ny() + "," + reference.nz();
    double[] a = parse(meta.get(org.voxelspark.table.VoxelTable.META_AFFINE));
    double[] mine = affine12(reference.affine());
    boolean sameAffine = a.length == 12;
    for (int q = 0; sameAffine && q < 12; q++) {
      sameAffine = Math.abs(a[q] - mine[q]) <= VolumeGeometry.DEFAULT_AFFINE_TOLERANCE_MM;
    }
    if (!dims.equals(meta.get(org.voxelspark.table.VoxelTable.META_DIM)) || !sameAffine) {
      throw new UserInputException(uri, "grid", "the model was estimated on grid " + meta.get(org.voxelspark.table.VoxelTable.META_DIM)
          + " but this analysis is on " + reference + "; use the same reference grid (--group-mask)");
    }
    String[] sites = meta.get("voxelspark.combat.sites").split(",");
    String covText = meta.get("voxelspark.combat.covariates");
    String[] cov = covText == null || covText.isEmpty() ? new String[0] : covText.split(",");
    List<org.apache.spark.sql.Row> rows = spark.read().parquet(uri).collectAsList();
    int n = rows.size();
    int nb = sites.length;
    int q = cov.length;
    Map<Integer, Integer> rowOfVoxel = new java.util.HashMap<>();
    double[] gm = new double[n];
    double[] vp = new double[n];
    double[] be = new double[q * n];
    double[] gs = new double[nb * n];
    double[] ds = new double[nb * n];
    byte[] st = new byte[n];
    byte[] bs = new byte[nb * n];
    for (int i = 0; i < n; i++) {
      org.apache.spark.sql.Row row = rows.get(i);
      rowOfVoxel.put(row.getInt(row.fieldIndex(COMBAT_VOXEL)), i);
      gm[i] = row.getDouble(row.fieldIndex("grand_mean"));
      vp[i] = row.getDouble(row.fieldIndex("var_pooled"));
      st[i] = (byte) row.getInt(row.fieldIndex("status"));
      for (int j = 0; j < q; j++) {
        be[j * n + i] = row.getDouble(row.fieldIndex("beta_" + cov[j]));
      }
      for (int b = 0; b < nb; b++) {
        gs[b * n + i] = row.getDouble(row.fieldIndex("gamma_star_" + sites[b]));
        ds[b * n + i] = row.getDouble(row.fieldIndex("delta_star_" + sites[b]));
        bs[b * n + i] = (byte) row.getInt(row.fieldIndex("site_state_" + sites[b]));
      }
    }
    return new GroupHarmonize.SavedModel(sites, Integer.parseInt(meta.get("voxelspark.combat.reference")), cov,
        org.voxelspark.harmonize.ComBatConvention.valueOf(meta.get("voxelspark.combat.convention")), rowOfVoxel, gm, vp, be, gs,
        ds, st, bs, parse(meta.get("voxelspark.combat.gamma_bar")), parse(meta.get("voxelspark.combat.tau2")),
        parse(meta.get("voxelspark.combat.a_prior")), parse(meta.get("voxelspark.combat.b_prior")));
  }

  static double[] affine12(Affine a) {
    double[][] m = a.toArray();
    double[] out = new double[12];
    for (int r = 0; r < 3; r++) {
      for (int c = 0; c < 4; c++) {
        out[4 * r + c] = m[r][c];
      }
    }
    return out;
  }

  private static String join(double[] values) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < values.length; i++) {
      sb.append(i == 0 ? "" : ",").append(values[i]);
    }
    return sb.toString();
  }

  private static double[] parse(String text) {
    if (text == null || text.isEmpty()) {
      return new double[0];
    }
    String[] parts = text.split(",");
    double[] out = new double[parts.length];
    for (int i = 0; i < parts.length; i++) {
      out[i] = Double.parseDouble(parts[i]);
    }
    return out;
  }

  private static SmallTable clusterTable(GroupAnalysis.Spatial s, VolumeGeometry ref, GroupSettings settings,
      GroupRois.Result rois) {
    SmallTable t = SmallTable.of(Column.integer("cluster"), Column.integer("extent_voxels"), Column.real("extent_mm3"),
        Column.real("mass"), Column.real("peak_z"), Column.integer("peak_i"), Column.integer("peak_j"), Column.integer("peak_k"),
        Column.real("peak_x_mm"), Column.real("peak_y_mm"), Column.real("peak_z_mm"), Column.real("centre_i"),
        Column.real("centre_j"), Column.real("centre_k"), Column.real("mean_effect"), Column.real("p_fwe_extent"),
        Column.real("p_fwe_mass"), Column.string("atlas_label").orNull());
    double[] size = ref.voxelSizeMm();
    double voxelMm3 = size[0] * size[1] * size[2];
    Affine a = ref.affine();
    int[] atlas = null;
    Map<Integer, String> names = null;
    if (rois != null && settings.atlas() != null) {
      atlas = GroupRois.atlasLabels(settings.atlas(), ref, new Configuration());
      names = new LinkedHashMap<>();
      for (int q = 0; q < rois.rois().length; q++) {
        names.put(rois.rois()[q], rois.names().get(q));
      }
    }
    List<Clusters.Row> rows = s.clusters().rows();
    for (int c = 0; c < rows.size(); c++) {
      Clusters.Row row = rows.get(c);
      double[] world = row.peakWorld(a);
      String label = null;
      if (atlas != null) {
        int l = atlas[row.peakIndex()];
        label = l == 0 ? "background" : names.getOrDefault(l, "label-" + l);
      }
      t.add(row.label(), row.extent(), row.extent() * voxelMm3, row.mass(), row.peak(), row.peakIjk()[0], row.peakIjk()[1],
          row.peakIjk()[2], world[0], world[1], world[2], row.centreOfMass()[0], row.centreOfMass()[1], row.centreOfMass()[2],
          row.meanEffect(), s.clusterExtentFweP()[c], s.clusterMassFweP()[c], label);
    }
    return t;
  }

  private static SmallTable roiMeans(GroupRois.Result rois, GroupInputs inputs) {
    List<Column> cols = new ArrayList<>();
    cols.add(Column.string("subject"));
    for (String n : rois.names()) {
      cols.add(Column.real(n));
    }
    SmallTable t = SmallTable.of(cols);
    int r = rois.rois().length;
    for (SubjectMap s : inputs.maps()) {
      Object[] row = new Object[r + 1];
      row[0] = s.subjectKey();
      for (int q = 0; q < r; q++) {
        row[q + 1] = rois.means()[s.row() * r + q];
      }
      t.add(row);
    }
    return t;
  }

  private static SmallTable roiStats(GroupRois.Result rois, Design d, GroupSettings settings) {
    SmallTable t = SmallTable.of(Column.integer("roi"), Column.string("name"), Column.string("test"), Column.real("effect").orNull(),
        Column.real("statistic"), Column.real("z"), Column.real("p_parametric"), Column.real("r").orNull(),
        Column.real("p_permutation"), Column.real("p_fwe"), Column.real("p_fdr"));
    GroupAnalysis.Result a = rois.analysis();
    int nt = d.contrasts().size();
    int r = rois.rois().length;
    for (int t2 = 0; t2 < a.tests().size(); t2++) {
      GroupAnalysis.TestResult test = a.tests().get(t2);
      boolean isT = t2 < nt;
      for (int q = 0; q < r; q++) {
        double p = isT ? a.glm().get(settings.tail() == Tail.TWO_SIDED ? GlmOutput.T_P_TWO_TAILED : GlmOutput.T_P, t2, q)
            : a.glm().get(GlmOutput.F_P, t2 - nt, q);
        t.add(rois.rois()[q], rois.names().get(q), test.name(), isT ? a.glm().get(GlmOutput.COPE, t2, q) : null,
            isT ? a.glm().get(GlmOutput.T, t2, q) : a.glm().get(GlmOutput.F, t2 - nt, q), test.z()[q], p,
            isT ? a.glm().get(GlmOutput.PARTIAL_R, t2, q) : null, test.uncorrectedP()[q], test.fweP()[q], test.fdrP()[q]);
      }
    }
    return t;
  }

  private static Map<String, Object> summary(GroupStage.Result r, GroupSettings s, String version) {
    Map<String, Object> j = new LinkedHashMap<>();
    j.put("Metric", s.metric());
    j.put("Model", s.model().formula());
    j.put("DesignColumns", r.design().columnNames());
    j.put("ExchangeabilityBlocks", s.model().blockColumn());
    List<Map<String, String>> tests = new ArrayList<>();
    s.contrasts().forEach(c -> tests.add(ordered("name", c.name(), "label", label(c.name()), "contrast", c.expression())));
    s.fTests().forEach(f -> tests.add(ordered("name", f.name(), "label", label(f.name()), "ftest", String.join(", ", f.parts()))));
    j.put("Tests", tests);
    j.put("Subjects", r.design().subjects());
    j.put("ResidualDegreesOfFreedom", r.design().residualDof());
    j.put("Excluded", r.inputs().excluded());
    j.put("Resampled", r.inputs().resampled());
    j.put("GroupMaskVoxels", r.voxels());
    j.put("MinCoverage", s.minCoverage());
    j.put("Shufflings", r.shufflings().size());
    j.put("ShufflingKind", r.shufflings().kind().name());
    j.put("Seed", s.seed());
    j.put("Tail", s.tail().name());
    j.put("Partition", s.partition().name());
    if (s.spatial() != null) {
      j.put("TFCE", s.spatial().tfce() ? ordered("H", Double.toString(s.spatial().tfceH()), "E",
          Double.toString(s.spatial().tfceE()), "Connectivity", s.spatial().tfceConnectivity().name()) : "off");
      j.put("ClusterFormingThresholdZ", s.spatial().clusters() ? s.spatial().clusterThreshold() : "off");
    }
    if (r.combat() != null) {
      Map<String, Object> h = new LinkedHashMap<>();
      h.put("Method", "ComBat");
      h.put("EmpiricalBayes", s.harmonize().options().empiricalBayes().name());
      h.put("Adjustment", s.harmonize().options().adjustment().name());
      h.put("ReferenceSite", s.harmonize().options().referenceBatch());
      h.put("Convention", s.harmonize().options().convention().name());
      h.put("ProtectedCovariates", r.combat().covariateNames());
      if (r.combat().savedModel() != null) {
        h.put("AppliedModel", r.combat().savedModel());
      } else {
        h.put("EstimatedOn", s.harmonize().estimateWhere().isEmpty() ? "all analysed subjects" : s.harmonize().estimateWhere());
        h.put("EstimationSubjects", r.combat().estimationSubjects());
        Map<String, Long> status = new LinkedHashMap<>();
        for (org.voxelspark.harmonize.ComBatFeatureStatus st : org.voxelspark.harmonize.ComBatFeatureStatus.values()) {
          if (st.code() < r.combat().statusCounts().length) {
            status.put(st.name().toLowerCase(), r.combat().statusCounts()[st.code()]);
          }
        }
        h.put("VoxelsByStatus", status);
        h.put("Model", tableStem(s.metric(), null, "combat") + ".parquet");
      }
      j.put("Harmonization", h);
    }
    if (r.metaSites() != null) {
      Map<String, Object> mm = new LinkedHashMap<>();
      mm.put("Method", s.meta().method().metaforName());
      mm.put("Test", s.meta().test().name());
      mm.put("SitesPooled", r.metaSites().sites());
      mm.put("SitesLeftOut", r.metaSites().excludedSites());
      mm.put("PerSiteModel", GroupMeta.perSiteModel(s.model(), r.inputs().siteColumn()).formula());
      Map<String, String> sizes = new LinkedHashMap<>();
      for (int c = 0; c < r.metaSites().contrastNames().size(); c++) {
        sizes.put(r.metaSites().contrastNames().get(c), r.metaSites().isHedgesG(c) ? "Hedges' g" : "Fisher's z of partial r");
      }
      mm.put("EffectSizes", sizes);
      j.put("MetaAnalysis", mm);
    }
    j.put("PValues", "p (not 1 - p), as PALM: the identity shuffling counts; 1 outside the group mask");
    j.put("GeneratedBy", List.of(ordered("Name", "voxelspark", "Version", version)));
    return j;
  }

  /** A map that keeps its keys in the order given (JSON files are then byte-reproducible). */
  private static Map<String, String> ordered(String... keysAndValues) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      m.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return m;
  }

  /** Writes maps and tables of one analysis, collecting the URIs. */
  private static final class Writer {
    final String dir;
    final VolumeGeometry ref;
    final int space;
    final MaskedGrid grid;
    final Configuration conf;
    final String version;
    final List<String> written = new ArrayList<>();

    Writer(String dir, VolumeGeometry ref, int space, MaskedGrid grid, Configuration conf, String version) {
      this.dir = dir;
      this.ref = ref;
      this.space = space;
      this.grid = grid;
      this.conf = conf;
      this.version = version;
    }

    /** Map {@code i} of a map-major compact array, outside the mask {@code outside}. */
    void map(String name, double[] mapMajor, int i, double outside, int intent, String description) {
      int v = grid.size();
      float[] volume = new float[ref.voxelCount()];
      java.util.Arrays.fill(volume, (float) outside);
      for (int c = 0; c < v; c++) {
        volume[grid.index(c)] = (float) mapMajor[i * v + c];
      }
      volume(name, volume, NiftiDatatype.FLOAT32, intent, description);
    }

    void volume(String name, float[] volume, NiftiDatatype type, int intent, String description) {
      String uri = new Path(dir, name).toString();
      NiftiHeader h = NiftiHeader.builder(ref, 1).affine(ref.affine(), Math.max(1, space)).datatype(type)
          .intent(intent, "").description("voxelspark " + version + ": " + description).build();
      HadoopFiles.writeNifti(uri, conf, h, volume);
      written.add(uri);
    }

    void table(String stem, SmallTable t) {
      written.addAll(t.write(new Path(dir, stem).toString(), conf, Map.of("voxelspark.version", version)));
    }

    void json(String name, Map<String, Object> content) {
      String uri = new Path(dir, name).toString();
      try {
        HadoopFiles.writeText(uri, conf, JSON.writeValueAsString(content) + "\n");
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
      written.add(uri);
    }
  }
}
