package org.voxelspark.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.GraphicsEnvironment;
import java.awt.RenderingHints;
import java.awt.font.TextLayout;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.voxelspark.error.UserInputException;

/**
 * Drawing helpers shared by every figure: headless Java2D set-up, fonts, text, number formatting,
 * axis ticks, colour bars and PNG encoding.
 *
 * <p><b>Headless.</b> Figures are drawn into {@link BufferedImage}s only (no window, no toolkit),
 * which works in a headless JVM: {@link #newImage} sets {@code java.awt.headless=true} unless the
 * JVM was started with a value (the launchers and the test JVMs pass it), so rendering in a Spark
 * executor never looks for a display. Text needs a font: the JRE ships none, so the machine
 * must have one installed (Debian {@code fonts-dejavu-core}); without any, {@link #newImage} throws
 * a {@link UserInputException} saying so.
 *
 * <p><b>Numbers</b> are written with at most 3 significant digits ({@link #format}); axes whose
 * values are all below 10⁻² or above 10⁴ in magnitude are labelled in a power of ten shown with the
 * unit ({@link #scaleExponent}).
 */
public final class Figures {
  private Figures() {}

  /** Default sans-serif family; Java's logical font maps it to an installed one (DejaVu Sans on Debian). */
  public static final String FONT_FAMILY = Font.SANS_SERIF;
  public static final Color INK = new Color(0x22, 0x22, 0x22);
  public static final Color GRID = new Color(0xDD, 0xDD, 0xDD);
  public static final Color MUTED = new Color(0x66, 0x66, 0x66);
  /** Colours for groups/sites in plots (Okabe–Ito palette, distinguishable with colour-vision deficiency). */
  public static final Color[] CATEGORICAL = {
    new Color(0x00, 0x72, 0xB2), new Color(0xD5, 0x5E, 0x00), new Color(0x00, 0x9E, 0x73), new Color(0xCC, 0x79, 0xA7),
    new Color(0xE6, 0x9F, 0x00), new Color(0x56, 0xB4, 0xE9), new Color(0xF0, 0xE4, 0x42), new Color(0x00, 0x00, 0x00)
  };

  private static volatile boolean fontsChecked;

