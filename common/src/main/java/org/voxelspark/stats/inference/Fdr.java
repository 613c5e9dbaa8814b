package org.voxelspark.stats.inference;

import java.util.Arrays;

/**
 * False discovery rate adjustment of p-values.
 */
public final class Fdr {
  private Fdr() {}

  /**
   * Benjamini–Hochberg (1995) adjusted p-values ("q-values" in PALM's {@code _fdrp} maps):
   * with the V finite p-values sorted ascending, {@code q_(i) = min_{l ≥ i} min(1, p_(l)·V/l)}, then
   * put back in voxel order; the same as PALM's {@code fastfdr}. A voxel is significant at FDR level
   * α when q ≤ α. NaN p-values are left out of V and stay NaN. Ties get equal q.
   */
  public static double[] benjaminiHochberg(double[] p) {
    int v = 0;
    for (double x : p) {
      if (!Double.isNaN(x)) {
        v++;
      }
    }
    Integer[] order = new Integer[v];
    int t = 0;
    for (int j = 0; j < p.length; j++) {
      if (!Double.isNaN(p[j])) {
        order[t++] = j;
      }
    }
    Arrays.sort(order, (a, b) -> Double.compare(p[a], p[b]));
    double[] q = new double[p.length];
    Arrays.fill(q, Double.NaN);
    double prev = 1.0;
    for (int i = v - 1; i >= 0; i--) {
      int j = order[i];
      double adj = Math.min(prev, p[j] * v / (i + 1));
      q[j] = adj;
      prev = adj;
    }
    return q;
  }
}
