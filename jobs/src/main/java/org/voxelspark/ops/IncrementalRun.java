package org.voxelspark.ops;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.CollectionAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.voxelspark.cohort.BoldRun;
import org.voxelspark.cohort.Cohort;
import org.voxelspark.cohort.DwiRun;
import org.voxelspark.cohort.Subject;
import org.voxelspark.io.HadoopFiles;
import org.voxelspark.io.SerializableConfiguration;
import org.voxelspark.participant.DerivativeNames;
import org.voxelspark.participant.KernelFactory;
import org.voxelspark.participant.RunKind;
import org.voxelspark.participant.RunResult;
import org.voxelspark.participant.RunTask;

/**
 * One participant-stage run against what the output directory already holds: which runs must be
 * computed, which are kept, and the bookkeeping around them. The stage calls {@link #start}
 * before computing (it gets the runs to compute), passes {@link #committer()} to the write step,
 * adds {@link #carriedOver()} to its tables, and calls {@link #finish()} at the end.
 *
 * <p><b>Decision per run</b> of a valid subject, against its {@link ManifestEntry}:
 * <ul>
 *   <li><i>computed</i> when {@code --reprocess all}; when it has no entry (new, failed or killed
 *       last time); when the settings behind its outputs ({@link KernelFactory#parameters} and the
 *       list of maps) or the software version differ; when any recorded output file is missing or
 *       has another size; when the content hash of any input (NIfTI, bval, bvec, JSON sidecar)
 *       differs, or an input was added or removed;
 *   <li><i>refreshed</i> (entry rewritten, nothing computed) when only the subject's
 *       {@code participants.tsv} row or site, or the inputs' names or listing (a re-upload of the
 *       same bytes, a moved dataset) changed;
 *   <li><i>unchanged</i> otherwise.
 * </ul>
 * An input's content hash is only computed again when its URI, size or modification time differ
 * from the entry's ({@link FileDigest#sameListing}), on the executors ({@link InputHashing}); a
 * second run over unchanged inputs reads no input file and runs no Spark job.
 *
 * <p><b>Other entries.</b> Runs of subjects that now have input problems are uncommitted (their
 * outputs, if kept, no longer count; the problem is in {@code failures.tsv}). Entries of subjects
 * or runs that are no longer in the input are kept and listed, or removed with their outputs when
 * {@link IncrementalOptions#prune()} (which needs the whole cohort read, without a participant
 * selection). Entries of run kinds this stage does not compute ({@code dti} / {@code reho}) are
 * left alone. The cohort tables list every committed run, computed now or carried over.
 *
 * <p><b>Before computing</b> anything, the cohort tables are deleted (they are rewritten at the end
 * from the manifest and this run's results), and the entries of the runs about to be computed are
 * deleted; so a run killed part-way leaves only committed runs counted as done. Leftover staging
 * directories of a killed run are deleted at start.
 */
public final class IncrementalRun {
  private static final Logger LOG = LoggerFactory.getLogger(IncrementalRun.class);
  private static final ObjectMapper CANONICAL = new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  /** Local property with the number of blocks the stage's jobs compute (read by the progress line). */
  public static final String BLOCKS_TOTAL_PROPERTY = "voxelspark.progress.blocks";
  /** Local property with the number of subjects the stage's jobs compute runs of. */
  public static final String SUBJECTS_TOTAL_PROPERTY = "voxelspark.progress.subjects";

  /** What happens to one run. */
  public enum Decision {
    /** Computed (see the class description for when). */
    COMPUTE,
    /** Kept; its entry is rewritten with the current table row and input listing. */
    REFRESH,
    /** Kept as it is. */
    UNCHANGED
  }

  /**
   * @param key the run
   * @param decision what happens to it
   * @param reason why, for the log ({@code new}, {@code inputs changed}, ...)
   */
  public record Planned(RunKey key, Decision decision, String reason) {}

