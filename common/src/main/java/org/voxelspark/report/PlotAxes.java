package org.voxelspark.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;

/**
 * The data-to-pixel mapping and frame of one 2D plot panel: a plot area at (left, top) of
 * width × height pixels showing {@code [xmin, xmax] × [ymin, ymax]}, y upwards.
 */
final class PlotAxes {
  final int left;
  final int top;
  final int width;
  final int height;
  final double xmin;
  final double xmax;
  final double ymin;
  final double ymax;

  PlotAxes(int left, int top, int width, int height, double xmin, double xmax, double ymin, double ymax) {
    this.left = left;
    this.top = top;
    this.width = width;
    this.height = height;
    this.xmin = xmin;
    this.xmax = xmax;
    this.ymin = ymin;
    this.ymax = ymax;
  }

  double px(double x) {
    return left + (x - xmin) / (xmax - xmin) * width;
  }

  double py(double y) {
    return top + height - (y - ymin) / (ymax - ymin) * height;
  }

  /**
   * Grid lines, the frame, tick labels and axis labels. {@code xTicks}/{@code yTicks} null: nice
   * ticks; empty: none. Labels may contain "{scale}", replaced by the axis's power of ten.
   */
  void frame(Graphics2D g, String xLabel, String yLabel, double[] xTicks, double[] yTicks) {
    int xe = Figures.scaleExponent(xmin, xmax);
    int ye = Figures.scaleExponent(ymin, ymax);
    double[] xt = xTicks != null ? xTicks : Figures.ticks(xmin, xmax, 6);
    double[] yt = yTicks != null ? yTicks : Figures.ticks(ymin, ymax, 6);
    g.setStroke(new BasicStroke(1f));
    g.setFont(Figures.font(11f));
    for (double t : yt) {
      int y = (int) Math.round(py(t));
      g.setColor(Figures.GRID);
      g.drawLine(left, y, left + width, y);
      g.setColor(Figures.INK);
      g.drawLine(left - 4, y, left, y);
      Figures.text(g, Figures.format(t / Math.pow(10, ye)), left - 7, y + 4, 1);
    }
    for (double t : xt) {
      int x = (int) Math.round(px(t));
      g.setColor(Figures.GRID);
      g.drawLine(x, top, x, top + height);
      g.setColor(Figures.INK);
      g.drawLine(x, top + height, x, top + height + 4);
      Figures.text(g, Figures.format(t / Math.pow(10, xe)), x, top + height + 17, 0.5);
    }
    g.setColor(Figures.INK);
    g.drawRect(left, top, width, height);
    g.setFont(Figures.font(12f));
    if (xLabel != null) {
      Figures.text(g, label(xLabel, xe), left + width / 2.0, top + height + 36, 0.5);
    }
    if (yLabel != null) {
      Figures.verticalText(g, label(yLabel, ye), left - 48, top + height / 2.0);
    }
  }

  static String label(String label, int exponent) {
    return label.replace("{scale}", Figures.scaleLabel(exponent)).replace("  ", " ").replace("( ", "(").trim();
  }

  static void title(Graphics2D g, String title, String subtitle, int x) {
    g.setColor(Figures.INK);
    g.setFont(Figures.bold(14f));
    Figures.text(g, title, x, 20, 0);
    if (subtitle != null && !subtitle.isEmpty()) {
      g.setColor(Figures.MUTED);
      g.setFont(Figures.font(11.5f));
      Figures.text(g, subtitle, x, 37, 0);
    }
  }

  static Color translucent(Color c, int alpha) {
    return new Color(c.getRed(), c.getGreen(), c.getBlue(), alpha);
  }
}
