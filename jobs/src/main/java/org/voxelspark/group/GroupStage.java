package org.voxelspark.group;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.voxelspark.cohort.Cohort;
import org.voxelspark.error.UserInputException;
import org.voxelspark.geometry.VolumeGeometry;
import org.voxelspark.geometry.VoxelLayout;
import org.voxelspark.io.HadoopFiles;
import org.voxelspark.io.SerializableConfiguration;
import org.voxelspark.nifti.NiftiHeader;
import org.voxelspark.nifti.NiftiImage;
import org.voxelspark.stats.design.Design;
import org.voxelspark.stats.design.DesignBuilder;
import org.voxelspark.stats.glm.GlmMaps;
import org.voxelspark.stats.glm.GlmModel;
import org.voxelspark.stats.glm.GlmOutput;
import org.voxelspark.stats.inference.Fdr;
import org.voxelspark.stats.inference.MaskedGrid;
import org.voxelspark.stats.inference.MaxDistribution;
import org.voxelspark.stats.inference.SpatialInference;
import org.voxelspark.stats.perm.FreedmanLane;
import org.voxelspark.stats.perm.ShufflingKind;
import org.voxelspark.stats.perm.ShufflingSet;

/**
 * The group stage (BIDS-App level {@code group}): the participant stage's maps of one metric for
 * every subject → the voxel-major transpose ({@link GroupTranspose}) → the voxelwise GLM, permutation
 * inference with FWE and FDR correction, and optionally TFCE and cluster inference
 * ({@link GroupFunctions}) → statistic maps, tables and the null distributions
 * ({@link GroupOutputs}).
 *
 * <p>The design is built and factored once on the driver from {@code participants.tsv}, refused
 * before any Spark work when it cannot be estimated ({@link DesignBuilder}); the model, the tests
 * and the shufflings are broadcast. Everything is computed in the compact order of the group mask
 * (voxels by increasing flat index), so the result equals
 * {@link org.voxelspark.stats.GroupAnalysis#run} on the whole subjects × voxels matrix, value for
 * value (the Spark test checks it).
 */
public final class GroupStage {
  private static final Logger LOG = LoggerFactory.getLogger(GroupStage.class);

  private GroupStage() {}

  /** The memory a spatial-inference task may use for its chunk of whole images, bytes. */
  public static final long SPATIAL_CHUNK_BYTES = 256L << 20;

  /**
   * One test's inference, compact over the group mask.
   *
   * @param name contrast or F-test name
   * @param isT whether a t-contrast
   * @param statistic compared statistic (t, |t| or F)
   * @param z its z-score
   * @param uncorrectedP voxelwise permutation p
   * @param fweP FWE-corrected p (max-z null)
   * @param fdrP BH-FDR adjusted p
   * @param maxNull max z per shuffling
   * @param spatial TFCE / cluster results, or null
   */
  public record TestResult(String name, boolean isT, double[] statistic, double[] z, double[] uncorrectedP, double[] fweP,
      double[] fdrP, double[] maxNull, org.voxelspark.stats.GroupAnalysis.Spatial spatial) {}

