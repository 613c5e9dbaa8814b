package org.voxelspark.stats.design;

/**
 * How a {@code participants.tsv} column enters the design.
 *
 * <ul>
 *   <li>{@link #AUTO}: {@link #NUMERIC} when every value used parses as a finite number, else
 *       {@link #CATEGORICAL}. A numerically coded factor (site {@code 1, 2, 3}) is therefore numeric
 *       unless overridden, by {@code C(site)} in the model or {@link ModelSpec#withType}.
 *   <li>{@link #NUMERIC}: one column of the values, demeaned over the subjects used unless the model
 *       says otherwise ({@link ModelSpec#demean()}).
 *   <li>{@link #CATEGORICAL}: treatment (reference) coding: one 0/1 indicator column per level
 *       except the reference level (see {@link ModelSpec} for how the reference is chosen).
 * </ul>
 */
public enum ColumnType {
  AUTO,
  NUMERIC,
  CATEGORICAL
}
