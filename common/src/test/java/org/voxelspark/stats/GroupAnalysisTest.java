package org.voxelspark.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.voxelspark.stats.design.ContrastSpec;
import org.voxelspark.stats.design.Design;
import org.voxelspark.stats.design.DesignBuilder;
import org.voxelspark.stats.design.FTestSpec;
import org.voxelspark.stats.design.ModelSpec;
import org.voxelspark.stats.glm.GlmKernel;
import org.voxelspark.stats.glm.GlmMaps;
import org.voxelspark.stats.glm.GlmModel;
import org.voxelspark.stats.glm.GlmOutput;
import org.voxelspark.stats.inference.Clusters;
import org.voxelspark.stats.inference.MaskedGrid;
import org.voxelspark.stats.inference.SpatialInference;
import org.voxelspark.stats.perm.Tail;
import org.voxelspark.stats.roi.RoiMeans;

/**
 * The reference driver: any split into voxel blocks and shuffling chunks gives bit-identical
 * results; a planted group effect is found (voxelwise FWE, TFCE, cluster) where it was planted and
 * nowhere else; the ROI path equals the GLM on hand-computed ROI means.
 */
class GroupAnalysisTest {
  static final int NX = 12;
  static final int NY = 10;
  static final int NZ = 8;

  static List<Map<String, String>> cohort(int n, SplittableRandom rnd) {
    List<Map<String, String>> rows = new ArrayList<>();
    for (int s = 0; s < n; s++) {
      Map<String, String> r = new LinkedHashMap<>();
      r.put("participant_id", String.format("sub-%02d", s + 1));
      r.put("group", s % 2 == 0 ? "HC" : "HFS");
      r.put("site", s % 3 == 0 ? "A" : s % 3 == 1 ? "B" : "C");
      r.put("age", String.valueOf(Math.round(40 + 15 * rnd.nextGaussian())));
      r.put("sex", rnd.nextBoolean() ? "F" : "M");
      rows.add(r);
    }
    return rows;
  }

  static Design design(List<Map<String, String>> rows, boolean blocks) {
    ModelSpec m = ModelSpec.parse("group + age + sex + site");
    if (blocks) {
      m = m.withBlocks("site");
    }
    return DesignBuilder.build(rows, "participants.tsv", m,
        List.of(new ContrastSpec("HFSgtHC", "group[HFS] - group[HC]"), new ContrastSpec("age", "age")),
        List.of(new FTestSpec("site", List.of("site"))));
  }

  /** Mask: an ellipsoid; planted effect: a 3×3×3 cube around (4, 4, 4). */
  static boolean[] mask() {
    boolean[] m = new boolean[NX * NY * NZ];
    for (int k = 0; k < NZ; k++) {
      for (int j = 0; j < NY; j++) {
        for (int i = 0; i < NX; i++) {
          double a = (i - 5.5) / 6.2;
          double b = (j - 4.5) / 5.2;
          double c = (k - 3.5) / 4.3;
          m[i + NX * (j + NY * k)] = a * a + b * b + c * c <= 1;
        }
      }
    }
    return m;
  }

  static boolean planted(int[] ijk) {
    return Math.abs(ijk[0] - 4) <= 1 && Math.abs(ijk[1] - 4) <= 1 && Math.abs(ijk[2] - 4) <= 1;
  }

  static double[] data(Design d, MaskedGrid g, double effect, SplittableRandom rnd) {
    int n = d.subjects();
    int v = g.size();
    double[] y = new double[n * v];
    for (int s = 0; s < n; s++) {
      for (int j = 0; j < v; j++) {
        double val = 0.45 + 0.002 * d.get(s, 2) + 0.03 * rnd.nextGaussian();
        if (planted(g.ijk(j)) && d.get(s, 1) == 1) {
          val -= effect * 0.03;
        }
        y[s * v + j] = val;
      }
    }
    return y;
  }

