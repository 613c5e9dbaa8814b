package org.voxelspark.ops;

import java.io.IOException;
import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.CollectionAccumulator;
import org.voxelspark.io.HadoopFiles;
import org.voxelspark.participant.RunTask;

/**
 * Writes one run's outputs so that they appear complete or not at all, on the executor that
 * computed the run:
 * <ol>
 *   <li>every file is written into a fresh hidden staging directory
 *       ({@value RunManifest#STAGING_DIR}{@code /<uuid>/}, each file itself atomically);
 *   <li>each is renamed into the run's output directory (replacing an older version);
 *   <li>the run's {@link ManifestEntry} is written, atomically: the commit point. Before it, the
 *       run counts as not done (a killed run leaves at most complete files of an uncommitted run,
 *       which the next run computes again); after it, as done.
 * </ol>
 * A task attempt that is retried or speculated uses its own staging directory; attempts of the
 * same run write the same bytes, so whichever rename comes last leaves the same files.
 *
 * <p>Serializable: it travels in the closure of the write stage; the runs' pending entries come as
 * a broadcast.
 */
public final class RunCommitter implements Serializable {
  private static final long serialVersionUID = 1L;
  /** Name of the accumulator of committed runs ({@code subject TAB runs of that subject}) the progress line reads. */
  public static final String SUBJECTS_ACCUMULATOR = "voxelspark.progress.subjects";

  private final String outputDir;
  private final Broadcast<PendingRuns> pending;
  private final CollectionAccumulator<String> committed;

  RunCommitter(String outputDir, Broadcast<PendingRuns> pending, CollectionAccumulator<String> committed) {
    this.outputDir = outputDir;
    this.pending = pending;
    this.committed = committed;
  }

  /**
   * Writes a run's files as if {@code stagedRoot} were the output root: the maps into the task's
   * {@link RunTask#outputDir()} (under it), anything else at its usual place relative to the root.
   * Returns the URIs written.
   */
  @FunctionalInterface
  public interface StagedWriter {
    List<String> write(RunTask staged, String stagedRoot) throws IOException;
  }

  /**
   * Writes the outputs of {@code task} through {@code writer}, moves them into place and commits
   * the run (see the class description).
   *
   * @param blocks number of blocks the run was computed in (recorded)
   * @param nonFiniteVoxels voxels left out of the mask for a non-finite sample (recorded)
   * @return the URIs of the run's output files, in their final place
   * @throws org.voxelspark.error.UserInputException naming the path when an output cannot be
   *     written for a reason the user can fix (permission, full disk, quota)
   */
  public List<String> writeAndCommit(RunTask task, int blocks, int nonFiniteVoxels, Configuration conf, StagedWriter writer)
      throws IOException {
    RunKey key = RunKey.of(task);
    PendingRuns.Pending p = pending.value().runs().get(key);
    if (p == null) {
      throw new IllegalStateException("run " + key + " is computed but was not planned");
    }
    // the staging root mirrors the output root: a file's path under it is its final path under the output
    Path staging = new Path(outputDir, RunManifest.STAGING_DIR + "/" + UUID.randomUUID());
    FileSystem fs = HadoopFiles.withoutChecksumFiles(staging.getFileSystem(conf));
    String stagingRoot = staging.toString();
    Path dir = new Path(task.outputDir());
    RunTask staged = new RunTask(task.subjectKey(), task.site(), task.kind(), task.name(), task.nifti(), task.bval(), task.bvec(),
        task.sidecarRepetitionTime(), new Path(staging, relative(dir.toString())).toString(), task.confounds());
    try {
      List<String> written = writer.write(staged, stagingRoot);
      List<String> finals = new ArrayList<>();
      List<ManifestEntry.OutputFile> outputs = new ArrayList<>();
      Path to = dir;
      try {
        for (String f : written) {
          Path from = new Path(f);
          if (!f.startsWith(stagingRoot + "/")) {
            throw new IllegalStateException(f + " was not written under the staging root " + stagingRoot);
          }
          String rel = f.substring(stagingRoot.length() + 1);
          to = new Path(outputDir, rel);
          fs.mkdirs(to.getParent());
          if (fs.exists(to)) {
            fs.delete(to, false);
          }
          if (!fs.rename(from, to)) {
            throw new IOException("rename of " + from + " to " + to + " failed");
          }
          finals.add(to.toString());
          outputs.add(new ManifestEntry.OutputFile(rel, fs.getFileStatus(to).getLen()));
        }
      } catch (IOException e) {
        throw HadoopFiles.writeError(to.getParent() == null ? task.outputDir() : to.getParent().toString(), e);
      }
      SortedMap<String, FileDigest> digests = new TreeMap<>(p.digests());
      for (Map.Entry<String, String> in : p.inputUris().entrySet()) {
        if (!digests.containsKey(in.getKey())) {
          digests.put(in.getKey(), ContentHash.ofFile(in.getValue(), conf));
        }
      }
      ManifestEntry entry = new ManifestEntry(RunManifest.FORMAT, RunManifest.PARTICIPANT_STAGE, task.subjectKey(), p.site(),
          task.kind(), task.name(), relative(dir.toString()), digests, IncrementalRun.inputsSha256(digests), p.rowSha256(),
          p.configSha256(), p.configuration(), p.softwareVersion(), List.copyOf(outputs), blocks, nonFiniteVoxels,
          Instant.now().toString());
      RunManifest.commit(outputDir, entry, conf);
      committed.add(task.subjectKey() + "\t" + p.subjectRuns());
      return finals;
    } finally {
      try {
        fs.delete(staging, true);
      } catch (IOException ignored) {
        // a staging directory left behind is hidden, never read, and deleted by the next run
      }
    }
  }

  private String relative(String uri) {
    if (!uri.startsWith(outputDir + "/")) {
      throw new IllegalStateException(uri + " is not under the output directory " + outputDir);
    }
    return uri.substring(outputDir.length() + 1);
  }
}
