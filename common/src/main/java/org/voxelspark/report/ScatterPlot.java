package org.voxelspark.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.statistics.distribution.TDistribution;

/**
 * A scatter plot of a metric against a score (e.g. a cluster's mean ReHo against spasm severity)
 * with the least-squares line, its 95% confidence band, and the correlation in the subtitle.
 *
 * <p><b>Fit</b>: ordinary least squares of y on x over the pairs where both are finite; the band
 * is the 95% confidence interval of the mean, {@code ŷ ± t(0.975, n−2)·s·√(1/n + (x − x̄)²/Sxx)}.
 * <b>Correlation</b>: {@code correlation} when given (e.g. the group stage's partial r with its
 * covariates, whose p comes from the analysis), otherwise {@link Correlation#pearson} of the points.
 *
 * @param title title line
 * @param xLabel x axis label with its unit
 * @param yLabel y axis label with its unit ("{scale}" is replaced by a power of ten when the values need one)
 * @param x one value per subject
 * @param y one value per subject
 * @param groups a group name per subject for the point colours (legend), or null for one colour
 * @param correlation the statistic to report, or null to compute Pearson's
 */
public record ScatterPlot(String title, String xLabel, String yLabel, double[] x, double[] y, String[] groups,
    Correlation correlation) {
  public ScatterPlot {
    if (x.length != y.length || (groups != null && groups.length != x.length)) {
      throw new IllegalArgumentException("x, y (and groups) need one value per subject");
    }
    x = x.clone();
    y = y.clone();
    groups = groups == null ? null : groups.clone();
  }

  /** The correlation the plot reports. */
  public Correlation reported() {
    return correlation != null ? correlation : Correlation.pearson(x, y);
  }

  /** Least-squares {intercept, slope, residual SD, x̄, Sxx, n} over the finite pairs (NaN when n < 3). */
  public double[] fit() {
    double sx = 0;
    double sy = 0;
    int n = 0;
    for (int q = 0; q < x.length; q++) {
      if (Double.isFinite(x[q]) && Double.isFinite(y[q])) {
        sx += x[q];
        sy += y[q];
        n++;
      }
    }
    double mx = sx / n;
    double my = sy / n;
    double sxx = 0;
    double sxy = 0;
    for (int q = 0; q < x.length; q++) {
      if (Double.isFinite(x[q]) && Double.isFinite(y[q])) {
        sxx += (x[q] - mx) * (x[q] - mx);
        sxy += (x[q] - mx) * (y[q] - my);
      }
    }
    if (n < 3 || sxx == 0) {
      return new double[] {Double.NaN, Double.NaN, Double.NaN, mx, sxx, n};
    }
    double slope = sxy / sxx;
    double intercept = my - slope * mx;
    double sse = 0;
    for (int q = 0; q < x.length; q++) {
      if (Double.isFinite(x[q]) && Double.isFinite(y[q])) {
        double e = y[q] - intercept - slope * x[q];
        sse += e * e;
      }
    }
    return new double[] {intercept, slope, Math.sqrt(sse / (n - 2)), mx, sxx, n};
  }

  public BufferedImage render() {
    int w = 560;
    int h = 420;
    BufferedImage img = Figures.newImage(w, h, Color.WHITE);
    Graphics2D g = Figures.graphics(img);
    Correlation c = reported();
    PlotAxes.title(g, title, c.describe(), 14);
    double[] xr = range(x);
    double[] yr = range(y);
    xr = Figures.padded(xr[0], xr[1], 0.06);
    yr = Figures.padded(yr[0], yr[1], 0.08);
    PlotAxes ax = new PlotAxes(78, 54, w - 78 - (groups == null ? 24 : 110), h - 54 - 56, xr[0], xr[1], yr[0], yr[1]);
    ax.frame(g, xLabel, yLabel, null, null);
    java.awt.Shape clip = g.getClip();
    g.clipRect(ax.left, ax.top, ax.width, ax.height);
    double[] f = fit();
    if (Double.isFinite(f[1])) {
      double tq = TDistribution.of(f[5] - 2).inverseCumulativeProbability(0.975);
      Path2D band = new Path2D.Double();
      int steps = 60;
      for (int s = 0; s <= steps; s++) {
        double xv = xr[0] + (xr[1] - xr[0]) * s / steps;
        double half = tq * f[2] * Math.sqrt(1 / f[5] + (xv - f[3]) * (xv - f[3]) / f[4]);
        double yv = f[0] + f[1] * xv + half;
        if (s == 0) {
          band.moveTo(ax.px(xv), ax.py(yv));
        } else {
          band.lineTo(ax.px(xv), ax.py(yv));
        }
      }
      for (int s = steps; s >= 0; s--) {
        double xv = xr[0] + (xr[1] - xr[0]) * s / steps;
        double half = tq * f[2] * Math.sqrt(1 / f[5] + (xv - f[3]) * (xv - f[3]) / f[4]);
        band.lineTo(ax.px(xv), ax.py(f[0] + f[1] * xv - half));
      }
      band.closePath();
      g.setColor(new Color(0x55, 0x55, 0x55, 40));
      g.fill(band);
      g.setColor(new Color(0x33, 0x33, 0x33));
      g.setStroke(new BasicStroke(2f));
      g.drawLine((int) ax.px(xr[0]), (int) Math.round(ax.py(f[0] + f[1] * xr[0])), (int) ax.px(xr[1]),
          (int) Math.round(ax.py(f[0] + f[1] * xr[1])));
    }
    Map<String, Color> colours = new LinkedHashMap<>();
    for (int q = 0; q < x.length; q++) {
      if (!Double.isFinite(x[q]) || !Double.isFinite(y[q])) {
        continue;
      }
      String group = groups == null ? "" : groups[q];
      Color col = colours.computeIfAbsent(group, k -> Figures.CATEGORICAL[colours.size() % Figures.CATEGORICAL.length]);
      Ellipse2D dot = new Ellipse2D.Double(ax.px(x[q]) - 4, ax.py(y[q]) - 4, 8, 8);
      g.setColor(PlotAxes.translucent(col, 200));
      g.fill(dot);
      g.setColor(Color.WHITE);
      g.setStroke(new BasicStroke(0.8f));
      g.draw(dot);
    }
    g.setClip(clip);
    if (groups != null) {
      g.setFont(Figures.font(11.5f));
      int ly = ax.top + 8;
      List<String> names = new ArrayList<>(colours.keySet());
      for (String name : names) {
        g.setColor(colours.get(name));
        g.fill(new Ellipse2D.Double(ax.left + ax.width + 14, ly - 4, 8, 8));
        g.setColor(Figures.INK);
        Figures.text(g, name, ax.left + ax.width + 28, ly + 4, 0);
        ly += 18;
      }
    }
    g.dispose();
    return img;
  }

  static double[] range(double[] v) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (double d : v) {
      if (Double.isFinite(d)) {
        lo = Math.min(lo, d);
        hi = Math.max(hi, d);
      }
    }
    return lo <= hi ? new double[] {lo, hi} : new double[] {0, 1};
  }
}