  private final String out;
  private final Configuration conf;
  private final RunManifest manifest;
  private final List<Planned> planned;
  private final List<RunTask> toCompute;
  private final List<RunResult> carriedOver;
  private final List<ManifestEntry> notInInput;
  private final int uncommittedInvalid;
  private final int pruned;
  private final long blocksTotal;
  private final int subjectsTotal;
  private final RunCommitter committer;

  private IncrementalRun(String out, Configuration conf, RunManifest manifest, List<Planned> planned, List<RunTask> toCompute,
      List<RunResult> carriedOver, List<ManifestEntry> notInInput, int uncommittedInvalid, int pruned, long blocksTotal,
      int subjectsTotal, RunCommitter committer) {
    this.out = out;
    this.conf = conf;
    this.manifest = manifest;
    this.planned = planned;
    this.toCompute = toCompute;
    this.carriedOver = carriedOver;
    this.notInInput = notInInput;
    this.uncommittedInvalid = uncommittedInvalid;
    this.pruned = pruned;
    this.blocksTotal = blocksTotal;
    this.subjectsTotal = subjectsTotal;
    this.committer = committer;
  }

  /** The input files of one run, by role, and the subject's row. */
  private record RunInputs(SortedMap<String, String> uris, String site, String rowSha256) {}

