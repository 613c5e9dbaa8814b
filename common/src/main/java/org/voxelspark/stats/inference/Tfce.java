package org.voxelspark.stats.inference;

import java.util.Arrays;

/**
 * Threshold-free cluster enhancement (Smith and Nichols 2009, NeuroImage 44:83), in PALM's and
 * FSL's discretisation:
 * <pre>
 *   TFCE(v) = Σ_{k : h_k ≤ x_v}  e(v, h_k)^E · h_k^H · Δh,      h_k = k·Δh, k = 1 … K,
 * </pre>
 * where e(v, h) is the number of voxels of the connected component of {x ≥ h} that contains v
 * (neighbours by {@link Connectivity}, inside the mask). Defaults: H = {@value #DEFAULT_H},
 * E = {@value #DEFAULT_E}, 6-connectivity, and PALM's automatic step Δh = max(x)/100 over the
 * image's in-mask values (so K = 100 and h_K = max x exactly); a fixed Δh may be given instead
 * (then K = ⌊max x/Δh⌋). Only positive values are enhanced: a two-sided test passes |z|. NaN
 * voxels are never supra-threshold; +∞ voxels (exact fits) count as the largest finite value. An
 * image with max x ≤ 0 has TFCE 0 everywhere.
 *
 * <p><b>Algorithm.</b> Exact, not the K labelings of the definition: voxels are bucketed by the
 * level at which they enter, levels are processed from the top, components are merged with a
 * union-find (by size) and each level's increment {@code e^E·h^H} is added to a component's root
 * with potentials (a member's total is the sum along its path to the root), so an image costs
 * O(V log V + K·#components). Powers use {@link StrictMath}, so the result is the same bit for bit
 * on every JVM. Agrees with the direct definition to ~1e-12 relative (different summation order).
 *
 * <p>Not thread-safe (workspace); one per task.
 */
public final class Tfce {
  /** PALM's and FSL's default height exponent. */
  public static final double DEFAULT_H = 2.0;
  /** PALM's and FSL's default extent exponent. */
  public static final double DEFAULT_E = 0.5;
  /** PALM's number of automatic steps: Δh = max/100. */
  public static final int AUTO_STEPS = 100;

  private final NeighbourGraph graph;
  private final double h;
  private final double e;
  private final double fixedStep;

  private final int[] parent;
  private final int[] size;
  private final double[] potential;
  private final int[] level;
  private final int[] bucket;
  private final int[] roots;
  private final int[] rootPos;

  /**
   * @param graph neighbours of the in-mask voxels
   * @param heightExponent H
   * @param extentExponent E
   * @param step a fixed Δh &gt; 0, or 0 for PALM's automatic max/100
   */
  public Tfce(NeighbourGraph graph, double heightExponent, double extentExponent, double step) {
    if (!(heightExponent >= 0) || !(extentExponent >= 0) || !(step >= 0) || Double.isInfinite(step)) {
      throw new IllegalArgumentException("TFCE needs H ≥ 0, E ≥ 0, finite Δh ≥ 0");
    }
    this.graph = graph;
    this.h = heightExponent;
    this.e = extentExponent;
    this.fixedStep = step;
    int v = graph.size();
    parent = new int[v];
    size = new int[v];
    potential = new double[v];
    level = new int[v];
    bucket = new int[v];
    roots = new int[v];
    rootPos = new int[v];
  }

  /** PALM's defaults: H = 2, E = 0.5, automatic Δh (the graph carries the connectivity, 6 by default). */
  public static Tfce palmDefaults(NeighbourGraph graph) {
    return new Tfce(graph, DEFAULT_H, DEFAULT_E, 0);
  }

  /** The graph the TFCE is computed on. */
  public NeighbourGraph graph() {
    return graph;
  }

  /** The TFCE image of the compact statistic map {@code x[offset .. offset+V)}. */
  public double[] transform(double[] x, int offset) {
    double[] out = new double[graph.size()];
    run(x, offset, out);
    return out;
  }

  /** Writes the TFCE image of {@code x[offset ..]} into {@code out} (length V) and returns its maximum. */
  public double transform(double[] x, int offset, double[] out) {
    return run(x, offset, out);
  }

