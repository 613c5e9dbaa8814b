package org.voxelspark.signal;

/**
 * Polynomial trends removed from a series by least squares: the residual of regressing the series on
 * 1, t, …, t^degree (t = 0 … n−1). The residual has zero mean whenever a trend is removed.
 */
public enum Detrend {
  /** Nothing removed. */
  NONE(-1),
  /** Mean and straight line (DPABI's and DPARSF's detrend; what 3dTstat {@code -stdev} removes). */
  LINEAR(1),
  /** Mean, line and parabola (what AFNI's 3dBandpass removes before filtering). */
  QUADRATIC(2);

  private final int degree;

  Detrend(int degree) {
    this.degree = degree;
  }

  /** Highest power of t removed, −1 for {@link #NONE}. */
  public int degree() {
    return degree;
  }
}
