package org.voxelspark.report;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * A picture of a design matrix, as FSL and SPM draw one: one column per regressor, one row per
 * subject, each column scaled to its own range in grey (its minimum black, its maximum white); the
 * contrasts under it, one row each, weights coloured on {@link ColourMap#COOL_WARM} (negative blue,
 * positive red, 0 white) and written out.
 *
 * <p>Rows are drawn {@code max(1, min(12, 480 / n))} pixels tall; beyond 480 subjects, the rows are
 * sampled (pixel row y shows subject {@code floor(y · n / 480)}). Subject labels are written when
 * there are at most 60 and rows are at least 9 pixels.
 *
 * @param title title line
 * @param columns regressor names
 * @param rows n × p values, one row per subject
 * @param rowLabels subject labels (n), or null
 * @param contrasts contrasts (p weights each)
 */
public record DesignMatrixPicture(String title, List<String> columns, double[][] rows, List<String> rowLabels,
    List<Contrast> contrasts) {
  public DesignMatrixPicture {
    columns = List.copyOf(columns);
    contrasts = List.copyOf(contrasts);
    rowLabels = rowLabels == null ? null : List.copyOf(rowLabels);
    for (double[] r : rows) {
      if (r.length != columns.size()) {
        throw new IllegalArgumentException("a design row has " + r.length + " values for " + columns.size() + " columns");
      }
    }
    for (Contrast c : contrasts) {
      if (c.weights().length != columns.size()) {
        throw new IllegalArgumentException("contrast " + c.name() + " has " + c.weights().length + " weights for "
            + columns.size() + " columns");
      }
    }
    if (rowLabels != null && rowLabels.size() != rows.length) {
      throw new IllegalArgumentException(rowLabels.size() + " row labels for " + rows.length + " rows");
    }
  }

  /**
   * The picture of a group-stage {@link org.voxelspark.stats.design.Design}: its columns, subjects
   * (as row labels) and t-contrasts.
   */
  public static DesignMatrixPicture of(String title, org.voxelspark.stats.design.Design design) {
    double[][] rows = new double[design.subjects()][design.columns()];
    for (int s = 0; s < rows.length; s++) {
      for (int c = 0; c < design.columns(); c++) {
        rows[s][c] = design.get(s, c);
      }
    }
    return new DesignMatrixPicture(title, design.columnNames(), rows, design.subjectIds(),
        design.contrasts().stream().map(c -> new Contrast(c.name(), c.weights())).toList());
  }

  /** A contrast: its name and one weight per column. */
  public record Contrast(String name, double[] weights) {
    public Contrast {
      weights = weights.clone();
    }
  }

  static final String FOOTNOTE = "grey: column minimum (black) to maximum (white); magenta: missing";

  /** Largest picture height of the subject rows, pixels. */
  public static final int MAX_ROWS_HEIGHT = 480;

  public BufferedImage render() {
    int n = rows.length;
    int p = columns.size();
    int rowH = Math.max(1, Math.min(12, MAX_ROWS_HEIGHT / Math.max(1, n)));
    int matrixH = n * rowH > MAX_ROWS_HEIGHT ? MAX_ROWS_HEIGHT : n * rowH;
    boolean labels = rowLabels != null && n <= 60 && rowH >= 9;
    int colW = 46;
    int left = labels ? 90 : 30;
    int headerH = 96;
    int contrastH = 22;
    int cw = 0;
    Graphics2D probe = Figures.graphics(Figures.newImage(1, 1, Color.WHITE));
    probe.setFont(Figures.font(11.5f));
    for (Contrast c : contrasts) {
      cw = Math.max(cw, Figures.width(probe, c.name()));
    }
    probe.setFont(Figures.font(11f));
    int footW = Figures.width(probe, FOOTNOTE);
    probe.dispose();
    int w = Math.max(Math.max(left + p * colW + 20 + cw + 20, left + footW + 20), 360);
    int h = 40 + headerH + matrixH + 18 + contrasts.size() * contrastH + 30;
    BufferedImage img = Figures.newImage(w, h, Color.WHITE);
    Graphics2D g = Figures.graphics(img);
    PlotAxes.title(g, title, n + " subjects × " + p + " regressors; each column scaled to its own range", 14);
    int top = 40 + headerH;
    g.setFont(Figures.font(11.5f));
    for (int c = 0; c < p; c++) {
      double lo = Double.POSITIVE_INFINITY;
      double hi = Double.NEGATIVE_INFINITY;
      for (double[] r : rows) {
        if (Double.isFinite(r[c])) {
          lo = Math.min(lo, r[c]);
          hi = Math.max(hi, r[c]);
        }
      }
      int x = left + c * colW;
      for (int y = 0; y < matrixH; y++) {
        int subject = n * rowH > MAX_ROWS_HEIGHT ? (int) ((long) y * n / matrixH) : y / rowH;
        double v = rows[subject][c];
        double t = hi > lo ? (v - lo) / (hi - lo) : 0.5;
        g.setColor(Double.isFinite(v) ? new Color(ColourMap.GREY.argb(t)) : new Color(0xFF, 0x00, 0xFF));
        g.fillRect(x, top + y, colW - 2, 1);
      }
      g.setColor(Figures.INK);
      java.awt.geom.AffineTransform old = g.getTransform();
      g.translate(x + colW / 2.0 + 4, top - 6);
      g.rotate(-Math.PI / 4);
      Figures.text(g, columns.get(c), 0, 0, 0);
      g.setTransform(old);
    }
    g.setColor(Figures.MUTED);
    g.drawRect(left - 1, top - 1, p * colW - 1, matrixH + 1);
    if (labels) {
      g.setFont(Figures.font(Math.min(11f, rowH)));
      g.setColor(Figures.INK);
      for (int r = 0; r < n; r++) {
        Figures.text(g, rowLabels.get(r), left - 6, top + r * rowH + rowH - 1, 1);
      }
    }
    int y = top + matrixH + 18;
    for (Contrast con : contrasts) {
      double m = 0;
      for (double wgt : con.weights()) {
        m = Math.max(m, Math.abs(wgt));
      }
      for (int c = 0; c < p; c++) {
        double wgt = con.weights()[c];
        double t = m == 0 ? 0.5 : 0.5 + 0.5 * wgt / m;
        g.setColor(new Color(ColourMap.COOL_WARM.argb(t)));
        g.fillRect(left + c * colW, y, colW - 2, contrastH - 4);
        g.setColor(Math.abs(t - 0.5) > 0.3 ? Color.WHITE : Figures.INK);
        g.setFont(Figures.font(11f));
        Figures.text(g, Figures.format(wgt), left + c * colW + (colW - 2) / 2.0, y + contrastH - 9, 0.5);
      }
      g.setFont(Figures.font(11.5f));
      Figures.text(g, con.name(), left + p * colW + 12, y + contrastH - 9, 0);
      y += contrastH;
    }
    g.setColor(Figures.MUTED);
    g.setFont(Figures.font(11f));
    Figures.text(g, FOOTNOTE, left, h - 10, 0);
    g.dispose();
    return img;
  }
}
