package org.voxelspark.stats.design;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.voxelspark.error.UserInputException;
import org.voxelspark.error.UserInputException.Problem;

/**
 * Builds a {@link Design} from the rows of a cohort table ({@code participants.tsv}), a
 * {@link ModelSpec}, t-contrasts and F-tests.
 *
 * <p><b>Columns.</b> In order: the intercept (if the model has one), then each term's columns in
 * model order: a numeric term gives one column {@code name} = value − mean over the subjects (mean 0
 * when {@link ModelSpec#demean()} is off); a categorical term gives one 0/1 column
 * {@code name[level]} for every level but the reference. In a model without an intercept the first
 * categorical term codes every level (cell means), so no level is lost.
 *
 * <p><b>Values.</b> Cells are trimmed; {@code ""}, {@code n/a}, {@code N/A}, {@code NA},
 * {@code NaN} and {@code nan} are missing. Every row is a subject: a missing or non-numeric value in
 * a column the model uses is an error listing the rows (restrict the table to the subjects to
 * analyse first, e.g. patients only for a severity correlation). Rows are numbered from 1 in the
 * order given (the data row, not counting the header).
 *
 * <p><b>Contrast grammar.</b> A signed sum of {@code [number [*]] coefficient}, where a coefficient
 * is {@code intercept}, a numeric term's name, or {@code name[level]} of a categorical term (names
 * in backticks if needed). With treatment coding {@code name[level]} is that level's difference from
 * the reference level, and {@code name[reference]} is 0, so {@code group[HFS] - group[HC]} reads as
 * written whichever level is the reference. An F-test part is a contrast name, a contrast
 * expression or a term name (all of that term's columns).
 *
 * <p><b>Errors</b> ({@link UserInputException}, all problems at once): source = the table for
 * missing/non-numeric values, unknown columns and duplicate subjects (field = the column);
 * {@value ModelSpec#OPTION} for a rank-deficient design (field = the aliased column, naming the
 * columns it is a combination of) or too few residual degrees of freedom;
 * {@value #CONTRAST_OPTION} / {@value #FTEST_OPTION} for an unknown term or level, a syntax error, a
 * zero contrast, dependent F-test rows (field = the contrast or test name).
 */
public final class DesignBuilder {
  /** Option name contrast errors are reported against. */
  public static final String CONTRAST_OPTION = "--contrast";
  /** Option name F-test errors are reported against. */
  public static final String FTEST_OPTION = "--ftest";

  private static final Set<String> MISSING = Set.of("", "n/a", "N/A", "NA", "NaN", "nan");

  private DesignBuilder() {}

  /** True for the cell values read as missing. */
  public static boolean isMissing(String cell) {
    return cell == null || MISSING.contains(cell.trim());
  }

