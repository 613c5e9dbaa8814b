package org.voxelspark.report;

import org.apache.commons.statistics.distribution.TDistribution;

/**
 * A correlation as a scatter plot reports it.
 *
 * @param r the correlation coefficient, −1..1
 * @param p its two-sided p value
 * @param n number of (x, y) pairs behind it
 * @param label how it was computed, e.g. {@code "Pearson r"} or {@code "partial r | age, sex"}
 */
public record Correlation(double r, double p, int n, String label) {
  /**
   * Pearson's r over the pairs where both x and y are finite, with the two-sided p of
   * {@code t = r·√((n − 2)/(1 − r²))} on n − 2 degrees of freedom (Student's t). NaN r and p for
   * fewer than 3 pairs or a constant variable; p = 0 when |r| = 1.
   */
  public static Correlation pearson(double[] x, double[] y) {
    if (x.length != y.length) {
      throw new IllegalArgumentException("x has " + x.length + " values, y " + y.length);
    }
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
    if (n < 3) {
      return new Correlation(Double.NaN, Double.NaN, n, "Pearson r");
    }
    double mx = sx / n;
    double my = sy / n;
    double sxx = 0;
    double syy = 0;
    double sxy = 0;
    for (int q = 0; q < x.length; q++) {
      if (Double.isFinite(x[q]) && Double.isFinite(y[q])) {
        double dx = x[q] - mx;
        double dy = y[q] - my;
        sxx += dx * dx;
        syy += dy * dy;
        sxy += dx * dy;
      }
    }
    if (sxx == 0 || syy == 0) {
      return new Correlation(Double.NaN, Double.NaN, n, "Pearson r");
    }
    double r = Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
    double p;
    if (Math.abs(r) == 1) {
      p = 0;
    } else {
      double t = r * Math.sqrt((n - 2) / (1 - r * r));
      p = 2 * TDistribution.of(n - 2).survivalProbability(Math.abs(t));
    }
    return new Correlation(r, p, n, "Pearson r");
  }

  /** "Pearson r = 0.40, p = 0.027, n = 30". */
  public String describe() {
    return label + " = " + Figures.fixed(r, 2) + ", " + Figures.pValue(p) + ", n = " + n;
  }
}
