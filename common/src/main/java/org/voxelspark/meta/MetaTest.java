package org.voxelspark.meta;

/** The test and confidence interval of the pooled effect. */
public enum MetaTest {
  /** Wald z: {@code z = μ/SE}, two-sided normal p, CI {@code μ ± z_{1−α/2} SE} (metafor {@code test="z"}). */
  Z,
  /**
   * Hartung–Knapp–Sidik–Jonkman (metafor {@code test="knha"}): SE multiplied by
   * {@code √(Σ w*(y − μ)² / (k − 1))} with the random-effects weights w* (not truncated at 1;
   * 0 if the sum is ≤ DBL_EPSILON, as metafor), t with k − 1 degrees of freedom for p and CI.
   */
  HKSJ
}
