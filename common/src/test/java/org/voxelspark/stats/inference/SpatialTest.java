package org.voxelspark.stats.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.voxelspark.geometry.Affine;

/**
 * TFCE and clusters against a direct implementation of their definitions (a fresh flood-fill
 * labelling of the whole volume at every threshold, written here independently of the kernels),
 * against closed forms, and the mergeable spatial null.
 */
class SpatialTest {
  static final int NX = 14;
  static final int NY = 11;
  static final int NZ = 9;

  /** A smooth random field (box-filtered noise) with a hole in the mask. */
  static double[] field(SplittableRandom rnd, boolean[] mask) {
    double[] noise = new double[NX * NY * NZ];
    for (int q = 0; q < noise.length; q++) {
      noise[q] = rnd.nextGaussian();
    }
    double[] f = new double[noise.length];
    for (int k = 0; k < NZ; k++) {
      for (int j = 0; j < NY; j++) {
        for (int i = 0; i < NX; i++) {
          double s = 0;
          int c = 0;
          for (int dk = -1; dk <= 1; dk++) {
            for (int dj = -1; dj <= 1; dj++) {
              for (int di = -1; di <= 1; di++) {
                int a = i + di;
                int b = j + dj;
                int cc = k + dk;
                if (a >= 0 && b >= 0 && cc >= 0 && a < NX && b < NY && cc < NZ) {
                  s += noise[a + NX * (b + NY * cc)];
                  c++;
                }
              }
            }
          }
          int q = i + NX * (j + NY * k);
          f[q] = 2.5 * s / Math.sqrt(c) + 0.8;
          mask[q] = !(i >= 5 && i <= 7 && j >= 3 && j <= 5) && !(k == 0 && i < 3);
        }
      }
    }
    return f;
  }

  static boolean neighbour(int di, int dj, int dk, int conn) {
    int nz = Math.abs(di) + Math.abs(dj) + Math.abs(dk);
    return nz >= 1 && (conn == 6 ? nz == 1 : conn == 18 ? nz <= 2 : true);
  }

  /** Components of {x ≥ h} inside the mask by flood fill: component size per voxel (0 outside). */
  static int[] componentSizes(double[] vol, boolean[] mask, double h, int conn) {
    int[] lab = new int[vol.length];
    int[] sizes = new int[vol.length + 1];
    int n = 0;
    for (int q = 0; q < vol.length; q++) {
      if (!mask[q] || lab[q] != 0 || !(vol[q] >= h)) {
        continue;
      }
      n++;
      ArrayDeque<Integer> dq = new ArrayDeque<>();
      dq.add(q);
      lab[q] = n;
      while (!dq.isEmpty()) {
        int c = dq.poll();
        sizes[n]++;
        int i = c % NX;
        int j = (c / NX) % NY;
        int k = c / (NX * NY);
        for (int dk = -1; dk <= 1; dk++) {
          for (int dj = -1; dj <= 1; dj++) {
            for (int di = -1; di <= 1; di++) {
              if (!neighbour(di, dj, dk, conn)) {
                continue;
              }
              int a = i + di;
              int b = j + dj;
              int cc = k + dk;
              if (a < 0 || b < 0 || cc < 0 || a >= NX || b >= NY || cc >= NZ) {
                continue;
              }
              int r = a + NX * (b + NY * cc);
              if (mask[r] && lab[r] == 0 && vol[r] >= h) {
                lab[r] = n;
                dq.add(r);
              }
            }
          }
        }
      }
    }
    int[] out = new int[vol.length];
    for (int q = 0; q < vol.length; q++) {
      out[q] = lab[q] == 0 ? 0 : sizes[lab[q]];
    }
    return out;
  }

  /** TFCE straight from the definition: K labellings. */
  static double[] tfceDirect(double[] vol, boolean[] mask, int conn, double hExp, double eExp) {
    double max = Double.NEGATIVE_INFINITY;
    for (int q = 0; q < vol.length; q++) {
      if (mask[q]) {
        max = Math.max(max, vol[q]);
      }
    }
    double[] t = new double[vol.length];
    double dh = max / 100;
    for (int k = 1; k <= 100; k++) {
      double h = k == 100 ? max : k * dh;
      int[] size = componentSizes(vol, mask, h, conn);
      for (int q = 0; q < vol.length; q++) {
        if (size[q] > 0) {
          t[q] += Math.pow(size[q], eExp) * Math.pow(h, hExp);
        }
      }
    }
    for (int q = 0; q < vol.length; q++) {
      t[q] *= dh;
    }
    return t;
  }

  static double[] compact(MaskedGrid g, double[] vol) {
    double[] c = new double[g.size()];
    for (int m = 0; m < g.size(); m++) {
      c[m] = vol[g.index(m)];
    }
    return c;
  }

