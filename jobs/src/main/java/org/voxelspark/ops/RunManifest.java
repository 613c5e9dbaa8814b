package org.voxelspark.ops;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.voxelspark.io.HadoopFiles;

/**
 * The run manifest of an output directory: what has been computed, from which inputs, with which
 * settings and software version. It makes nightly runs incremental (unchanged runs are skipped)
 * and is the commit point of a run's outputs (they count only once the run's entry exists).
 *
 * <p><b>Layout</b> (under the output root, hidden from Hadoop/Spark readers and BIDS tools):
 * <ul>
 *   <li>{@value #MANIFEST_DIR}{@code /participant/<subject>/<dwi|func>_<run>.json}: one
 *       {@link ManifestEntry} per committed run of the participant stage;
 *   <li>{@value #MANIFEST_DIR}{@code /stages/<stage>.json}: one {@link StageRecord} per cohort-level
 *       stage that completed (the group stage), with the digest of the inputs it used;
 *   <li>{@value #STAGING_DIR}{@code /<uuid>/}: a run's outputs while they are written (then renamed
 *       into place); what is left there by a killed run is deleted by the next one.
 * </ul>
 * Every file is written atomically ({@link HadoopFiles#writeText}). One run at a time may write to
 * an output directory.
 *
 * <p><b>For a cohort-level stage</b> (the group stage): {@link #participantDigest} of the subjects
 * it uses, combined with anything else it reads (the participants table, its own settings, the
 * version) into one inputs digest; {@link #stale} says whether that digest differs from the one
 * recorded when the stage last completed; {@link #recordStage} records it when the stage's outputs
 * are written. See {@code docs/outputs.md} ("Run manifest").
 */
public final class RunManifest {
  private static final Logger LOG = LoggerFactory.getLogger(RunManifest.class);
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** The manifest format this code writes (recorded in every entry). */
  public static final int FORMAT = 1;
  /** Directory of the manifest, relative to the output root. */
  public static final String MANIFEST_DIR = ".voxelspark/manifest";
  /** Directory where outputs are written before they are renamed into place. */
  public static final String STAGING_DIR = ".voxelspark/staging";
  /** The stage name of the participant stage's entries. */
  public static final String PARTICIPANT_STAGE = "participant";

  /**
   * The record of a cohort-level stage's last completion.
   *
   * @param stage the stage's name (e.g. {@code group})
   * @param inputsSha256 the digest of its inputs when it completed
   * @param softwareVersion the voxelspark version that ran it
   * @param completed when, ISO-8601 UTC
   */
  public record StageRecord(String stage, String inputsSha256, String softwareVersion, String completed) {}

  private final String outputDir;
  private final Configuration conf;
  private final SortedMap<RunKey, ManifestEntry> entries;

  private RunManifest(String outputDir, Configuration conf, SortedMap<RunKey, ManifestEntry> entries) {
    this.outputDir = outputDir;
    this.conf = conf;
    this.entries = entries;
  }

