package org.voxelspark.testing;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;

/**
 * Reads back the parts of a voxelspark report page that tests check, by the markup contract of
 * {@code org.voxelspark.report.HtmlPage}: figures, tables copied from files, and links.
 */
public final class PageParts {
  private PageParts() {}

  /** One embedded image. */
  public record Image(String figure, String base64, int width, int height) {
    /** The PNG decoded by ImageIO; fails if it does not decode. */
    public BufferedImage decode() {
      try {
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(base64)));
        if (img == null) {
          throw new AssertionError(figure + ": the image does not decode as PNG");
        }
        return img;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private static final Pattern FIGURE = Pattern.compile(
      "<figure data-figure=\"([^\"]*)\"><img src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\" width=\"(\\d+)\" height=\"(\\d+)\"");
  private static final Pattern IMG = Pattern.compile("<img ");
  private static final Pattern HREF = Pattern.compile("href=\"([^\"#][^\"]*)\"");

  /** Every image of the page; fails if an {@code <img>} is not an embedded PNG figure. */
  public static List<Image> images(String html) {
    List<Image> out = new ArrayList<>();
    Matcher m = FIGURE.matcher(html);
    while (m.find()) {
      out.add(new Image(m.group(1), m.group(2), Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4))));
    }
    int imgs = 0;
    Matcher i = IMG.matcher(html);
    while (i.find()) {
      imgs++;
    }
    if (imgs != out.size()) {
      throw new AssertionError(imgs + " <img> elements but " + out.size() + " embedded PNG figures");
    }
    return out;
  }

  /** The body rows of the table copied from {@code source}, cells unescaped. */
  public static List<List<String>> table(String html, String source) {
    return rows(tableHtml(html, "data-source=\"" + escapeAttr(source) + "\""));
  }

  /** The header cells of the table copied from {@code source}. */
  public static List<String> tableHeader(String html, String source) {
    String t = tableHtml(html, "data-source=\"" + escapeAttr(source) + "\"");
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile("<th(?:\\s[^>]*)?>(.*?)</th>").matcher(t);
    while (m.find()) {
      out.add(unescape(m.group(1)));
    }
    return out;
  }

  /** The body rows of the (first) table of class {@code cssClass}. */
  public static List<List<String>> tableByClass(String html, String cssClass) {
    return rows(tableHtml(html, "class=\"" + cssClass + "\""));
  }

  /** The cell of a range table: {@code <tr data-metric=KEY>…<td data-field=FIELD>}. */
  public static String rangeCell(String tableHtml, String metric, String field) {
    Matcher row = Pattern.compile("<tr data-metric=\"" + Pattern.quote(metric) + "\">(.*?)</tr>").matcher(tableHtml);
    if (!row.find()) {
      throw new AssertionError("no row for " + metric);
    }
    Matcher cell = Pattern.compile("data-field=\"" + field + "\">(.*?)</td>").matcher(row.group(1));
    if (!cell.find()) {
      throw new AssertionError("no " + field + " cell for " + metric);
    }
    return unescape(cell.group(1));
  }

  /** Every range table (class {@code qc}) of the page, in order, as markup. */
  public static List<String> rangeTables(String html) {
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile("<table class=\"qc\"[^>]*>.*?</table>", Pattern.DOTALL).matcher(html);
    while (m.find()) {
      out.add(m.group());
    }
    return out;
  }

  /** The data-source of a table's markup. */
  public static String source(String tableHtml) {
    Matcher m = Pattern.compile("data-source=\"([^\"]*)\"").matcher(tableHtml);
    return m.find() ? unescape(m.group(1)) : null;
  }

  /** Every link target except in-page anchors. */
  public static List<String> links(String html) {
    List<String> out = new ArrayList<>();
    Matcher m = HREF.matcher(html);
    while (m.find()) {
      out.add(unescape(m.group(1)));
    }
    return out;
  }

  /** Number of distinct RGB colours (a blank or one-colour picture has 1). */
  public static int distinctColours(BufferedImage img) {
    Set<Integer> seen = new HashSet<>();
    for (int y = 0; y < img.getHeight(); y += 2) {
      for (int x = 0; x < img.getWidth(); x += 2) {
        seen.add(img.getRGB(x, y) & 0xFFFFFF);
      }
    }
    return seen.size();
  }

  private static String tableHtml(String html, String attribute) {
    int at = html.indexOf(attribute);
    if (at < 0) {
      throw new AssertionError("no table with " + attribute);
    }
    int start = html.lastIndexOf("<table", at);
    int end = html.indexOf("</table>", at);
    return html.substring(start, end);
  }

  private static List<List<String>> rows(String table) {
    String body = table.substring(table.indexOf("<tbody>"));
    List<List<String>> out = new ArrayList<>();
    Matcher tr = Pattern.compile("<tr[^>]*>(.*?)</tr>", Pattern.DOTALL).matcher(body);
    while (tr.find()) {
      List<String> cells = new ArrayList<>();
      Matcher td = Pattern.compile("<td([^>]*)>(.*?)</td>", Pattern.DOTALL).matcher(tr.group(1));
      while (td.find()) {
        // a number shown rounded carries the file's text in data-value
        Matcher value = Pattern.compile("data-value=\"([^\"]*)\"").matcher(td.group(1));
        cells.add(unescape(value.find() ? value.group(1) : td.group(2)));
      }
      out.add(cells);
    }
    return out;
  }

  private static String escapeAttr(String s) {
    return s.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#39;");
  }

  /** Reverses HtmlPage.escape. */
  public static String unescape(String s) {
    return s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&");
  }
}