  @Test
  void anySplitIntoBlocksAndChunksIsBitIdentical() {
    SplittableRandom rnd = new SplittableRandom(7);
    Design d = design(cohort(30, rnd), true);
    MaskedGrid g = MaskedGrid.of(NX, NY, NZ, mask());
    double[] y = data(d, g, 1.0, rnd);
    y[3 * g.size() + 17] = Double.NaN;
    y[8 * g.size() + 17] = Double.NaN;
    int v = g.size();
    GroupAnalysis.Options base = GroupAnalysis.Options.of(100, 11).withTail(Tail.TWO_SIDED)
        .withSpatial(g, SpatialInference.Settings.palm(true, 2.3));
    GroupAnalysis.Result one = GroupAnalysis.run(d, y, v, base.withBlocks(v, 100));
    for (int[] split : new int[][] {{1, 9}, {37, 1}, {100, 64}}) {
      GroupAnalysis.Result r = GroupAnalysis.run(d, y, v, base.withBlocks(split[0], split[1]));
      for (GlmOutput o : GlmOutput.values()) {
        assertArrayEquals(one.glm().values(o), r.glm().values(o), 0.0, o + " " + split[0]);
      }
      for (int t = 0; t < one.tests().size(); t++) {
        GroupAnalysis.TestResult a = one.tests().get(t);
        GroupAnalysis.TestResult b = r.tests().get(t);
        assertArrayEquals(a.statistic(), b.statistic(), 0.0);
        assertArrayEquals(a.uncorrectedP(), b.uncorrectedP(), 0.0, a.name() + " uncorrected, blocks " + split[0]);
        assertArrayEquals(a.fweP(), b.fweP(), 0.0, a.name() + " FWE");
        assertArrayEquals(a.fdrP(), b.fdrP(), 0.0, a.name() + " FDR");
        assertArrayEquals(a.maxNull(), b.maxNull(), 0.0);
        assertArrayEquals(a.spatial().tfce(), b.spatial().tfce(), 0.0);
        assertArrayEquals(a.spatial().tfceFweP(), b.spatial().tfceFweP(), 0.0, a.name() + " TFCE FWE");
        assertArrayEquals(a.spatial().tfceUncorrectedP(), b.spatial().tfceUncorrectedP(), 0.0);
        assertArrayEquals(a.spatial().clusterExtentFweP(), b.spatial().clusterExtentFweP(), 0.0);
      }
    }
    assertEquals(d.subjects() - 2, one.glm().get(GlmOutput.SUBJECTS, 0, 17));
  }

  @Test
  void aPlantedEffectIsFoundWhereItWasPlanted() {
    SplittableRandom rnd = new SplittableRandom(19);
    Design d = design(cohort(40, rnd), false);
    MaskedGrid g = MaskedGrid.of(NX, NY, NZ, mask());
    // patients differ by 2 SD in the cube (expected t ≈ 2·√10 ≈ 6.3 with 20 + 20 subjects)
    double[] y = data(d, g, 2.0, rnd);
    double[] neg = y.clone();
    for (int i = 0; i < neg.length; i++) {
      neg[i] = -neg[i];
    }
    GroupAnalysis.Result r = GroupAnalysis.run(d, neg, g.size(), GroupAnalysis.Options.of(500, 3)
        .withSpatial(g, SpatialInference.Settings.palm(true, 3.1)));
    GroupAnalysis.TestResult t = r.tests().get(0);
    assertEquals("HFSgtHC", t.name());
    int inside = 0;
    int found = 0;
    int voxelwise = 0;
    for (int j = 0; j < g.size(); j++) {
      if (planted(g.ijk(j))) {
        inside++;
        found += t.spatial().tfceFweP()[j] < 0.05 ? 1 : 0;
        voxelwise += t.fweP()[j] < 0.05 ? 1 : 0;
      } else {
        assertTrue(t.fweP()[j] >= 0.05, "no voxelwise FWE false positive at " + java.util.Arrays.toString(g.ijk(j)));
      }
    }
    assertTrue(found >= inside - 2, "TFCE FWE finds the cube: " + found + " of " + inside);
    assertTrue(voxelwise >= 0.8 * inside, "voxelwise FWE finds most of the cube: " + voxelwise + " of " + inside);
    int centre = g.compact(4 + NX * (4 + NY * 4));
    assertTrue(t.uncorrectedP()[centre] <= 2.0 / 500, "uncorrected p at the centre " + t.uncorrectedP()[centre]);
    Clusters.Table clusters = t.spatial().clusters();
    assertTrue(!clusters.rows().isEmpty(), "a cluster at z ≥ 3.1");
    Clusters.Row top = clusters.rows().get(0);
    assertTrue(planted(top.peakIjk()), "the largest cluster peaks in the cube");
    assertTrue(t.spatial().clusterExtentFweP()[0] < 0.05, "cluster FWE p " + t.spatial().clusterExtentFweP()[0]);
    assertTrue(top.meanEffect() > 0, "mean COPE of the cluster has the effect's sign");
    // the age contrast finds the planted age slope everywhere; the F-test on site finds nothing planted
    GroupAnalysis.TestResult site = r.tests().get(2);
    assertEquals("site", site.name());
    long siteHits = java.util.Arrays.stream(site.fweP()).filter(p -> p < 0.05).count();
    assertTrue(siteHits <= 1, "site has no effect: " + siteHits + " FWE hits");
  }