  /** A new opaque RGB image filled with {@code background}. */
  public static BufferedImage newImage(int width, int height, Color background) {
    ensureHeadlessAndFonts();
    BufferedImage img = new BufferedImage(Math.max(1, width), Math.max(1, height), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(background);
    g.fillRect(0, 0, img.getWidth(), img.getHeight());
    g.dispose();
    return img;
  }

  /** Graphics with antialiased shapes and text. Dispose after use. */
  public static Graphics2D graphics(BufferedImage img) {
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
    g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
    return g;
  }

  static void ensureHeadlessAndFonts() {
    if (fontsChecked) {
      return;
    }
    synchronized (Figures.class) {
      if (fontsChecked) {
        return;
      }
      if (System.getProperty("java.awt.headless") == null) {
        System.setProperty("java.awt.headless", "true");
      }
      String[] families;
      try {
        families = GraphicsEnvironment.getLocalGraphicsEnvironment().getAvailableFontFamilyNames(Locale.ROOT);
      } catch (RuntimeException | Error e) {
        throw new UserInputException("java.awt fonts", "", "no usable font for drawing report figures ("
            + e.getClass().getSimpleName() + ": " + e.getMessage() + "); install one (Debian: fonts-dejavu-core)"
            + " on every machine that renders reports, or run without reports (--no-reports)", e);
      }
      if (families.length == 0) {
        throw new UserInputException("java.awt fonts", "", "no font is installed for drawing report figures;"
            + " install one (Debian: fonts-dejavu-core) or run without reports (--no-reports)");
      }
      fontsChecked = true;
    }
  }

  public static Font font(float size) {
    return new Font(FONT_FAMILY, Font.PLAIN, 1).deriveFont(size);
  }

  public static Font bold(float size) {
    return new Font(FONT_FAMILY, Font.BOLD, 1).deriveFont(size);
  }

  /** Draws {@code text} with its baseline at (x, y), aligned: 0 left, 0.5 centred, 1 right. */
  public static void text(Graphics2D g, String text, double x, double y, double align) {
    FontMetrics fm = g.getFontMetrics();
    g.drawString(text, (float) (x - align * fm.stringWidth(text)), (float) y);
  }

  /** Draws {@code text} centred on (x, y) vertically and horizontally (cap height centred). */
  public static void textCentred(Graphics2D g, String text, double x, double y) {
    FontMetrics fm = g.getFontMetrics();
    g.drawString(text, (float) (x - fm.stringWidth(text) / 2.0), (float) (y + fm.getAscent() * 0.36));
  }

  /** Draws {@code text} in {@code fill} with a 2-pixel {@code halo}, readable over any picture. */
  public static void haloText(Graphics2D g, String text, double x, double y, double align, Color fill, Color halo) {
    FontMetrics fm = g.getFontMetrics();
    float left = (float) (x - align * fm.stringWidth(text));
    TextLayout layout = new TextLayout(text, g.getFont(), g.getFontRenderContext());
    java.awt.Shape outline = layout.getOutline(java.awt.geom.AffineTransform.getTranslateInstance(left, y));
    java.awt.Stroke old = g.getStroke();
    g.setStroke(new BasicStroke(3f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
    g.setColor(halo);
    g.draw(outline);
    g.setStroke(old);
    g.setColor(fill);
    g.fill(outline);
  }

  /** Draws {@code text} rotated 90° anticlockwise, centred on (x, y). */
  public static void verticalText(Graphics2D g, String text, double x, double y) {
    java.awt.geom.AffineTransform old = g.getTransform();
    g.translate(x, y);
    g.rotate(-Math.PI / 2);
    textCentred(g, text, 0, 0);
    g.setTransform(old);
  }

  /** Text width in the current font. */
  public static int width(Graphics2D g, String text) {
    return g.getFontMetrics().stringWidth(text);
  }

  /**
   * {@code v} with at most 3 significant digits, no trailing zeros, and "−" (minus sign) for
   * negatives: 0.000123 → "0.000123", 1234.5 → "1230", 0.5 → "0.5", NaN → "n/a".
   */
  public static String format(double v) {
    if (Double.isNaN(v)) {
      return "n/a";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "∞" : "−∞";
    }
    if (v == 0) {
      return "0";
    }
    java.math.BigDecimal b = new java.math.BigDecimal(v).round(new java.math.MathContext(3));
    String s = b.stripTrailingZeros().toPlainString();
    return s.startsWith("-") ? "−" + s.substring(1) : s;
  }

  /** {@code v} to {@code decimals} decimals (minus sign for negatives). */
  public static String fixed(double v, int decimals) {
    if (Double.isNaN(v)) {
      return "n/a";
    }
    String s = String.format(Locale.ROOT, "%." + decimals + "f", v);
    if (s.matches("-0\\.?0*")) {
      s = s.substring(1);
    }
    return s.startsWith("-") ? "−" + s.substring(1) : s;
  }

  /** A p value as written in papers: "p = 0.027", "p < 0.001". */
  public static String pValue(double p) {
    if (Double.isNaN(p)) {
      return "p = n/a";
    }
    if (p < 0.001) {
      return "p < 0.001";
    }
    return "p = " + (p < 0.01 ? fixed(p, 4) : fixed(p, 3));
  }

  /**
   * The power of ten to label an axis spanning {@code [min, max]} in: 0 when the larger magnitude
   * lies in [10⁻², 10⁴), else its decimal exponent (e.g. −3 for 0.003).
   */
  public static int scaleExponent(double min, double max) {
    double m = Math.max(Math.abs(min), Math.abs(max));
    if (!(m > 0) || !Double.isFinite(m) || (m >= 1e-2 && m < 1e4)) {
      return 0;
    }
    return (int) Math.floor(Math.log10(m));
  }

  /** "×10⁻³ " for an exponent −3, "" for 0. */
  public static String scaleLabel(int exponent) {
    if (exponent == 0) {
      return "";
    }
    return "×10" + superscript(exponent) + " ";
  }

  static String superscript(int n) {
    String digits = "⁰¹²³⁴⁵⁶⁷⁸⁹";
    StringBuilder sb = new StringBuilder(n < 0 ? "⁻" : "");
    for (char c : Integer.toString(Math.abs(n)).toCharArray()) {
      sb.append(digits.charAt(c - '0'));
    }
    return sb.toString();
  }

  /**
   * Tick positions on {@code [min, max]} at a "nice" step (1, 2 or 5 × 10ⁿ) giving about
   * {@code target} ticks (Heckbert 1990), every tick inside the range.
   */
  public static double[] ticks(double min, double max, int target) {
    if (!(max > min) || !Double.isFinite(min) || !Double.isFinite(max)) {
      return Double.isFinite(min) ? new double[] {min} : new double[0];
    }
    double step = niceStep((max - min) / Math.max(1, target - 1));
    double first = Math.ceil(min / step - 1e-9) * step;
    List<Double> out = new ArrayList<>();
    for (double t = first; t <= max + step * 1e-9; t += step) {
      out.add(Math.abs(t) < step * 1e-9 ? 0.0 : t);
    }
    return out.stream().mapToDouble(Double::doubleValue).toArray();
  }

  static double niceStep(double raw) {
    double exp = Math.pow(10, Math.floor(Math.log10(raw)));
    double f = raw / exp;
    double nice = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10;
    return nice * exp;
  }

  /**
   * A range padded by {@code fraction} of its width on each side (a degenerate range becomes ±0.5,
   * or ±|v|/2 when v ≠ 0).
   */
  public static double[] padded(double min, double max, double fraction) {
    if (!(max > min)) {
      double half = min == 0 || !Double.isFinite(min) ? 0.5 : Math.abs(min) / 2;
      double c = Double.isFinite(min) ? min : 0;
      return new double[] {c - half, c + half};
    }
    double pad = (max - min) * fraction;
    return new double[] {min - pad, max + pad};
  }

  /** A colour-bar segment: {@code map} from {@code from} (left) to {@code to} (right) over values [low, high]. */
  public record BarSegment(ColourMap map, double fromT, double toT, double low, double high) {}

  /** Height of a colour bar with its ticks and label ({@link #colourBar}). */
  public static final int COLOUR_BAR_HEIGHT = 48;

  /**
   * Draws a horizontal colour bar at (x, y) of {@code width} pixels: its segments side by side
   * (gap of 8 px between them), tick values under it and {@code label} (with the unit) below them,
   * in {@code ink}.
   */
  public static void colourBar(Graphics2D g, int x, int y, int width, List<BarSegment> segments, String label, Color ink) {
    int gap = 8;
    int barH = 12;
    int segW = (width - gap * (segments.size() - 1)) / segments.size();
    double lo = segments.stream().mapToDouble(BarSegment::low).min().orElse(0);
    double hi = segments.stream().mapToDouble(BarSegment::high).max().orElse(1);
    int exp = scaleExponent(lo, hi);
    double scale = Math.pow(10, -exp);
    g.setFont(font(11f));
    for (int s = 0; s < segments.size(); s++) {
      BarSegment seg = segments.get(s);
      int x0 = x + s * (segW + gap);
      for (int px = 0; px < segW; px++) {
        double f = segW == 1 ? 0 : px / (double) (segW - 1);
        g.setColor(new Color(seg.map().argb(seg.fromT() + f * (seg.toT() - seg.fromT()))));
        g.fillRect(x0 + px, y, 1, barH);
      }
      g.setColor(ink);
      g.drawRect(x0, y, segW - 1, barH);
      double[] ticks = segments.size() > 1 ? new double[] {seg.low(), seg.high()} : ticks(seg.low(), seg.high(), 5);
      if (segments.size() == 1 && (ticks.length < 2 || ticks[0] > seg.low() || ticks[ticks.length - 1] < seg.high())) {
        ticks = mergeEnds(ticks, seg.low(), seg.high());
      }
      for (double t : ticks) {
        double f = seg.high() > seg.low() ? (t - seg.low()) / (seg.high() - seg.low()) : 0;
        int tx = x0 + (int) Math.round(f * (segW - 1));
        g.drawLine(tx, y + barH, tx, y + barH + 3);
        text(g, format(t * scale), tx, y + barH + 15, f < 0.02 ? 0 : f > 0.98 ? 1 : 0.5);
      }
    }
    g.setFont(font(12f));
    text(g, label.replace("{scale}", scaleLabel(exp)).replace("  ", " ").trim(), x + width / 2.0, y + barH + 32, 0.5);
  }

  /** The nice ticks plus the range's ends when they are not close to a tick already. */
  private static double[] mergeEnds(double[] ticks, double low, double high) {
    List<Double> out = new ArrayList<>();
    double step = ticks.length > 1 ? ticks[1] - ticks[0] : high - low;
    if (ticks.length == 0 || ticks[0] - low > 0.4 * step) {
      out.add(low);
    }
    for (double t : ticks) {
      out.add(t);
    }
    if (ticks.length == 0 || high - ticks[ticks.length - 1] > 0.4 * step) {
      out.add(high);
    }
    return out.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /** PNG bytes of {@code img}. */
  public static byte[] png(BufferedImage img) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      if (!ImageIO.write(img, "png", out)) {
        throw new IllegalStateException("no PNG writer in this JRE");
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException("encoding a PNG in memory", e);
    }
  }

  /** {@code data:image/png;base64,...} of {@code img}, for a self-contained HTML page. */
  public static String dataUri(BufferedImage img) {
    return "data:image/png;base64," + Base64.getEncoder().encodeToString(png(img));
  }
}
