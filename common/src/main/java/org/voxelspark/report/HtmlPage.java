package org.voxelspark.report;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * A self-contained HTML5 page: inline style sheet, images embedded as {@code data:} URIs, no
 * script, no external resource, so it opens offline and can be mailed or archived as one file.
 * Every text is escaped ({@link #escape}); links are relative to the page.
 *
 * <p><b>Markup contract</b> (tests and tools rely on it): a figure is
 * {@code <figure data-figure="ID"><img src="data:image/png;base64,…" alt="…">…</figure>}; a table
 * copied from a file is {@code <table data-source="FILE">} with one {@code <th>} per column and one
 * {@code <tr>} of {@code <td>}s per row, cell text exactly the file's (escaped), except that
 * non-integer numbers are shown to 4 significant digits with the file's text in {@code data-value}.
 *
 * <p>Not thread-safe; build one page per thread.
 */
public final class HtmlPage {
  /** A link: text and a URL relative to the page. */
  public record Link(String label, String href) {}

  private final String title;
  private final StringBuilder body = new StringBuilder();
  private final List<String[]> toc = new ArrayList<>();

  public HtmlPage(String title) {
    this.title = title;
  }

  /** HTML-escapes {@code &, <, >, ", '}. */
  public static String escape(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder(s.length() + 16);
    for (int q = 0; q < s.length(); q++) {
      char c = s.charAt(q);
      switch (c) {
        case '&' -> sb.append("&amp;");
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '"' -> sb.append("&quot;");
        case '\'' -> sb.append("&#39;");
        default -> sb.append(c);
      }
    }
    return sb.toString();
  }

  /** The page heading and a lead paragraph (may be null). */
  public HtmlPage header(String heading, String lead) {
    body.append("<header><h1>").append(escape(heading)).append("</h1>");
    if (lead != null) {
      body.append("<p class=\"lead\">").append(escape(lead)).append("</p>");
    }
    body.append("</header>\n");
    return this;
  }

  /** A section heading, listed in the page's table of contents. */
  public HtmlPage section(String id, String heading) {
    toc.add(new String[] {id, heading});
    body.append("<h2 id=\"").append(escape(id)).append("\">").append(escape(heading)).append("</h2>\n");
    return this;
  }

  public HtmlPage subsection(String heading) {
    body.append("<h3>").append(escape(heading)).append("</h3>\n");
    return this;
  }

  public HtmlPage paragraph(String text) {
    body.append("<p>").append(escape(text)).append("</p>\n");
    return this;
  }

  /** A note in a coloured box; {@code kind} is {@code warn} or {@code info}. */
  public HtmlPage note(String kind, String text) {
    body.append("<p class=\"note ").append(kind.equals("warn") ? "warn" : "info").append("\">").append(escape(text))
        .append("</p>\n");
    return this;
  }

  /** A figure: the image as a PNG data URI, with alt text and caption. */
  public HtmlPage figure(String id, BufferedImage image, String alt, String caption) {
    body.append("<figure data-figure=\"").append(escape(id)).append("\"><img src=\"").append(Figures.dataUri(image))
        .append("\" width=\"").append(image.getWidth()).append("\" height=\"").append(image.getHeight())
        .append("\" alt=\"").append(escape(alt)).append("\">");
    if (caption != null) {
      body.append("<figcaption>").append(escape(caption)).append("</figcaption>");
    }
    body.append("</figure>\n");
    return this;
  }

  /**
   * A table. {@code source}, when not null, is the file the rows are copied from (a relative link is
   * shown under the table and the table carries {@code data-source}). {@code header} null: no header row.
   */
  public HtmlPage table(String cssClass, String source, List<String> header, List<List<String>> rows) {
    body.append("<div class=\"scroll\"><table class=\"").append(escape(cssClass)).append('"');
    if (source != null) {
      body.append(" data-source=\"").append(escape(source)).append('"');
    }
    body.append('>');
    if (header != null) {
      body.append("<thead><tr>");
      for (String h : header) {
        body.append("<th>").append(escape(h)).append("</th>");
      }
      body.append("</tr></thead>");
    }
    body.append("<tbody>\n");
    for (List<String> r : rows) {
      body.append("<tr>");
      for (String c : r) {
        String shown = displayNumber(c);
        if (shown == null) {
          body.append("<td>").append(escape(c)).append("</td>");
        } else {
          body.append("<td class=\"num\" data-value=\"").append(escape(c)).append("\" title=\"").append(escape(c)).append("\">")
              .append(escape(shown)).append("</td>");
        }
      }
      body.append("</tr>\n");
    }
    body.append("</tbody></table></div>\n");
    if (source != null) {
      body.append("<p class=\"source\">from <a href=\"").append(escape(source)).append("\">").append(escape(source))
          .append("</a></p>\n");
    }
    return this;
  }

  /**
   * How a table cell that holds a non-integer number is shown: 4 significant digits (plain notation
   * for 10⁻³ ≤ |x| < 10⁵, else scientific, e.g. {@code 4.708e-14}); null for any other cell (text,
   * integers, NaN), which is shown as it is. The exact text stays in the cell's {@code data-value}
   * and {@code title} (a tooltip), so nothing of the file is lost on the page.
   */
  static String displayNumber(String cell) {
    if (cell.isEmpty() || !(cell.indexOf('.') >= 0 || cell.indexOf('E') >= 0 || cell.indexOf('e') >= 0)) {
      return null;
    }
    double x;
    try {
      x = Double.parseDouble(cell);
    } catch (NumberFormatException e) {
      return null;
    }
    if (!Double.isFinite(x)) {
      return null;
    }
    if (x == 0) {
      return "0";
    }
    double a = Math.abs(x);
    if (a >= 1e-3 && a < 1e5) {
      return new java.math.BigDecimal(x).round(new java.math.MathContext(4)).stripTrailingZeros().toPlainString();
    }
    String[] scientific = String.format(java.util.Locale.ROOT, "%.3e", x).split("e"); // "4.708", "-14"
    String mantissa = scientific[0].replaceFirst("\\.?0+$", ""); // 1.000 -> 1, 1.200 -> 1.2
    return mantissa + "e" + Integer.parseInt(scientific[1]);
  }

  /**
   * One row of a value-against-cohort table ({@link #rangeTable}): the value of one run and the
   * minimum, median and maximum over the cohort, all as written in their TSV.
   *
   * @param key column name in the TSV (carried as {@code data-metric})
   * @param label readable name
   * @param unit unit, or "" when dimensionless
   * @param value this run's value, as in the TSV
   * @param min cohort minimum
   * @param median cohort median
   * @param max cohort maximum
   * @param position where the value lies between min (0) and max (1); NaN hides the marker
   * @param definition how it is computed
   */
  public record RangeRow(String key, String label, String unit, String value, String min, String median, String max,
      double position, String definition) {}

  /**
   * A table of values against their cohort range, with a marker bar per row; cells carry
   * {@code data-metric} and {@code data-field} ({@code value}, {@code min}, {@code median},
   * {@code max}) so they can be checked against {@code source}.
   */
  public HtmlPage rangeTable(String source, int cohortRuns, List<RangeRow> rows) {
    body.append("<div class=\"scroll\"><table class=\"qc\" data-source=\"").append(escape(source)).append("\"><thead><tr>")
        .append("<th>measure</th><th class=\"num\">this run</th><th class=\"num\">cohort min</th>")
        .append("<th class=\"num\">median</th><th class=\"num\">max</th><th>position in the cohort (n = ")
        .append(cohortRuns).append(")</th><th>unit</th><th>definition</th></tr></thead><tbody>\n");
    for (RangeRow r : rows) {
      String k = escape(r.key());
      body.append("<tr data-metric=\"").append(k).append("\"><td>").append(escape(r.label())).append("</td>");
      for (String[] f : new String[][] {{"value", r.value()}, {"min", r.min()}, {"median", r.median()}, {"max", r.max()}}) {
        body.append("<td class=\"num\" data-field=\"").append(f[0]).append("\">").append(escape(f[1])).append("</td>");
      }
      body.append("<td>");
      if (Double.isFinite(r.position())) {
        double pct = Math.max(0, Math.min(1, r.position())) * 100;
        body.append("<div class=\"bar\"><span style=\"left:calc(").append(String.format(java.util.Locale.ROOT, "%.1f", pct))
            .append("% - 2px)\"></span></div>");
      }
      body.append("</td><td>").append(escape(r.unit())).append("</td><td>").append(escape(r.definition())).append("</td></tr>\n");
    }
    body.append("</tbody></table></div>\n<p class=\"source\">values from <a href=\"").append(escape(source)).append("\">")
        .append(escape(source)).append("</a></p>\n");
    return this;
  }

  /** A list of links. */
  public HtmlPage links(List<Link> links) {
    body.append("<ul class=\"links\">");
    for (Link l : links) {
      body.append("<li><a href=\"").append(escape(l.href())).append("\">").append(escape(l.label())).append("</a></li>");
    }
    body.append("</ul>\n");
    return this;
  }

  /** A footer line. */
  public HtmlPage footer(String text) {
    body.append("<footer>").append(escape(text)).append("</footer>\n");
    return this;
  }

  /** The whole document. */
  public String render() {
    StringBuilder sb = new StringBuilder(body.length() + 4096);
    sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .append("<title>").append(escape(title)).append("</title><style>").append(STYLE).append("</style></head>\n<body>\n");
    if (!toc.isEmpty()) {
      sb.append("<nav>");
      for (String[] t : toc) {
        sb.append("<a href=\"#").append(escape(t[0])).append("\">").append(escape(t[1])).append("</a>");
      }
      sb.append("</nav>\n");
    }
    sb.append("<main>\n").append(body).append("</main>\n</body></html>\n");
    return sb.toString();
  }

  private static final String STYLE = String.join("",
      "body{margin:0;font-family:'DejaVu Sans',Helvetica,Arial,sans-serif;color:#222;background:#f6f6f4;line-height:1.4}",
      "nav{position:sticky;top:0;background:#263238;padding:6px 16px;z-index:1}",
      "nav a{color:#eceff1;margin-right:18px;text-decoration:none;font-size:14px}",
      "main{max-width:1180px;margin:0 auto;padding:8px 20px 40px}",
      "header h1{margin:18px 0 4px;font-size:26px}.lead{color:#555;margin-top:0}",
      "h2{border-bottom:2px solid #cfd8dc;padding-bottom:4px;margin-top:34px}h3{margin:22px 0 8px}",
      "figure{margin:10px 0 18px;display:inline-block;vertical-align:top;max-width:100%}",
      "figure img{max-width:100%;height:auto;border:1px solid #ccc;background:#fff}",
      "figcaption{font-size:13px;color:#555;max-width:760px}",
      "table{border-collapse:collapse;font-size:13px;background:#fff;margin:6px 0}",
      "th,td{border:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}",
      "th{background:#eceff1}td.num,th.num{text-align:right}",
      ".scroll{overflow-x:auto}.source{font-size:12px;color:#666;margin:2px 0 12px}",
      ".note{padding:8px 12px;border-radius:4px}.warn{background:#fff3e0;border-left:4px solid #ef6c00}",
      ".info{background:#e3f2fd;border-left:4px solid #1565c0}",
      ".links{columns:2;font-size:13px}.bar{position:relative;height:10px;width:140px;background:#e0e0e0;border-radius:3px}",
      ".bar span{position:absolute;top:-2px;width:4px;height:14px;background:#d55e00;border-radius:1px}",
      "footer{margin-top:30px;font-size:12px;color:#777}");
}
