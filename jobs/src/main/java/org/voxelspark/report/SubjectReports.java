package org.voxelspark.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.voxelspark.error.UserInputException;
import org.voxelspark.geometry.VoxelLayout;
import org.voxelspark.io.HadoopFiles;
import org.voxelspark.io.SerializableConfiguration;
import org.voxelspark.nifti.NiftiImage;
import org.voxelspark.participant.DerivativeNames;
import org.voxelspark.participant.ParticipantStage;
import org.voxelspark.participant.RunKind;
import org.voxelspark.report.ReportRecords.FailureEntry;
import org.voxelspark.report.ReportRecords.PageResult;
import org.voxelspark.report.ReportRecords.QcResult;
import org.voxelspark.report.ReportRecords.RunEntry;
import org.voxelspark.report.ReportRecords.SubjectEntry;

/**
 * Writes the per-subject report pages of a participant-stage output directory, reading only what
 * the stage wrote ({@code participant_runs.tsv}, {@code failures.tsv} and the maps) through the
 * Hadoop FileSystem API, so it runs on the same paths as the stage ({@code file://}, {@code hdfs://}).
 *
 * <p><b>Two Spark passes</b>, one task per run then per subject, the maps read on the executors:
 * (1) the QC numbers of every processed run ({@link QcMetric}), collected on the driver and written
 * as {@link QcTables} (one TSV per run kind), whose cohort ranges are then known; (2) each subject's
 * page ({@link SubjectPage}) drawn and written atomically as {@code <output>/sub-<label>[_ses-<label>].html}.
 * Every subject of either table gets a page, failed ones included (with their reasons). A run
 * whose maps cannot be read has its reason on its page; a page that cannot be written is reported
 * in the {@link Summary}; the other pages are written either way.
 */
public final class SubjectReports {
  private static final Logger LOG = LoggerFactory.getLogger(SubjectReports.class);
  /** Subject keys that can name a page file. */
  static final Pattern SUBJECT_KEY = Pattern.compile("sub-[A-Za-z0-9]+(_ses-[A-Za-z0-9]+)?");

  private SubjectReports() {}

  /**
   * What was written.
   *
   * @param pages page URIs written
   * @param failed pages not written, with the reason
   * @param qcTables the QC tables written
   * @param runProblems runs whose figures or QC numbers could not be made (reasons on their pages)
   */
  public record Summary(List<String> pages, List<PageResult> failed, List<String> qcTables, int runProblems) {}

  /** Writes the QC tables and every subject's page of {@code outputDir}. */
  public static Summary run(SparkSession spark, String outputDir, String version) {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    String out = HadoopFiles.qualify(outputDir, hadoop).toString();
    List<RunEntry> runs = readRuns(out, hadoop);
    List<FailureEntry> failures = readFailures(out, hadoop);
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    SerializableConfiguration conf = new SerializableConfiguration(hadoop);
    long start = System.nanoTime();
    List<RunEntry> ok = runs.stream().filter(RunEntry::ok).toList();
    List<QcResult> qc = ok.isEmpty() ? List.of()
        : jsc.parallelize(ok, slices(ok.size(), jsc)).map(computeQc(out, conf)).collect();
    List<String> tables = new ArrayList<>();
    for (RunKind kind : RunKind.values()) {
      String file = new Path(out, QcTables.fileName(kind)).toString();
      HadoopFiles.writeText(file, hadoop, QcTables.tsv(kind, qc));
      tables.add(file);
    }
    QcTables.Range[][] ranges = QcTables.toArray(QcTables.ranges(qc));
    List<SubjectEntry> subjects = subjects(runs, failures, qc);
    List<PageResult> results = subjects.isEmpty() ? List.of()
        : jsc.parallelize(subjects, slices(subjects.size(), jsc)).map(writePage(out, conf, ranges, version)).collect();
    List<String> pages = new ArrayList<>();
    List<PageResult> failed = new ArrayList<>();
    int runProblems = (int) qc.stream().filter(r -> r.problem() != null).count();
    for (PageResult r : results) {
      runProblems += r.runProblems();
      if (r.problem() == null) {
        pages.add(r.file());
      } else {
        failed.add(r);
        LOG.warn("report page of {} not written: {}", r.subject(), r.problem());
      }
    }
    LOG.info("reports: {} subject pages and {} QC tables written in {} s", pages.size(), tables.size(),
        String.format("%.1f", (System.nanoTime() - start) / 1e9));
    return new Summary(List.copyOf(pages), List.copyOf(failed), List.copyOf(tables), runProblems);
  }

  private static int slices(int n, JavaSparkContext jsc) {
    return Math.max(1, Math.min(n, 2 * jsc.defaultParallelism()));
  }

  /** The rows of {@code participant_runs.tsv}; the file must exist (the participant stage writes it). */
  static List<RunEntry> readRuns(String out, Configuration conf) {
    String file = new Path(out, ParticipantStage.RUNS_TSV).toString();
    TsvTable t;
    try {
      t = TsvTable.parse(file, HadoopFiles.readText(file, conf));
    } catch (UserInputException e) {
      throw new UserInputException(file, "", "cannot be read (" + e.getMessage() + "); run the participant stage on this"
          + " output directory first");
    }
    List<RunEntry> runs = new ArrayList<>();
    List<UserInputException.Problem> problems = new ArrayList<>();
    for (String col : List.of("subject", "site", "kind", "run", "status")) {
      if (t.column(col) < 0) {
        problems.add(new UserInputException.Problem(file, col, "column missing; the header is " + t.header()));
      }
    }
    UserInputException.throwIfAny(problems);
    for (int q = 0; q < t.rows().size(); q++) {
      List<String> r = t.rows().get(q);
      String kind = r.get(t.column("kind"));
      RunKind k;
      try {
        k = RunKind.valueOf(kind);
      } catch (IllegalArgumentException e) {
        problems.add(new UserInputException.Problem(file, "line " + (q + 2) + ": kind", "\"" + kind + "\" is not one of DWI, BOLD"));
        continue;
      }
      runs.add(new RunEntry(r.get(t.column("subject")), r.get(t.column("site")), k, r.get(t.column("run")),
          r.get(t.column("status")).equals("ok")));
    }
    UserInputException.throwIfAny(problems);
    return runs;
  }

