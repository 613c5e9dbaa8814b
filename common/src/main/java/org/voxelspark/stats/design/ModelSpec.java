package org.voxelspark.stats.design;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.voxelspark.error.UserInputException;

/**
 * A model over the columns of {@code participants.tsv}, parsed from a formula such as
 * {@code "group + age + sex + site"}.
 *
 * <p><b>Formula grammar.</b> Terms separated by {@code +}. A term is a column name (letters, digits,
 * {@code _ . }; any other name in backticks: {@code `age at scan`}), or {@code C(name)} to force the
 * column to be categorical. The intercept is included unless the formula says {@code 0 + …} or
 * {@code … - 1}; {@code 1 + …} states it explicitly. Interactions ({@code a:b}, {@code a*b}) are not
 * supported: give an interaction as its own column.
 *
 * <p><b>Coding</b> (see {@link DesignBuilder}): numeric terms are one column, demeaned over the
 * subjects used unless {@link #withDemean(boolean) withDemean(false)}; categorical terms are coded
 * by treatment (reference) coding, the reference level being {@link #withReference chosen} or else
 * the first level in sorted order (numeric order when every level is a number, else
 * {@link String#compareTo}: {@code HC} before {@code HFS}, {@code A} before {@code B}). Whether a
 * column is numeric or categorical is detected ({@link ColumnType#AUTO}) unless overridden by
 * {@code C(…)} or {@link #withType}.
 *
 * <p>Other settings: the subject id column (default {@value #DEFAULT_SUBJECT_COLUMN}) and an
 * optional exchangeability-block column ({@link #withBlocks}, e.g. {@code site}: permutations then
 * only exchange subjects within a block).
 *
 * <p>Immutable; the {@code with…} methods return modified copies.
 *
 * @param formula the formula as written
 * @param terms the term column names in order (without the intercept)
 * @param intercept whether an intercept column is included (first)
 * @param types type of each column that is not {@link ColumnType#AUTO}
 * @param references chosen reference level per categorical column
 * @param demean whether numeric columns are centred on their mean over the subjects used
 * @param subjectColumn the column holding subject ids
 * @param blockColumn the exchangeability-block column, or null for free exchange
 */