  /**
   * Plans the run (see the class description) and prepares the output directory for it.
   *
   * @param out the qualified output directory
   * @param tasks every run of the cohort's valid subjects this stage computes
   * @param blockSize block edge, voxels (for the progress line's block count)
   * @param kinds the run kinds this stage computes
   */
  public static IncrementalRun start(SparkSession spark, Cohort cohort, String out, List<RunTask> tasks, KernelFactory kernels,
      String version, int blockSize, Set<RunKind> kinds, IncrementalOptions options) {
    long started0 = System.nanoTime();
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    RunManifest manifest = RunManifest.load(out, conf);
    deleteRecursively(new Path(out, RunManifest.STAGING_DIR), conf);
    Map<RunKey, RunInputs> inputs = inputs(cohort);
    Map<RunKind, String> configSha = new EnumMap<>(RunKind.class);
    Map<RunKind, Map<String, Object>> configuration = new EnumMap<>(RunKind.class);
    for (RunKind k : RunKind.values()) {
      configuration.put(k, new TreeMap<>(kernels.parameters(k)));
      configSha.put(k, configSha256(k, kernels.parameters(k), kernels.maps(k)));
    }
    FileSystem fs = fileSystem(out, conf);
    Map<String, Map<String, Long>> listings = new HashMap<>();

    // 1. what the listing alone decides
    Map<RunKey, String> certain = new LinkedHashMap<>();
    Map<RunKey, SortedMap<String, FileDigest>> known = new HashMap<>();
    Map<RunKey, List<String>> toHash = new LinkedHashMap<>();
    for (RunTask t : tasks) {
      RunKey key = RunKey.of(t);
      RunInputs in = inputs.get(key);
      if (in == null) {
        throw new IllegalStateException("run " + key + " is not in the cohort");
      }
      ManifestEntry e = manifest.entries().get(key);
      String reason = options.reprocess() == ReprocessMode.ALL ? "--reprocess all"
          : e == null ? "no committed result (new, failed or interrupted)"
          : !e.configSha256().equals(configSha.get(t.kind())) ? "settings changed"
          : !e.softwareVersion().equals(version) ? "software version changed (" + e.softwareVersion() + " -> " + version + ")"
          : !outputsPresent(e, out, fs, listings) ? "outputs missing or changed"
          : !e.inputs().keySet().equals(in.uris().keySet()) ? "inputs added or removed"
          : null;
      if (reason != null) {
        certain.put(key, reason);
      }
      SortedMap<String, FileDigest> reuse = new TreeMap<>();
      List<String> hash = new ArrayList<>();
      for (Map.Entry<String, String> role : in.uris().entrySet()) {
        FileDigest old = e == null ? null : e.inputs().get(role.getKey());
        FileStatus st = status(role.getValue(), conf);
        if (old != null && st != null && old.sameListing(role.getValue(), st.getLen(), st.getModificationTime())) {
          reuse.put(role.getKey(), old);
        } else {
          hash.add(role.getValue());
        }
      }
      known.put(key, reuse);
      if (reason != null || !hash.isEmpty()) {
        toHash.put(key, hash);
      }
    }

    // 2. hash what changed (and read the headers of what will be computed), on the executors
    Map<RunKey, InputHashing.Result> hashed = new HashMap<>();
    if (!toHash.isEmpty()) {
      JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      List<InputHashing.Request> requests = new ArrayList<>();
      for (Map.Entry<RunKey, List<String>> r : toHash.entrySet()) {
        requests.add(new InputHashing.Request(r.getKey(), inputs.get(r.getKey()).uris().get("nifti"), r.getValue()));
      }
      long started = System.nanoTime();
      for (InputHashing.Result r : InputHashing.run(jsc, requests, blockSize, new SerializableConfiguration(conf))) {
        hashed.put(r.key(), r);
      }
      LOG.info("run manifest: hashed the changed inputs of {} runs in {} s", requests.size(),
          String.format("%.1f", (System.nanoTime() - started) / 1e9));
    }

    // 3. decide
    List<Planned> planned = new ArrayList<>();
    List<RunTask> compute = new ArrayList<>();
    List<RunResult> carried = new ArrayList<>();
    Map<RunKey, PendingRuns.Pending> pending = new HashMap<>();
    List<ManifestEntry> refresh = new ArrayList<>();
    long blocks = 0;
    Map<String, Integer> runsPerSubject = new HashMap<>();
    List<PendingTask> pendingTasks = new ArrayList<>();
    for (RunTask t : tasks) {
      RunKey key = RunKey.of(t);
      RunInputs in = inputs.get(key);
      ManifestEntry e = manifest.entries().get(key);
      InputHashing.Result h = hashed.get(key);
      SortedMap<String, FileDigest> digests = new TreeMap<>(known.get(key));
      if (h != null) {
        for (Map.Entry<String, String> role : in.uris().entrySet()) {
          FileDigest d = h.digests().get(role.getValue());
          if (d != null) {
            digests.put(role.getKey(), d);
          }
        }
      }
      boolean complete = digests.keySet().equals(in.uris().keySet());
      String reason = certain.get(key);
      if (reason == null && !complete) {
        reason = "an input could not be read (" + (h == null ? "not listed" : h.problem()) + ")";
      }
      if (reason == null && !inputsSha256(digests).equals(e.inputsSha256())) {
        reason = "inputs changed";
      }
      if (reason != null) {
        planned.add(new Planned(key, Decision.COMPUTE, reason));
        compute.add(t);
        runsPerSubject.merge(t.subjectKey(), 1, Integer::sum);
        pendingTasks.add(new PendingTask(key, in, digests, t.kind()));
        if (h != null && h.blocks() > 0) {
          blocks += h.blocks();
        }
        continue;
      }
      boolean same = in.rowSha256().equals(e.participantsRowSha256()) && java.util.Objects.equals(in.site(), e.site())
          && digests.equals(e.inputs());
      if (!same) {
        refresh.add(e.refreshed(in.site(), digests, in.rowSha256()));
      }
      planned.add(new Planned(key, same ? Decision.UNCHANGED : Decision.REFRESH,
          same ? "unchanged" : "participants row or input listing changed"));
      carried.add(result(t, same ? e : e.refreshed(in.site(), digests, in.rowSha256()), out));
    }
    for (PendingTask p : pendingTasks) {
      pending.put(p.key, new PendingRuns.Pending(p.in.site(), p.in.uris(), p.digests, p.in.rowSha256(), configSha.get(p.kind),
          configuration.get(p.kind), version, runsPerSubject.get(p.key.subject())));
    }

    // 4. entries that are not runs of this input
    Set<RunKey> current = tasks.stream().map(RunKey::of).collect(Collectors.toSet());
    Set<String> invalid = cohort.invalidSubjects().stream().map(Subject::key).collect(Collectors.toSet());
    List<ManifestEntry> uncommitInvalid = new ArrayList<>();
    List<ManifestEntry> gone = new ArrayList<>();
    for (ManifestEntry e : manifest.entries().values()) {
      if (current.contains(e.key())) {
        continue;
      }
      if (!kinds.contains(e.kind())) {
        carried.add(result(null, e, out));
      } else if (invalid.contains(e.subject())) {
        uncommitInvalid.add(e);
      } else {
        gone.add(e);
        if (!options.prune()) {
          carried.add(result(null, e, out));
        }
      }
    }

    // 5. prepare the output directory: nothing uncommitted may look done
    boolean changes = !compute.isEmpty() || !uncommitInvalid.isEmpty() || (options.prune() && !gone.isEmpty());
    if (changes) {
      deleteCohortTables(out, conf);
    }
    for (Planned p : planned) {
      if (p.decision() == Decision.COMPUTE && manifest.entries().containsKey(p.key())) {
        manifest.uncommit(p.key());
      }
    }
    for (ManifestEntry e : uncommitInvalid) {
      manifest.uncommit(e.key());
      LOG.warn("run manifest: {} uncommitted: the subject's input now has problems (see {})", e.key(),
          org.voxelspark.participant.ParticipantStage.FAILURES_TSV);
    }
    for (ManifestEntry e : refresh) {
      manifest.rewrite(e);
    }
    int prunedRuns = 0;
    if (options.prune()) {
      for (ManifestEntry e : gone) {
        prune(e, out, conf, manifest);
        prunedRuns++;
      }
    } else if (!gone.isEmpty()) {
      LOG.warn("run manifest: {} committed runs of {} subjects are not in this input (or not selected); kept, and listed in the "
          + "tables (--prune removes them with their outputs)", gone.size(), gone.stream().map(ManifestEntry::subject).distinct().count());
    }

    RunCommitter committer = null;
    if (!compute.isEmpty()) {
      JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      CollectionAccumulator<String> acc = spark.sparkContext().collectionAccumulator(RunCommitter.SUBJECTS_ACCUMULATOR);
      committer = new RunCommitter(out, jsc.broadcast(new PendingRuns(pending)), acc);
    }
    IncrementalRun run = new IncrementalRun(out, conf, manifest, List.copyOf(planned), List.copyOf(compute), carried,
        options.prune() ? List.of() : List.copyOf(gone), uncommitInvalid.size(), prunedRuns, blocks, runsPerSubject.size(),
        committer);
    LOG.info("run manifest: {} (planned in {} s)", run.describe(), String.format("%.2f", (System.nanoTime() - started0) / 1e9));
    return run;
  }

