package org.voxelspark.cohort;

import java.io.Serializable;

/**
 * One BOLD run of a subject.
 *
 * @param name the run's file stem without {@code _bold} (e.g. {@code sub-01_task-rest_run-1}), the
 *     prefix of its derivative files
 * @param task the task label
 * @param nifti the {@code *_bold.nii[.gz]} URI
 * @param json the sidecar URI (the run's own, or an inherited one), or null
 * @param repetitionTimeSeconds {@code RepetitionTime} from the sidecar, or null when absent (the job
 *     then uses the NIfTI header's and reports a disagreement)
 * @param confounds the run's confounds table URI ({@code *_desc-confounds_timeseries.tsv}), or null
 *     when none was asked for or found
 */
public record BoldRun(String name, String task, String nifti, String json, Double repetitionTimeSeconds, String confounds)
    implements Serializable {
  /** A run without a confounds file. */
  public BoldRun(String name, String task, String nifti, String json, Double repetitionTimeSeconds) {
    this(name, task, nifti, json, repetitionTimeSeconds, null);
  }
}
