package org.voxelspark.cli;

import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.voxelspark.Version;
import org.voxelspark.cohort.Cohort;
import org.voxelspark.cohort.CohortOptions;
import org.voxelspark.cohort.BidsCohortReader;
import org.voxelspark.cohort.ManifestCohortReader;
import org.voxelspark.cohort.Subject;
import org.voxelspark.config.Config;
import org.voxelspark.config.OptionSpec;
import org.voxelspark.config.VoxelsparkOptions;
import org.voxelspark.participant.BoldKernels;
import org.voxelspark.ops.IncrementalOptions;
import org.voxelspark.participant.ParticipantKernels;
import org.voxelspark.participant.ParticipantStage;
import org.voxelspark.participant.RunKind;
import org.voxelspark.participant.RunResult;
import org.voxelspark.sample.SampleCohortGenerator;
import org.voxelspark.sample.SampleCohortSpec;
import org.voxelspark.spark.SparkSessions;

/** The registry of commands. Adding one is a class here and a line in {@link #all()}. */
final class Commands {
  /** BIDS-App analysis levels available in the {@code <bids_dir> <output_dir> <level>} form. */
  static final List<String> LEVELS = List.of("participant", "group");

  private Commands() {}

  static Map<String, Command> all() {
    Map<String, Command> m = new LinkedHashMap<>();
    for (Command c : List.of(new Participant("participant", "per-subject maps of every run (BIDS-App level 'participant')",
            java.util.EnumSet.allOf(RunKind.class)),
        new Participant("dti", "diffusion tensor maps (FA, MD, AD, RD, eigenvalues, V1) of the diffusion runs only",
            java.util.EnumSet.of(RunKind.DWI)),
        new Participant("reho", "ReHo, ALFF/fALFF and their normalised maps of the BOLD runs only",
            java.util.EnumSet.of(RunKind.BOLD)),
        new Group(), new Report(), new Validate(), new Sample(), new VersionCommand())) {
      m.put(c.name(), c);
    }
    return m;
  }

  /** Reads a BIDS dataset, or a manifest when the path names a .csv file. */
  static Cohort readCohort(String input, Config config, Configuration hadoop) {
    // confounds tables are looked for only by commands that regress them out
    boolean confounds = config.has(VoxelsparkOptions.CONFOUNDS) && !config.get(VoxelsparkOptions.CONFOUNDS).isEmpty();
    String confoundsDir = config.has(VoxelsparkOptions.CONFOUNDS_DIR) ? config.get(VoxelsparkOptions.CONFOUNDS_DIR) : "";
    CohortOptions options = new CohortOptions(config.get(VoxelsparkOptions.PARTICIPANT_LABEL),
        config.get(VoxelsparkOptions.SITE_COLUMN), config.get(VoxelsparkOptions.TASK), confounds,
        confoundsDir.isEmpty() ? null : confoundsDir);
    return input.endsWith(".csv") ? ManifestCohortReader.read(input, hadoop, options) : BidsCohortReader.read(input, hadoop, options);
  }

  /** The participant stage, for every run kind or one. */
  static final class Participant implements Command {
    private final String name;
    private final String summary;
    private final java.util.Set<RunKind> kinds;

