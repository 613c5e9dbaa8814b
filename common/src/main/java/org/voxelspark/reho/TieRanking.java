package org.voxelspark.reho;

/**
 * How tied values of a time series are ranked. Ranks only matter up to a constant shift for
 * Kendall's W (it uses deviations from the mean rank sum), so 0- and 1-based ranks give the same W.
 */
public enum TieRanking {
  /**
   * Each member of a tie group gets the mean of the ranks the group occupies (MATLAB's
   * {@code tiedrank}, as DPABI's {@code y_reho.m}): positions p..p+t−1 (1-based) → p + (t − 1)/2.
   */
  MEAN_RANK,
  /**
   * Each member gets the mean 0-based position of the group rounded up, as C-PAC's
   * {@code compute_reho}: positions p..p+t−1 (0-based) → p + ⌈(t − 1)/2⌉.
   */
  CEIL_MEAN_ZERO_BASED,
  /**
   * AFNI {@code 3dReHo}'s rule: values are ordered by a heapsort index (GSL's
   * {@code gsl_sort_index}, so exactly equal values keep the heapsort's order); ties are then found
   * among the values truncated to integers; each tie group gets its mean 1-based position, except
   * the last group (the highest values), which keeps its positions unaveraged and is left out of
   * ΣT.
   */
  AFNI_INTEGER_TIES
}
