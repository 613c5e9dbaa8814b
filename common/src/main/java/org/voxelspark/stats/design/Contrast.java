package org.voxelspark.stats.design;

import java.io.Serializable;
import java.util.Objects;

/**
 * A resolved t-contrast: weights {@code c} over the design columns, so the contrast of parameter
 * estimates (COPE) is {@code cᵀβ}.
 *
 * <p>{@link #isGroupDifference()} is true when the contrast is the difference between two levels of
 * one categorical term ({@code var[A] − var[B]}, or {@code var[A]} alone against the reference level,
 * with unit weights): only then is the standardised effect {@code cᵀβ/σ̂} reported as Cohen's d (and
 * Hedges' g), see {@link org.voxelspark.stats.glm.GlmMaps}.
 */
public final class Contrast implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String name;
  private final String expression;
  private final double[] weights;
  private final boolean groupDifference;

  public Contrast(String name, String expression, double[] weights, boolean groupDifference) {
    this.name = Objects.requireNonNull(name, "name");
    this.expression = Objects.requireNonNull(expression, "expression");
    this.weights = weights.clone();
    this.groupDifference = groupDifference;
  }

  /** The name used in output file names and tables. */
  public String name() {
    return name;
  }

  /** The expression as written (or a generated description for numeric designs). */
  public String expression() {
    return expression;
  }

  /** Weights over the design columns (length p). A copy. */
  public double[] weights() {
    return weights.clone();
  }

  /** Weight of design column j. */
  public double weight(int j) {
    return weights[j];
  }

  /** True when this is a two-level group difference (Cohen's d is then reported). */
  public boolean isGroupDifference() {
    return groupDifference;
  }

  @Override
  public String toString() {
    return name + ": " + expression;
  }
}
