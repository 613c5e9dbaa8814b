package org.voxelspark.stats.perm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.MatrixUtils;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.RealVector;
import org.apache.commons.math3.linear.SingularValueDecomposition;
import org.junit.jupiter.api.Test;
import org.voxelspark.stats.design.Contrast;
import org.voxelspark.stats.design.Design;
import org.voxelspark.stats.design.FTest;
import org.voxelspark.stats.glm.Distributions;
import org.voxelspark.stats.glm.VoxelGroups;
import org.voxelspark.stats.inference.ExceedanceCounts;
import org.voxelspark.stats.inference.MaxDistribution;

/**
 * {@link PermutationBlock} against a naive Freedman–Lane written from the textbook definition with
 * commons-math3 (nuisance Z by SVD, R_Z = I − Z·Z⁺, shuffle, full OLS refit per shuffling):
 * statistics agree to relative 1e-9. Plus the properties the Spark job relies on: chunks of
 * shufflings and blocks of voxels combine to bit-identical counts, maxima and p-values; voxels with
 * missing subjects equal a fit on their own subjects; degenerate voxels stay out.
 */
class FreedmanLaneTest {
  static final int N = 24;

  /** intercept, group, age, site B, site C; sites of 8. */
  static Design design(SplittableRandom rnd, boolean blocks) {
    int p = 5;
    double[] x = new double[N * p];
    int[] eb = new int[N];
    for (int s = 0; s < N; s++) {
      int site = s / 8;
      eb[s] = site;
      x[s * p] = 1;
      x[s * p + 1] = s % 2;
      x[s * p + 2] = 10 * rnd.nextGaussian();
      x[s * p + 3] = site == 1 ? 1 : 0;
      x[s * p + 4] = site == 2 ? 1 : 0;
    }
    String[] ids = new String[N];
    for (int s = 0; s < N; s++) {
      ids[s] = "s" + s;
    }
    return Design.numeric("t", ids, x, new String[] {"intercept", "group", "age", "siteB", "siteC"},
        List.of(new Contrast("group", "group", new double[] {0, 1, 0, 0, 0}, true),
            new Contrast("age", "age", new double[] {0, 0, -1, 0, 0}, false),
            new Contrast("BvsC", "siteB - siteC", new double[] {0, 0, 0, 1, -1}, true)),
        List.of(new FTest("sites", "siteB, siteC", new double[][] {{0, 0, 0, 1, 0}, {0, 0, 0, 0, 1}}),
            new FTest("grpage", "group, age", new double[][] {{0, 1, 0, 0, 0}, {0, 0, 1, 0, 0}})),
        blocks ? eb : null);
  }

  static double[] data(Design d, int v, SplittableRandom rnd) {
    double[] y = new double[N * v];
    for (int j = 0; j < v; j++) {
      for (int s = 0; s < N; s++) {
        y[s * v + j] = 2 + 0.05 * d.get(s, 2) + 0.8 * d.get(s, 3) - 0.5 * d.get(s, 4) + (j % 5 == 0 ? 0.7 * d.get(s, 1) : 0)
            + rnd.nextGaussian();
      }
    }
    return y;
  }

