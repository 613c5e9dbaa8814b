package org.voxelspark.meta;

/**
 * Why a voxel's pooled outputs are what they are; {@link #code()} is the stable integer written to
 * output maps and tables.
 */
public enum MetaReason {
  /** Pooled. */
  OK(0),
  /** Fewer than 2 sites with a finite effect and a finite, positive variance: every output NaN. */
  FEWER_THAN_TWO_SITES(1),
  /**
   * A random-effects method and fewer sites than {@link MetaOptions#minimumSitesRandom()} (default 3):
   * Q, p(Q) and k are reported, the pooled effect, τ², I², H² are NaN. metafor fits k = 2 (τ² from two
   * values); set the minimum to 2 to do the same.
   */
  TOO_FEW_SITES_FOR_RANDOM_EFFECTS(2),
  /**
   * The τ² iteration did not converge (REML/ML: more than the maximum number of Fisher-scoring
   * iterations, where metafor stops with an error; PM: the root search exhausted its iterations, where
   * metafor warns and keeps the last value, as we do): pooled outputs NaN for REML/ML, kept for PM.
   */
  NOT_CONVERGED(3),
  /** Paule–Mandel: Q(τ²_max) is still above k − 1 (metafor: "Value of 'tau2.max' too low"): NaN. */
  TAU2_MAX_TOO_LOW(4);

  private final int code;

  MetaReason(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  public static MetaReason ofCode(int code) {
    for (MetaReason r : values()) {
      if (r.code == code) {
        return r;
      }
    }
    throw new IllegalArgumentException("no meta-analysis reason with code " + code);
  }
}