  /**
   * Builds the design.
   *
   * @param rows the table's data rows, each mapping column name to cell text
   * @param source the table's name (path or URI) for error messages
   * @param model the model
   * @param contrasts t-contrasts (may be empty)
   * @param fTests F-tests (may be empty)
   * @throws UserInputException listing every problem found
   */
  public static Design build(List<Map<String, String>> rows, String source, ModelSpec model,
      List<ContrastSpec> contrasts, List<FTestSpec> fTests) {
    List<Problem> problems = new ArrayList<>();
    int n = rows.size();
    if (n == 0) {
      throw new UserInputException(source, "", "the table has no rows");
    }
    Set<String> header = new HashSet<>();
    for (Map<String, String> r : rows) {
      header.addAll(r.keySet());
    }
    List<String> used = new ArrayList<>();
    used.add(model.subjectColumn());
    used.addAll(model.terms());
    if (model.blockColumn() != null) {
      used.add(model.blockColumn());
    }
    for (String col : used) {
      if (!header.contains(col)) {
        problems.add(new Problem(source, col, "no such column (columns: " + new TreeSet<>(header) + ")"));
      }
    }
    for (String col : model.types().keySet()) {
      if (!model.terms().contains(col)) {
        problems.add(new Problem(ModelSpec.OPTION, col, "a type is set for a column that is not a term of the model"));
      }
    }
    for (String col : model.references().keySet()) {
      if (!model.terms().contains(col)) {
        problems.add(new Problem(ModelSpec.OPTION, col, "a reference level is set for a column that is not a term of the model"));
      }
    }
    UserInputException.throwIfAny(problems);

    String[] ids = new String[n];
    Map<String, Integer> seen = new HashMap<>();
    List<Integer> missingIds = new ArrayList<>();
    for (int s = 0; s < n; s++) {
      String id = rows.get(s).get(model.subjectColumn());
      if (isMissing(id)) {
        missingIds.add(s);
        ids[s] = "row " + (s + 1);
        continue;
      }
      ids[s] = id.trim();
      Integer before = seen.put(ids[s], s);
      if (before != null) {
        problems.add(new Problem(source, model.subjectColumn(),
            "subject '" + ids[s] + "' appears in rows " + (before + 1) + " and " + (s + 1)));
      }
    }
    if (!missingIds.isEmpty()) {
      problems.add(new Problem(source, model.subjectColumn(), "missing subject id in " + rowList(missingIds, ids)));
    }

    // types and values of the terms
    List<Term> terms = new ArrayList<>();
    List<double[]> cols = new ArrayList<>();
    List<String> names = new ArrayList<>();
    if (model.intercept()) {
      double[] one = new double[n];
      Arrays.fill(one, 1.0);
      cols.add(one);
      names.add(ModelSpec.INTERCEPT);
      terms.add(new Term(ModelSpec.INTERCEPT, ColumnType.NUMERIC, new String[0], null, 0.0, new int[] {0}));
    }
    boolean fullDummyUsed = model.intercept();
    for (String col : model.terms()) {
      String[] cells = new String[n];
      List<Integer> missing = new ArrayList<>();
      for (int s = 0; s < n; s++) {
        String v = rows.get(s).get(col);
        if (isMissing(v)) {
          missing.add(s);
        } else {
          cells[s] = v.trim();
        }
      }
      if (!missing.isEmpty()) {
        problems.add(new Problem(source, col, "missing value in " + rowList(missing, ids)
            + ": every subject of the analysis needs a value (restrict the table to the subjects to analyse)"));
        continue;
      }
      ColumnType type = model.typeOf(col);
      double[] numbers = new double[n];
      List<Integer> nonNumeric = new ArrayList<>();
      for (int s = 0; s < n; s++) {
        try {
          numbers[s] = Double.parseDouble(cells[s]);
          if (!Double.isFinite(numbers[s])) {
            nonNumeric.add(s);
          }
        } catch (NumberFormatException e) {
          nonNumeric.add(s);
        }
      }
      if (type == ColumnType.AUTO) {
        type = nonNumeric.isEmpty() ? ColumnType.NUMERIC : ColumnType.CATEGORICAL;
      }
      if (type == ColumnType.NUMERIC) {
        if (!nonNumeric.isEmpty()) {
          StringBuilder sb = new StringBuilder();
          for (int t = 0; t < Math.min(5, nonNumeric.size()); t++) {
            sb.append(t == 0 ? "" : ", ").append('\'').append(cells[nonNumeric.get(t)]).append('\'');
          }
          problems.add(new Problem(source, col, "non-numeric value (" + sb + ") in " + rowList(nonNumeric, ids)
              + " of a numeric term (use C(" + col + ") to treat it as categorical)"));
          continue;
        }
        double mean = 0;
        if (model.demean()) {
          for (double v : numbers) {
            mean += v;
          }
          mean /= n;
        }
        double[] c = new double[n];
        for (int s = 0; s < n; s++) {
          c[s] = numbers[s] - mean;
        }
        terms.add(new Term(col, ColumnType.NUMERIC, new String[0], null, mean, new int[] {cols.size()}));
        cols.add(c);
        names.add(col);
      } else {
        String[] levels = sortedLevels(cells);
        String reference = model.references().get(col);
        boolean fullDummy = !fullDummyUsed;
        fullDummyUsed = true;
        if (reference != null && Arrays.asList(levels).indexOf(reference) < 0) {
          problems.add(new Problem(ModelSpec.OPTION, col, "reference level '" + reference
              + "' is not a level of the column (levels: " + String.join(", ", levels) + ")"));
          continue;
        }
        if (fullDummy) {
          reference = null;
        } else if (reference == null) {
          reference = levels[0];
        }
        if (levels.length < 2 && !fullDummy) {
          problems.add(new Problem(ModelSpec.OPTION, col, "has a single level ('" + levels[0]
              + "') over the subjects: its effect cannot be estimated; drop the term"));
          continue;
        }
        List<Integer> colIdx = new ArrayList<>();
        for (String level : levels) {
          if (level.equals(reference)) {
            continue;
          }
          double[] c = new double[n];
          for (int s = 0; s < n; s++) {
            c[s] = cells[s].equals(level) ? 1.0 : 0.0;
          }
          colIdx.add(cols.size());
          cols.add(c);
          names.add(col + "[" + level + "]");
        }
        terms.add(new Term(col, ColumnType.CATEGORICAL, levels, reference, 0.0,
            colIdx.stream().mapToInt(Integer::intValue).toArray()));
      }
    }

    int[] blocks = null;
    String[] blockLevels = null;
    if (model.blockColumn() != null) {
      String bc = model.blockColumn();
      String[] cells = new String[n];
      List<Integer> missing = new ArrayList<>();
      for (int s = 0; s < n; s++) {
        String v = rows.get(s).get(bc);
        if (isMissing(v)) {
          missing.add(s);
        } else {
          cells[s] = v.trim();
        }
      }
      if (!missing.isEmpty()) {
        problems.add(new Problem(source, bc, "missing exchangeability block in " + rowList(missing, ids)));
      } else {
        blockLevels = sortedLevels(cells);
        blocks = new int[n];
        for (int s = 0; s < n; s++) {
          blocks[s] = Arrays.asList(blockLevels).indexOf(cells[s]);
        }
      }
    }
    UserInputException.throwIfAny(problems);

    int p = cols.size();
    double[] x = new double[n * p];
    for (int c = 0; c < p; c++) {
      double[] col = cols.get(c);
      for (int s = 0; s < n; s++) {
        x[s * p + c] = col[s];
      }
    }
    String[] colNames = names.toArray(new String[0]);
    Design.checkDesign(ModelSpec.OPTION, x, n, p, colNames, problems);
    UserInputException.throwIfAny(problems);

    // contrasts
    Map<String, Term> termByName = new LinkedHashMap<>();
    for (Term t : terms) {
      termByName.put(t.name(), t);
    }
    List<Contrast> resolved = new ArrayList<>();
    Map<String, Contrast> byName = new LinkedHashMap<>();
    for (ContrastSpec spec : contrasts) {
      if (!validName(spec.name())) {
        problems.add(new Problem(CONTRAST_OPTION, spec.name(), "a contrast name needs letters, digits, '_', '-' or '.' only"));
        continue;
      }
      if (byName.containsKey(spec.name())) {
        problems.add(new Problem(CONTRAST_OPTION, spec.name(), "two contrasts have this name"));
        continue;
      }
      try {
        Contrast c = parseContrast(spec.name(), spec.expression(), CONTRAST_OPTION, termByName, p);
        Design.checkContrastNonZero(CONTRAST_OPTION, c, problems);
        resolved.add(c);
        byName.put(spec.name(), c);
      } catch (UserInputException e) {
        problems.addAll(e.problems());
      }
    }
    List<FTest> tests = new ArrayList<>();
    Set<String> testNames = new HashSet<>();
    for (FTestSpec spec : fTests) {
      if (!validName(spec.name())) {
        problems.add(new Problem(FTEST_OPTION, spec.name(), "an F-test name needs letters, digits, '_', '-' or '.' only"));
        continue;
      }
      if (!testNames.add(spec.name()) || byName.containsKey(spec.name())) {
        problems.add(new Problem(FTEST_OPTION, spec.name(), "the name is used by another contrast or F-test"));
        continue;
      }
      if (spec.parts().isEmpty()) {
        problems.add(new Problem(FTEST_OPTION, spec.name(), "an F-test needs at least one contrast or term"));
        continue;
      }
      List<double[]> rowsF = new ArrayList<>();
      boolean ok = true;
      for (String part : spec.parts()) {
        String pt = part.trim();
        Contrast named = byName.get(pt);
        Term term = termByName.get(unquote(pt));
        if (named != null) {
          rowsF.add(named.weights());
        } else if (term != null) {
          for (int c : term.columns()) {
            double[] w = new double[p];
            w[c] = 1;
            rowsF.add(w);
          }
        } else {
          try {
            rowsF.add(parseContrast(spec.name(), pt, FTEST_OPTION, termByName, p).weights());
          } catch (UserInputException e) {
            problems.addAll(e.problems());
            ok = false;
          }
        }
      }
      if (!ok) {
        continue;
      }
      FTest f = new FTest(spec.name(), String.join(", ", spec.parts()), rowsF.toArray(new double[0][]));
      Design.checkFTestRows(FTEST_OPTION, f, p, problems);
      tests.add(f);
    }
    UserInputException.throwIfAny(problems);
    return new Design(source, ids, n, p, x, colNames, terms.toArray(new Term[0]), resolved.toArray(new Contrast[0]),
        tests.toArray(new FTest[0]), blocks, blockLevels, model.blockColumn());
  }

