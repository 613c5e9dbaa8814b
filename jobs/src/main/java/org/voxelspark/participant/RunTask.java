package org.voxelspark.participant;

import java.io.Serializable;

/**
 * One run to process, as shipped to an executor.
 *
 * @param subjectKey {@code sub-<label>[_ses-<label>]}
 * @param site the subject's site
 * @param kind modality
 * @param name the run's file stem (BIDS entities), prefix of its outputs
 * @param nifti input image URI
 * @param bval FSL b-values URI (DWI), or null
 * @param bvec FSL gradient directions URI (DWI), or null
 * @param sidecarRepetitionTime RepetitionTime from the JSON sidecar in seconds (BOLD), or null
 * @param outputDir the directory its outputs go to ({@code <out>/sub-X[/ses-Y]/<dwi|func>})
 * @param confounds the BOLD run's confounds table URI (fMRIPrep TSV), or null
 */
public record RunTask(String subjectKey, String site, RunKind kind, String name, String nifti, String bval, String bvec,
    Double sidecarRepetitionTime, String outputDir, String confounds) implements Serializable {
  /** A run without a confounds table. */
  public RunTask(String subjectKey, String site, RunKind kind, String name, String nifti, String bval, String bvec,
      Double sidecarRepetitionTime, String outputDir) {
    this(subjectKey, site, kind, name, nifti, bval, bvec, sidecarRepetitionTime, outputDir, null);
  }
}