  @Test
  void tfceMatchesItsDefinitionForEveryConnectivity() {
    SplittableRandom rnd = new SplittableRandom(12);
    for (Connectivity conn : Connectivity.values()) {
      for (double[] he : new double[][] {{2, 0.5}, {2, 1}, {1, 2}}) {
        boolean[] mask = new boolean[NX * NY * NZ];
        double[] vol = field(rnd, mask);
        MaskedGrid g = MaskedGrid.of(NX, NY, NZ, mask);
        Tfce tfce = new Tfce(g.graph(conn), he[0], he[1], 0);
        double[] mine = tfce.transform(compact(g, vol), 0);
        double[] ref = tfceDirect(vol, mask, conn.neighbours(), he[0], he[1]);
        double worst = 0;
        double best = 0;
        for (int m = 0; m < g.size(); m++) {
          double r = ref[g.index(m)];
          worst = Math.max(worst, Math.abs(mine[m] - r) / Math.max(1e-300, Math.abs(r)));
          best = Math.max(best, r);
        }
        assertTrue(worst < 1e-11, conn + " H=" + he[0] + " E=" + he[1] + ": relative error " + worst);
        assertEquals(best, tfce.max(compact(g, vol), 0), 1e-11 * best);
      }
    }
  }

  @Test
  void tfceOfAnIsolatedVoxelIsTheClosedForm() {
    boolean[] mask = new boolean[NX * NY * NZ];
    java.util.Arrays.fill(mask, true);
    MaskedGrid g = MaskedGrid.of(NX, NY, NZ, mask);
    double[] x = new double[g.size()];
    java.util.Arrays.fill(x, -1);
    x[g.compact(5 + NX * (5 + NY * 4))] = 3.0;
    x[g.compact(1 + NX * (1 + NY * 1))] = Double.NaN;
    double[] t = Tfce.palmDefaults(g.graph(Connectivity.SIX)).transform(x, 0);
    // Σ_k (k·x/100)²·1^0.5·x/100 = x³·Σk²/100³, Σ_{k=1}^{100} k² = 338350
    assertEquals(27.0 * 338350 / 1e6, t[g.compact(5 + NX * (5 + NY * 4))], 1e-12);
    for (int m = 0; m < g.size(); m++) {
      if (m != g.compact(5 + NX * (5 + NY * 4))) {
        assertEquals(0.0, t[m], 0.0);
      }
    }
    double[] neg = new double[g.size()];
    java.util.Arrays.fill(neg, -2);
    assertEquals(0.0, Tfce.palmDefaults(g.graph(Connectivity.SIX)).max(neg, 0), 0.0, "nothing positive: 0");
  }

  @Test
  void fixedStepTfce() {
    SplittableRandom rnd = new SplittableRandom(2);
    boolean[] mask = new boolean[NX * NY * NZ];
    double[] vol = field(rnd, mask);
    MaskedGrid g = MaskedGrid.of(NX, NY, NZ, mask);
    double step = 0.1;
    double[] mine = new Tfce(g.graph(Connectivity.SIX), 2, 0.5, step).transform(compact(g, vol), 0);
    double max = Double.NEGATIVE_INFINITY;
    for (int m = 0; m < g.size(); m++) {
      max = Math.max(max, vol[g.index(m)]);
    }
    double[] ref = new double[vol.length];
    for (int k = 1; k * step <= max; k++) {
      int[] size = componentSizes(vol, mask, k * step, 6);
      for (int q = 0; q < vol.length; q++) {
        if (size[q] > 0) {
          ref[q] += Math.sqrt(size[q]) * (k * step) * (k * step) * step;
        }
      }
    }
    for (int m = 0; m < g.size(); m++) {
      assertEquals(ref[g.index(m)], mine[m], 1e-10 * Math.max(1, ref[g.index(m)]));
    }
  }