  /** Naive Freedman–Lane statistic of one voxel for one shuffling. */
  static double naive(Design d, double[][] cRows, Partition part, double[] y, ShufflingSet set, int k, boolean t) {
    int p = d.columns();
    RealMatrix m = new Array2DRowRealMatrix(N, p);
    for (int s = 0; s < N; s++) {
      for (int c = 0; c < p; c++) {
        m.setEntry(s, c, d.get(s, c));
      }
    }
    RealMatrix cm = new Array2DRowRealMatrix(cRows).transpose();
    RealMatrix z;
    if (part == Partition.RIDGWAY) {
      // Z = M·(I − C·C⁺), spanning M·null(Cᵀ) (rank deficient: the pseudo-inverse below copes)
      RealMatrix cPinv = new SingularValueDecomposition(cm).getSolver().getInverse();
      z = m.multiply(MatrixUtils.createRealIdentityMatrix(p).subtract(cm.multiply(cPinv)));
    } else {
      List<Integer> cols = new ArrayList<>();
      for (int c = 0; c < p; c++) {
        boolean zero = true;
        for (double[] r : cRows) {
          zero &= r[c] == 0;
        }
        if (zero) {
          cols.add(c);
        }
      }
      z = new Array2DRowRealMatrix(N, cols.size());
      for (int s = 0; s < N; s++) {
        for (int c = 0; c < cols.size(); c++) {
          z.setEntry(s, c, d.get(s, cols.get(c)));
        }
      }
    }
    RealMatrix hz = z.multiply(new SingularValueDecomposition(z).getSolver().getInverse());
    RealVector e = MatrixUtils.createRealIdentityMatrix(N).subtract(hz).operate(new ArrayRealVector(y));
    double[] ys = new double[N];
    for (int i = 0; i < N; i++) {
      ys[i] = set.kind() == ShufflingKind.PERMUTATION ? e.getEntry(set.source(k, i)) : set.sign(k, i) * e.getEntry(i);
    }
    RealMatrix xtxInv = new SingularValueDecomposition(m.transpose().multiply(m)).getSolver().getInverse();
    RealVector yv = new ArrayRealVector(ys);
    RealVector beta = xtxInv.operate(m.transpose().operate(yv));
    RealVector res = yv.subtract(m.operate(beta));
    double s2 = res.dotProduct(res) / (N - p);
    RealVector cb = cm.transpose().operate(beta);
    RealMatrix cov = cm.transpose().multiply(xtxInv).multiply(cm);
    if (t) {
      return cb.getEntry(0) / Math.sqrt(s2 * cov.getEntry(0, 0));
    }
    RealVector sol = new SingularValueDecomposition(cov).getSolver().solve(cb);
    return cb.dotProduct(sol) / cRows.length / s2;
  }

  static double rel(double a, double b) {
    return Math.abs(a - b) / Math.max(1, Math.max(Math.abs(a), Math.abs(b)));
  }

  @Test
  void statisticsOfEveryShufflingMatchANaiveFreedmanLane() {
    SplittableRandom rnd = new SplittableRandom(17);
    for (boolean blocks : new boolean[] {false, true}) {
      Design d = design(rnd, blocks);
      int v = 12;
      double[] y = data(d, v, rnd);
      ShufflingSet set = ShufflingSet.generate(ShufflingKind.PERMUTATION, N, 40, 99, d.blocks());
      for (Partition part : Partition.values()) {
        for (int test = 0; test < 5; test++) {
          boolean isT = test < 3;
          FreedmanLane fl = isT ? FreedmanLane.forContrast(d, test, part, ShufflingKind.PERMUTATION)
              : FreedmanLane.forFTest(d, test - 3, part, ShufflingKind.PERMUTATION);
          double[][] rows = isT ? new double[][] {d.contrasts().get(test).weights()} : rowsOf(d.fTests().get(test - 3));
          PermutationBlock b = PermutationBlock.prepare(fl, Tail.ONE_SIDED, set, y, v);
          double[] out = new double[set.size() * v];
          b.evaluate(0, set.size(), out, PermutationBlock.Scale.STATISTIC);
          for (int j = 0; j < v; j++) {
            double[] yj = new double[N];
            for (int s = 0; s < N; s++) {
              yj[s] = y[s * v + j];
            }
            for (int k = 0; k < set.size(); k += 3) {
              double ref = naive(d, rows, part, yj, set, k, isT);
              assertTrue(rel(ref, out[k * v + j]) < 1e-9, "blocks=" + blocks + " " + part + " test " + test
                  + " voxel " + j + " shuffling " + k + ": " + ref + " vs " + out[k * v + j]);
            }
          }
        }
      }
      if (blocks) {
        assertEquals(3, FreedmanLane.forContrast(d, 0, Partition.RIDGWAY, ShufflingKind.PERMUTATION).invariantRows(),
            "intercept and both site columns are unchanged by within-site permutations");
      } else {
        assertEquals(1, FreedmanLane.forContrast(d, 0, Partition.RIDGWAY, ShufflingKind.PERMUTATION).invariantRows());
      }
    }
  }

