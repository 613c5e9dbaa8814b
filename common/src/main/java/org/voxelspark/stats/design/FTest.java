package org.voxelspark.stats.design;

import java.io.Serializable;
import java.util.Objects;

/**
 * A resolved F-test: q linearly independent rows of weights over the p design columns, tested
 * jointly ({@code H0: Cᵀβ = 0} with C the p×q matrix whose columns are the rows here).
 */
public final class FTest implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String name;
  private final String description;
  private final double[][] rows;

  public FTest(String name, String description, double[][] rows) {
    this.name = Objects.requireNonNull(name, "name");
    this.description = Objects.requireNonNull(description, "description");
    this.rows = new double[rows.length][];
    for (int r = 0; r < rows.length; r++) {
      this.rows[r] = rows[r].clone();
    }
  }

  /** The name used in output file names and tables. */
  public String name() {
    return name;
  }

  /** What the rows are, as written by the user. */
  public String description() {
    return description;
  }

  /** Number of rows q (the numerator degrees of freedom). */
  public int rank() {
    return rows.length;
  }

  /** Row r's weights over the design columns. A copy. */
  public double[] row(int r) {
    return rows[r].clone();
  }

  @Override
  public String toString() {
    return name + ": " + description;
  }
}
