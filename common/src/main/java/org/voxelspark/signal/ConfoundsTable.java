package org.voxelspark.signal;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.voxelspark.error.UserInputException;
import org.voxelspark.error.UserInputException.Problem;

/**
 * A nuisance-confounds table as fMRIPrep writes it ({@code *_desc-confounds_timeseries.tsv}): a header
 * row of column names, then one tab-separated row per BOLD volume.
 *
 * <p><b>Column selection</b> ({@link #select}): a list of names or glob patterns — {@code *} matches
 * any characters, {@code ?} one — such as {@code csf,white_matter,trans_*,rot_*}. The selected
 * columns are in pattern order, then file order, each once. Note that fMRIPrep's
 * {@code trans_*} also matches {@code trans_x_derivative1}, {@code trans_x_power2}, …; the six
 * basic motion parameters are {@code trans_?,rot_?}.
 *
 * <p><b>Missing values.</b> {@code n/a} (BIDS), an empty cell and {@code NaN} mean missing. fMRIPrep
 * leaves the first row(s) of derivative columns ({@code *_derivative1}, {@code framewise_displacement},
 * {@code dvars}) at {@code n/a}, since a difference needs a previous volume; as nilearn's
 * {@code load_confounds} does for the first row, the leading missing values of a column are filled
 * with its first present value. A missing value after a present one, or a column with no value, is
 * an error: it cannot be filled without inventing data.
 *
 * <p><b>Errors</b> are {@link UserInputException}s naming the file, the line and column, and what is
 * wrong — a pattern that matches no column, a row count different from the run's volumes, a
 * non-numeric or infinite value, a row with the wrong number of cells — all problems at once.
 */
public final class ConfoundsTable {
  private final String source;
  private final List<String> columns;
  /** Cells by data row (0-based), then column. */
  private final List<String[]> rows;

  private ConfoundsTable(String source, List<String> columns, List<String[]> rows) {
    this.source = source;
    this.columns = columns;
    this.rows = rows;
  }

  /** Parses the text of a confounds file; {@code source} names it in error messages. */
  public static ConfoundsTable parse(String text, String source) {
    String[] lines = text.replace("\r\n", "\n").replace("\uFEFF", "").split("\n", -1);
    int last = lines.length;
    while (last > 0 && lines[last - 1].isEmpty()) {
      last--;
    }
    if (last == 0 || lines[0].isBlank()) {
      throw new UserInputException(source, "header", "the confounds file is empty; it needs a header row of column names");
    }
    List<String> columns = new ArrayList<>();
    for (String c : lines[0].split("\t", -1)) {
      columns.add(c.trim());
    }
    List<Problem> problems = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    for (String c : columns) {
      if (c.isEmpty()) {
        problems.add(new Problem(source, "header", "has an empty column name"));
      } else if (!seen.add(c)) {
        problems.add(new Problem(source, "header", "names column '" + c + "' twice"));
      }
    }
    List<String[]> rows = new ArrayList<>();
    for (int l = 1; l < last; l++) {
      String[] cells = lines[l].split("\t", -1);
      if (cells.length != columns.size()) {
        problems.add(new Problem(source, "line " + (l + 1), "has " + cells.length + " cells, the header has " + columns.size()));
      }
      rows.add(cells);
    }
    UserInputException.throwIfAny(problems);
    return new ConfoundsTable(source, List.copyOf(columns), rows);
  }

  public String source() {
    return source;
  }

  public List<String> columns() {
    return columns;
  }

  /** Data rows (volumes). */
  public int rows() {
    return rows.size();
  }

  /**
   * The columns the patterns select (see the class doc).
   *
   * @throws UserInputException naming every pattern that matches no column
   */
  public List<String> select(List<String> patterns) {
    Set<String> out = new LinkedHashSet<>();
    List<Problem> problems = new ArrayList<>();
    for (String p : patterns) {
      Pattern regex = glob(p);
      boolean any = false;
      for (String c : columns) {
        if (regex.matcher(c).matches()) {
          out.add(c);
          any = true;
        }
      }
      if (!any) {
        problems.add(new Problem(source, "column '" + p + "'", "no column " + (isGlob(p) ? "matches" : "is named") + " '" + p
            + "' (" + columns.size() + " columns: " + preview(columns) + ")"));
      }
    }
    UserInputException.throwIfAny(problems);
    return List.copyOf(out);
  }

  /**
   * The values of {@code selected} columns, each an array over the volumes, with leading missing
   * values filled (class doc).
   *
   * @param volumes the BOLD run's number of volumes, which the row count must equal
   * @throws UserInputException for a row count ≠ volumes, a non-numeric or non-finite value, a
   *     missing value after a present one, an all-missing column
   */
  public List<double[]> values(List<String> selected, int volumes) {
    List<Problem> problems = new ArrayList<>();
    if (rows.size() != volumes) {
      throw new UserInputException(source, "rows", "has " + rows.size() + " rows of values but the BOLD run has " + volumes
          + " volumes (one row per volume, after the header)");
    }
    List<double[]> out = new ArrayList<>();
    for (String name : selected) {
      int c = columns.indexOf(name);
      if (c < 0) {
        throw new IllegalArgumentException("no column " + name);
      }
      double[] v = new double[volumes];
      int firstPresent = -1;
      for (int r = 0; r < volumes; r++) {
        String cell = rows.get(r)[c].trim();
        String where = "line " + (r + 2) + " column " + name;
        if (isMissing(cell)) {
          if (firstPresent >= 0) {
            problems.add(new Problem(source, where, "is missing (" + (cell.isEmpty() ? "empty" : cell)
                + ") after present values; only the leading rows of a column may be n/a"));
          }
          continue;
        }
        double x;
        try {
          x = Double.parseDouble(cell);
        } catch (NumberFormatException e) {
          problems.add(new Problem(source, where, "\"" + cell + "\" is not a number"));
          continue;
        }
        if (!Double.isFinite(x)) {
          problems.add(new Problem(source, where, "\"" + cell + "\" is not a finite number"));
          continue;
        }
        if (firstPresent < 0) {
          firstPresent = r;
        }
        v[r] = x;
      }
      if (firstPresent < 0) {
        problems.add(new Problem(source, "column " + name, "has no value in any row (all n/a)"));
      } else {
        for (int r = 0; r < firstPresent; r++) {
          v[r] = v[firstPresent];
        }
      }
      out.add(v);
    }
    UserInputException.throwIfAny(problems);
    return out;
  }

  private static boolean isMissing(String cell) {
    return cell.isEmpty() || cell.equals("n/a") || cell.toLowerCase(Locale.ROOT).equals("nan");
  }

  private static boolean isGlob(String p) {
    return p.indexOf('*') >= 0 || p.indexOf('?') >= 0;
  }

  /** A glob as a regular expression: {@code *} any characters, {@code ?} one, everything else literal. */
  static Pattern glob(String p) {
    StringBuilder sb = new StringBuilder();
    StringBuilder literal = new StringBuilder();
    for (char ch : p.toCharArray()) {
      if (ch == '*' || ch == '?') {
        if (literal.length() > 0) {
          sb.append(Pattern.quote(literal.toString()));
          literal.setLength(0);
        }
        sb.append(ch == '*' ? ".*" : ".");
      } else {
        literal.append(ch);
      }
    }
    if (literal.length() > 0) {
      sb.append(Pattern.quote(literal.toString()));
    }
    return Pattern.compile(sb.toString());
  }

  private static String preview(List<String> names) {
    int shown = Math.min(names.size(), 12);
    return String.join(", ", names.subList(0, shown)) + (names.size() > shown ? ", …" : "");
  }
}