  private static boolean validName(String name) {
    return !name.isEmpty() && name.chars().allMatch(ch -> Character.isLetterOrDigit(ch) || ch == '_' || ch == '-' || ch == '.');
  }

  private static String unquote(String s) {
    return s.length() > 1 && s.startsWith("`") && s.endsWith("`") ? s.substring(1, s.length() - 1) : s;
  }

  /** Levels sorted numerically when all are numbers, else lexicographically. */
  static String[] sortedLevels(String[] cells) {
    Set<String> distinct = new HashSet<>(Arrays.asList(cells));
    String[] levels = distinct.toArray(new String[0]);
    boolean allNumeric = true;
    for (String l : levels) {
      try {
        Double.parseDouble(l);
      } catch (NumberFormatException e) {
        allNumeric = false;
        break;
      }
    }
    if (allNumeric) {
      Arrays.sort(levels, Comparator.comparingDouble(Double::parseDouble).thenComparing(Comparator.naturalOrder()));
    } else {
      Arrays.sort(levels);
    }
    return levels;
  }

  private static String rowList(List<Integer> rowIdx, String[] ids) {
    StringBuilder sb = new StringBuilder(rowIdx.size() == 1 ? "row " : "rows ");
    int shown = Math.min(rowIdx.size(), 10);
    for (int t = 0; t < shown; t++) {
      int s = rowIdx.get(t);
      sb.append(t == 0 ? "" : ", ").append(s + 1);
      if (ids != null && ids[s] != null && !ids[s].startsWith("row ")) {
        sb.append(" (").append(ids[s]).append(')');
      }
    }
    if (rowIdx.size() > shown) {
      sb.append(" and ").append(rowIdx.size() - shown).append(" more");
    }
    return sb.toString();
  }