    Participant(String name, String summary, java.util.Set<RunKind> kinds) {
      this.name = name;
      this.summary = summary;
      this.kinds = kinds;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public String summary() {
      return summary;
    }

    @Override
    public List<String> positionals() {
      return List.of("bids_dir", "output_dir");
    }

    @Override
    public List<OptionSpec<?>> options() {
      return VoxelsparkOptions.PARTICIPANT;
    }

    @Override
    public int run(Invocation inv) {
      Config c = inv.config();
      IncrementalOptions incremental = incremental(c);
      SparkSession spark = SparkSessions.create("voxelspark " + name, inv.spark(), c.get(VoxelsparkOptions.N_CPUS));
      org.voxelspark.spark.ProgressListener progress = new org.voxelspark.spark.ProgressListener(name, inv.err(), 2000);
      spark.sparkContext().addSparkListener(progress);
      try {
        Cohort cohort = readCohort(inv.positionals().get(0), c, spark.sparkContext().hadoopConfiguration());
        inv.err().println(cohort.describe());
        ParticipantStage.Summary s = ParticipantStage.run(spark, cohort, inv.positionals().get(1),
            kernels(c), c.get(VoxelsparkOptions.BLOCK_SIZE),
            c.get(VoxelsparkOptions.FAIL_FAST), Version.get(), kinds, incremental);
        long ok = s.succeededRuns();
        long files = s.runs().stream().mapToLong(r -> r.outputs().size()).sum();
        long blocks = s.runs().stream().mapToLong(RunResult::blocks).sum();
        inv.out().println(name + " stage: " + ok + " of " + s.runs().size() + " runs of " + s.subjects()
            + " subjects done (" + blocks + " blocks, " + files + " files; " + s.computedRuns()
            + " runs computed now, " + s.keptRuns() + " kept from earlier runs) in " + s.outputDir());
        inv.out().println("  per-run status: " + s.outputDir() + "/" + ParticipantStage.RUNS_TSV);
        for (RunResult r : s.runs()) {
          if (r.nonFiniteVoxels() > 0) {
            inv.err().println("warning: " + r.task().nifti() + ": data: " + r.nonFiniteVoxels()
                + " voxel(s) with a NaN or infinite sample were left out of the brain mask of " + r.task().name());
          }
        }
        // incremental runs: the pages are drawn from every committed run, so they change only when a
        // run was computed now (or failed: a failure is on its page); otherwise they are kept
        boolean pagesCurrent = s.computedRuns() == 0 && s.failures().isEmpty() && reportPagesPresent(s, spark.sparkContext().hadoopConfiguration());
        if (c.get(VoxelsparkOptions.REPORTS) && pagesCurrent) {
          inv.out().println("  reports: unchanged (no run computed now)");
        }
        boolean pagesFailed = c.get(VoxelsparkOptions.REPORTS) && !pagesCurrent && !Report.write(spark, s.outputDir(), inv);
        if (!s.failures().isEmpty()) {
          for (ParticipantStage.Failure f : s.failures()) {
            inv.err().println("error: " + f.subject() + " (" + f.stage() + "): " + f.message());
          }
          inv.err().println(s.failures().size() + " problem(s); see " + s.outputDir() + "/" + ParticipantStage.FAILURES_TSV
              + ". The other subjects were processed.");
          return Main.USER_ERROR;
        }
        return pagesFailed ? Main.USER_ERROR : Main.OK;
      } finally {
        spark.sparkContext().removeSparkListener(progress);
        spark.stop();
      }
    }
  }

  /** {@code report}: (re)writes the per-subject report pages of a participant-stage output directory. */
  static final class Report implements Command {
    @Override
    public String name() {
      return "report";
    }

    @Override
    public String summary() {
      return "write the per-subject HTML report pages and QC tables of an output directory (the participant stage does"
          + " this itself unless --no-reports)";
    }

    @Override
    public List<String> positionals() {
      return List.of("output_dir");
    }

    @Override
    public List<OptionSpec<?>> options() {
      return VoxelsparkOptions.REPORT;
    }

    @Override
    public int run(Invocation inv) {
      SparkSession spark = SparkSessions.create("voxelspark report", inv.spark(), inv.config().get(VoxelsparkOptions.N_CPUS));
      try {
        String out = org.voxelspark.io.HadoopFiles.qualify(inv.positionals().get(0), spark.sparkContext().hadoopConfiguration())
            .toString();
        return write(spark, out, inv) ? Main.OK : Main.USER_ERROR;
      } finally {
        spark.stop();
      }
    }

    /** Writes the pages; prints what was written and any page that was not; true if every page was written. */
    static boolean write(SparkSession spark, String outputDir, Invocation inv) {
      org.voxelspark.report.SubjectReports.Summary r = org.voxelspark.report.SubjectReports.run(spark, outputDir, Version.get());
      inv.out().println("  reports: " + r.pages().size() + " subject pages (" + outputDir + "/sub-*.html), QC tables "
          + String.join(", ", r.qcTables().stream().map(f -> f.substring(f.lastIndexOf('/') + 1)).toList()));
      if (r.runProblems() > 0) {
        inv.err().println("warning: " + r.runProblems() + " run(s) without figures or QC numbers; the reasons are on their pages");
      }
      for (org.voxelspark.report.ReportRecords.PageResult f : r.failed()) {
        inv.err().println("error: report page of " + f.subject() + " not written: " + f.problem());
      }
      return r.failed().isEmpty();
    }
  }

