package org.voxelspark.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.voxelspark.cohort.BidsCohortReader;
import org.voxelspark.cohort.Cohort;
import org.voxelspark.cohort.CohortOptions;
import org.voxelspark.dti.TensorFitMethod;
import org.voxelspark.participant.ParticipantKernels;
import org.voxelspark.participant.ParticipantStage;
import org.voxelspark.participant.RunKind;
import org.voxelspark.sample.SampleCohortGenerator;
import org.voxelspark.sample.SampleCohortSpec;
import org.voxelspark.spark.SparkTestSession;

/**
 * Nightly incremental runs of the participant stage on the sample cohort (TINY scale, 3 subjects),
 * in local Spark: a second identical run does no per-subject work (no Spark job, no output file
 * touched); a changed input, a new subject, new settings and missing outputs are computed, a
 * re-uploaded identical file and an edited participants row only refresh the manifest; a removed
 * subject is kept until {@code --prune}; the cohort tables list every committed run each time.
 */
class IncrementalRunSparkTest {
  @TempDir static Path tmp;
  static Path pristine;
  static SparkSession spark;
  static final ParticipantKernels KERNELS = ParticipantKernels.defaults();
  static final String VERSION = "test-1";

  @BeforeAll
  static void cohort() {
    spark = SparkTestSession.get();
    pristine = tmp.resolve("pristine");
    SampleCohortGenerator.generate(pristine, new SampleCohortSpec(7,
        List.of(new SampleCohortSpec.SiteSpec("A", 2), new SampleCohortSpec.SiteSpec("B", 1)), SampleCohortSpec.Scale.TINY));
  }

  /** Counts the Spark jobs started while it is registered. */
  static final class JobCounter extends SparkListener {
    final AtomicInteger jobs = new AtomicInteger();

    @Override
    public void onJobStart(SparkListenerJobStart event) {
      jobs.incrementAndGet();
    }
  }

  record Run(ParticipantStage.Summary summary, int sparkJobs) {}

  static Run run(Path cohortDir, Path out, ParticipantKernels kernels, IncrementalOptions options) {
    Cohort c = BidsCohortReader.read(cohortDir.toString(), new Configuration(), CohortOptions.defaults());
    JobCounter counter = new JobCounter();
    spark.sparkContext().addSparkListener(counter);
    try {
      ParticipantStage.Summary s = ParticipantStage.run(spark, c, out.toString(), kernels, 32, false, VERSION,
          EnumSet.allOf(RunKind.class), options);
      try {
        spark.sparkContext().listenerBus().waitUntilEmpty(10_000);
      } catch (java.util.concurrent.TimeoutException e) {
        throw new AssertionError("Spark's listener bus did not drain in 10 s", e);
      }
      return new Run(s, counter.jobs.get());
    } finally {
      spark.sparkContext().removeSparkListener(counter);
    }
  }

