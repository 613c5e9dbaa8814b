package org.voxelspark.participant;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.voxelspark.cohort.BoldRun;
import org.voxelspark.cohort.Cohort;
import org.voxelspark.cohort.DwiRun;
import org.voxelspark.cohort.Subject;
import org.voxelspark.error.UserInputException;
import org.voxelspark.io.HadoopFiles;
import org.voxelspark.io.SerializableConfiguration;
import org.voxelspark.ops.IncrementalOptions;
import org.voxelspark.ops.IncrementalRun;

/**
 * The participant stage (BIDS-App level {@code participant}): every run of every valid subject →
 * voxel blocks → kernel → maps, written under the output directory as a BIDS-Derivatives dataset.
 *
 * <p><b>Outputs</b> ({@code docs/outputs.md}): {@code dataset_description.json};
 * {@code sub-<l>[/ses-<l>]/<dwi|func>/<run>_<desc>_<suffix>.nii.gz} + {@code .json} per map
 * ({@link DerivativeNames}); {@code participant_runs.tsv}, one row per run with its status and its
 * count of voxels left out of the mask for a non-finite sample; and {@code failures.tsv} and
 * {@code failures.parquet} ({@link FailuresTable}), one row per subject or run that failed (subject,
 * stage, error class, message), no row when nothing failed.
 *
 * <p><b>Isolation.</b> Subjects whose input problems were found while reading the cohort, and runs
 * that fail while being read or computed, are recorded in {@code failures.tsv}; the others complete.
 * With {@code failFast} the first failure stops the job instead.
 */
