package org.voxelspark.harmonize;

/**
 * Whether one site (batch) could be used for one feature. A site is used when it has at least two
 * finite values for the feature and they are not all equal; otherwise its subjects keep their input
 * values for that feature and the site's γ*, δ*² for the feature are NaN. Non-finite inputs (NaN,
 * ±∞) are missing values: they are left out of every estimate and passed through unchanged.
 *
 * <p>{@link #code()} is the stable integer written to output tables.
 */
public enum ComBatBatchState {
  /** Used: at least two finite, not all equal, values. */
  USED(0),
  /** Not used: no finite value (for example, the site's field of view does not cover the voxel). */
  NO_DATA(1),
  /** Not used: exactly one finite value. */
  ONE_VALUE(2),
  /** Not used: at least two finite values, all equal (for example, zeros outside a site's mask). */
  CONSTANT(3);

  private final int code;

  ComBatBatchState(int code) {
    this.code = code;
  }

  /** Stable integer code written to output tables. */
  public int code() {
    return code;
  }

  /** The state with {@code code}. */
  public static ComBatBatchState ofCode(int code) {
    for (ComBatBatchState s : values()) {
      if (s.code == code) {
        return s;
      }
    }
    throw new IllegalArgumentException("no ComBat batch state with code " + code);
  }
}
