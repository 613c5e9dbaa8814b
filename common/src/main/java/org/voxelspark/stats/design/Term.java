package org.voxelspark.stats.design;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One term of a model as it was coded into design columns.
 *
 * <ul>
 *   <li>The intercept: name {@code intercept}, one column of ones.
 *   <li>A numeric column: one column, the values minus {@link #mean()} (0 when not demeaned).
 *   <li>A categorical column: {@link #levels()} in their sorted order (numerically when every level
 *       is a number, else by {@link String#compareTo}); one 0/1 column {@code name[level]} per level
 *       except {@link #reference()} (null when every level has a column, i.e. the first categorical
 *       term of a model without an intercept).
 * </ul>
 */
public final class Term implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String name;
  private final ColumnType type;
  private final String[] levels;
  private final String reference;
  private final double mean;
  private final int[] columns;

  public Term(String name, ColumnType type, String[] levels, String reference, double mean, int[] columns) {
    this.name = Objects.requireNonNull(name, "name");
    if (type == ColumnType.AUTO) {
      throw new IllegalArgumentException("a coded term is NUMERIC or CATEGORICAL, not AUTO");
    }
    this.type = type;
    this.levels = levels.clone();
    this.reference = reference;
    this.mean = mean;
    this.columns = columns.clone();
  }

  /** The column name in the table ({@code intercept} for the intercept). */
  public String name() {
    return name;
  }

  /** NUMERIC (also the intercept) or CATEGORICAL. */
  public ColumnType type() {
    return type;
  }

  /** Categorical levels in coding order (empty for numeric terms). */
  public List<String> levels() {
    return List.of(levels);
  }

  /** The reference level of a categorical term, or null (numeric term, or every level coded). */
  public String reference() {
    return reference;
  }

  /** The mean subtracted from a numeric term (0 when not demeaned, and for the intercept). */
  public double mean() {
    return mean;
  }

  /** The design columns this term produced, ascending. */
  public int[] columns() {
    return columns.clone();
  }

  @Override
  public String toString() {
    return name + " " + type + (levels.length > 0 ? " " + Arrays.toString(levels) + " ref=" + reference : "");
  }
}