public record ModelSpec(String formula, List<String> terms, boolean intercept, Map<String, ColumnType> types,
    Map<String, String> references, boolean demean, String subjectColumn, String blockColumn) implements Serializable {

  /** The option name user errors in the formula are reported against. */
  public static final String OPTION = "--model";

  /** The BIDS subject id column. */
  public static final String DEFAULT_SUBJECT_COLUMN = "participant_id";

  /** The name of the intercept column and of the intercept in contrasts. */
  public static final String INTERCEPT = "intercept";

  public ModelSpec {
    Objects.requireNonNull(formula, "formula");
    terms = List.copyOf(terms);
    types = Map.copyOf(types);
    references = Map.copyOf(references);
    Objects.requireNonNull(subjectColumn, "subjectColumn");
  }

  /**
   * Parses a formula.
   *
   * @throws UserInputException (source {@value #OPTION}, field the offending part) for a syntax
   *     error, an interaction, a repeated term or an empty model
   */
  public static ModelSpec parse(String formula) {
    Objects.requireNonNull(formula, "formula");
    List<String> terms = new ArrayList<>();
    Map<String, ColumnType> types = new LinkedHashMap<>();
    boolean intercept = true;
    int len = formula.length();
    int i = skipSpace(formula, 0);
    if (i >= len) {
      throw new UserInputException(OPTION, formula, "the model has no terms (e.g. \"group + age\")");
    }
    boolean first = true;
    while (true) {
      char sign = '+';
      if (!first) {
        i = skipSpace(formula, i);
        if (i >= len) {
          break;
        }
        char c = formula.charAt(i);
        if (c != '+' && c != '-') {
          if (c == ':' || c == '*') {
            throw new UserInputException(OPTION, formula,
                "interactions ('" + c + "') are not supported: add the interaction as its own column of the table");
          }
          throw new UserInputException(OPTION, formula, "expected '+' or '-' at position " + (i + 1) + ": '" + formula.substring(i) + "'");
        }
        sign = c;
        i = skipSpace(formula, i + 1);
        if (i >= len) {
          throw new UserInputException(OPTION, formula, "the formula ends with '" + sign + "'");
        }
      }
      // one term
      String name;
      boolean categorical = false;
      char c = formula.charAt(i);
      if (c == '`') {
        int end = formula.indexOf('`', i + 1);
        if (end < 0) {
          throw new UserInputException(OPTION, formula, "unclosed backtick at position " + (i + 1));
        }
        name = formula.substring(i + 1, end);
        i = end + 1;
      } else if (formula.startsWith("C(", i)) {
        int end = formula.indexOf(')', i);
        if (end < 0) {
          throw new UserInputException(OPTION, formula, "unclosed 'C(' at position " + (i + 1));
        }
        name = formula.substring(i + 2, end).trim();
        if (name.length() > 1 && name.startsWith("`") && name.endsWith("`")) {
          name = name.substring(1, name.length() - 1);
        }
        categorical = true;
        i = end + 1;
      } else {
        int start = i;
        while (i < len && isNameChar(formula.charAt(i))) {
          i++;
        }
        name = formula.substring(start, i);
        if (name.isEmpty()) {
          char bad = formula.charAt(i);
          if (bad == ':' || bad == '*') {
            throw new UserInputException(OPTION, formula,
                "interactions ('" + bad + "') are not supported: add the interaction as its own column of the table");
          }
          throw new UserInputException(OPTION, formula, "unexpected '" + bad + "' at position " + (i + 1));
        }
      }
      if (name.isEmpty()) {
        throw new UserInputException(OPTION, formula, "empty term name");
      }
      if (name.equals("0") || name.equals("1")) {
        if (sign == '-' && name.equals("1") || sign == '+' && name.equals("0")) {
          intercept = false;
        } else if (sign == '-') {
          throw new UserInputException(OPTION, formula, "'- 0' is not a model term; write '- 1' or '0 +' for no intercept");
        }
      } else if (sign == '-') {
        throw new UserInputException(OPTION, formula, "'- " + name + "': only the intercept can be removed ('- 1')");
      } else {
        if (name.equals(INTERCEPT)) {
          throw new UserInputException(OPTION, name, "'intercept' is reserved for the intercept column: rename the table column");
        }
        if (terms.contains(name)) {
          throw new UserInputException(OPTION, name, "the term appears twice in the model");
        }
        terms.add(name);
        if (categorical) {
          types.put(name, ColumnType.CATEGORICAL);
        }
      }
      first = false;
    }
    if (terms.isEmpty() && !intercept) {
      throw new UserInputException(OPTION, formula, "the model has no terms and no intercept");
    }
    return new ModelSpec(formula, terms, intercept, types, Map.of(), true, DEFAULT_SUBJECT_COLUMN, null);
  }

  private static int skipSpace(String s, int i) {
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
    return i;
  }

  private static boolean isNameChar(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == '.';
  }

  /** This model with column {@code column}'s type forced to {@code type}. */
  public ModelSpec withType(String column, ColumnType type) {
    Map<String, ColumnType> t = new LinkedHashMap<>(types);
    if (type == ColumnType.AUTO) {
      t.remove(column);
    } else {
      t.put(column, type);
    }
    return new ModelSpec(formula, terms, intercept, t, references, demean, subjectColumn, blockColumn);
  }

  /** This model with {@code level} as the reference level of categorical column {@code column}. */
  public ModelSpec withReference(String column, String level) {
    Map<String, String> r = new LinkedHashMap<>(references);
    r.put(column, level);
    return new ModelSpec(formula, terms, intercept, types, r, demean, subjectColumn, blockColumn);
  }

  /** This model with numeric columns demeaned ({@code true}, the default) or used as they are. */
  public ModelSpec withDemean(boolean demeanNumeric) {
    return new ModelSpec(formula, terms, intercept, types, references, demeanNumeric, subjectColumn, blockColumn);
  }

  /** This model reading subject ids from {@code column}. */
  public ModelSpec withSubjectColumn(String column) {
    return new ModelSpec(formula, terms, intercept, types, references, demean, column, blockColumn);
  }

  /** This model with exchangeability blocks from {@code column} (null: free exchange). */
  public ModelSpec withBlocks(String column) {
    return new ModelSpec(formula, terms, intercept, types, references, demean, subjectColumn, column);
  }

  /** The type requested for {@code column} ({@link ColumnType#AUTO} when not overridden). */
  public ColumnType typeOf(String column) {
    return types.getOrDefault(column, ColumnType.AUTO);
  }
}