  /**
   * What the stage computed.
   *
   * @param inputs the subjects and the grid
   * @param design the design
   * @param grid the group mask as a compact grid (voxel order of every array below)
   * @param coverage subjects with data per voxel
   * @param glm the GLM maps, {@code GlmOutput → count(o) × V} map-major
   * @param shufflings the shufflings used
   * @param tests one per t-contrast, then per F-test
   * @param rois the ROI analysis, or null without an atlas
   * @param combat what ComBat did (its models by block id, covariates, status counts), or null
   * @param meta the meta-analysis of each t-contrast, or null
   * @param metaSites the sites pooled and the sites left out (with why), or null
   * @param roiMeta the meta-analysis of each t-contrast on the ROI means (ROIs in place of voxels), or null
   * @param clusterMeta per t-contrast with a cluster table, mega vs meta on its clusters (empty
   *     without the meta-analysis or cluster inference)
   * @param blockVoxels the flat voxel indices of each block of the group mask, by block id
   * @param cohortMean per voxel (compact), the mean of the metric over the subjects with data (before harmonisation)
   * @param subjectMean per subject (design row), its mean of the metric over the group mask, before harmonisation
   * @param subjectMeanHarmonised the same after ComBat, or null without it
   */
  public record Result(GroupInputs inputs, Design design, MaskedGrid grid, int[] coverage, Map<GlmOutput, double[]> glm,
      ShufflingSet shufflings, List<TestResult> tests, GroupRois.Result rois, Combat combat, List<GroupMeta.Result> meta,
      org.voxelspark.meta.SiteMeta metaSites, List<org.voxelspark.meta.SiteMeta.ContrastResult> roiMeta,
      List<ClusterMeta> clusterMeta, Map<Integer, int[]> blockVoxels, double[] cohortMean, double[] subjectMean, double[] subjectMeanHarmonised) {
    /** Number of voxels in the group mask. */
    public int voxels() {
      return grid.size();
    }
  }

  /**
   * Mega vs meta on the clusters of one t-contrast's statistic map: each cluster is used as an ROI,
   * its per-subject mean taken over the cluster's voxels, once on the data the pooled analysis used
   * (after ComBat when it is on: the "mega" GLM on cluster means) and once on the sites' own data
   * (pooled by the meta-analysis, as {@link Result#roiMeta()} does for the atlas ROIs). The
   * clusters come from the pooled analysis, so the cluster-mean statistics are descriptive (their
   * inference is the cluster's FWE p from the permutation null); the meta-analysis then says
   * whether the sites agree on the effect the pooled analysis found there.
   *
   * @param test index of the t-contrast in {@link Result#tests()}
   * @param mega the cluster-mean analysis of the pooled data (ROI labels = cluster indices)
   * @param meta the meta-analysis of the contrast on the sites' cluster means
   */
  public record ClusterMeta(int test, GroupRois.Result mega, org.voxelspark.meta.SiteMeta.ContrastResult meta) {}

  /**
   * What ComBat did.
   *
   * @param models each block's model by block id (estimated), or null when a saved model was applied
   * @param covariateNames the covariates protected
   * @param statusCounts voxels per status code (estimated models)
   * @param estimationSubjects subjects the model was estimated on (0 when a saved model was applied)
   * @param savedModel the saved model applied, or null
   */
  public record Combat(Map<Integer, org.voxelspark.harmonize.ComBatModel> models, List<String> covariateNames,
      long[] statusCounts, int estimationSubjects, String savedModel) {}

  /**
   * What a run of the stage did.
   *
   * @param result the analysis, or null when the stage was up to date and nothing was recomputed
   * @param outputs the URIs written (none when up to date)
   */
  public record Summary(Result result, List<String> outputs) {
    /** True when the stage's inputs had not changed since its last completion: nothing was recomputed. */
    public boolean unchanged() {
      return result == null;
    }
  }

  /** Runs the stage every time (as {@code --reprocess all}). */
  public static Summary run(SparkSession spark, Cohort cohort, String derivatives, GroupSettings settings, String version,
      boolean page) {
    return run(spark, cohort, derivatives, settings, version, page, org.voxelspark.ops.ReprocessMode.ALL);
  }