  /** True when every subject of the output's runs has its report page. */
  static boolean reportPagesPresent(ParticipantStage.Summary s, Configuration conf) {
    try {
      for (String subject : s.runs().stream().map(r -> r.task().subjectKey()).distinct().toList()) {
        org.apache.hadoop.fs.Path page = new org.apache.hadoop.fs.Path(s.outputDir(),
            org.voxelspark.report.SubjectPage.fileName(subject));
        if (!page.getFileSystem(conf).exists(page)) {
          return false;
        }
      }
      return true;
    } catch (java.io.IOException e) {
      return false;
    }
  }

  /** What to compute again in an output that holds results; {@code --prune} needs the whole cohort. */
  static IncrementalOptions incremental(Config c) {
    boolean prune = c.get(VoxelsparkOptions.PRUNE);
    if (prune && !c.get(VoxelsparkOptions.PARTICIPANT_LABEL).isEmpty()) {
      throw new org.voxelspark.error.UserInputException("command line", VoxelsparkOptions.PRUNE.flagName(),
          "removes the outputs of subjects not in the input, so it needs the whole cohort: it cannot be combined with "
              + VoxelsparkOptions.PARTICIPANT_LABEL.flagName());
    }
    return new IncrementalOptions(c.get(VoxelsparkOptions.REPROCESS), prune);
  }

  /** The participant kernels from the options; an empty or inverted ALFF or band-pass band is a user error. */
  static ParticipantKernels kernels(Config c) {
    requireBand(c, VoxelsparkOptions.ALFF_LOW_HZ, VoxelsparkOptions.ALFF_HIGH_HZ);
    requireBand(c, VoxelsparkOptions.BOLD_BANDPASS_LOW_HZ, VoxelsparkOptions.BOLD_BANDPASS_HIGH_HZ);
    BoldKernels bold = new BoldKernels(c.get(VoxelsparkOptions.REHO_PRESET), c.get(VoxelsparkOptions.REHO_NEIGHBOURS),
        c.get(VoxelsparkOptions.ALFF_CONVENTION), c.get(VoxelsparkOptions.ALFF_LOW_HZ), c.get(VoxelsparkOptions.ALFF_HIGH_HZ),
        c.get(VoxelsparkOptions.BOLD_DETREND), c.get(VoxelsparkOptions.BOLD_BANDPASS),
        c.get(VoxelsparkOptions.BOLD_BANDPASS_LOW_HZ), c.get(VoxelsparkOptions.BOLD_BANDPASS_HIGH_HZ),
        c.get(VoxelsparkOptions.CONFOUNDS), c.get(VoxelsparkOptions.SMOOTH_FWHM_MM));
    return new ParticipantKernels(c.get(VoxelsparkOptions.B0_THRESHOLD), c.get(VoxelsparkOptions.DTI_METHOD),
        c.get(VoxelsparkOptions.DTI_CONVENTIONS), c.get(VoxelsparkOptions.DTI_TENSOR_ORDER), bold);
  }

  private static void requireBand(Config c, OptionSpec<Double> lowOption, OptionSpec<Double> highOption) {
    double low = c.get(lowOption);
    double high = c.get(highOption);
    if (!(high > low)) {
      throw new org.voxelspark.error.UserInputException("configuration", highOption.flagName(),
          high + " Hz must be above " + lowOption.flagName() + " " + low + " Hz");
    }
  }

  /** The group stage (BIDS-App level 'group'): statistics over the participant stage's maps. */
  static final class Group implements Command {
    @Override
    public String name() {
      return "group";
    }

    @Override
    public String summary() {
      return "voxelwise GLM, permutation inference (FWE, FDR, TFCE, clusters) and ROI statistics over the participant maps"
          + " (BIDS-App level 'group')";
    }

    @Override
    public List<String> positionals() {
      return List.of("bids_dir", "output_dir");
    }

    @Override
    public List<OptionSpec<?>> options() {
      return VoxelsparkOptions.GROUP;
    }