  /** The maximum of the TFCE image (0 for an image without positive values). */
  public double max(double[] x, int offset) {
    return run(x, offset, null);
  }

  /** h_k: k·Δh, and exactly max for the last automatic level. */
  private double threshold(int k, double dh, int steps, double max) {
    return fixedStep == 0 && k == steps ? max : k * dh;
  }

  private double run(double[] x, int offset, double[] out) {
    int v = graph.size();
    double max = Double.NEGATIVE_INFINITY;
    for (int m = 0; m < v; m++) {
      double val = x[offset + m];
      if (val > max && val != Double.POSITIVE_INFINITY) {
        max = val;
      }
    }
    double dh = fixedStep > 0 ? fixedStep : max / AUTO_STEPS;
    int steps = !(max > 0) ? 0 : fixedStep > 0 ? (int) Math.min(1 << 24, Math.floor(max / dh)) : AUTO_STEPS;
    if (steps < 1) {
      if (out != null) {
        Arrays.fill(out, 0.0);
      }
      return 0.0;
    }
    // entry level of every voxel: the largest k with x >= h_k (0 = never supra-threshold)
    int[] start = new int[steps + 2];
    for (int m = 0; m < v; m++) {
      double val = x[offset + m];
      int k = 0;
      if (val >= dh) {
        k = (int) Math.min(steps, Math.floor(val / dh));
        while (k < steps && val >= threshold(k + 1, dh, steps, max)) {
          k++;
        }
        while (k >= 1 && val < threshold(k, dh, steps, max)) {
          k--;
        }
      }
      level[m] = k;
      start[k]++;
    }
    // buckets from the top level down: bucket k occupies [pos[k], pos[k] + count[k])
    int[] pos = new int[steps + 1];
    int acc = 0;
    for (int k = steps; k >= 0; k--) {
      pos[k] = acc;
      acc += start[k];
    }
    System.arraycopy(pos, 0, start, 0, steps + 1);
    start[steps + 1] = 0;
    for (int m = 0; m < v; m++) {
      bucket[pos[level[m]]++] = m;
    }
    int nRoots = 0;
    int[] adjStart = graph.start;
    int[] adj = graph.adj;
    for (int k = steps; k >= 1; k--) {
      int b0 = start[k];
      int b1 = b0 + (pos[k] - start[k]);
      for (int t = b0; t < b1; t++) {
        int m = bucket[t];
        parent[m] = m;
        size[m] = 1;
        potential[m] = 0;
        roots[nRoots] = m;
        rootPos[m] = nRoots++;
      }
      for (int t = b0; t < b1; t++) {
        int m = bucket[t];
        for (int a = adjStart[m]; a < adjStart[m + 1]; a++) {
          int nb = adj[a];
          if (level[nb] < k) {
            continue;
          }
          int ra = find(m);
          int rb = find(nb);
          if (ra == rb) {
            continue;
          }
          if (size[ra] < size[rb]) {
            int tmp = ra;
            ra = rb;
            rb = tmp;
          }
          parent[rb] = ra;
          size[ra] += size[rb];
          potential[rb] -= potential[ra];
          int at = rootPos[rb];
          int last = roots[--nRoots];
          roots[at] = last;
          rootPos[last] = at;
        }
      }
      double hp = StrictMath.pow(threshold(k, dh, steps, max), h);
      for (int r = 0; r < nRoots; r++) {
        int root = roots[r];
        potential[root] += StrictMath.pow(size[root], e) * hp;
      }
    }
    double best = 0;
    for (int m = 0; m < v; m++) {
      double val = 0;
      if (level[m] > 0) {
        int q = m;
        while (true) {
          val += potential[q];
          if (parent[q] == q) {
            break;
          }
          q = parent[q];
        }
        val *= dh;
      }
      if (out != null) {
        out[m] = val;
      }
      if (val > best) {
        best = val;
      }
    }
    return best;
  }

  private int find(int m) {
    while (parent[m] != m) {
      m = parent[m];
    }
    return m;
  }
}