  /**
   * Runs the analysis and writes every output, and the results page ({@link GroupPage}) unless
   * {@code page} is false.
   *
   * <p><b>Nightly runs.</b> The stage's inputs are digested ({@link #inputsDigest}): the participant
   * stage's run-manifest entries of the cohort's subjects, their {@code participants.tsv} rows, every
   * setting, the content of the group mask, atlas, label table and saved ComBat model, and the
   * software version. With {@link org.voxelspark.ops.ReprocessMode#CHANGED}, a stage whose last
   * completion in this output directory had the same digest is not recomputed. Its record is deleted
   * before computing and written after every output is in place (the commit point), so an
   * interrupted run is recomputed. Without participant-stage manifest entries (maps written by
   * another tool) the stage always runs.
   */
  public static Summary run(SparkSession spark, Cohort cohort, String derivatives, GroupSettings settings, String version,
      boolean page, org.voxelspark.ops.ReprocessMode reprocess) {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    String out = HadoopFiles.qualify(derivatives, hadoop).toString();
    HadoopFiles.requireWritableDirectory(GroupOutputs.directory(out, settings.metric()), hadoop);
    org.voxelspark.ops.RunManifest manifest = org.voxelspark.ops.RunManifest.load(out, hadoop);
    String stage = stageName(settings.metric());
    String digest = inputsDigest(manifest, cohort, settings, version, hadoop);
    if (digest != null && reprocess == org.voxelspark.ops.ReprocessMode.CHANGED && !manifest.stale(stage, digest)) {
      LOG.info("group stage: {} unchanged since its last run (inputs digest {}); nothing recomputed", settings.metric(), digest);
      return new Summary(null, List.of());
    }
    manifest.forgetStage(stage);
    Result result = analyse(spark, cohort, out, settings);
    List<String> written = new ArrayList<>(GroupOutputs.write(result, settings, out, hadoop, version));
    if (page) {
      written.add(GroupPage.write(result, settings, out, hadoop, version));
    }
    LOG.info("group stage: {} files written to {}", written.size(), GroupOutputs.directory(out, settings.metric()));
    if (digest != null) {
      manifest.recordStage(stage, digest, version);
    }
    return new Summary(result, List.copyOf(written));
  }

  /**
   * The voxel-table directory of the analysis' modality, after checking that every included run's
   * file is on the reference grid (the table holds each run's own voxels: resampling needs the maps).
   */
  static String tableOf(GroupInputs inputs, GroupSettings settings, String derivatives, Configuration conf) {
    org.voxelspark.participant.RunKind kind = GroupInputs.kindOf(settings.metric());
    String dir = org.voxelspark.table.VoxelTable.directory(derivatives, kind);
    if (!inputs.resampled().isEmpty()) {
      throw new UserInputException("--group-source", "voxel-table", inputs.resampled().size() + " subject(s) are on another grid"
          + " than the analysis (" + inputs.resampled() + "); the voxel table holds each run's own voxels, so use"
          + " --group-source maps, which resamples them");
    }
    for (SubjectMap m : inputs.maps()) {
      String runName = new Path(m.map()).getName();
      runName = runName.substring(0, runName.indexOf("_" + (kind == org.voxelspark.participant.RunKind.DWI ? "model-" : "desc-")));
      String file = org.voxelspark.table.VoxelTable.file(derivatives, kind, runName);
      try {
        Path p = new Path(file);
        if (!p.getFileSystem(conf).exists(p)) {
          throw new UserInputException(file, "", "missing: the participant stage writes it (re-run it, or use --group-source maps)");
        }
      } catch (java.io.IOException e) {
        throw HadoopFiles.writeError(file, e);
      }
    }
    return dir;
  }

  /** The run-manifest stage name of a metric's group analysis. */
  static String stageName(String metric) {
    return "group-" + metric.replaceAll("[^A-Za-z0-9_-]", "_");
  }

