package org.voxelspark.ops;

/**
 * How a participant-stage run treats what an earlier run left in the output directory.
 *
 * @param reprocess which runs are computed again
 * @param prune remove the outputs (and manifest entries) of subjects and runs no longer in the
 *     input; without it they are kept and listed
 */
public record IncrementalOptions(ReprocessMode reprocess, boolean prune) {
  /** Incremental, nothing removed: what a nightly run does by default. */
  public static IncrementalOptions defaults() {
    return new IncrementalOptions(ReprocessMode.CHANGED, false);
  }
}