  /** Modification time of every file under {@code out} except the cohort-level files rewritten by every run. */
  static Map<String, FileTime> perRunFiles(Path out) throws IOException {
    Map<String, FileTime> m = new TreeMap<>();
    try (Stream<Path> s = Files.walk(out)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        String rel = out.relativize(p).toString();
        if (!rel.equals(ParticipantStage.RUNS_TSV) && !rel.equals(org.voxelspark.participant.FailuresTable.TSV)
            && !rel.equals(org.voxelspark.participant.FailuresTable.PARQUET) && !rel.equals("dataset_description.json")) {
          m.put(rel, Files.getLastModifiedTime(p));
        }
      }
    }
    return m;
  }

  static Map<String, FileTime> under(Map<String, FileTime> files, String prefix) {
    return files.entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, TreeMap::new));
  }

  static List<String> runRows(Path out) throws IOException {
    return Files.readAllLines(out.resolve(ParticipantStage.RUNS_TSV));
  }

  @Test
  void aSecondIdenticalRunDoesNoPerSubjectWork() throws IOException {
    Path cohort = copy(pristine, tmp.resolve("same"));
    Path out = tmp.resolve("same-out");
    Run first = run(cohort, out, KERNELS, IncrementalOptions.defaults());
    assertEquals(6, first.summary().succeededRuns());
    assertEquals(0, first.summary().keptRuns());
    RunManifest m = RunManifest.load(out.toUri().toString(), new Configuration());
    assertEquals(6, m.entries().size(), "one committed entry per run");
    ManifestEntry e = m.entries().values().iterator().next();
    assertEquals(List.of("bval", "bvec", "nifti", "sidecar"), new ArrayList<>(e.inputs().keySet()), "DWI inputs by role");
    assertEquals(VERSION, e.softwareVersion());
    assertEquals(KERNELS.maps(RunKind.DWI).size() * 2 + 1, e.outputs().size(), "maps + sidecars + the voxel-table file");
    Map<String, FileTime> before = perRunFiles(out);
    List<String> rows = runRows(out);
    assertEquals(7, rows.size(), "header + 6 runs");

    Run second = run(cohort, out, KERNELS, IncrementalOptions.defaults());
    assertEquals(0, second.sparkJobs(), "no Spark job: no input read, nothing computed");
    assertEquals(6, second.summary().keptRuns());
    assertEquals(6, second.summary().succeededRuns(), "every run is still reported done");
    assertEquals(before, perRunFiles(out), "no map, sidecar or manifest entry rewritten");
    assertEquals(rows, runRows(out), "the cohort table lists the kept runs as before");
    assertFalse(Files.exists(out.resolve(RunManifest.STAGING_DIR)), "no staging directory left");

    // --reprocess all: everything again, with the same bytes
    byte[] fa = Files.readAllBytes(out.resolve("sub-01/dwi/sub-01_model-tensor_param-fa_dwimap.nii.gz"));
    Run all = run(cohort, out, KERNELS, new IncrementalOptions(ReprocessMode.ALL, false));
    assertEquals(0, all.summary().keptRuns());
    assertTrue(all.sparkJobs() > 0);
    assertEquals(6, all.summary().succeededRuns());
    assertTrue(java.util.Arrays.equals(fa, Files.readAllBytes(out.resolve("sub-01/dwi/sub-01_model-tensor_param-fa_dwimap.nii.gz"))));

    // the manifest is read on parallel threads: the same entries, in key order, whatever finishes first;
    // an unreadable entry is skipped (its run counts as not done) and does not stop the others
    RunManifest again = RunManifest.load(out.toUri().toString(), new Configuration());
    assertEquals(new ArrayList<>(m.entries().keySet()), new ArrayList<>(again.entries().keySet()));
    Path broken = out.resolve(RunManifest.MANIFEST_DIR).resolve(again.entries().firstKey().entryPath());
    Files.writeString(broken, "{ not json");
    RunManifest partial = RunManifest.load(out.toUri().toString(), new Configuration());
    assertEquals(5, partial.entries().size());
    assertFalse(partial.entries().containsKey(again.entries().firstKey()));
  }

  @Test
  void changedNewAndRemovedSubjectsAndChangedSettings() throws IOException {
    Path cohort = copy(pristine, tmp.resolve("nightly"));
    Path out = tmp.resolve("nightly-out");
    run(cohort, out, KERNELS, IncrementalOptions.defaults());
    Map<String, FileTime> night1 = perRunFiles(out);

    // night 2: sub-02's bval edited (content changed); sub-03's BOLD re-uploaded with the same bytes
    // (new modification time); sub-01's age corrected in participants.tsv; sub-04 arrives (a copy of sub-01)
    Path bval = cohort.resolve("sub-02/dwi/sub-02_dwi.bval");
    String b = Files.readString(bval);
    Files.writeString(bval, b.replaceFirst("1000", "1005"));
    Path bold3 = cohort.resolve("sub-03/func/sub-03_task-rest_bold.nii.gz");
    Files.setLastModifiedTime(bold3, FileTime.fromMillis(Files.getLastModifiedTime(bold3).toMillis() + 60_000));
    Path tsv = cohort.resolve("participants.tsv");
    List<String> lines = new ArrayList<>(Files.readAllLines(tsv));
    String[] row1 = lines.get(1).split("\t");
    row1[3] = "61.5";
    lines.set(1, String.join("\t", row1));
    String[] row4 = lines.get(1).split("\t");
    row4[0] = "sub-04";
    lines.add(String.join("\t", row4));
    Files.write(tsv, lines);
    copySubject(cohort, "01", "04");
    RunManifest m1 = RunManifest.load(out.toUri().toString(), new Configuration());
    String digestBefore = m1.participantDigest(List.of("sub-01", "sub-02", "sub-03"));
    String digest3Before = m1.participantDigest(List.of("sub-03"));

    Run night2 = run(cohort, out, KERNELS, IncrementalOptions.defaults());
    assertEquals(8, night2.summary().succeededRuns(), "4 subjects x 2 runs in the tables");
    assertEquals(5, night2.summary().keptRuns(), "only sub-02's DWI and sub-04's two runs computed");
    Map<String, FileTime> files2 = perRunFiles(out);
    assertNotEquals(under(night1, "sub-02/dwi"), under(files2, "sub-02/dwi"), "sub-02 DWI recomputed");
    assertEquals(under(night1, "sub-02/func"), under(files2, "sub-02/func"), "sub-02 BOLD kept");
    assertEquals(under(night1, "sub-03/"), under(files2, "sub-03/"), "sub-03's maps kept (same bytes re-uploaded)");
    assertEquals(under(night1, "sub-01/"), under(files2, "sub-01/"), "sub-01's maps kept (only the table row changed)");
    assertEquals(KERNELS.maps(RunKind.DWI).size() * 2, under(files2, "sub-04/dwi").size(), "sub-04 computed");
    RunManifest m2 = RunManifest.load(out.toUri().toString(), new Configuration());
    assertNotEquals(digestBefore, m2.participantDigest(List.of("sub-01", "sub-02", "sub-03")),
        "the group stage sees the change (sub-02's bval, sub-01's row)");
    assertEquals(digest3Before, m2.participantDigest(List.of("sub-03")), "an identical re-upload changes nothing downstream");
    assertEquals(9, runRows(out).size(), "header + 8 runs");

    // night 3: sub-03 withdrawn from the input: kept and listed until --prune
    deleteTree(cohort.resolve("sub-03"));
    lines = new ArrayList<>(Files.readAllLines(tsv));
    lines.removeIf(l -> l.startsWith("sub-03\t"));
    Files.write(tsv, lines);
    Run night3 = run(cohort, out, KERNELS, IncrementalOptions.defaults());
    assertEquals(0, night3.sparkJobs());
    assertTrue(Files.exists(out.resolve("sub-03/func/sub-03_task-rest_desc-reho_boldmap.nii.gz")), "not removed without --prune");
    assertEquals(9, runRows(out).size(), "sub-03 still listed");
    Run pruned = run(cohort, out, KERNELS, new IncrementalOptions(ReprocessMode.CHANGED, true));
    assertEquals(0, pruned.sparkJobs());
    assertFalse(Files.exists(out.resolve("sub-03")), "sub-03's outputs and directories removed");
    assertEquals(7, runRows(out).size(), "header + 3 subjects x 2 runs");
    assertTrue(runRows(out).stream().noneMatch(r -> r.startsWith("sub-03")));
    assertEquals(6, RunManifest.load(out.toUri().toString(), new Configuration()).entries().size());

    // night 4: another tensor fit: DWI runs computed, BOLD runs kept; a deleted map is recomputed
    Files.delete(out.resolve("sub-01/func/sub-01_task-rest_desc-alff_boldmap.nii.gz"));
    ParticipantKernels ols = new ParticipantKernels(KERNELS.b0Threshold(), TensorFitMethod.OLS, KERNELS.bold());
    Map<String, FileTime> files3 = perRunFiles(out);
    Run night4 = run(cohort, out, ols, IncrementalOptions.defaults());
    assertEquals(2, night4.summary().keptRuns(), "sub-02's and sub-04's BOLD kept; sub-01's BOLD had a map missing");
    Map<String, FileTime> files4 = perRunFiles(out);
    assertEquals(under(files3, "sub-02/func"), under(files4, "sub-02/func"));
    assertTrue(Files.readString(out.resolve("sub-02/dwi/sub-02_model-tensor_param-fa_dwimap.json")).contains("\"OLS\""));
    assertTrue(Files.exists(out.resolve("sub-01/func/sub-01_task-rest_desc-alff_boldmap.nii.gz")));
  }

  @Test
  void aSubjectWhoseInputBreaksIsUncommittedAndTheGroupStageSeesIt() throws IOException {
    Path cohort = copy(pristine, tmp.resolve("breaks"));
    Path out = tmp.resolve("breaks-out");
    run(cohort, out, KERNELS, IncrementalOptions.defaults());
    String outUri = out.toUri().toString();
    RunManifest m = RunManifest.load(outUri, new Configuration());
    List<String> subjects = List.of("sub-01", "sub-02", "sub-03");
    String digest = m.participantDigest(subjects);
    assertTrue(m.stale("group", digest), "the group stage never ran");
    m.recordStage("group", digest, VERSION);
    assertFalse(RunManifest.load(outUri, new Configuration()).stale("group", digest));

    // a truncated re-upload of sub-02's BOLD: computed again, fails, no longer committed
    Path bold = cohort.resolve("sub-02/func/sub-02_task-rest_bold.nii.gz");
    byte[] bytes = Files.readAllBytes(bold);
    Files.write(bold, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    Run broken = run(cohort, out, KERNELS, IncrementalOptions.defaults());
    assertEquals(1, broken.summary().failures().size());
    assertEquals(5, broken.summary().succeededRuns());
    RunManifest after = RunManifest.load(outUri, new Configuration());
    assertEquals(5, after.entries().size());
    assertTrue(after.stale("group", after.participantDigest(subjects)), "the group stage must run again");
    assertEquals(2, Files.readAllLines(out.resolve(ParticipantStage.FAILURES_TSV)).size());
    // the failure is retried every night (it may be transient): still reported
    Run again = run(cohort, out, KERNELS, IncrementalOptions.defaults());
    assertEquals(1, again.summary().failures().size());
    // fixed upload: computed and committed again; the digest is back to what the group stage used
    Files.write(bold, bytes);
    run(cohort, out, KERNELS, IncrementalOptions.defaults());
    RunManifest fixed = RunManifest.load(outUri, new Configuration());
    assertEquals(6, fixed.entries().size());
    assertFalse(fixed.stale("group", fixed.participantDigest(subjects)), "same inputs, settings and version as the group run");
  }

  @Test
  void pruneNeedsTheWholeCohort() {
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    int code = org.voxelspark.cli.Main.run(new String[] {pristine.toString(), tmp.resolve("p-out").toString(), "participant",
        "--participant-label", "01", "--prune"}, new java.io.PrintStream(new java.io.ByteArrayOutputStream()),
        new java.io.PrintStream(err, true));
    assertEquals(org.voxelspark.cli.Main.USER_ERROR, code);
    assertTrue(err.toString().contains("error: command line: --prune: removes the outputs of subjects not in the input"), err.toString());
    assertFalse(Files.exists(tmp.resolve("p-out")), "refused before anything is written");
  }

  // ---------------------------------------------------------------------------------------------

  static Path copy(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
    return to;
  }

  static void copySubject(Path cohort, String from, String to) throws IOException {
    Path src = cohort.resolve("sub-" + from);
    try (Stream<Path> s = Files.walk(src)) {
      for (Path p : s.toList()) {
        Path target = cohort.resolve("sub-" + to).resolve(src.relativize(p).toString().replace("sub-" + from, "sub-" + to));
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }

  static void deleteTree(Path p) throws IOException {
    try (Stream<Path> s = Files.walk(p)) {
      for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(q);
      }
    }
  }
}
