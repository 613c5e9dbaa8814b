package org.voxelspark.stats.design;

import java.io.Serializable;
import java.util.Objects;

/**
 * A t-contrast as the user writes it: a name and a linear combination of model coefficients, e.g.
 * {@code "group[HFS] - group[HC]"}, {@code "age"}, {@code "-severity"},
 * {@code "0.5*site[B] + 0.5*site[C]"}, {@code "intercept"}. See {@link DesignBuilder} for the
 * grammar and what a level of a categorical term means.
 *
 * @param name the contrast's name in outputs (letters, digits, {@code _ - .}); never blank
 * @param expression the linear combination
 */
public record ContrastSpec(String name, String expression) implements Serializable {
  public ContrastSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(expression, "expression");
  }
}
