package org.voxelspark.harmonize;

import java.io.Serializable;

/**
 * Subjects reordered site by site, for the per-feature (general) path of features with missing
 * values or unusable sites, whose loops then run over contiguous ranges, and for copying one site's
 * subjects: {@code order[i]} is the subject at position i, site b occupies positions
 * {@code [start[b], start[b + 1])}, subjects of a site in their original order.
 */
final class SiteOrder implements Serializable {
  private static final long serialVersionUID = 1L;

  final int n;
  final int[] order;
  final int[] start;

  SiteOrder(int[] batchOf, int batchCount) {
    n = batchOf.length;
    start = new int[batchCount + 1];
    for (int b : batchOf) {
      start[b + 1]++;
    }
    for (int b = 0; b < batchCount; b++) {
      start[b + 1] += start[b];
    }
    int[] fill = start.clone();
    order = new int[n];
    for (int s = 0; s < n; s++) {
      order[fill[batchOf[s]]++] = s;
    }
  }

  int size(int b) {
    return start[b + 1] - start[b];
  }

  /** Column f of the subject-major {@code n × v} matrix in site order: {@code dst[i] = src[order[i]·v + f]}. */
  void gatherColumn(double[] src, int f, int v, double[] dst) {
    for (int i = 0; i < n; i++) {
      dst[i] = src[order[i] * v + f];
    }
  }

  /** Subject-major {@code n × q} rows → column-major, site-ordered {@code [j·n + i]}. */
  double[] columns(double[] rows, int q) {
    double[] c = new double[q * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < q; j++) {
        c[j * n + i] = rows[order[i] * q + j];
      }
    }
    return c;
  }

  /**
   * The covariate effect of every position, {@code xb[i] = Σ_j columns[j·n + i] β_j}, with
   * {@code β_j = beta[j·v + f]} (column by column, so the loop vectorises).
   */
  static void covariateEffect(double[] columns, int q, int n, double[] beta, int f, int v, double[] xb) {
    if (q == 0) {
      java.util.Arrays.fill(xb, 0, n, 0.0);
      return;
    }
    double b0 = beta[f];
    for (int i = 0; i < n; i++) {
      xb[i] = columns[i] * b0;
    }
    for (int j = 1; j < q; j++) {
      double bj = beta[j * v + f];
      int off = j * n;
      for (int i = 0; i < n; i++) {
        xb[i] += columns[off + i] * bj;
      }
    }
  }
}
