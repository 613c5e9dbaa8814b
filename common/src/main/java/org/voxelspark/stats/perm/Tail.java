package org.voxelspark.stats.perm;

/**
 * Which values of a t statistic count as extreme (F statistics are always upper-tailed).
 *
 * <ul>
 *   <li>{@link #ONE_SIDED}: large positive t (H1: cᵀβ &gt; 0), PALM's default; test the other
 *       direction with the negated contrast.
 *   <li>{@link #TWO_SIDED}: large |t| (PALM's {@code -twotail}).
 * </ul>
 */
public enum Tail {
  ONE_SIDED,
  TWO_SIDED;

  /** The value compared across shufflings: t or |t|. NaN stays NaN. */
  public double apply(double t) {
    return this == TWO_SIDED ? Math.abs(t) : t;
  }
}