  /** The rows of {@code failures.tsv} (none when the file is absent). */
  static List<FailureEntry> readFailures(String out, Configuration conf) {
    String file = new Path(out, ParticipantStage.FAILURES_TSV).toString();
    String text;
    try {
      text = HadoopFiles.readText(file, conf);
    } catch (UserInputException e) {
      return List.of();
    }
    TsvTable t = TsvTable.parse(file, text);
    List<FailureEntry> failures = new ArrayList<>();
    for (List<String> r : t.rows()) {
      failures.add(new FailureEntry(r.get(t.column("subject")), r.get(t.column("stage")), r.get(t.column("error_class")),
          r.get(t.column("message"))));
    }
    return failures;
  }

  /** One entry per subject named in either table, sorted by key, with its runs, failures and QC numbers. */
  static List<SubjectEntry> subjects(List<RunEntry> runs, List<FailureEntry> failures, List<QcResult> qc) {
    Map<String, List<RunEntry>> byRun = new TreeMap<>();
    Map<String, String> site = new LinkedHashMap<>();
    for (RunEntry r : runs) {
      byRun.computeIfAbsent(r.subject(), k -> new ArrayList<>()).add(r);
      site.putIfAbsent(r.subject(), r.site());
    }
    for (FailureEntry f : failures) {
      byRun.computeIfAbsent(f.subject(), k -> new ArrayList<>());
    }
    List<String> keys = byRun.keySet().stream().filter(k -> {
      boolean valid = SUBJECT_KEY.matcher(k).matches();
      if (!valid) {
        LOG.warn("no report page for \"{}\": not a subject key that can name a file", k);
      }
      return valid;
    }).toList();
    List<SubjectEntry> out = new ArrayList<>();
    for (int q = 0; q < keys.size(); q++) {
      String k = keys.get(q);
      out.add(new SubjectEntry(k, site.getOrDefault(k, "n/a"), List.copyOf(byRun.get(k)),
          failures.stream().filter(f -> f.subject().equals(k)).toList(),
          qc.stream().filter(r -> r.subject().equals(k)).toList(), q > 0 ? keys.get(q - 1) : null,
          q + 1 < keys.size() ? keys.get(q + 1) : null));
    }
    return out;
  }

  /** Reads the maps {@code names} of a processed run (volume-major). */
  static Map<DerivativeNames, NiftiImage> readMaps(String out, RunEntry run, List<DerivativeNames> names, Configuration conf) {
    Map<DerivativeNames, NiftiImage> maps = new LinkedHashMap<>();
    for (DerivativeNames m : names) {
      String file = new Path(out, SubjectPage.relativePath(run, m)).toString();
      maps.put(m, HadoopFiles.readNifti(file, conf, VoxelLayout.VOLUME_MAJOR));
    }
    return maps;
  }

  private static Function<RunEntry, QcResult> computeQc(String out, SerializableConfiguration conf) {
    return run -> {
      try {
        Map<DerivativeNames, NiftiImage> maps = readMaps(out, run, QcMetric.mapsNeeded(run.kind()), conf.get());
        List<QcMetric> metrics = QcMetric.of(run.kind());
        double[] values = new double[metrics.size()];
        for (int m = 0; m < values.length; m++) {
          values[m] = metrics.get(m).compute(maps);
        }
        return new QcResult(run.subject(), run.site(), run.kind(), run.run(), values, null);
      } catch (UserInputException e) {
        return new QcResult(run.subject(), run.site(), run.kind(), run.run(), null, e.getMessage());
      } catch (RuntimeException e) {
        return new QcResult(run.subject(), run.site(), run.kind(), run.run(), null, e.getClass().getSimpleName()
            + (e.getMessage() == null ? "" : ": " + e.getMessage()));
      }
    };
  }

  private static Function<SubjectEntry, PageResult> writePage(String out, SerializableConfiguration conf, QcTables.Range[][] ranges,
      String version) {
    return subject -> {
      String file = new Path(out, SubjectPage.fileName(subject.subject())).toString();
      try {
        List<SubjectPage.RunMaps> runs = new ArrayList<>();
        int problems = 0;
        for (RunEntry r : subject.runs()) {
          if (!r.ok()) {
            runs.add(new SubjectPage.RunMaps(r, Map.of(), null));
            continue;
          }
          try {
            runs.add(new SubjectPage.RunMaps(r, readMaps(out, r, SubjectPage.mapsNeeded(r.kind()), conf.get()), null));
          } catch (UserInputException e) {
            runs.add(new SubjectPage.RunMaps(r, Map.of(), e.getMessage()));
            problems++;
          }
        }
        HadoopFiles.writeText(file, conf.get(), SubjectPage.html(subject, runs, ranges, version));
        return new PageResult(subject.subject(), file, null, null, problems);
      } catch (UserInputException e) {
        return new PageResult(subject.subject(), null, e.getMessage(), UserInputException.class.getSimpleName(), 0);
      } catch (RuntimeException e) {
        // a bug drawing one page must not cost the others theirs: reported with its class, as failures.tsv does
        return new PageResult(subject.subject(), null, e.getClass().getSimpleName() + (e.getMessage() == null ? ""
            : ": " + e.getMessage()), e.getClass().getSimpleName(), 0);
      }
    };
  }
}
