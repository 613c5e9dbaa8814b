package org.voxelspark.report;

/**
 * Left–right convention of axial and coronal brain pictures. Every brain picture voxelspark draws
 * carries the labels of its edges ({@link #leftLabel}, {@link #rightLabel}), so a reader never has
 * to know the convention to read it.
 */
public enum Convention {
  /** The subject's left on the picture's left (as nilearn, fMRIPrep and MRIQC): voxelspark's default. */
  NEUROLOGICAL,
  /** The subject's left on the picture's right, as if facing the subject (FSL's default). */
  RADIOLOGICAL;

  /** True if RAS index increases to the left of the picture along {@code plane}'s horizontal axis. */
  public boolean flipsHorizontal(Plane plane) {
    return this == RADIOLOGICAL && plane.horizontal() == 0;
  }

  /** Label of the picture's left edge: L or R (axial, coronal), P (sagittal). */
  public String leftLabel(Plane plane) {
    return plane.horizontal() == 0 ? (flipsHorizontal(plane) ? "R" : "L") : "P";
  }

  /** Label of the picture's right edge: R or L (axial, coronal), A (sagittal). */
  public String rightLabel(Plane plane) {
    return plane.horizontal() == 0 ? (flipsHorizontal(plane) ? "L" : "R") : "A";
  }

  /** Label of the top edge: A (axial) or S. */
  public String topLabel(Plane plane) {
    return plane.vertical() == 1 ? "A" : "S";
  }

  /** Label of the bottom edge: P (axial) or I. */
  public String bottomLabel(Plane plane) {
    return plane.vertical() == 1 ? "P" : "I";
  }

  /** One phrase for captions, e.g. "neurological convention (subject's left on the left)". */
  public String describe() {
    return this == NEUROLOGICAL ? "neurological convention (subject's left on the left)"
        : "radiological convention (subject's left on the right)";
  }
}