  @Test
  void guttmanAndRidgwayDifferWhenTheContrastCombinesColumns() {
    SplittableRandom rnd = new SplittableRandom(3);
    Design d = design(rnd, false);
    double[] y = data(d, 6, rnd);
    ShufflingSet set = ShufflingSet.generate(ShufflingKind.PERMUTATION, N, 30, 1, null);
    double[] r = new double[30 * 6];
    double[] g = new double[30 * 6];
    PermutationBlock.prepare(FreedmanLane.forContrast(d, 2, Partition.RIDGWAY, ShufflingKind.PERMUTATION), Tail.ONE_SIDED, set, y, 6)
        .evaluate(0, 30, r, PermutationBlock.Scale.STATISTIC);
    PermutationBlock.prepare(FreedmanLane.forContrast(d, 2, Partition.GUTTMAN, ShufflingKind.PERMUTATION), Tail.ONE_SIDED, set, y, 6)
        .evaluate(0, 30, g, PermutationBlock.Scale.STATISTIC);
    for (int j = 0; j < 6; j++) {
      assertEquals(r[j], g[j], 1e-12, "the observed statistic does not depend on the partition");
    }
    double maxDiff = 0;
    for (int i = 6; i < r.length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs(r[i] - g[i]));
    }
    assertTrue(maxDiff > 1e-3, "shuffled statistics differ: the nuisance spaces differ");
  }

  @Test
  void signFlippingForAOneSampleDesign() {
    int n = 15;
    double[] x = new double[n];
    java.util.Arrays.fill(x, 1);
    String[] ids = new String[n];
    for (int s = 0; s < n; s++) {
      ids[s] = "s" + s;
    }
    Design d = Design.numeric("t", ids, x, new String[] {"intercept"},
        List.of(new Contrast("mean", "intercept", new double[] {1}, false)), List.of(), null);
    assertEquals(ShufflingKind.SIGN_FLIP, ShufflingKind.forDesign(d));
    SplittableRandom rnd = new SplittableRandom(9);
    int v = 4;
    double[] y = new double[n * v];
    for (int i = 0; i < y.length; i++) {
      y[i] = rnd.nextGaussian() + (i % v == 0 ? 1.5 : 0);
    }
    ShufflingSet set = ShufflingSet.generate(ShufflingKind.SIGN_FLIP, n, 200, 4, null);
    FreedmanLane fl = FreedmanLane.forContrast(d, 0, Partition.RIDGWAY, ShufflingKind.SIGN_FLIP);
    assertEquals(0, fl.invariantRows());
    PermutationBlock b = PermutationBlock.prepare(fl, Tail.TWO_SIDED, set, y, v);
    double[] out = new double[200 * v];
    b.evaluate(0, 200, out, PermutationBlock.Scale.STATISTIC);
    for (int j = 0; j < v; j++) {
      double[] yj = new double[n];
      for (int s = 0; s < n; s++) {
        yj[s] = y[s * v + j];
      }
      for (int k = 0; k < 200; k += 7) {
        double mean = 0;
        for (int s = 0; s < n; s++) {
          mean += set.sign(k, s) * yj[s] / n;
        }
        double ss = 0;
        for (int s = 0; s < n; s++) {
          double dd = set.sign(k, s) * yj[s] - mean;
          ss += dd * dd;
        }
        double t = mean / Math.sqrt(ss / (n - 1) / n);
        assertTrue(rel(t, out[k * v + j]) < 1e-10, "one-sample t under sign flip " + k);
      }
    }
    ExceedanceCounts c = b.newCounts();
    b.accumulate(0, 200, c, null);
    assertTrue(c.finish()[0] < 0.05, "the planted mean is found");
  }

  @Test
  void chunksAndBlocksCombineToBitIdenticalResults() {
    SplittableRandom rnd = new SplittableRandom(23);
    Design d = design(rnd, true);
    int v = 600;
    double[] y = data(d, v, rnd);
    y[4 * v + 10] = Double.NaN;
    y[9 * v + 10] = Double.NaN;
    y[4 * v + 500] = Double.NaN;
    int k = 301;
    ShufflingSet set = ShufflingSet.generate(ShufflingKind.PERMUTATION, N, k, 5, d.blocks());
    for (int test = 0; test < 2; test++) {
      FreedmanLane fl = test == 0 ? FreedmanLane.forContrast(d, 0, Partition.RIDGWAY, ShufflingKind.PERMUTATION)
          : FreedmanLane.forFTest(d, 1, Partition.RIDGWAY, ShufflingKind.PERMUTATION);
      PermutationBlock whole = PermutationBlock.prepare(fl, Tail.TWO_SIDED, set, y, v);
      ExceedanceCounts wc = whole.newCounts();
      MaxDistribution wm = new MaxDistribution(k);
      whole.accumulate(0, k, wc, wm);
      double[] wp = wc.finish();
      double[] wmax = wm.finish();

      int[] cuts = {0, 3, 256, 300, 513, 600};
      int[] chunks = {0, 1, 33, 64, 200, 301};
      double[] p = new double[v];
      MaxDistribution merged = new MaxDistribution(k);
      for (int b = 0; b + 1 < cuts.length; b++) {
        int from = cuts[b];
        int width = cuts[b + 1] - from;
        double[] yb = new double[N * width];
        for (int s = 0; s < N; s++) {
          System.arraycopy(y, s * v + from, yb, s * width, width);
        }
        PermutationBlock part = PermutationBlock.prepare(fl, Tail.TWO_SIDED, set, yb, width);
        ExceedanceCounts total = null;
        // shuffling chunks in reverse order, each into its own accumulator, combined
        for (int c = chunks.length - 2; c >= 0; c--) {
          ExceedanceCounts cc = part.newCounts();
          MaxDistribution cm = new MaxDistribution(k);
          part.accumulate(chunks[c], chunks[c + 1], cc, cm);
          total = total == null ? cc : total.combine(cc);
          merged.combine(cm);
        }
        double[] pb = total.finish();
        System.arraycopy(pb, 0, p, from, width);
        for (int j = 0; j < width; j++) {
          assertEquals(Double.doubleToLongBits(whole.observed()[from + j]), Double.doubleToLongBits(part.observed()[j]));
          assertEquals(Double.doubleToLongBits(whole.observedZ()[from + j]), Double.doubleToLongBits(part.observedZ()[j]));
        }
      }
      assertArrayEquals(wp, p, 0.0, "uncorrected p: blocks × chunks = one pass");
      assertArrayEquals(wmax, merged.finish(), 0.0, "max null: blocks × chunks = one pass");
      assertArrayEquals(wm.pValues(whole.observedZ()), merged.pValues(whole.observedZ()), 0.0);
      for (int j = 0; j < v; j++) {
        assertTrue(wp[j] >= 1.0 / k, "the identity counts: p ≥ 1/K");
      }
    }
  }

  @Test
  void missingSubjectsUseTheirOwnDesignAndInducedShufflings() {
    SplittableRandom rnd = new SplittableRandom(31);
    Design d = design(rnd, true);
    int v = 8;
    double[] y = data(d, v, rnd);
    boolean[] keep = new boolean[N];
    java.util.Arrays.fill(keep, true);
    keep[2] = false;
    keep[13] = false;
    for (int j : new int[] {3, 6}) {
      y[2 * v + j] = Double.NaN;
      y[13 * v + j] = Double.NaN;
    }
    ShufflingSet set = ShufflingSet.generate(ShufflingKind.PERMUTATION, N, 200, 8, d.blocks());
    FreedmanLane fl = FreedmanLane.forContrast(d, 0, Partition.RIDGWAY, ShufflingKind.PERMUTATION);
    PermutationBlock b = PermutationBlock.prepare(fl, Tail.ONE_SIDED, set, y, v);
    double[] out = new double[200 * v];
    b.evaluate(0, 200, out, PermutationBlock.Scale.STATISTIC);
    double[] z = new double[200 * v];
    b.evaluate(0, 200, z, PermutationBlock.Scale.Z);

    double[] yr = new double[(N - 2) * 2];
    int r = 0;
    for (int s = 0; s < N; s++) {
      if (keep[s]) {
        yr[r * 2] = y[s * v + 3];
        yr[r * 2 + 1] = y[s * v + 6];
        r++;
      }
    }
    PermutationBlock reduced = PermutationBlock.prepare(fl.restrict(keep), Tail.ONE_SIDED, set.restrict(keep, d.blocks()), yr, 2);
    double[] ro = new double[200 * 2];
    reduced.evaluate(0, 200, ro, PermutationBlock.Scale.STATISTIC);
    for (int k = 0; k < 200; k++) {
      assertEquals(Double.doubleToLongBits(ro[k * 2]), Double.doubleToLongBits(out[k * v + 3]));
      assertEquals(Double.doubleToLongBits(ro[k * 2 + 1]), Double.doubleToLongBits(out[k * v + 6]));
    }
    assertEquals(N - 2 - 5, b.dof()[3]);
    assertEquals(N - 5, b.dof()[0]);
    assertEquals(N - 2, b.subjects()[6]);
    // the FWE maximum is over z-scores when degrees of freedom differ
    MaxDistribution max = new MaxDistribution(200);
    b.accumulate(0, 200, null, max);
    double[] m = max.finish();
    for (int k = 0; k < 200; k++) {
      double best = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < v; j++) {
        best = Math.max(best, z[k * v + j]);
      }
      assertEquals(best, m[k], 0.0, "max z of shuffling " + k);
    }
    assertEquals(Distributions.tToZ(b.observed()[3], N - 7), b.observedZ()[3], 0.0);
  }

  @Test
  void degenerateVoxelsStayOutOfTheInference() {
    SplittableRandom rnd = new SplittableRandom(41);
    Design d = design(rnd, false);
    int v = 6;
    double[] y = data(d, v, rnd);
    for (int s = 0; s < N; s++) {
      y[s * v + 1] = 3.5;                       // constant: in the nuisance space
      y[s * v + 4] = 2 * d.get(s, 2) + 1;       // an exact function of age (nuisance for the group test)
    }
    y[0 * v + 5] = Double.NaN;
    for (int s = 1; s < N; s += 2) {
      y[s * v + 5] = Double.NaN;                // no patient: the group effect is not estimable
    }
    ShufflingSet set = ShufflingSet.generate(ShufflingKind.PERMUTATION, N, 100, 2, null);
    FreedmanLane fl = FreedmanLane.forContrast(d, 0, Partition.RIDGWAY, ShufflingKind.PERMUTATION);
    PermutationBlock b = PermutationBlock.prepare(fl, Tail.TWO_SIDED, set, y, v);
    ExceedanceCounts c = b.newCounts();
    MaxDistribution max = new MaxDistribution(100);
    b.accumulate(0, 100, c, max);
    double[] p = c.finish();
    for (int j : new int[] {1, 4, 5}) {
      assertTrue(Double.isNaN(b.observed()[j]), "voxel " + j + " has no statistic");
      assertTrue(Double.isNaN(p[j]), "voxel " + j + " has no p-value");
    }
    // the other voxels are exactly as without the degenerate ones
    int[] keepIdx = {0, 2, 3};
    double[] y2 = new double[N * 3];
    for (int s = 0; s < N; s++) {
      for (int t = 0; t < 3; t++) {
        y2[s * 3 + t] = y[s * v + keepIdx[t]];
      }
    }
    PermutationBlock b2 = PermutationBlock.prepare(fl, Tail.TWO_SIDED, set, y2, 3);
    ExceedanceCounts c2 = b2.newCounts();
    MaxDistribution max2 = new MaxDistribution(100);
    b2.accumulate(0, 100, c2, max2);
    double[] p2 = c2.finish();
    for (int t = 0; t < 3; t++) {
      assertEquals(p2[t], p[keepIdx[t]], 0.0);
    }
    assertArrayEquals(max2.finish(), max.finish(), 0.0);
  }

  static double[][] rowsOf(FTest f) {
    double[][] r = new double[f.rank()][];
    for (int i = 0; i < f.rank(); i++) {
      r[i] = f.row(i);
    }
    return r;
  }

  @Test
  void restrictRowsKeepsOrder() {
    double[] x = {1, 2, 3, 4, 5, 6};
    assertArrayEquals(new double[] {1, 2, 5, 6}, VoxelGroups.restrictRows(x, 3, 2, new boolean[] {true, false, true}));
  }
}
