package org.voxelspark.group;

/** Where the group stage reads each subject's values. */
public enum GroupSource {
  /** The NIfTI maps of the participant stage, resampled onto the analysis grid when theirs differs. */
  MAPS,
  /** The cohort's Parquet voxel table (only the rows of the analysed metric are read; runs on the analysis grid). */
  VOXEL_TABLE
}