    @Override
    public int run(Invocation inv) {
      Config c = inv.config();
      org.voxelspark.group.GroupSettings settings = groupSettings(c);
      SparkSession spark = SparkSessions.create("voxelspark group", inv.spark(), c.get(VoxelsparkOptions.N_CPUS));
      org.voxelspark.spark.ProgressListener progress = new org.voxelspark.spark.ProgressListener("group", inv.err(), 2000);
      spark.sparkContext().addSparkListener(progress);
      try {
        Cohort cohort = readCohort(inv.positionals().get(0), c, spark.sparkContext().hadoopConfiguration());
        inv.err().println(cohort.describe());
        org.voxelspark.group.GroupStage.Summary s = org.voxelspark.group.GroupStage.run(spark, cohort, inv.positionals().get(1),
            settings, Version.get(), c.get(VoxelsparkOptions.REPORTS), c.get(VoxelsparkOptions.REPROCESS));
        if (s.unchanged()) {
          inv.out().println("group stage: " + settings.metric() + " unchanged since the last run (same participant outputs,"
              + " table rows and settings); nothing recomputed (--reprocess all to force)");
          return Main.OK;
        }
        org.voxelspark.group.GroupStage.Result r = s.result();
        inv.out().println("group stage: " + settings.metric() + " of " + r.design().subjects() + " subjects, " + r.voxels()
            + " voxels, " + r.shufflings().size() + " shufflings; " + s.outputs().size() + " files in "
            + org.voxelspark.group.GroupOutputs.directory(inv.positionals().get(1), settings.metric()));
        for (org.voxelspark.group.GroupStage.TestResult t : r.tests()) {
          int fwe = 0;
          double best = 1;
          for (double p : r.shufflings().size() > 1 ? t.fweP() : t.uncorrectedP()) {
            fwe += p < 0.05 ? 1 : 0;
            best = Math.min(best, p);
          }
          inv.out().println("  " + t.name() + ": " + fwe + " voxels at FWE p < 0.05 (smallest p " + best + ")"
              + (t.spatial() != null && t.spatial().clusters() != null ? ", " + t.spatial().clusters().rows().size()
                  + " clusters at z >= " + settings.spatial().clusterThreshold() : ""));
        }
        if (!r.inputs().excluded().isEmpty()) {
          inv.err().println(r.inputs().excluded().size() + " subject(s) left out (--exclude-failed): "
              + String.join(", ", r.inputs().excluded().keySet()));
        }
        return Main.OK;
      } finally {
        spark.sparkContext().removeSparkListener(progress);
        spark.stop();
      }
    }
  }