  /** Parses one contrast expression against the coded terms. */
  static Contrast parseContrast(String name, String expr, String option, Map<String, Term> terms, int p) {
    double[] w = new double[p];
    // level weights per categorical term, for the group-difference test
    Map<String, Map<String, Double>> levelWeights = new LinkedHashMap<>();
    int i = 0;
    int len = expr.length();
    boolean first = true;
    while (true) {
      i = skip(expr, i);
      if (i >= len) {
        if (first) {
          throw new UserInputException(option, name, "empty contrast expression");
        }
        break;
      }
      double sign = 1;
      char c = expr.charAt(i);
      if (c == '+' || c == '-') {
        sign = c == '-' ? -1 : 1;
        i = skip(expr, i + 1);
      } else if (!first) {
        throw new UserInputException(option, name, "expected '+' or '-' at position " + (i + 1) + " of '" + expr + "'");
      }
      if (i >= len) {
        throw new UserInputException(option, name, "'" + expr + "' ends with an operator");
      }
      // optional coefficient: a number followed by '*'
      double coef = 1;
      int numEnd = numberEnd(expr, i);
      if (numEnd > i) {
        int after = skip(expr, numEnd);
        if (after < len && expr.charAt(after) == '*') {
          String num = expr.substring(i, numEnd);
          try {
            coef = Double.parseDouble(num);
          } catch (NumberFormatException e) {
            throw new UserInputException(option, name, "'" + num + "' is not a number in '" + expr + "'");
          }
          i = skip(expr, after + 1);
        }
      }
      // coefficient name
      String ref;
      if (i < len && expr.charAt(i) == '`') {
        int end = expr.indexOf('`', i + 1);
        if (end < 0) {
          throw new UserInputException(option, name, "unclosed backtick in '" + expr + "'");
        }
        ref = expr.substring(i + 1, end);
        i = end + 1;
      } else {
        int start = i;
        while (i < len && (Character.isLetterOrDigit(expr.charAt(i)) || expr.charAt(i) == '_' || expr.charAt(i) == '.')) {
          i++;
        }
        ref = expr.substring(start, i);
      }
      if (ref.isEmpty()) {
        throw new UserInputException(option, name, "expected a term name at position " + (i + 1) + " of '" + expr + "'");
      }
      String level = null;
      if (i < len && expr.charAt(i) == '[') {
        int end = expr.indexOf(']', i);
        if (end < 0) {
          throw new UserInputException(option, name, "unclosed '[' in '" + expr + "'");
        }
        level = expr.substring(i + 1, end).trim();
        i = end + 1;
      }
      Term term = terms.get(ref);
      if (term == null) {
        throw new UserInputException(option, name, "unknown term '" + ref + "' in '" + expr + "' (terms: "
            + String.join(", ", terms.keySet()) + ")");
      }
      double weight = sign * coef;
      if (term.type() == ColumnType.NUMERIC) {
        if (level != null) {
          throw new UserInputException(option, name, "'" + ref + "' is numeric: it has no level [" + level + "]");
        }
        w[term.columns()[0]] += weight;
      } else {
        if (level == null) {
          throw new UserInputException(option, name, "'" + ref + "' is categorical: name a level, e.g. "
              + ref + "[" + term.levels().get(term.levels().size() - 1) + "] (levels: " + String.join(", ", term.levels()) + ")");
        }
        int li = term.levels().indexOf(level);
        if (li < 0) {
          throw new UserInputException(option, name, "unknown level '" + level + "' of '" + ref + "' (levels: "
              + String.join(", ", term.levels()) + ")");
        }
        levelWeights.computeIfAbsent(ref, k -> new LinkedHashMap<>()).merge(level, weight, Double::sum);
        if (!level.equals(term.reference())) {
          int k = 0;
          int[] cs = term.columns();
          for (String l : term.levels()) {
            if (l.equals(term.reference())) {
              continue;
            }
            if (l.equals(level)) {
              w[cs[k]] += weight;
            }
            k++;
          }
        }
      }
      first = false;
    }
    boolean groupDiff = isGroupDifference(w, levelWeights, terms);
    return new Contrast(name, expr.trim(), w, groupDiff);
  }