  @Test
  void clusterTableAgainstFloodFillAndByHand() {
    int nx = 8;
    int ny = 6;
    int nz = 3;
    boolean[] mask = new boolean[nx * ny * nz];
    java.util.Arrays.fill(mask, true);
    double[] vol = new double[mask.length];
    java.util.Arrays.fill(vol, 0.5);
    // blob A: 2×2×1 at (1..2, 1..2, 1), values 3, 4, 3.5, 3.1; blob B: (5,4,1) and diagonal (6,5,2)
    int[][] a = {{1, 1, 1}, {2, 1, 1}, {1, 2, 1}, {2, 2, 1}};
    double[] av = {3, 4, 3.5, 3.1};
    for (int t = 0; t < 4; t++) {
      vol[a[t][0] + nx * (a[t][1] + ny * a[t][2])] = av[t];
    }
    vol[5 + nx * (4 + ny * 1)] = 5.0;
    vol[6 + nx * (5 + ny * 2)] = 3.0;
    vol[7 + nx * (0 + ny * 0)] = 3.0; // exactly at the threshold: included (x ≥ thr)
    MaskedGrid g = MaskedGrid.of(nx, ny, nz, mask);
    double[] effect = new double[g.size()];
    for (int m = 0; m < g.size(); m++) {
      effect[m] = m;
    }
    Clusters c26 = new Clusters(g.graph(Connectivity.TWENTY_SIX));
    Clusters.Table t = c26.table(vol, 0, 3.0, effect);
    assertEquals(3, t.rows().size());
    Clusters.Row r1 = t.rows().get(0);
    assertEquals(4, r1.extent());
    assertEquals(13.6, r1.mass(), 1e-12);
    assertEquals(4.0, r1.peak());
    assertArrayEquals(new int[] {2, 1, 1}, r1.peakIjk());
    assertArrayEquals(new double[] {1.5, 1.5, 1}, r1.centreOfMass(), 1e-12);
    double meanIdx = 0;
    for (int[] v : a) {
      meanIdx += v[0] + nx * (v[1] + ny * v[2]);
    }
    assertEquals(meanIdx / 4, r1.meanEffect(), 1e-12, "mean of the effect map (here the voxel index)");
    Clusters.Row r2 = t.rows().get(1);
    assertEquals(2, r2.extent(), "diagonal neighbours join under 26-connectivity");
    assertEquals(8.0, r2.mass(), 1e-12);
    assertEquals(1, t.rows().get(2).extent());
    assertEquals(1, t.labels()[g.compact(1 + nx * (2 + ny * 1))]);
    assertEquals(0, t.labels()[0]);
    Affine aff = Affine.scaling(2, 2, 2, -10, -20, -30);
    assertArrayEquals(new double[] {-6, -18, -28}, r1.peakWorld(aff), 1e-12);
    assertArrayEquals(r1.peakWorld(aff), r1.peakWorld(new double[] {2, 0, 0, -10, 0, 2, 0, -20, 0, 0, 2, -30}), 0.0);

    Clusters.Table t6 = new Clusters(g.graph(Connectivity.SIX)).table(vol, 0, 3.0, null);
    assertEquals(4, t6.rows().size(), "the diagonal pair splits under 6-connectivity");
    assertTrue(Double.isNaN(t6.rows().get(0).meanEffect()));
    double[] mx = new double[2];
    c26.maxima(vol, 0, 3.0, mx);
    assertEquals(4.0, mx[0]);
    assertEquals(13.6, mx[1], 1e-12);
    c26.maxima(vol, 0, 10.0, mx);
    assertEquals(0.0, mx[0]);
    assertEquals(0.0, mx[1]);

    // random images: extents equal the flood fill's
    SplittableRandom rnd = new SplittableRandom(5);
    boolean[] m2 = new boolean[NX * NY * NZ];
    double[] f = field(rnd, m2);
    MaskedGrid g2 = MaskedGrid.of(NX, NY, NZ, m2);
    for (Connectivity conn : Connectivity.values()) {
      Clusters.Table tt = new Clusters(g2.graph(conn)).table(compact(g2, f), 0, 2.0, null);
      int[] sizes = componentSizes(f, m2, 2.0, conn.neighbours());
      for (int m = 0; m < g2.size(); m++) {
        int lab = tt.labels()[m];
        assertEquals(sizes[g2.index(m)], lab == 0 ? 0 : tt.rows().get(lab - 1).extent(), conn + " voxel " + m);
      }
    }
  }

  @Test
  void spatialNullCombinesChunksExactly() {
    SplittableRandom rnd = new SplittableRandom(8);
    boolean[] mask = new boolean[NX * NY * NZ];
    field(rnd, mask);
    MaskedGrid g = MaskedGrid.of(NX, NY, NZ, mask);
    int k = 12;
    double[] images = new double[k * g.size()];
    for (int s = 0; s < k; s++) {
      double[] f = field(rnd, new boolean[NX * NY * NZ]);
      for (int m = 0; m < g.size(); m++) {
        images[s * g.size() + m] = f[g.index(m)];
      }
    }
    SpatialInference si = new SpatialInference(g, SpatialInference.Settings.palm(true, 2.3));
    SpatialInference.Null one = si.newNull(k, images, 0);
    for (int s = 0; s < k; s++) {
      si.accept(s, images, s * g.size(), one);
    }
    SpatialInference.Null a = si.newNull(k, images, 0);
    SpatialInference.Null b = si.newNull(k, images, 0);
    for (int s = 0; s < k; s++) {
      si.accept(s, images, s * g.size(), s % 3 == 0 ? a : b);
    }
    a.combine(b);
    assertArrayEquals(one.tfceMax().finish(), a.tfceMax().finish(), 0.0);
    assertArrayEquals(one.extentMax().finish(), a.extentMax().finish(), 0.0);
    assertArrayEquals(one.massMax().finish(), a.massMax().finish(), 0.0);
    assertArrayEquals(one.tfceCounts().finish(), a.tfceCounts().finish(), 0.0);
    double[] tfce0 = si.tfce(images, 0);
    double mx = 0;
    for (double x : tfce0) {
      mx = Math.max(mx, x);
    }
    assertEquals(mx, one.tfceMax().finish()[0], 0.0, "shuffling 0's maximum is the observed image's");
    Clusters.Table obs = si.clusterTable(images, 0, null);
    assertEquals(obs.maxExtent(), one.extentMax().finish()[0], 0.0);
  }
}