  /**
   * The digest of everything the group stage of {@code settings} reads (see {@link #run}), or null
   * when the participant stage recorded none of the cohort's runs.
   */
  static String inputsDigest(org.voxelspark.ops.RunManifest manifest, Cohort cohort, GroupSettings settings, String version,
      Configuration conf) {
    List<String> keys = cohort.subjects().stream().map(org.voxelspark.cohort.Subject::key).toList();
    java.util.Set<String> wanted = new java.util.HashSet<>(keys);
    if (manifest.entries().values().stream().noneMatch(e -> wanted.contains(e.subject()))) {
      return null;
    }
    Map<String, String> parts = new java.util.TreeMap<>();
    parts.put("participant", manifest.participantDigest(keys));
    StringBuilder rows = new StringBuilder();
    for (org.voxelspark.cohort.Subject s : cohort.subjects()) {
      rows.append(s.key()).append('\t').append(s.site()).append('\t').append(new java.util.TreeMap<>(s.attributes()))
          .append('\t').append(s.isValid()).append('\n');
    }
    parts.put("rows", org.voxelspark.ops.ContentHash.ofText(rows.toString()));
    parts.put("settings", org.voxelspark.ops.ContentHash.ofText(settings.canonical()));
    parts.put("version", version);
    List<String> files = new ArrayList<>();
    files.add(settings.groupMask());
    files.add(settings.atlas());
    files.add(settings.atlasLabels());
    files.add(settings.harmonize() == null ? null : settings.harmonize().savedModel());
    for (int i = 0; i < files.size(); i++) {
      if (files.get(i) != null) {
        parts.put("file" + i, org.voxelspark.ops.ContentHash.ofFile(files.get(i), conf).sha256());
      }
    }
    return org.voxelspark.ops.RunManifest.digest(parts);
  }