  private record PendingTask(RunKey key, RunInputs in, SortedMap<String, FileDigest> digests, RunKind kind) {}

  /** The runs to compute, in the order of the stage's tasks. */
  public List<RunTask> toCompute() {
    return toCompute;
  }

  /** The decision for every run of the input, in the order of the stage's tasks. */
  public List<Planned> planned() {
    return planned;
  }

  /**
   * The results of the committed runs that are not computed now (unchanged, refreshed, other run
   * kinds, not in the input), for the cohort tables.
   */
  public List<RunResult> carriedOver() {
    return List.copyOf(carriedOver);
  }

  /** Commits computed runs on the executors; null when nothing is computed. */
  public RunCommitter committer() {
    return committer;
  }

  /** Runs of the input that are kept as they are or refreshed. */
  public int keptRuns() {
    return (int) planned.stream().filter(p -> p.decision() != Decision.COMPUTE).count();
  }

  /** Sets the progress line's totals on the jobs the calling thread submits next. */
  public void annotateJobs(JavaSparkContext jsc) {
    jsc.setLocalProperty(BLOCKS_TOTAL_PROPERTY, Long.toString(blocksTotal));
    jsc.setLocalProperty(SUBJECTS_TOTAL_PROPERTY, Integer.toString(subjectsTotal));
  }

