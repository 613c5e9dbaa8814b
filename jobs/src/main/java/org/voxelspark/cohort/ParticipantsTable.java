package org.voxelspark.cohort;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.voxelspark.error.UserInputException;

/**
 * A BIDS {@code participants.tsv} (or any tab-separated table with a header row): columns in file
 * order, one row per participant keyed by {@code participant_id} without its {@code sub-} prefix.
 *
 * <p><b>Missing values.</b> BIDS writes {@code n/a}; an empty cell is treated the same. Missing
 * values are absent from {@link #row} maps ({@code get} returns null), never the string "n/a".
 *
 * <p>Parsing collects problems instead of stopping at the first: no header, no
 * {@code participant_id} column, a row with a different number of cells, an invalid or duplicated
 * label. Rows with a problem are left out of the table.
 */
public final class ParticipantsTable implements java.io.Serializable {
  private static final long serialVersionUID = 1L;
  /** The BIDS column of participant labels. */
  public static final String PARTICIPANT_ID = "participant_id";

  private final String source;
  private final List<String> columns;
  private final Map<String, Map<String, String>> rows;

  private ParticipantsTable(String source, List<String> columns, Map<String, Map<String, String>> rows) {
    this.source = source;
    this.columns = Collections.unmodifiableList(columns);
    this.rows = Collections.unmodifiableMap(rows);
  }

  /** An empty table (no participants file). */
  public static ParticipantsTable empty(String source) {
    return new ParticipantsTable(source, List.of(PARTICIPANT_ID), new LinkedHashMap<>());
  }

  /**
   * Parses {@code text}, adding problems to {@code problems}.
   *
   * @param separator {@code '\t'} for TSV, {@code ','} for CSV (no quoting)
   */
  public static ParticipantsTable parse(String text, String source, char separator, List<UserInputException.Problem> problems) {
    String[] lines = text.replace("\r\n", "\n").split("\n", -1);
    int first = 0;
    while (first < lines.length && lines[first].isBlank()) {
      first++;
    }
    if (first == lines.length) {
      problems.add(new UserInputException.Problem(source, "header", "the table is empty"));
      return empty(source);
    }
    List<String> columns = new ArrayList<>();
    for (String c : lines[first].split(String.valueOf(separator), -1)) {
      columns.add(c.trim().replace("\uFEFF", ""));
    }
    if (!columns.contains(PARTICIPANT_ID)) {
      problems.add(new UserInputException.Problem(source, "header", "no '" + PARTICIPANT_ID + "' column (columns: " + columns + ")"));
      return new ParticipantsTable(source, columns, new LinkedHashMap<>());
    }
    int idColumn = columns.indexOf(PARTICIPANT_ID);
    Map<String, Map<String, String>> rows = new LinkedHashMap<>();
    Map<String, Integer> firstLine = new HashMap<>();
    for (int l = first + 1; l < lines.length; l++) {
      String line = lines[l];
      if (line.isBlank()) {
        continue;
      }
      String where = "line " + (l + 1);
      String[] cells = line.split(String.valueOf(separator), -1);
      if (cells.length != columns.size()) {
        problems.add(new UserInputException.Problem(source, where,
            "has " + cells.length + " cells, the header has " + columns.size() + " columns"));
        continue;
      }
      String label = Labels.stripPrefix(cells[idColumn].trim(), "sub");
      if (!Labels.check(label, source, where + " " + PARTICIPANT_ID, problems)) {
        continue;
      }
      if (firstLine.containsKey(label)) {
        problems.add(new UserInputException.Problem(source, where + " " + PARTICIPANT_ID,
            "participant sub-" + label + " is listed twice (first at line " + firstLine.get(label) + ")"));
        continue;
      }
      firstLine.put(label, l + 1);
      Map<String, String> row = new LinkedHashMap<>();
      for (int c = 0; c < columns.size(); c++) {
        String v = cells[c].trim();
        if (!v.isEmpty() && !v.equals("n/a")) {
          row.put(columns.get(c), c == idColumn ? label : v);
        }
      }
      rows.put(label, Collections.unmodifiableMap(row));
    }
    return new ParticipantsTable(source, columns, rows);
  }

  /** Where the table came from. */
  public String source() {
    return source;
  }

  public List<String> columns() {
    return columns;
  }

  /** Participant labels (without {@code sub-}) in file order. */
  public List<String> labels() {
    return new ArrayList<>(rows.keySet());
  }

  /** The row of participant {@code label}, or null if absent. */
  public Map<String, String> row(String label) {
    return rows.get(label);
  }

  public boolean hasColumn(String column) {
    return columns.contains(column);
  }

  /**
   * The numeric values of {@code column} for {@code labels}, NaN where missing; a problem per
   * non-numeric value (naming the participant and the column). Unknown column → one problem.
   */
  public double[] numeric(String column, List<String> labels, List<UserInputException.Problem> problems) {
    double[] out = new double[labels.size()];
    if (!hasColumn(column)) {
      problems.add(new UserInputException.Problem(source, column, "no such column (columns: " + columns + ")"));
      java.util.Arrays.fill(out, Double.NaN);
      return out;
    }
    for (int q = 0; q < labels.size(); q++) {
      Map<String, String> row = rows.get(labels.get(q));
      String v = row == null ? null : row.get(column);
      if (v == null) {
        out[q] = Double.NaN;
        continue;
      }
      try {
        out[q] = Double.parseDouble(v);
        if (!Double.isFinite(out[q])) {
          throw new NumberFormatException();
        }
      } catch (NumberFormatException e) {
        problems.add(new UserInputException.Problem(source, "sub-" + labels.get(q) + " " + column,
            "value \"" + v + "\" is not a finite number"));
        out[q] = Double.NaN;
      }
    }
    return out;
  }

  /** The distinct non-missing values of {@code column}, sorted. */
  public List<String> levels(String column) {
    TreeSet<String> s = new TreeSet<>();
    for (Map<String, String> row : rows.values()) {
      String v = row.get(column);
      if (v != null) {
        s.add(v);
      }
    }
    return new ArrayList<>(s);
  }
}