  /** The group-stage settings from the options; contradictory or empty specifications are user errors. */
  static org.voxelspark.group.GroupSettings groupSettings(Config c) {
    List<org.voxelspark.stats.design.ContrastSpec> contrasts = new java.util.ArrayList<>();
    for (String spec : c.get(VoxelsparkOptions.CONTRAST)) {
      String[] nv = nameAndValue(spec, VoxelsparkOptions.CONTRAST);
      contrasts.add(new org.voxelspark.stats.design.ContrastSpec(nv[0], nv[1]));
    }
    List<org.voxelspark.stats.design.FTestSpec> fTests = new java.util.ArrayList<>();
    for (String spec : c.get(VoxelsparkOptions.FTEST)) {
      String[] nv = nameAndValue(spec, VoxelsparkOptions.FTEST);
      List<String> parts = new java.util.ArrayList<>();
      for (String p : nv[1].split(";")) {
        if (!p.isBlank()) {
          parts.add(p.trim());
        }
      }
      fTests.add(new org.voxelspark.stats.design.FTestSpec(nv[0], parts));
    }
    if (contrasts.isEmpty() && fTests.isEmpty()) {
      throw new org.voxelspark.error.UserInputException("configuration", VoxelsparkOptions.CONTRAST.flagName(),
          "the group stage needs at least one --contrast or --ftest, e.g. --contrast 'HFSgtHC=group[HFS]'");
    }
    java.util.Set<String> labels = new java.util.HashSet<>();
    for (String name : java.util.stream.Stream.concat(contrasts.stream().map(org.voxelspark.stats.design.ContrastSpec::name),
        fTests.stream().map(org.voxelspark.stats.design.FTestSpec::name)).toList()) {
      if (!labels.add(org.voxelspark.group.GroupOutputs.label(name))) {
        throw new org.voxelspark.error.UserInputException("configuration", VoxelsparkOptions.CONTRAST.flagName(),
            "two tests are both named '" + org.voxelspark.group.GroupOutputs.label(name)
                + "' in file names (only letters and digits are kept); rename one");
      }
    }
    org.voxelspark.stats.design.ModelSpec model = org.voxelspark.stats.design.ModelSpec.parse(c.get(VoxelsparkOptions.MODEL));
    String blocks = c.get(VoxelsparkOptions.EXCHANGEABILITY_BLOCKS);
    if (!blocks.isEmpty()) {
      model = model.withBlocks(blocks);
    }
    double z = c.get(VoxelsparkOptions.CLUSTER_THRESHOLD_Z);
    boolean tfce = c.get(VoxelsparkOptions.TFCE);
    org.voxelspark.stats.inference.SpatialInference.Settings spatial = tfce || z > 0
        ? org.voxelspark.stats.inference.SpatialInference.Settings.palm(tfce, z > 0 ? z : Double.NaN) : null;
    int shufflings = c.get(VoxelsparkOptions.PERMUTATIONS);
    if (spatial != null && shufflings < 2) {
      throw new org.voxelspark.error.UserInputException("configuration", VoxelsparkOptions.PERMUTATIONS.flagName(),
          "TFCE and cluster inference need permutations (> 1); set --cluster-threshold-z 0 and leave out --tfce for parametric only");
    }
    String atlas = c.get(VoxelsparkOptions.ATLAS);
    String labelsFile = c.get(VoxelsparkOptions.ATLAS_LABELS);
    String mask = c.get(VoxelsparkOptions.GROUP_MASK);
    java.util.Map<String, java.util.Set<String>> where = new java.util.LinkedHashMap<>();
    for (String spec : c.get(VoxelsparkOptions.WHERE)) {
      String[] nv = nameAndValue(spec, VoxelsparkOptions.WHERE);
      where.computeIfAbsent(nv[0], k -> new java.util.LinkedHashSet<>()).add(nv[1]);
    }
    return new org.voxelspark.group.GroupSettings(c.get(VoxelsparkOptions.METRIC), model, contrasts, fTests, shufflings,
        c.get(VoxelsparkOptions.PERMUTATION_SEED), c.get(VoxelsparkOptions.TAIL), c.get(VoxelsparkOptions.PARTITION), spatial,
        mask.isEmpty() ? null : mask, c.get(VoxelsparkOptions.MIN_COVERAGE), c.get(VoxelsparkOptions.BLOCK_SIZE),
        256, atlas.isEmpty() ? null : atlas, labelsFile.isEmpty() ? null : labelsFile, c.get(VoxelsparkOptions.EXCLUDE_FAILED),
        where, harmonization(c), metaOptions(c), c.get(VoxelsparkOptions.GROUP_SOURCE));
  }

  /** The ComBat settings, or null without {@code --harmonize combat}. */
  static org.voxelspark.group.GroupSettings.Harmonization harmonization(Config c) {
    if (c.get(VoxelsparkOptions.HARMONIZE) == org.voxelspark.group.Harmonize.NONE) {
      return null;
    }
    org.voxelspark.harmonize.ComBatOptions o = org.voxelspark.harmonize.ComBatOptions.defaults()
        .withEmpiricalBayes(c.get(VoxelsparkOptions.COMBAT_EB)).withAdjustment(c.get(VoxelsparkOptions.COMBAT_ADJUST))
        .withConvention(c.get(VoxelsparkOptions.COMBAT_CONVENTION));
    String ref = c.get(VoxelsparkOptions.COMBAT_REFERENCE_SITE);
    if (!ref.isEmpty()) {
      o = o.withReferenceBatch(ref);
    }
    java.util.Map<String, java.util.Set<String>> estimate = new java.util.LinkedHashMap<>();
    for (String spec : c.get(VoxelsparkOptions.COMBAT_ESTIMATE_WHERE)) {
      String[] nv = nameAndValue(spec, VoxelsparkOptions.COMBAT_ESTIMATE_WHERE);
      estimate.computeIfAbsent(nv[0], k -> new java.util.LinkedHashSet<>()).add(nv[1]);
    }
    String model = c.get(VoxelsparkOptions.COMBAT_MODEL);
    return new org.voxelspark.group.GroupSettings.Harmonization(o, estimate, model.isEmpty() ? null : model);
  }