  /** Clears what {@link #annotateJobs} set, and the staging directory. */
  public void finish(JavaSparkContext jsc) {
    if (jsc != null) {
      jsc.setLocalProperty(BLOCKS_TOTAL_PROPERTY, null);
      jsc.setLocalProperty(SUBJECTS_TOTAL_PROPERTY, null);
    }
    deleteRecursively(new Path(out, RunManifest.STAGING_DIR), conf);
  }

  /** One line for the log. */
  public String describe() {
    Map<String, Long> reasons = planned.stream().filter(p -> p.decision() == Decision.COMPUTE)
        .collect(Collectors.groupingBy(Planned::reason, TreeMap::new, Collectors.counting()));
    long refreshed = planned.stream().filter(p -> p.decision() == Decision.REFRESH).count();
    return toCompute.size() + " runs to compute " + reasons + ", " + (keptRuns() - refreshed) + " unchanged, " + refreshed
        + " refreshed, " + uncommittedInvalid + " uncommitted (input problems), " + pruned + " pruned, " + notInInput.size()
        + " kept though not in the input";
  }

  /** The manifest as it is after {@link #start} (entries of computed runs are added by the executors). */
  public RunManifest manifest() {
    return manifest;
  }

  // ---------------------------------------------------------------------------------------------

  /** {@link ContentHash#combine} of the inputs' SHA-256 by role. */
  static String inputsSha256(SortedMap<String, FileDigest> digests) {
    SortedMap<String, String> parts = new TreeMap<>();
    digests.forEach((role, d) -> parts.put(role, d.sha256()));
    return ContentHash.combine(parts);
  }

  /** The hash of the settings behind a kind's outputs: its parameters and the list of its maps. */
  static String configSha256(RunKind kind, Map<String, Object> parameters, List<DerivativeNames> maps) {
    try {
      SortedMap<String, String> parts = new TreeMap<>();
      parts.put("kind", kind.name());
      parts.put("parameters", CANONICAL.writeValueAsString(new TreeMap<>(parameters)));
      parts.put("maps", maps.stream().map(DerivativeNames::suffix).collect(Collectors.joining(",")));
      return ContentHash.combine(parts);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("parameters of " + kind + " are not serializable", e);
    }
  }

  private static Map<RunKey, RunInputs> inputs(Cohort cohort) {
    Map<RunKey, RunInputs> m = new HashMap<>();
    for (Subject s : cohort.validSubjects()) {
      String row = rowSha256(s);
      for (DwiRun d : s.dwi()) {
        SortedMap<String, String> u = new TreeMap<>();
        u.put("nifti", d.nifti());
        u.put("bval", d.bval());
        u.put("bvec", d.bvec());
        if (d.json() != null) {
          u.put("sidecar", d.json());
        }
        m.put(new RunKey(s.key(), RunKind.DWI, d.name()), new RunInputs(u, s.site(), row));
      }
      for (BoldRun b : s.bold()) {
        SortedMap<String, String> u = new TreeMap<>();
        u.put("nifti", b.nifti());
        if (b.json() != null) {
          u.put("sidecar", b.json());
        }
        if (b.confounds() != null) {
          u.put("confounds", b.confounds());
        }
        m.put(new RunKey(s.key(), RunKind.BOLD, b.name()), new RunInputs(u, s.site(), row));
      }
    }
    return m;
  }

