package org.voxelspark.harmonize;

/** Which site effects ComBat removes. */
public enum ComBatAdjustment {
  /** Location γ and scale δ² per site and feature (the default). */
  MEAN_AND_VARIANCE,
  /**
   * Location only ("mean-only" in sva and neuroCombat): δ̂² and δ*² are fixed at 1, so each site's
   * variance is left as it is; the parametric posterior of γ is the one sva and neuroCombat use,
   * {@code (τ̄² γ̂ + γ̄) / (τ̄² + 1)}.
   */
  MEAN_ONLY
}
