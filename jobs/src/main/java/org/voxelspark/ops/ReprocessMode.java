package org.voxelspark.ops;

/** Which runs of the participant stage are computed when the output already holds results. */
public enum ReprocessMode {
  /**
   * Only runs that are new, whose inputs' content, settings or software version changed, whose
   * outputs are missing or incomplete, or that failed last time; the others are kept.
   */
  CHANGED,
  /** Every run, as on an empty output directory. */
  ALL
}
