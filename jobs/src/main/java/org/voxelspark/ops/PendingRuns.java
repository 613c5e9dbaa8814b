package org.voxelspark.ops;

import java.io.Serializable;
import java.util.Map;
import java.util.SortedMap;

/**
 * What the driver knows, before they are computed, about the runs a participant-stage run
 * computes: everything their manifest entries will hold except the outputs. Broadcast to the
 * executors that commit the runs ({@link RunCommitter}).
 *
 * @param runs the runs to compute
 */
public record PendingRuns(Map<RunKey, Pending> runs) implements Serializable {

  /**
   * @param site the subject's site
   * @param inputUris the run's input files by role
   * @param digests their digests by role, where already known (the others are hashed at commit)
   * @param rowSha256 hash of the subject's table row and site
   * @param configSha256 hash of the settings behind the run's outputs
   * @param configuration those settings
   * @param softwareVersion the version computing the run
   * @param subjectRuns how many runs of the same subject this participant-stage run computes (for
   *     the progress line's subjects count)
   */
  public record Pending(String site, SortedMap<String, String> inputUris, SortedMap<String, FileDigest> digests, String rowSha256,
      String configSha256, Map<String, Object> configuration, String softwareVersion, int subjectRuns) implements Serializable {}
}