public final class ParticipantStage {
  private static final Logger LOG = LoggerFactory.getLogger(ParticipantStage.class);
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** Name of the failures table in the output directory (also as {@link FailuresTable#PARQUET}). */
  public static final String FAILURES_TSV = FailuresTable.TSV;
  /** Name of the per-run table in the output directory. */
  public static final String RUNS_TSV = "participant_runs.tsv";

  private ParticipantStage() {}

  private static final java.util.Comparator<RunResult> BY_RUN =
      (a, b) -> (a.task().subjectKey() + a.task().name()).compareTo(b.task().subjectKey() + b.task().name());

  /** One failed subject or run. */
  public record Failure(String subject, String stage, String errorClass, String message) {}

  /**
   * What the stage did.
   *
   * @param runs every committed run in the output (computed now or kept from an earlier run) and
   *     every run that failed now
   * @param keptRuns how many runs of the input were kept from an earlier run (not computed)
   * @param computedRuns how many runs were computed now (succeeded or failed)
   */
  public record Summary(int subjects, List<RunResult> runs, List<Failure> failures, String outputDir, int keptRuns,
      int computedRuns) {
    public long succeededRuns() {
      return runs.stream().filter(RunResult::succeeded).count();
    }
  }

  /**
   * Runs the stage.
   *
   * @param kernels the kernels per run ({@link ParticipantKernels} in the CLI)
   * @param blockSize edge of the cubic blocks, voxels
   */
  public static Summary run(SparkSession spark, Cohort cohort, String outputDir, KernelFactory kernels, int blockSize,
      boolean failFast, String version) {
    return run(spark, cohort, outputDir, kernels, blockSize, failFast, version, java.util.EnumSet.allOf(RunKind.class));
  }

  /** As {@link #run(SparkSession, Cohort, String, KernelFactory, int, boolean, String)}, for the runs of {@code kinds} only. */
  public static Summary run(SparkSession spark, Cohort cohort, String outputDir, KernelFactory kernels, int blockSize,
      boolean failFast, String version, java.util.Set<RunKind> kinds) {
    return run(spark, cohort, outputDir, kernels, blockSize, failFast, version, kinds, IncrementalOptions.defaults());
  }

  /**
   * As {@link #run(SparkSession, Cohort, String, KernelFactory, int, boolean, String, java.util.Set)},
   * with the choice of what to compute again in an output that already holds results.
   */
  public static Summary run(SparkSession spark, Cohort cohort, String outputDir, KernelFactory kernels, int blockSize,
      boolean failFast, String version, java.util.Set<RunKind> kinds, IncrementalOptions incrementalOptions) {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    String out = HadoopFiles.qualify(outputDir, hadoop).toString();
    HadoopFiles.requireWritableDirectory(out, hadoop);
    List<Failure> failures = new ArrayList<>();
    for (Subject s : cohort.invalidSubjects()) {
      for (UserInputException.Problem p : s.problems()) {
        failures.add(new Failure(s.key(), "input", UserInputException.class.getSimpleName(), p.render()));
      }
    }
    if (failFast && !failures.isEmpty()) {
      List<UserInputException.Problem> all = new ArrayList<>();
      cohort.invalidSubjects().forEach(s -> all.addAll(s.problems()));
      throw new UserInputException(all);
    }
    List<RunTask> tasks = tasks(cohort, out).stream().filter(t -> kinds.contains(t.kind())).toList();
    // Incremental runs (org.voxelspark.ops.IncrementalRun, docs/outputs.md "Run manifest"): only
    // new or changed runs are computed; the others' rows are carried over into the tables.
    IncrementalRun incremental = IncrementalRun.start(spark, cohort, out, tasks, kernels, version, blockSize, kinds,
        incrementalOptions);
    tasks = incremental.toCompute();
    LOG.info("participant stage: {} runs to compute ({} kept) of {} subjects ({} with input problems), blocks of {}^3 voxels, "
        + "output {}", tasks.size(), incremental.keptRuns(), cohort.validSubjects().size(), cohort.invalidSubjects().size(),
        blockSize, out);
    writeDatasetDescription(out, cohort, hadoop, version);
    List<RunResult> results = new ArrayList<>();
    if (!tasks.isEmpty()) {
      long start = System.nanoTime();
      JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      SerializableConfiguration conf = new SerializableConfiguration(hadoop);
      JavaRDD<RunTask> runs = jsc.parallelize(tasks, tasks.size());
      // one Spark stage: each run's task reads, computes its blocks, reassembles and writes (no shuffle)
      org.voxelspark.spark.StageTimers timers = org.voxelspark.spark.StageTimers.create(jsc, "participant");
      JavaRDD<AssembledRun> assembled = ParticipantFunctions.computeRuns(runs, kernels, blockSize, conf, failFast,
          jsc.sc().longAccumulator(org.voxelspark.spark.ProgressListener.BLOCKS_ACCUMULATOR), timers);
      incremental.annotateJobs(jsc); // totals for the progress line
      try {
        results.addAll(ParticipantFunctions.write(assembled, kernels, conf, version, out, blockSize, incremental.committer(),
            timers).collect());
      } finally {
        incremental.finish(jsc);
      }
      results.sort(BY_RUN);
      double wall = (System.nanoTime() - start) / 1e9;
      LOG.info("participant stage: {} of {} runs done in {} s; {}", results.stream().filter(RunResult::succeeded).count(),
          results.size(), String.format("%.1f", wall), timers.describe(wall, jsc.defaultParallelism()));
    }
    for (RunResult r : results) {
      for (UserInputException.Problem p : r.problems()) {
        failures.add(new Failure(r.task().subjectKey(), "participant:" + r.task().kind().name().toLowerCase(),
            r.errorClass(), p.render()));
      }
    }
    int computed = results.size();
    results.addAll(incremental.carriedOver());
    results.sort(BY_RUN);
    writeTables(out, results, failures, hadoop);
    return new Summary(cohort.subjects().size(), List.copyOf(results), List.copyOf(failures), out, incremental.keptRuns(),
        computed);
  }

  /** One task per run of every valid subject, with its output directory. */
  static List<RunTask> tasks(Cohort cohort, String out) {
    List<RunTask> tasks = new ArrayList<>();
    for (Subject s : cohort.validSubjects()) {
      Path subjectDir = new Path(out, "sub-" + s.label() + (s.session() == null ? "" : "/ses-" + s.session()));
      for (DwiRun d : s.dwi()) {
        tasks.add(new RunTask(s.key(), s.site(), RunKind.DWI, d.name(), d.nifti(), d.bval(), d.bvec(), null,
            new Path(subjectDir, RunKind.DWI.datatypeDir()).toString()));
      }
      for (BoldRun b : s.bold()) {
        tasks.add(new RunTask(s.key(), s.site(), RunKind.BOLD, b.name(), b.nifti(), null, null, b.repetitionTimeSeconds(),
            new Path(subjectDir, RunKind.BOLD.datatypeDir()).toString(), b.confounds()));
      }
    }
    return tasks;
  }

  private static void writeDatasetDescription(String out, Cohort cohort, Configuration conf, String version) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("Name", "voxelspark derivatives");
    d.put("BIDSVersion", "1.8.0");
    d.put("DatasetType", "derivative");
    d.put("GeneratedBy", List.of(ParticipantOutputs.generatedBy(version)));
    d.put("SourceDatasets", List.of(Map.of("URL", cohort.root())));
    try {
      HadoopFiles.writeText(new Path(out, "dataset_description.json").toString(), conf, JSON.writeValueAsString(d) + "\n");
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void writeTables(String out, List<RunResult> results, List<Failure> failures, Configuration conf) {
    StringBuilder runs = new StringBuilder("subject\tsite\tkind\trun\tstatus\tblocks\toutputs\tnonfinite_voxels\n");
    for (RunResult r : results) {
      runs.append(r.task().subjectKey()).append('\t').append(r.task().site()).append('\t').append(r.task().kind()).append('\t')
          .append(r.task().name()).append('\t').append(r.succeeded() ? "ok" : "failed").append('\t').append(r.blocks())
          .append('\t').append(r.outputs().size()).append('\t').append(r.nonFiniteVoxels()).append('\n');
    }
    HadoopFiles.writeText(new Path(out, RUNS_TSV).toString(), conf, runs.toString());
    FailuresTable.write(out, failures, conf);
  }
}
