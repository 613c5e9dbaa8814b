package org.voxelspark.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * A forest plot of a multi-centre meta-analysis for one cluster or ROI: one row per site (effect
 * and confidence interval, a square whose area is proportional to the site's weight), the pooled
 * effect as a diamond spanning its confidence interval, a dashed line at no effect (0), and the
 * heterogeneity (I², τ², Q and its p) under the plot. The numbers are written beside each row.
 *
 * @param title title line
 * @param effectLabel the effect size and its unit, e.g. "Hedges g" or "Fisher z of partial r"
 * @param studies the sites, top to bottom; a site with a NaN estimate is listed as "not estimable"
 * @param pooled the pooled effect
 * @param heterogeneity between-site heterogeneity, or null
 */
public record ForestPlot(String title, String effectLabel, List<Study> studies, Pooled pooled, Heterogeneity heterogeneity) {
  public ForestPlot {
    studies = List.copyOf(studies);
  }

  /**
   * One site.
   *
   * @param label site name (and n, if wanted)
   * @param estimate effect size
   * @param lower lower bound of its confidence interval
   * @param upper upper bound
   * @param weightPercent its weight in the pooled estimate, % (NaN when unknown)
   */
  public record Study(String label, double estimate, double lower, double upper, double weightPercent) {}

  /**
   * The pooled effect.
   *
   * @param label the model, e.g. "Random effects (REML)"
   * @param p two-sided p value of the pooled effect (NaN to omit)
   */
  public record Pooled(String label, double estimate, double lower, double upper, double p) {}

  /**
   * Heterogeneity between sites.
   *
   * @param i2Percent I², %
   * @param tau2 τ², in the effect's unit squared
   * @param q Cochran's Q
   * @param df its degrees of freedom (k − 1)
   * @param pQ p value of Q
   */
  public record Heterogeneity(double i2Percent, double tau2, double q, int df, double pQ) {
    /** "I² = 42%, τ² = 0.031, Q = 8.6 (df = 5), p = 0.13". */
    public String describe() {
      return "I² = " + Figures.fixed(i2Percent, 0) + "%, τ² = " + Figures.format(tau2) + ", Q = " + Figures.format(q)
          + " (df = " + df + "), " + Figures.pValue(pQ);
    }
  }

  public BufferedImage render() {
    int rowH = 26;
    int top = 88;
    int labelW = 150;
    int plotW = 300;
    int numbersW = 190;
    int w = 14 + labelW + plotW + numbersW + 14;
    int rows = studies.size() + 1;
    int h = top + rows * rowH + 18 + 62;
    BufferedImage img = Figures.newImage(w, h, Color.WHITE);
    Graphics2D g = Figures.graphics(img);
    PlotAxes.title(g, title, effectLabel + ", 95% confidence intervals", 14);
    double lo = Math.min(0, pooled.lower());
    double hi = Math.max(0, pooled.upper());
    for (Study s : studies) {
      if (Double.isFinite(s.lower())) {
        lo = Math.min(lo, s.lower());
      }
      if (Double.isFinite(s.upper())) {
        hi = Math.max(hi, s.upper());
      }
    }
    double[] r = Figures.padded(lo, hi, 0.08);
    int plotTop = top - 10;
    int plotH = rows * rowH + 8;
    PlotAxes ax = new PlotAxes(14 + labelW, plotTop, plotW, plotH, r[0], r[1], 0, 1);
    // header row
    g.setFont(Figures.bold(11.5f));
    g.setColor(Figures.MUTED);
    Figures.text(g, "site", 14, top - 18, 0);
    Figures.text(g, "effect [95% CI]", ax.left + plotW + 12, top - 18, 0);
    Figures.text(g, "weight", w - 14, top - 18, 1);
    // x axis: ticks, no grid
    g.setFont(Figures.font(11f));
    g.setColor(Figures.INK);
    int axisY = plotTop + plotH;
    g.drawLine(ax.left, axisY, ax.left + plotW, axisY);
    for (double t : Figures.ticks(r[0], r[1], 6)) {
      int x = (int) Math.round(ax.px(t));
      g.drawLine(x, axisY, x, axisY + 4);
      Figures.text(g, Figures.format(t), x, axisY + 17, 0.5);
    }
    g.setFont(Figures.font(12f));
    Figures.text(g, effectLabel, ax.left + plotW / 2.0, axisY + 34, 0.5);
    // no-effect line
    g.setColor(Figures.MUTED);
    g.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {4f, 3f}, 0f));
    g.drawLine((int) Math.round(ax.px(0)), plotTop, (int) Math.round(ax.px(0)), axisY);
    double maxWeight = studies.stream().mapToDouble(Study::weightPercent).filter(Double::isFinite).max().orElse(1);
    g.setStroke(new BasicStroke(1.5f));
    for (int q = 0; q < studies.size(); q++) {
      Study s = studies.get(q);
      int cy = top + q * rowH + rowH / 2;
      g.setColor(Figures.INK);
      g.setFont(Figures.font(12f));
      Figures.text(g, s.label(), 14, cy + 4, 0);
      if (!Double.isFinite(s.estimate())) {
        g.setColor(Figures.MUTED);
        Figures.text(g, "not estimable", ax.left + plotW + 12, cy + 4, 0);
        continue;
      }
      g.drawLine((int) Math.round(ax.px(s.lower())), cy, (int) Math.round(ax.px(s.upper())), cy);
      double side = 5 + 9 * Math.sqrt(Double.isFinite(s.weightPercent()) ? s.weightPercent() / maxWeight : 0.5);
      g.fill(new Rectangle2D.Double(ax.px(s.estimate()) - side / 2, cy - side / 2, side, side));
      Figures.text(g, interval(s.estimate(), s.lower(), s.upper()), ax.left + plotW + 12, cy + 4, 0);
      Figures.text(g, Double.isFinite(s.weightPercent()) ? Figures.fixed(s.weightPercent(), 1) + "%" : "", w - 14, cy + 4, 1);
    }
    int cy = top + studies.size() * rowH + rowH / 2;
    g.setColor(Figures.INK);
    g.drawLine(14, cy - rowH / 2, w - 14, cy - rowH / 2);
    g.setFont(Figures.bold(12f));
    Figures.text(g, pooled.label(), 14, cy + 4, 0);
    Path2D diamond = new Path2D.Double();
    diamond.moveTo(ax.px(pooled.lower()), cy);
    diamond.lineTo(ax.px(pooled.estimate()), cy - 7);
    diamond.lineTo(ax.px(pooled.upper()), cy);
    diamond.lineTo(ax.px(pooled.estimate()), cy + 7);
    diamond.closePath();
    g.setColor(new Color(0x00, 0x72, 0xB2));
    g.fill(diamond);
    g.setColor(Figures.INK);
    Figures.text(g, interval(pooled.estimate(), pooled.lower(), pooled.upper()), ax.left + plotW + 12, cy + 4, 0);
    g.setFont(Figures.font(11.5f));
    g.setColor(Figures.MUTED);
    String foot = (Double.isFinite(pooled.p()) ? "pooled effect " + Figures.pValue(pooled.p()) : "")
        + (heterogeneity == null ? "" : (Double.isFinite(pooled.p()) ? "; " : "") + "heterogeneity " + heterogeneity.describe());
    Figures.text(g, foot, 14, h - 10, 0);
    g.dispose();
    return img;
  }

  static String interval(double e, double lo, double hi) {
    return Figures.fixed(e, 2) + " [" + Figures.fixed(lo, 2) + ", " + Figures.fixed(hi, 2) + "]";
  }
}