  private static String rowSha256(Subject s) {
    Map<String, String> row = new TreeMap<>(s.attributes());
    Map<String, Object> all = new TreeMap<>();
    all.put("row", row);
    all.put("site", s.site() == null ? "" : s.site());
    try {
      return ContentHash.ofText(CANONICAL.writeValueAsString(all));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static RunResult result(RunTask current, ManifestEntry e, String out) {
    RunTask t = current != null ? current : new RunTask(e.subject(), e.site(), e.kind(), e.run(), uri(e, "nifti"), uri(e, "bval"),
        uri(e, "bvec"), null, new Path(out, e.outputDir()).toString(), uri(e, "confounds"));
    List<String> outputs = e.outputs().stream().map(o -> new Path(out, o.path()).toString()).toList();
    return new RunResult(t, outputs, List.of(), null, e.blocks(), e.nonFiniteVoxels());
  }

  private static String uri(ManifestEntry e, String role) {
    FileDigest d = e.inputs().get(role);
    return d == null ? null : d.uri();
  }

  private static boolean outputsPresent(ManifestEntry e, String out, FileSystem fs, Map<String, Map<String, Long>> listings) {
    for (ManifestEntry.OutputFile o : e.outputs()) {
      Path p = new Path(out, o.path());
      String dir = p.getParent().toString();
      Map<String, Long> listing = listings.computeIfAbsent(dir, d -> {
        Map<String, Long> sizes = new HashMap<>();
        try {
          for (FileStatus st : fs.listStatus(new Path(d))) {
            sizes.put(st.getPath().getName(), st.getLen());
          }
        } catch (FileNotFoundException missing) {
          // no directory: no outputs
        } catch (IOException ex) {
          throw new java.io.UncheckedIOException("listing " + d + ": " + ex.getMessage(), ex);
        }
        return sizes;
      });
      Long size = listing.get(p.getName());
      if (size == null || size != o.size()) {
        return false;
      }
    }
    return !e.outputs().isEmpty();
  }

  private static FileStatus status(String uri, Configuration conf) {
    try {
      Path p = new Path(uri);
      return p.getFileSystem(conf).getFileStatus(p);
    } catch (FileNotFoundException e) {
      return null;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("listing " + uri + ": " + e.getMessage(), e);
    }
  }

  private static void prune(ManifestEntry e, String out, Configuration conf, RunManifest manifest) {
    manifest.uncommit(e.key());
    FileSystem fs = fileSystem(out, conf);
    Set<Path> dirs = new HashSet<>();
    for (ManifestEntry.OutputFile o : e.outputs()) {
      Path p = new Path(out, o.path());
      try {
        fs.delete(p, false);
      } catch (IOException ex) {
        throw HadoopFiles.writeError(p.toString(), ex);
      }
      dirs.add(p.getParent());
    }
    // remove the directories that are now empty, up to the subject's
    Path root = new Path(out);
    for (Path d : dirs) {
      for (Path p = d; p != null && !p.equals(root) && p.getName().length() > 0; p = p.getParent()) {
        try {
          FileStatus[] left = fs.listStatus(p);
          if (left.length > 0 || !fs.delete(p, false)) {
            break;
          }
        } catch (FileNotFoundException gone) {
          // already removed with another run's directory
        } catch (IOException ex) {
          throw HadoopFiles.writeError(p.toString(), ex);
        }
        if (p.getName().startsWith("sub-")) {
          break;
        }
      }
    }
    LOG.info("run manifest: pruned {} ({} files): no longer in the input", e.key(), e.outputs().size());
  }

  private static void deleteCohortTables(String out, Configuration conf) {
    for (String name : List.of(org.voxelspark.participant.ParticipantStage.RUNS_TSV,
        org.voxelspark.participant.FailuresTable.TSV, org.voxelspark.participant.FailuresTable.PARQUET)) {
      Path p = new Path(out, name);
      try {
        p.getFileSystem(conf).delete(p, false);
      } catch (IOException e) {
        throw HadoopFiles.writeError(p.toString(), e);
      }
    }
  }

  private static void deleteRecursively(Path p, Configuration conf) {
    try {
      p.getFileSystem(conf).delete(p, true);
    } catch (IOException e) {
      throw HadoopFiles.writeError(p.toString(), e);
    }
  }

  private static FileSystem fileSystem(String out, Configuration conf) {
    try {
      return HadoopFiles.withoutChecksumFiles(new Path(out).getFileSystem(conf));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("opening the file system of " + out + ": " + e.getMessage(), e);
    }
  }
}