  /** The meta-analysis options, or null without {@code --meta}. */
  static org.voxelspark.meta.MetaOptions metaOptions(Config c) {
    org.voxelspark.group.MetaModel m = c.get(VoxelsparkOptions.META);
    if (m == org.voxelspark.group.MetaModel.NONE) {
      return null;
    }
    org.voxelspark.meta.MetaMethod method = m == org.voxelspark.group.MetaModel.FE
        ? org.voxelspark.meta.MetaMethod.FIXED_EFFECT : c.get(VoxelsparkOptions.META_METHOD);
    if (m == org.voxelspark.group.MetaModel.RE && method == org.voxelspark.meta.MetaMethod.FIXED_EFFECT) {
      throw new org.voxelspark.error.UserInputException("configuration", VoxelsparkOptions.META_METHOD.flagName(),
          "fixed-effect is not a random-effects estimator; use --meta fe, or a tau^2 estimator with --meta re");
    }
    return org.voxelspark.meta.MetaOptions.defaults().withMethod(method).withTest(c.get(VoxelsparkOptions.META_TEST));
  }

  private static String[] nameAndValue(String spec, OptionSpec<?> option) {
    int eq = spec.indexOf('=');
    if (eq <= 0 || eq == spec.length() - 1) {
      throw new org.voxelspark.error.UserInputException("configuration", option.flagName(),
          "'" + spec + "' is not name=definition");
    }
    return new String[] {spec.substring(0, eq).trim(), spec.substring(eq + 1).trim()};
  }

  static final class Validate implements Command {
    @Override
    public String name() {
      return "validate";
    }

    @Override
    public String summary() {
      return "read a cohort (BIDS dataset or manifest .csv) and list every problem, without processing";
    }

    @Override
    public List<String> positionals() {
      return List.of("bids_dir");
    }

    @Override
    public List<OptionSpec<?>> options() {
      return VoxelsparkOptions.VALIDATE;
    }

    @Override
    public int run(Invocation inv) {
      Cohort cohort = readCohort(inv.positionals().get(0), inv.config(), new Configuration());
      inv.out().println(cohort.describe());
      for (Subject s : cohort.subjects()) {
        inv.out().println("  " + s.key() + " site=" + s.site() + " dwi=" + s.dwi().size() + " bold=" + s.bold().size()
            + (s.isValid() ? "" : "  PROBLEMS: " + s.problems().size()));
      }
      int problems = 0;
      for (Subject s : cohort.invalidSubjects()) {
        for (var p : s.problems()) {
          inv.err().println("error: " + s.key() + ": " + p.render());
          problems++;
        }
      }
      return problems == 0 ? Main.OK : Main.USER_ERROR;
    }
  }

  static final class Sample implements Command {
    @Override
    public String name() {
      return "sample";
    }

    @Override
    public String summary() {
      return "generate the sample cohort (simulated HFS patients and controls, 3 sites, known truth)";
    }

    @Override
    public List<String> positionals() {
      return List.of("output_dir");
    }

    @Override
    public List<OptionSpec<?>> options() {
      return VoxelsparkOptions.SAMPLE;
    }

    @Override
    public int run(Invocation inv) {
      long seed = inv.config().get(VoxelsparkOptions.SEED);
      SampleCohortSpec spec = SampleCohortSpec.of(seed, inv.config().get(VoxelsparkOptions.SUBJECTS),
          inv.config().get(VoxelsparkOptions.SCALE));
      java.nio.file.Path root = Paths.get(inv.positionals().get(0));
      if (java.nio.file.Files.exists(root) && !java.nio.file.Files.isDirectory(root)) {
        throw new org.voxelspark.error.UserInputException(root.toString(), "",
            "is an existing file; the sample cohort needs a new or empty directory");
      }
      try {
        SampleCohortGenerator.Summary s = SampleCohortGenerator.generate(root, spec);
        inv.out().println("sample cohort: " + s.subjects() + " subjects written to " + s.root());
        return Main.OK;
      } catch (IllegalArgumentException e) {
        throw new org.voxelspark.error.UserInputException(inv.positionals().get(0), "", e.getMessage());
      } catch (java.io.UncheckedIOException e) {
        throw new org.voxelspark.error.UserInputException(inv.positionals().get(0), "", "cannot write the sample cohort: "
            + e.getCause(), e);
      }
    }
  }

  static final class VersionCommand implements Command {
    @Override
    public String name() {
      return "version";
    }

    @Override
    public String summary() {
      return "print the version";
    }

    @Override
    public List<String> positionals() {
      return List.of();
    }

    @Override
    public List<OptionSpec<?>> options() {
      return List.of();
    }

    @Override
    public int run(Invocation inv) {
      inv.out().println("voxelspark " + Version.get());
      return Main.OK;
    }
  }
}