  private static boolean isGroupDifference(double[] w, Map<String, Map<String, Double>> levelWeights, Map<String, Term> terms) {
    if (levelWeights.size() != 1) {
      return false;
    }
    String termName = levelWeights.keySet().iterator().next();
    Term term = terms.get(termName);
    Set<Integer> own = new HashSet<>();
    for (int c : term.columns()) {
      own.add(c);
    }
    for (int j = 0; j < w.length; j++) {
      if (w[j] != 0 && !own.contains(j)) {
        return false;
      }
    }
    Map<String, Double> lw = new LinkedHashMap<>(levelWeights.get(termName));
    lw.values().removeIf(v -> v == 0);
    if (term.reference() != null) {
      // the reference level carries minus the sum of the others
      double sum = 0;
      for (Map.Entry<String, Double> e : lw.entrySet()) {
        if (!e.getKey().equals(term.reference())) {
          sum += e.getValue();
        }
      }
      lw.remove(term.reference());
      if (sum != 0) {
        lw.put(term.reference(), -sum);
      }
    }
    if (lw.size() != 2) {
      return false;
    }
    List<Double> vals = new ArrayList<>(lw.values());
    return vals.contains(1.0) && vals.contains(-1.0);
  }

  /** End of a decimal number (digits, point, exponent) starting at i, or i if there is none. */
  private static int numberEnd(String s, int i) {
    int j = i;
    boolean digits = false;
    while (j < s.length() && (Character.isDigit(s.charAt(j)) || s.charAt(j) == '.')) {
      digits |= Character.isDigit(s.charAt(j));
      j++;
    }
    if (!digits) {
      return i;
    }
    if (j < s.length() && (s.charAt(j) == 'e' || s.charAt(j) == 'E')) {
      int k = j + 1;
      if (k < s.length() && (s.charAt(k) == '+' || s.charAt(k) == '-')) {
        k++;
      }
      int d = k;
      while (k < s.length() && Character.isDigit(s.charAt(k))) {
        k++;
      }
      if (k > d) {
        j = k;
      }
    }
    return j;
  }

  private static int skip(String s, int i) {
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
    return i;
  }

  /** A one-line description of the design's coding, for logs (e.g. "group: HC (reference), HFS"). */
  public static String describe(Design design) {
    StringBuilder sb = new StringBuilder();
    for (Term t : design.terms()) {
      if (sb.length() > 0) {
        sb.append("; ");
      }
      if (t.type() == ColumnType.CATEGORICAL) {
        sb.append(t.name()).append(": ");
        for (int l = 0; l < t.levels().size(); l++) {
          String lev = t.levels().get(l);
          sb.append(l == 0 ? "" : ", ").append(lev).append(lev.equals(t.reference()) ? " (reference)" : "");
        }
      } else if (t.name().equals(ModelSpec.INTERCEPT)) {
        sb.append("intercept");
      } else {
        sb.append(t.name()).append(String.format(Locale.ROOT, ": numeric, centred on %.6g", t.mean()));
      }
    }
    return sb.toString();
  }
}