  /**
   * Reads the manifest of {@code outputDir} (empty when there is none). An entry that cannot be
   * parsed is ignored with a warning: its run is then computed again.
   */
  public static RunManifest load(String outputDir, Configuration conf) {
    Path root = new Path(outputDir, MANIFEST_DIR + "/" + PARTICIPANT_STAGE);
    List<Path> files = new ArrayList<>();
    try {
      FileSystem fs = root.getFileSystem(conf);
      if (fs.exists(root)) {
        List<Path> subjects = new ArrayList<>();
        for (FileStatus subject : fs.listStatus(root)) {
          if (subject.isDirectory()) {
            subjects.add(subject.getPath());
          }
        }
        for (List<FileStatus> listing : inParallel(subjects, d -> List.of(fs.listStatus(d)))) {
          for (FileStatus f : listing) {
            String name = f.getPath().getName();
            if (f.isFile() && name.endsWith(".json") && !name.startsWith(".")) {
              files.add(f.getPath());
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading the run manifest in " + outputDir + ": " + e.getMessage(), e);
    }
    SortedMap<RunKey, ManifestEntry> entries = new TreeMap<>();
    for (ManifestEntry e : inParallel(files, f -> readEntry(f, conf))) {
      if (e != null) {
        entries.put(e.key(), e);
      }
    }
    return new RunManifest(outputDir, conf, entries);
  }

  /** The entry in {@code f}, or null (with a warning) when it is unreadable or not as this version writes it. */
  private static ManifestEntry readEntry(Path f, Configuration conf) {
    String name = f.getName();
    String subject = f.getParent().getName();
    try {
      ManifestEntry e = JSON.readValue(HadoopFiles.readText(f.toString(), conf), ManifestEntry.class);
      if (e.format() != FORMAT || !(e.key().entryPath()).equals(PARTICIPANT_STAGE + "/" + subject + "/" + name)) {
        LOG.warn("run manifest: ignoring {} (format {} or name not as written by this version)", f, e.format());
        return null;
      }
      return e;
    } catch (IOException | RuntimeException e) {
      LOG.warn("run manifest: ignoring unreadable entry {}: {}", f, e.getMessage());
      return null;
    }
  }

  /** Threads that list and read the manifest's small files: on HDFS each is a round trip to the NameNode (and a DataNode). */
  static final int LOAD_THREADS = 32;

  private interface IoFunction<A, B> {
    B apply(A a) throws IOException;
  }

  /**
   * {@code f} over {@code items} on up to {@value #LOAD_THREADS} threads, results in the items'
   * order: the driver reads one small file per committed run, and 20 000 sequential round trips
   * to a distributed file system would take tens of seconds (docs/benchmarks.md, cluster projection).
   */
  private static <A, B> List<B> inParallel(List<A> items, IoFunction<A, B> f) {
    if (items.isEmpty()) {
      return List.of();
    }
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(
        Math.min(LOAD_THREADS, items.size()), r -> {
          Thread t = new Thread(r, "voxelspark-manifest-load");
          t.setDaemon(true);
          return t;
        });
    try {
      List<java.util.concurrent.Future<B>> futures = new ArrayList<>();
      for (A a : items) {
        futures.add(pool.submit(() -> f.apply(a)));
      }
      List<B> out = new ArrayList<>(items.size());
      for (java.util.concurrent.Future<B> fu : futures) {
        try {
          out.add(fu.get());
        } catch (java.util.concurrent.ExecutionException e) {
          Throwable c = e.getCause();
          if (c instanceof IOException io) {
            throw new UncheckedIOException(io.getMessage(), io);
          }
          if (c instanceof RuntimeException re) {
            throw re;
          }
          throw new IllegalStateException(c);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while reading the run manifest", e);
        }
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  /** The committed runs, in key order. */
  public SortedMap<RunKey, ManifestEntry> entries() {
    return java.util.Collections.unmodifiableSortedMap(entries);
  }

  /** URI of a run's entry in the manifest of {@code outputDir}. */
  public static String entryUri(String outputDir, RunKey key) {
    return new Path(outputDir, MANIFEST_DIR + "/" + key.entryPath()).toString();
  }

  /** Writes (commits) {@code entry} atomically: from now on its outputs count as complete. */
  public static void commit(String outputDir, ManifestEntry entry, Configuration conf) {
    try {
      HadoopFiles.writeText(entryUri(outputDir, entry.key()), conf, JSON.writeValueAsString(entry) + "\n");
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a manifest entry is always serializable", e);
    }
  }

  /** Rewrites an entry whose outputs stay valid (its inputs' listing or the table row changed). */
  void rewrite(ManifestEntry entry) {
    commit(outputDir, entry, conf);
    entries.put(entry.key(), entry);
  }

  /** Deletes a run's entry: its outputs (if any remain) no longer count as complete. */
  public void uncommit(RunKey key) {
    Path p = new Path(entryUri(outputDir, key));
    try {
      p.getFileSystem(conf).delete(p, false);
    } catch (IOException e) {
      throw HadoopFiles.writeError(p.toString(), e);
    }
    entries.remove(key);
  }

  /**
   * An order-independent digest of the committed participant outputs of {@code subjectKeys}: per
   * committed run its key, inputs hash, table-row hash, settings hash and software version. A
   * subject with no committed run contributes nothing, so one that is added, removed, changed or
   * recomputed with other settings or another version changes the digest.
   */
  public String participantDigest(Collection<String> subjectKeys) {
    Set<String> wanted = new HashSet<>(subjectKeys);
    SortedMap<String, String> parts = new TreeMap<>();
    for (ManifestEntry e : entries.values()) {
      if (wanted.contains(e.subject())) {
        parts.put(e.key().toString(), e.inputsSha256() + " " + e.participantsRowSha256() + " " + e.configSha256() + " "
            + e.softwareVersion());
      }
    }
    return ContentHash.combine(parts);
  }

  /** The last completion of a cohort-level stage, if any. */
  public Optional<StageRecord> stage(String stage) {
    String uri = stageUri(stage);
    try {
      Path p = new Path(uri);
      if (!p.getFileSystem(conf).exists(p)) {
        return Optional.empty();
      }
      return Optional.of(JSON.readValue(HadoopFiles.readText(uri, conf), StageRecord.class));
    } catch (FileNotFoundException e) {
      return Optional.empty();
    } catch (IOException e) {
      LOG.warn("run manifest: ignoring unreadable stage record {}: {}", uri, e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * True when {@code stage} must run again: it never completed in this output directory, or its
   * inputs digest then differs from {@code inputsDigest}.
   */
  public boolean stale(String stage, String inputsDigest) {
    return stage(stage).map(r -> !r.inputsSha256().equals(inputsDigest)).orElse(true);
  }

  /** Records that {@code stage} completed from inputs with {@code inputsDigest} (call after its outputs are written). */
  public void recordStage(String stage, String inputsDigest, String softwareVersion) {
    StageRecord r = new StageRecord(stage, inputsDigest, softwareVersion, Instant.now().toString());
    try {
      HadoopFiles.writeText(stageUri(stage), conf, JSON.writeValueAsString(r) + "\n");
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Deletes the record of a cohort-level stage (its outputs are being rebuilt). */
  public void forgetStage(String stage) {
    Path p = new Path(stageUri(stage));
    try {
      p.getFileSystem(conf).delete(p, false);
    } catch (IOException e) {
      throw HadoopFiles.writeError(p.toString(), e);
    }
  }

  private String stageUri(String stage) {
    if (!stage.matches("[A-Za-z0-9_-]+")) {
      throw new IllegalArgumentException("stage name " + stage);
    }
    return new Path(outputDir, MANIFEST_DIR + "/stages/" + stage + ".json").toString();
  }

  /** Digests of several parts, for {@link #stale}: e.g. the participant digest, the table's hash and the settings. */
  public static String digest(Map<String, String> parts) {
    return ContentHash.combine(new TreeMap<>(parts));
  }
}
