package org.voxelspark.participant;

/** The modality of a run, which decides its kernel and its outputs. */
public enum RunKind {
  /** Diffusion MRI: 4D with b-values and gradient directions. */
  DWI("dwi"),
  /** Resting-state BOLD fMRI: 4D with a repetition time. */
  BOLD("func");

  private final String datatypeDir;

  RunKind(String datatypeDir) {
    this.datatypeDir = datatypeDir;
  }

  /** The BIDS datatype directory of its files ({@code dwi} or {@code func}). */
  public String datatypeDir() {
    return datatypeDir;
  }
}