  /** Runs the analysis (no outputs written; see {@link GroupOutputs#write}). */
  public static Result analyse(SparkSession spark, Cohort cohort, String derivatives, GroupSettings settings) {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    NiftiHeader maskHeader = settings.groupMask() == null ? null : HadoopFiles.readNiftiHeader(settings.groupMask(), hadoop);
    GroupInputs inputs = GroupInputs.select(cohort, derivatives, settings.metric(), maskHeader, settings.excludeFailed(),
        settings.where(), hadoop);
    inputs.excluded().forEach((s, why) -> LOG.warn("group stage: {} left out: {}", s, why));
    if (!inputs.resampled().isEmpty()) {
      LOG.info("group stage: {} of {} maps are on another grid and are resampled (trilinear) onto the reference grid {}: {}",
          inputs.resampled().size(), inputs.maps().size(), inputs.reference(), inputs.resampled());
    }
    Design design = DesignBuilder.build(inputs.rows(), cohort.participants().source(), settings.model(), settings.contrasts(),
        settings.fTests());
    LOG.info("group stage: {} on {} ({} of {} subjects)", design, settings.metric(), inputs.maps().size(),
        cohort.subjects().size());
    boolean[] givenMask = settings.groupMask() == null ? null : readMask(settings.groupMask(), inputs.reference(), hadoop);
    int n = design.subjects();
    ShufflingKind kind = ShufflingKind.forDesign(design);
    ShufflingSet set = ShufflingSet.generate(kind, n, settings.shufflings(), settings.seed(), design.blocks());
    GlmModel model = GlmModel.of(design);
    List<FreedmanLane> tests = new ArrayList<>();
    for (int t = 0; t < design.contrasts().size(); t++) {
      tests.add(FreedmanLane.forContrast(design, t, settings.partition(), kind));
    }
    for (int f = 0; f < design.fTests().size(); f++) {
      tests.add(FreedmanLane.forFTest(design, f, settings.partition(), kind));
    }

    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    SerializableConfiguration conf = new SerializableConfiguration(hadoop);
    VolumeGeometry ref = inputs.reference();
    int blockCount = org.voxelspark.geometry.BlockGrid.regular(ref, settings.blockSize(), 0).blockCount();
    int partitions = Math.max(1, Math.min(blockCount, jsc.defaultParallelism() * 2));
    JavaRDD<GroupBlock> raw = (settings.source() == GroupSource.VOXEL_TABLE
        ? GroupTranspose.blocksFromTable(spark, tableOf(inputs, settings, derivatives, hadoop), settings.metric(), inputs.maps(), ref,
            givenMask, settings.blockSize(), settings.minSubjects(n), partitions)
        : GroupTranspose.blocks(jsc, inputs.maps(), ref, givenMask, settings.blockSize(), settings.minSubjects(n), partitions, conf))
        .persist(StorageLevel.MEMORY_AND_DISK_SER());
    JavaRDD<GroupBlock> blocks = raw;
    try {
      // the compact grid of the group mask, from the blocks' voxel lists
      List<scala.Tuple2<Integer, int[]>> idLists = GroupFunctions.voxelLists(raw).collect();
      List<int[]> lists = idLists.stream().map(scala.Tuple2::_2).toList();
      Map<Integer, Integer> blockVoxels = new java.util.HashMap<>();
      idLists.forEach(t -> blockVoxels.put(t._1(), t._2().length));
      int total = lists.stream().mapToInt(a -> a.length).sum();
      if (total == 0) {
        throw new UserInputException(derivatives, "", "the group mask is empty: no voxel has data in at least "
            + settings.minSubjects(n) + " of " + n + " subjects" + (givenMask == null ? "" : " inside " + settings.groupMask()));
      }
      int[] all = new int[total];
      int at = 0;
      for (int[] a : lists) {
        System.arraycopy(a, 0, all, at, a.length);
        at += a.length;
      }
      Arrays.sort(all);
      MaskedGrid grid = MaskedGrid.ofIndices(ref.nx(), ref.ny(), ref.nz(), all);
      LOG.info("group stage: {} voxels in the group mask, {} blocks of {}^3, {} shufflings ({})", total, lists.size(),
          settings.blockSize(), set.size(), kind);

      String[] sites = inputs.maps().stream().map(SubjectMap::site).toArray(String[]::new);
      String source = cohort.participants().source();

      // the multi-centre meta-analysis, on the sites' own data
      List<GroupMeta.Result> meta = null;
      org.voxelspark.meta.SiteMeta siteMeta = null;
      if (settings.meta() != null) {
        siteMeta = org.voxelspark.meta.SiteMeta.of(inputs.rows(), sites, source,
            GroupMeta.perSiteModel(settings.model(), inputs.siteColumn()), settings.contrasts(), settings.meta());
        siteMeta.excludedSites().forEach((site, why) -> LOG.warn("meta-analysis: site {} left out: {}", site, why));
        meta = GroupMeta.run(raw, jsc.broadcast(siteMeta), grid);
      }

      // ComBat before the pooled analysis
      Combat combat = null;
      if (settings.harmonize() != null) {
        GroupSettings.Harmonization h = settings.harmonize();
        if (h.savedModel() != null) {
          GroupHarmonize.SavedModel saved = GroupOutputs.readCombatModel(spark, h.savedModel(), ref);
          blocks = GroupHarmonize.applySaved(jsc, raw, jsc.broadcast(saved), design, sites, inputs.siteColumn(), source);
          combat = new Combat(null, List.of(saved.covariateNames()), new long[0], 0, h.savedModel());
        } else {
          boolean[] estimate = new boolean[n];
          for (int s2 = 0; s2 < n; s2++) {
            estimate[s2] = GroupInputs.selected(inputs.rows().get(s2), h.estimateWhere());
          }
          GroupHarmonize.Result hr = GroupHarmonize.estimateAndApply(jsc, raw, blockVoxels, design, sites, inputs.siteColumn(),
              estimate, h.options(), source);
          blocks = hr.blocks();
          combat = new Combat(hr.models(), hr.covariateNames(), hr.statusCounts(), hr.estimationSubjects(), null);
        }
      }

      Broadcast<GlmModel> bModel = jsc.broadcast(model);
      Broadcast<List<FreedmanLane>> bTests = jsc.broadcast(new ArrayList<>(tests));
      Broadcast<ShufflingSet> bSet = jsc.broadcast(set);

      // pass 1: GLM
      Map<GlmOutput, double[]> glm = new EnumMap<>(GlmOutput.class);
      int[] coverage = new int[total];
      for (GroupFunctions.BlockGlm b : GroupFunctions.glm(blocks, bModel).collect()) {
        scatterGlm(b, grid, glm, total);
      }
      double[] subjects = glm.get(GlmOutput.SUBJECTS);
      for (int q = 0; q < total; q++) {
        coverage[q] = (int) subjects[q];
      }

      // pass 2: voxelwise permutation inference
      int k = set.size();
      double[][] stat = new double[tests.size()][total];
      double[][] z = new double[tests.size()][total];
      double[][] unc = new double[tests.size()][total];
      MaxDistribution[] max = new MaxDistribution[tests.size()];
      for (int t = 0; t < tests.size(); t++) {
        max[t] = new MaxDistribution(k);
      }
      for (GroupFunctions.BlockInference b : GroupFunctions.voxelwise(blocks, bTests, bSet, settings.tail(),
          settings.shufflingChunk()).collect()) {
        for (int t = 0; t < tests.size(); t++) {
          for (int q = 0; q < b.voxels().length; q++) {
            int c = grid.compact(b.voxels()[q]);
            stat[t][c] = b.observed()[t][q];
            z[t][c] = b.observedZ()[t][q];
            unc[t][c] = b.uncorrectedP()[t][q];
          }
          max[t].combine(b.max()[t]);
        }
      }

      // pass 3 (optional): TFCE and clusters, per test
      List<TestResult> results = new ArrayList<>();
      Broadcast<MaskedGrid> bGrid = settings.spatial() == null ? null : jsc.broadcast(grid);
      for (int t = 0; t < tests.size(); t++) {
        org.voxelspark.stats.GroupAnalysis.Spatial spatial = null;
        if (settings.spatial() != null) {
          int chunk = (int) Math.max(1, Math.min(settings.shufflingChunk(), SPATIAL_CHUNK_BYTES / (8L * total)));
          Broadcast<double[]> bObserved = jsc.broadcast(z[t]);
          SpatialInference.Null nul = GroupFunctions.spatial(blocks, jsc.broadcast(tests.get(t)), bSet, settings.tail(), bGrid,
              bObserved, settings.spatial(), chunk, Math.max(1, Math.min((k + chunk - 1) / chunk, jsc.defaultParallelism() * 2)));
          double[] cope = t < design.contrasts().size() ? slice(glm.get(GlmOutput.COPE), t, total) : null;
          spatial = org.voxelspark.stats.GroupAnalysis.spatialResult(new SpatialInference(grid, settings.spatial()), nul, z[t], cope);
        }
        results.add(new TestResult(tests.get(t).name(), tests.get(t).isT(), stat[t], z[t], unc[t], max[t].pValues(z[t]),
            Fdr.benjaminiHochberg(unc[t]), max[t].finish(), spatial));
      }
      GroupRois.Result rois = settings.atlas() == null ? null : GroupRois.analyse(jsc, blocks, inputs, design,
          settings.atlas(), settings.atlasLabels(), settings, conf);
      // the ROI means of the sites' own (unharmonised) data, pooled by site: the meta side of mega vs meta
      List<org.voxelspark.meta.SiteMeta.ContrastResult> roiMeta = null;
      if (siteMeta != null && settings.atlas() != null) {
        GroupRois.Result rawRois = blocks == raw ? rois : GroupRois.analyse(jsc, raw, inputs, design, settings.atlas(),
            settings.atlasLabels(), settings.withShufflings(1), conf);
        roiMeta = siteMeta.pool(rawRois.means(), rawRois.rois().length);
      }
      List<ClusterMeta> clusterMeta = new ArrayList<>();
      if (siteMeta != null) {
        for (int t = 0; t < design.contrasts().size(); t++) {
          org.voxelspark.stats.GroupAnalysis.Spatial sp = results.get(t).spatial();
          if (sp == null || sp.clusters() == null || sp.clusters().rows().isEmpty()) {
            continue;
          }
          int nc = sp.clusters().rows().size();
          int[] labels = new int[inputs.reference().voxelCount()];
          for (int c = 0; c < total; c++) {
            labels[grid.index(c)] = sp.clusters().labels()[c];
          }
          int[] ids = new int[nc]; // the clusters are numbered 1..nc in row order (Clusters.table)
          List<String> names = new ArrayList<>();
          for (int c = 0; c < nc; c++) {
            ids[c] = sp.clusters().rows().get(c).label();
            names.add("cluster-" + ids[c]);
          }
          GroupSettings one = settings.withShufflings(1);
          GroupRois.Result mega = GroupRois.analyse(jsc, blocks, design, labels, ids, names, one);
          GroupRois.Result own = blocks == raw ? mega : GroupRois.analyse(jsc, raw, design, labels, ids, names, one);
          clusterMeta.add(new ClusterMeta(t, mega, siteMeta.pool(own.means(), nc).get(t)));
        }
      }
      Map<Integer, int[]> voxelsById = new java.util.TreeMap<>();
      idLists.forEach(t -> voxelsById.put(t._1(), t._2()));
      double[] cohortMean = new double[total];
      double[] subjectMean = subjectMeans(GroupFunctions.summaries(raw).collect(), grid, n, cohortMean);
      double[] subjectMeanHarmonised = blocks == raw ? null
          : subjectMeans(GroupFunctions.summaries(blocks).collect(), grid, n, new double[total]);
      return new Result(inputs, design, grid, coverage, glm, set, results, rois, combat, meta, siteMeta, roiMeta,
          List.copyOf(clusterMeta), voxelsById,
          cohortMean, subjectMean, subjectMeanHarmonised);
    } finally {
      if (blocks != raw) {
        blocks.unpersist(false);
      }
      raw.unpersist(false);
    }
  }

