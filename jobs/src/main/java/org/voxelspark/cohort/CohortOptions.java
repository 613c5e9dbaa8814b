package org.voxelspark.cohort;

import java.io.Serializable;
import java.util.List;

/**
 * What to read of a cohort.
 *
 * @param participantLabels only these subjects (with or without {@code sub-}); empty for all
 * @param siteColumn participants column naming the site (default {@code site})
 * @param task BOLD task label to select (default {@code rest}: files {@code *_task-rest*_bold})
 * @param confounds whether each BOLD run needs a confounds file (the job regresses confounds out);
 *     a run without one is then a problem of its subject
 * @param confoundsDir the fMRIPrep derivatives directory to find the confounds files in
 *     ({@code <dir>/sub-<l>[/ses-<l>]/func/}), or null for the BOLD file's own directory
 */
public record CohortOptions(List<String> participantLabels, String siteColumn, String task, boolean confounds,
    String confoundsDir) implements Serializable {
  public static final String DEFAULT_SITE_COLUMN = "site";
  public static final String DEFAULT_TASK = "rest";

  /** Without confounds. */
  public CohortOptions(List<String> participantLabels, String siteColumn, String task) {
    this(participantLabels, siteColumn, task, false, null);
  }

  public static CohortOptions defaults() {
    return new CohortOptions(List.of(), DEFAULT_SITE_COLUMN, DEFAULT_TASK);
  }

  /**
   * The requested subject labels without {@code sub-}, each once, in the order given (entries may
   * themselves be comma-separated lists); empty for "all subjects".
   */
  public java.util.Set<String> wantedLabels() {
    java.util.Set<String> wanted = new java.util.LinkedHashSet<>();
    for (String l : participantLabels) {
      for (String part : l.split(",")) {
        if (!part.isBlank()) {
          wanted.add(Labels.stripPrefix(part.trim(), "sub"));
        }
      }
    }
    return wanted;
  }
}
