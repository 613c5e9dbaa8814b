package org.voxelspark.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * The permutation distribution of the maximum statistic (one value per shuffling, the identity
 * included) as a histogram, with the FWE threshold (dashed) and the observed maxima (solid, each
 * labelled with its FWE-corrected p) marked.
 *
 * <p><b>Bins</b>: {@code clamp(⌈√N⌉, 10, 60)} equal bins over the range of the null maxima and
 * the marks. The threshold and the p values are the caller's (the group stage computes them with
 * its own convention); the figure only draws them.
 *
 * @param title title line
 * @param statisticLabel e.g. "max t over the brain"
 * @param maxima the null distribution (N values)
 * @param threshold the FWE threshold (e.g. the 95th percentile), NaN to omit
 * @param thresholdLabel e.g. "FWE 5%"
 * @param observed the observed maxima to mark
 */
public record NullHistogram(String title, String statisticLabel, double[] maxima, double threshold, String thresholdLabel,
    List<Observed> observed) {
  public NullHistogram {
    maxima = maxima.clone();
    observed = List.copyOf(observed);
    if (maxima.length == 0) {
      throw new IllegalArgumentException("an empty null distribution");
    }
  }

  /** An observed maximum: its label (contrast or cluster), value and FWE-corrected p (NaN to omit). */
  public record Observed(String label, double value, double pFwe) {}

  static final Color THRESHOLD = new Color(0x44, 0x44, 0x44);
  static final Color[] OBSERVED = {new Color(0xD5, 0x5E, 0x00), new Color(0xCC, 0x79, 0xA7), new Color(0x00, 0x9E, 0x73),
    new Color(0xE6, 0x9F, 0x00)};
  static final BasicStroke DASHED = new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
      new float[] {5f, 3f}, 0f);

  /** Number of bins for {@code n} values. */
  public static int bins(int n) {
    return Math.max(10, Math.min(60, (int) Math.ceil(Math.sqrt(n))));
  }

  /** Counts per bin over [lo, hi] (a value equal to hi goes in the last bin). */
  public static int[] histogram(double[] values, double lo, double hi, int bins) {
    int[] counts = new int[bins];
    for (double v : values) {
      if (Double.isFinite(v)) {
        int b = (int) Math.floor((v - lo) / (hi - lo) * bins);
        counts[Math.max(0, Math.min(bins - 1, b))]++;
      }
    }
    return counts;
  }

  public BufferedImage render() {
    int w = 620;
    int h = 380;
    BufferedImage img = Figures.newImage(w, h, Color.WHITE);
    Graphics2D g = Figures.graphics(img);
    PlotAxes.title(g, title, "null distribution of the maximum over " + maxima.length + " shufflings", 14);
    double[] r = ScatterPlot.range(maxima);
    double lo = r[0];
    double hi = r[1];
    for (Observed o : observed) {
      if (Double.isFinite(o.value())) {
        lo = Math.min(lo, o.value());
        hi = Math.max(hi, o.value());
      }
    }
    if (Double.isFinite(threshold)) {
      lo = Math.min(lo, threshold);
      hi = Math.max(hi, threshold);
    }
    if (!(hi > lo)) {
      hi = lo + 1;
    }
    int bins = bins(maxima.length);
    double binLo = r[0];
    double binHi = r[1] > r[0] ? r[1] : r[0] + 1;
    int[] counts = histogram(maxima, binLo, binHi, bins);
    int maxCount = 1;
    for (int c : counts) {
      maxCount = Math.max(maxCount, c);
    }
    double[] xr = Figures.padded(lo, hi, 0.04);
    PlotAxes ax = new PlotAxes(70, 52, w - 70 - 24, h - 52 - 58, xr[0], xr[1], 0, maxCount * 1.18);
    ax.frame(g, statisticLabel, "shufflings", null, null);
    g.setColor(new Color(0x9E, 0xB9, 0xD4));
    double bw = (binHi - binLo) / bins;
    for (int b = 0; b < bins; b++) {
      double x0 = ax.px(binLo + b * bw);
      double x1 = ax.px(binLo + (b + 1) * bw);
      double y = ax.py(counts[b]);
      g.fill(new Rectangle2D.Double(x0, y, Math.max(1, x1 - x0 - 0.5), ax.top + ax.height - y));
    }
    g.setFont(Figures.font(11.5f));
    // marks: dashed threshold, solid observed maxima; their values in a legend at the top right
    List<String> legend = new java.util.ArrayList<>();
    List<Color> legendColours = new java.util.ArrayList<>();
    List<Boolean> dashed = new java.util.ArrayList<>();
    if (Double.isFinite(threshold)) {
      int x = (int) Math.round(ax.px(threshold));
      g.setColor(THRESHOLD);
      g.setStroke(DASHED);
      g.drawLine(x, ax.top, x, ax.top + ax.height);
      legend.add(thresholdLabel + " = " + Figures.format(threshold));
      legendColours.add(THRESHOLD);
      dashed.add(true);
    }
    int mark = 0;
    for (Observed o : observed) {
      if (!Double.isFinite(o.value())) {
        continue;
      }
      Color c = OBSERVED[mark++ % OBSERVED.length];
      int x = (int) Math.round(ax.px(o.value()));
      g.setColor(c);
      g.setStroke(new BasicStroke(2f));
      g.drawLine(x, ax.top, x, ax.top + ax.height);
      legend.add(o.label() + " = " + Figures.format(o.value())
          + (Double.isFinite(o.pFwe()) ? " (p_FWE " + Figures.pValue(o.pFwe()).substring(2) + ")" : ""));
      legendColours.add(c);
      dashed.add(false);
    }
    if (!legend.isEmpty()) {
      int lw = 0;
      for (String s : legend) {
        lw = Math.max(lw, Figures.width(g, s));
      }
      int bx = ax.left + ax.width - lw - 48;
      int by = ax.top + 8;
      g.setColor(new Color(255, 255, 255, 225));
      g.fillRect(bx, by, lw + 40, 18 * legend.size() + 8);
      g.setColor(Figures.GRID);
      g.setStroke(new BasicStroke(1f));
      g.drawRect(bx, by, lw + 40, 18 * legend.size() + 8);
      for (int q = 0; q < legend.size(); q++) {
        int ly = by + 17 + 18 * q;
        g.setColor(legendColours.get(q));
        g.setStroke(dashed.get(q) ? DASHED : new BasicStroke(2f));
        g.drawLine(bx + 8, ly - 4, bx + 28, ly - 4);
        g.setColor(Figures.INK);
        Figures.text(g, legend.get(q), bx + 34, ly, 0);
      }
    }
    g.dispose();
    return img;
  }
}