  @Test
  void roiAnalysisEqualsTheGlmOnHandComputedMeans() {
    SplittableRandom rnd = new SplittableRandom(5);
    List<Map<String, String>> rows = cohort(20, rnd);
    Design d = design(rows, false);
    int nv = NX * NY * NZ;
    int[] labels = new int[nv];
    for (int q = 0; q < nv; q++) {
      labels[q] = q % 7 == 0 ? 0 : 1 + (q / 97) % 4;
    }
    boolean[] mask = mask();
    List<RoiMeans.Result> per = new ArrayList<>();
    int[] rois = RoiMeans.roisOf(labels);
    assertArrayEquals(new int[] {1, 2, 3, 4}, rois);
    double[][] hand = new double[20][4];
    for (int s = 0; s < 20; s++) {
      float[] map = new float[nv];
      double[] sum = new double[5];
      int[] cnt = new int[5];
      for (int q = 0; q < nv; q++) {
        map[q] = (float) (0.3 + 0.1 * rnd.nextGaussian() + (labels[q] == 2 && s % 2 == 1 ? 0.05 : 0));
        if (q % 11 == 0) {
          map[q] = Float.NaN;
        }
        if (labels[q] > 0 && mask[q] && !Float.isNaN(map[q])) {
          sum[labels[q]] += map[q];
          cnt[labels[q]]++;
        }
      }
      for (int r = 1; r <= 4; r++) {
        hand[s][r - 1] = sum[r] / cnt[r];
      }
      RoiMeans.Result res = RoiMeans.means(labels, map, mask, rois);
      per.add(res);
      for (int r = 0; r < 4; r++) {
        assertEquals(hand[s][r], res.means()[r], 1e-15);
      }
    }
    double[] y = RoiMeans.stack(per);
    double[] yh = new double[20 * 4];
    for (int s = 0; s < 20; s++) {
      System.arraycopy(hand[s], 0, yh, s * 4, 4);
    }
    GlmMaps a = new GlmKernel(GlmModel.of(d)).fit(y, 4);
    GlmMaps b = new GlmKernel(GlmModel.of(d)).fit(yh, 4);
    assertArrayEquals(b.values(GlmOutput.T), a.values(GlmOutput.T), 1e-12);
    GroupAnalysis.Result r = GroupAnalysis.run(d, y, 4, GroupAnalysis.Options.of(1000, 1));
    assertEquals(4, r.tests().get(0).fweP().length, "FWE over the ROIs");
    assertEquals(0, RoiMeans.means(labels, new double[nv], null, new int[] {9}).voxels()[0], "an ROI no voxel has: 0 voxels");
    assertTrue(Double.isNaN(RoiMeans.means(labels, new double[nv], null, new int[] {9}).means()[0]));
  }
}