  private static void scatterGlm(GroupFunctions.BlockGlm b, MaskedGrid grid, Map<GlmOutput, double[]> glm, int total) {
    GlmMaps m = b.maps();
    int v = b.voxels().length;
    for (GlmOutput o : GlmOutput.values()) {
      int count = m.count(o);
      double[] dst = glm.computeIfAbsent(o, x -> new double[count * total]);
      double[] src = m.values(o);
      for (int i = 0; i < count; i++) {
        for (int q = 0; q < v; q++) {
          dst[i * total + grid.compact(b.voxels()[q])] = src[i * v + q];
        }
      }
    }
  }

  /** Per-subject means from the blocks' summaries (added in block-id order), and the voxel means into {@code voxelMean}. */
  private static double[] subjectMeans(List<GroupFunctions.BlockSummary> parts, MaskedGrid grid, int n, double[] voxelMean) {
    List<GroupFunctions.BlockSummary> sorted = new ArrayList<>(parts);
    sorted.sort((a, b) -> Integer.compare(a.blockId(), b.blockId()));
    double[] sum = new double[n];
    long[] count = new long[n];
    for (GroupFunctions.BlockSummary b : sorted) {
      for (int s = 0; s < n; s++) {
        sum[s] += b.subjectSum()[s];
        count[s] += b.subjectCount()[s];
      }
      for (int q = 0; q < b.voxels().length; q++) {
        voxelMean[grid.compact(b.voxels()[q])] = b.voxelMean()[q];
      }
    }
    double[] mean = new double[n];
    for (int s = 0; s < n; s++) {
      mean[s] = count[s] == 0 ? Double.NaN : sum[s] / count[s];
    }
    return mean;
  }

  static double[] slice(double[] mapMajor, int i, int v) {
    return Arrays.copyOfRange(mapMajor, i * v, (i + 1) * v);
  }

  private static boolean[] readMask(String uri, VolumeGeometry reference, Configuration conf) {
    NiftiImage m = HadoopFiles.readNifti(uri, conf, VoxelLayout.VOLUME_MAJOR);
    if (m.header().nt() != 1) {
      throw new UserInputException(uri, "dim[4]", "a group mask must be 3-D, it has " + m.header().nt() + " volumes");
    }
    boolean[] mask = new boolean[reference.voxelCount()];
    int in = 0;
    for (int v = 0; v < mask.length; v++) {
      mask[v] = m.data()[v] != 0 && Float.isFinite(m.data()[v]);
      in += mask[v] ? 1 : 0;
    }
    if (in == 0) {
      throw new UserInputException(uri, "", "the group mask has no non-zero voxel");
    }
    return mask;
  }
}
