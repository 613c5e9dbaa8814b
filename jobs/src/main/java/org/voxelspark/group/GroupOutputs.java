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
  public static List<String> write(GroupStage.Result r, GroupRois.Result rois, GroupSettings settings, String outputRoot,
      Configuration conf, String version) {
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
    w.json(tableStem(m, null, "group") + ".json", summary(r, settings, version));
    return w.written;
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
    s.contrasts().forEach(c -> tests.add(Map.of("name", c.name(), "label", label(c.name()), "contrast", c.expression())));
    s.fTests().forEach(f -> tests.add(Map.of("name", f.name(), "label", label(f.name()), "ftest", String.join(", ", f.parts()))));
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
      j.put("TFCE", s.spatial().tfce() ? Map.of("H", s.spatial().tfceH(), "E", s.spatial().tfceE(),
          "Connectivity", s.spatial().tfceConnectivity().name()) : "off");
      j.put("ClusterFormingThresholdZ", s.spatial().clusters() ? s.spatial().clusterThreshold() : "off");
    }
    j.put("PValues", "p (not 1 - p), as PALM: the identity shuffling counts; 1 outside the group mask");
    j.put("GeneratedBy", List.of(Map.of("Name", "voxelspark", "Version", version)));
    return j;
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
