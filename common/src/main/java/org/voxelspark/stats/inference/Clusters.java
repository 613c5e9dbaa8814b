package org.voxelspark.stats.inference;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.voxelspark.geometry.Affine;

/**
 * Supra-threshold clusters of a statistic image and their table (PALM's {@code palm_clustere} /
 * {@code palm_clusterm}): voxels with x ≥ threshold (PALM's rule; NaN never), connected through
 * the graph's {@link Connectivity} (26 by default for clusters). Per cluster:
 * <ul>
 *   <li>extent: number of voxels;
 *   <li>mass: Σ x over its voxels (PALM's definition, not Σ(x − threshold));
 *   <li>peak: the largest x and its voxel (the lowest index among equal peaks);
 *   <li>centre of mass: the mean (i, j, k) of its voxels, unweighted;
 *   <li>mean effect: the mean of a second map (e.g. the COPE) over its voxels, when given.
 * </ul>
 * Clusters are numbered 1… by decreasing extent (ties by decreasing peak, then lower peak index).
 * World coordinates and atlas labels are added from the image's affine ({@link Row#peakWorld}).
 *
 * <p>Not thread-safe (workspace); one per task.
 */
public final class Clusters {
  private final NeighbourGraph graph;
  private final int[] label;
  private final int[] queue;

  public Clusters(NeighbourGraph graph) {
    this.graph = graph;
    label = new int[graph.size()];
    queue = new int[graph.size()];
  }

  /** One cluster of the table. */
  public record Row(int label, int extent, double mass, double peak, int peakVoxel, int peakIndex, int[] peakIjk,
      double[] centreOfMass, double meanEffect) implements Serializable {
    /** World coordinates (mm) of the peak voxel through the image's affine. */
    public double[] peakWorld(Affine affine) {
      return affine.voxelToWorld(peakIjk[0], peakIjk[1], peakIjk[2]);
    }

    /** World coordinates (mm) of the peak voxel through a row-major 3×4 affine. */
    public double[] peakWorld(double[] affine12) {
      double i = peakIjk[0];
      double j = peakIjk[1];
      double k = peakIjk[2];
      return new double[] {
        affine12[0] * i + affine12[1] * j + affine12[2] * k + affine12[3],
        affine12[4] * i + affine12[5] * j + affine12[6] * k + affine12[7],
        affine12[8] * i + affine12[9] * j + affine12[10] * k + affine12[11]};
    }
  }

  /** The clusters of an image: the table and each voxel's cluster number (0 = none). */
  public record Table(List<Row> rows, int[] labels) implements Serializable {
    /** The largest extent (0 without clusters). */
    public int maxExtent() {
      return rows.isEmpty() ? 0 : rows.get(0).extent();
    }

    /** The largest mass (0 without clusters). */
    public double maxMass() {
      double m = 0;
      for (Row r : rows) {
        m = Math.max(m, r.mass());
      }
      return m;
    }
  }

  /**
   * The cluster table of the compact image {@code x[offset ..]} at {@code threshold}.
   *
   * @param effect a compact map averaged over each cluster, or null
   */
  public Table table(double[] x, int offset, double threshold, double[] effect) {
    int v = graph.size();
    int n = label(x, offset, threshold);
    int[] extent = new int[n + 1];
    double[] mass = new double[n + 1];
    double[] peak = new double[n + 1];
    int[] peakAt = new int[n + 1];
    double[][] com = new double[n + 1][3];
    double[] eff = new double[n + 1];
    Arrays.fill(peak, Double.NEGATIVE_INFINITY);
    MaskedGrid grid = graph.grid();
    for (int m = 0; m < v; m++) {
      int c = label[m];
      if (c == 0) {
        continue;
      }
      double val = x[offset + m];
      extent[c]++;
      mass[c] += val;
      if (val > peak[c]) {
        peak[c] = val;
        peakAt[c] = m;
      }
      int[] ijk = grid.ijk(m);
      for (int a = 0; a < 3; a++) {
        com[c][a] += ijk[a];
      }
      if (effect != null) {
        eff[c] += effect[m];
      }
    }
    Integer[] order = new Integer[n];
    for (int c = 1; c <= n; c++) {
      order[c - 1] = c;
    }
    Arrays.sort(order, (a, b) -> extent[a] != extent[b] ? Integer.compare(extent[b], extent[a])
        : peak[a] != peak[b] ? Double.compare(peak[b], peak[a]) : Integer.compare(peakAt[a], peakAt[b]));
    int[] newLabel = new int[n + 1];
    List<Row> rows = new ArrayList<>();
    for (int r = 0; r < n; r++) {
      int c = order[r];
      newLabel[c] = r + 1;
      double[] centre = {com[c][0] / extent[c], com[c][1] / extent[c], com[c][2] / extent[c]};
      rows.add(new Row(r + 1, extent[c], mass[c], peak[c], peakAt[c], grid.index(peakAt[c]), grid.ijk(peakAt[c]), centre,
          effect == null ? Double.NaN : eff[c] / extent[c]));
    }
    int[] labels = new int[v];
    for (int m = 0; m < v; m++) {
      labels[m] = newLabel[label[m]];
    }
    return new Table(List.copyOf(rows), labels);
  }

  /**
   * The largest cluster extent and mass of an image at {@code threshold}, written to
   * {@code out[0]} (extent) and {@code out[1]} (mass); 0 and 0 without clusters. The per-shuffling
   * kernel of cluster inference.
   */
  public void maxima(double[] x, int offset, double threshold, double[] out) {
    int v = graph.size();
    int n = label(x, offset, threshold);
    int[] extent = new int[n + 1];
    double[] mass = new double[n + 1];
    for (int m = 0; m < v; m++) {
      int c = label[m];
      if (c != 0) {
        extent[c]++;
        mass[c] += x[offset + m];
      }
    }
    int maxE = 0;
    double maxM = 0;
    for (int c = 1; c <= n; c++) {
      maxE = Math.max(maxE, extent[c]);
      maxM = Math.max(maxM, mass[c]);
    }
    out[0] = maxE;
    out[1] = maxM;
  }

  /** Labels connected supra-threshold voxels 1..n in order of their lowest voxel; returns n. */
  private int label(double[] x, int offset, double threshold) {
    int v = graph.size();
    Arrays.fill(label, 0);
    int[] start = graph.start;
    int[] adj = graph.adj;
    int n = 0;
    for (int m = 0; m < v; m++) {
      if (label[m] != 0 || !(x[offset + m] >= threshold)) {
        continue;
      }
      n++;
      label[m] = n;
      int head = 0;
      int tail = 0;
      queue[tail++] = m;
      while (head < tail) {
        int q = queue[head++];
        for (int a = start[q]; a < start[q + 1]; a++) {
          int nb = adj[a];
          if (label[nb] == 0 && x[offset + nb] >= threshold) {
            label[nb] = n;
            queue[tail++] = nb;
          }
        }
      }
    }
    return n;
  }
}
