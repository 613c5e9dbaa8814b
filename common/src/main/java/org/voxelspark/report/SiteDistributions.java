package org.voxelspark.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.List;
import org.voxelspark.qc.MaskedStatistics;

/**
 * Per-site distributions of a metric before and after harmonisation (e.g. each subject's mean FA
 * in the group mask, per site, before and after ComBat): two panels on one y scale, a box plot per
 * site (median, quartiles, whiskers to the furthest value within 1.5 IQR of the box) and its
 * values as points (up to {@value #MAX_POINTS} per site; horizontal jitter is deterministic).
 *
 * <p><b>Quartiles</b> by linear interpolation between order statistics (R's type 7, NumPy's
 * default): {@link #quantile}, as {@link MaskedStatistics}.
 *
 * @param title title line
 * @param metricLabel the metric and its unit
 * @param beforeLabel e.g. "before ComBat"
 * @param afterLabel e.g. "after ComBat"
 * @param sites per site, its values before and after (NaNs ignored)
 */
public record SiteDistributions(String title, String metricLabel, String beforeLabel, String afterLabel, List<Site> sites) {
  public SiteDistributions {
    sites = List.copyOf(sites);
    if (sites.isEmpty()) {
      throw new IllegalArgumentException("no site");
    }
  }

  /** Points drawn per site and panel at most. */
  public static final int MAX_POINTS = 300;

  /** One site's values. */
  public record Site(String name, double[] before, double[] after) {
    public Site {
      before = before.clone();
      after = after.clone();
    }
  }

  /** The p-quantile (0..1) of the finite values by R's type 7 (NaN if there is none): {@link MaskedStatistics}. */
  public static double quantile(double[] values, double p) {
    return MaskedStatistics.quantileOfSorted(Arrays.stream(values).filter(Double::isFinite).sorted().toArray(), p);
  }

  public BufferedImage render() {
    int panelW = Math.max(220, 70 * sites.size() + 40);
    int left = 84;
    int gap = 40;
    int w = left + 2 * panelW + gap + 20;
    int h = 400;
    BufferedImage img = Figures.newImage(w, h, Color.WHITE);
    Graphics2D g = Figures.graphics(img);
    PlotAxes.title(g, title, "per site: box = quartiles, line = median, whiskers = 1.5 IQR, points = values", 14);
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (Site s : sites) {
      for (double[] v : new double[][] {s.before(), s.after()}) {
        double[] r = ScatterPlot.range(v);
        if (Arrays.stream(v).anyMatch(Double::isFinite)) {
          lo = Math.min(lo, r[0]);
          hi = Math.max(hi, r[1]);
        }
      }
    }
    if (lo > hi) {
      lo = 0;
      hi = 1;
    }
    double[] yr = Figures.padded(lo, hi, 0.06);
    for (int panel = 0; panel < 2; panel++) {
      PlotAxes ax = new PlotAxes(left + panel * (panelW + gap), 70, panelW, h - 70 - 56, 0, sites.size(), yr[0], yr[1]);
      ax.frame(g, null, panel == 0 ? metricLabel : null, new double[0], null);
      g.setColor(Figures.INK);
      g.setFont(Figures.bold(12f));
      Figures.text(g, panel == 0 ? beforeLabel : afterLabel, ax.left + panelW / 2.0, ax.top - 8, 0.5);
      g.setFont(Figures.font(12f));
      for (int s = 0; s < sites.size(); s++) {
        Site site = sites.get(s);
        double[] v = panel == 0 ? site.before() : site.after();
        double cx = ax.px(s + 0.5);
        Color col = Figures.CATEGORICAL[s % Figures.CATEGORICAL.length];
        g.setColor(Figures.INK);
        Figures.text(g, site.name(), cx, ax.top + ax.height + 17, 0.5);
        double[] finite = Arrays.stream(v).filter(Double::isFinite).toArray();
        if (finite.length == 0) {
          continue;
        }
        double q1 = quantile(finite, 0.25);
        double med = quantile(finite, 0.5);
        double q3 = quantile(finite, 0.75);
        double iqr = q3 - q1;
        double wlo = q1;
        double whi = q3;
        for (double d : finite) {
          if (d >= q1 - 1.5 * iqr) {
            wlo = Math.min(wlo, d);
          }
          if (d <= q3 + 1.5 * iqr) {
            whi = Math.max(whi, d);
          }
        }
        double boxW = Math.min(46, ax.width / (double) sites.size() * 0.5);
        g.setStroke(new BasicStroke(1.3f));
        g.setColor(PlotAxes.translucent(col, 60));
        g.fill(new Rectangle2D.Double(cx - boxW / 2, ax.py(q3), boxW, ax.py(q1) - ax.py(q3)));
        g.setColor(col.darker());
        g.draw(new Rectangle2D.Double(cx - boxW / 2, ax.py(q3), boxW, ax.py(q1) - ax.py(q3)));
        g.drawLine((int) cx, (int) ax.py(q3), (int) cx, (int) ax.py(whi));
        g.drawLine((int) cx, (int) ax.py(q1), (int) cx, (int) ax.py(wlo));
        g.drawLine((int) (cx - boxW / 4), (int) ax.py(whi), (int) (cx + boxW / 4), (int) ax.py(whi));
        g.drawLine((int) (cx - boxW / 4), (int) ax.py(wlo), (int) (cx + boxW / 4), (int) ax.py(wlo));
        g.setStroke(new BasicStroke(2.5f));
        g.drawLine((int) (cx - boxW / 2), (int) Math.round(ax.py(med)), (int) (cx + boxW / 2), (int) Math.round(ax.py(med)));
        int step = Math.max(1, (int) Math.ceil(finite.length / (double) MAX_POINTS));
        g.setColor(PlotAxes.translucent(col, 150));
        for (int q = 0; q < finite.length; q += step) {
          double jitter = ((q * 0.6180339887498949) % 1.0 - 0.5) * boxW * 0.8;
          g.fill(new Ellipse2D.Double(cx + jitter - 2.5, ax.py(finite[q]) - 2.5, 5, 5));
        }
      }
    }
    g.dispose();
    return img;
  }
}
