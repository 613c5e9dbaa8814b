package org.voxelspark.report;

import java.util.ArrayList;
import java.util.List;
import org.voxelspark.error.UserInputException;

/**
 * A tab-separated table as BIDS writes them (first line the header; one row per line; cells
 * verbatim, {@code n/a} for missing), kept as text so that a page shows exactly what the file
 * holds.
 *
 * @param source the file it was read from (shown and linked on pages), relative to the page
 * @param header column names
 * @param rows cells, one list per row, as many as the header
 */
public record TsvTable(String source, List<String> header, List<List<String>> rows) {
  public TsvTable {
    header = List.copyOf(header);
    List<List<String>> copy = new ArrayList<>();
    for (List<String> r : rows) {
      if (r.size() != header.size()) {
        throw new IllegalArgumentException("a row has " + r.size() + " cells for " + header.size() + " columns");
      }
      copy.add(List.copyOf(r));
    }
    rows = List.copyOf(copy);
  }

  /**
   * Parses TSV text. A trailing empty line is ignored; a row with a different number of cells than
   * the header is a {@link UserInputException} naming {@code source} and the line.
   */
  public static TsvTable parse(String source, String text) {
    List<String> lines = new ArrayList<>(text.lines().toList());
    while (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
      lines.remove(lines.size() - 1);
    }
    if (lines.isEmpty()) {
      throw new UserInputException(source, "", "empty table: no header line");
    }
    List<String> header = List.of(lines.get(0).split("\t", -1));
    List<List<String>> rows = new ArrayList<>();
    List<UserInputException.Problem> problems = new ArrayList<>();
    for (int q = 1; q < lines.size(); q++) {
      List<String> cells = List.of(lines.get(q).split("\t", -1));
      if (cells.size() != header.size()) {
        problems.add(new UserInputException.Problem(source, "line " + (q + 1),
            cells.size() + " cells where the header has " + header.size()));
      } else {
        rows.add(cells);
      }
    }
    UserInputException.throwIfAny(problems);
    return new TsvTable(source, header, rows);
  }

  /** Index of {@code column}, or −1. */
  public int column(String column) {
    return header.indexOf(column);
  }

  /** The cells of {@code column}. */
  public List<String> values(String column) {
    int c = column(column);
    if (c < 0) {
      throw new UserInputException(source, column, "no such column; the header has " + header);
    }
    return rows.stream().map(r -> r.get(c)).toList();
  }

  /** The table as TSV text (header line, then one line per row, each ending in a newline). */
  public String toTsv() {
    StringBuilder sb = new StringBuilder(String.join("\t", header)).append('\n');
    for (List<String> r : rows) {
      sb.append(String.join("\t", r)).append('\n');
    }
    return sb.toString();
  }
}
