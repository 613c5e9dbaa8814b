package org.voxelspark.group;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.voxelspark.cohort.Cohort;
import org.voxelspark.stats.GroupAnalysis;
import org.voxelspark.stats.design.ContrastSpec;
import org.voxelspark.stats.design.FTestSpec;
import org.voxelspark.stats.design.ModelSpec;
import org.voxelspark.stats.glm.GlmOutput;
import org.voxelspark.stats.inference.Clusters;
import org.voxelspark.stats.inference.MaskedGrid;
import org.voxelspark.stats.inference.SpatialInference;
import org.voxelspark.stats.perm.Partition;
import org.voxelspark.stats.perm.Tail;
import org.voxelspark.spark.SparkTestSession;

/**
 * The group stage on Spark equals {@link GroupAnalysis} run in one process on the whole subjects ×
 * voxels matrix, value for value — GLM maps, permutation, FWE and FDR p, TFCE and cluster inference —
 * and finds the planted group effect.
 */
class GroupStageSparkTest {
  @TempDir static Path tmp;
  static Cohort cohort;
  static GroupSettings settings;
  static GroupStage.Result result;
  static final int N = 18;

  @BeforeAll
  static void run() throws Exception {
    cohort = SyntheticDerivatives.write(tmp, N, 0.12, 5);
    settings = new GroupSettings("fa", ModelSpec.parse("group + age + sex").withBlocks("site"),
        List.of(new ContrastSpec("HFSltHC", "-group[HFS]"), new ContrastSpec("age", "age")),
        List.of(new FTestSpec("groupOrAge", List.of("HFSltHC", "age"))), 200, 42, Tail.ONE_SIDED, Partition.RIDGWAY,
        SpatialInference.Settings.palm(true, 2.3), null, 0.9, 5, 64, null, null, false, java.util.Map.of(), null, null, org.voxelspark.group.GroupSource.MAPS);
    result = GroupStage.analyse(SparkTestSession.get(), cohort, tmp.toString(), settings);
  }

  @Test
  void sparkEqualsTheOneProcessAnalysisOfTheWholeMatrix() {
    GroupInputs in = result.inputs();
    List<GroupBlock> blocks = GroupTranspose.wholeVolume(in.maps(), in.reference(), null, settings.blockSize(),
        settings.minSubjects(N), new Configuration());
    int[] voxels = blocks.stream().flatMapToInt(b -> Arrays.stream(b.voxels())).sorted().toArray();
    assertEquals(result.voxels(), voxels.length);
    for (int c = 0; c < voxels.length; c++) {
      assertEquals(voxels[c], result.grid().index(c), "compact order = increasing voxel index");
    }
    double[] y = SyntheticDerivatives.wholeMatrix(blocks, voxels, N);
    MaskedGrid grid = MaskedGrid.ofIndices(in.reference().nx(), in.reference().ny(), in.reference().nz(), voxels);
    GroupAnalysis.Result expected = GroupAnalysis.run(result.design(), y, voxels.length,
        GroupAnalysis.Options.of(settings.shufflings(), settings.seed()).withTail(settings.tail())
            .withBlocks(37, 50).withSpatial(grid, settings.spatial()));
    for (GlmOutput o : GlmOutput.values()) {
      assertArrayEquals(expected.glm().values(o), result.glm().get(o), 0.0, o.name());
    }
    assertEquals(expected.tests().size(), result.tests().size());
    for (int t = 0; t < expected.tests().size(); t++) {
      GroupAnalysis.TestResult e = expected.tests().get(t);
      GroupStage.TestResult a = result.tests().get(t);
      String name = e.name();
      assertEquals(e.name(), a.name());
      assertArrayEquals(e.statistic(), a.statistic(), 0.0, name + " statistic");
      assertArrayEquals(e.z(), a.z(), 0.0, name + " z");
      assertArrayEquals(e.uncorrectedP(), a.uncorrectedP(), 0.0, name + " uncorrected p");
      assertArrayEquals(e.fweP(), a.fweP(), 0.0, name + " FWE p");
      assertArrayEquals(e.fdrP(), a.fdrP(), 0.0, name + " FDR p");
      assertArrayEquals(e.maxNull(), a.maxNull(), 0.0, name + " max null");
      assertArrayEquals(e.spatial().tfce(), a.spatial().tfce(), 0.0, name + " TFCE");
      assertArrayEquals(e.spatial().tfceUncorrectedP(), a.spatial().tfceUncorrectedP(), 0.0, name + " TFCE p");
      assertArrayEquals(e.spatial().tfceFweP(), a.spatial().tfceFweP(), 0.0, name + " TFCE FWE p");
      assertArrayEquals(e.spatial().tfceMaxNull(), a.spatial().tfceMaxNull(), 0.0, name + " TFCE null");
      assertArrayEquals(e.spatial().extentMaxNull(), a.spatial().extentMaxNull(), 0.0, name + " extent null");
      assertArrayEquals(e.spatial().massMaxNull(), a.spatial().massMaxNull(), 0.0, name + " mass null");
      assertArrayEquals(e.spatial().clusterExtentFweP(), a.spatial().clusterExtentFweP(), 0.0, name + " cluster p");
      assertEquals(e.spatial().clusters().rows().size(), a.spatial().clusters().rows().size(), name + " clusters");
    }
  }

  @Test
  void thePlantedEffectIsFoundFweCorrectedAndNothingElseIs() {
    GroupStage.TestResult group = result.tests().get(0);
    MaskedGrid grid = result.grid();
    int inBox = 0;
    int found = 0;
    int falsePositives = 0;
    for (int c = 0; c < result.voxels(); c++) {
      int[] ijk = grid.ijk(c);
      boolean planted = SyntheticDerivatives.inEffect(ijk[0], ijk[1], ijk[2]);
      boolean significant = group.fweP()[c] < 0.05;
      inBox += planted ? 1 : 0;
      found += planted && significant ? 1 : 0;
      falsePositives += !planted && significant ? 1 : 0;
    }
    assertEquals(64, inBox);
    assertTrue(found > inBox / 2, "most of the planted box at FWE p < 0.05: " + found + " of " + inBox);
    assertTrue(falsePositives <= 2, "few false positives: " + falsePositives);
    Clusters.Table clusters = group.spatial().clusters();
    assertNotNull(clusters);
    Clusters.Row top = clusters.rows().get(0);
    assertTrue(SyntheticDerivatives.inEffect(top.peakIjk()[0], top.peakIjk()[1], top.peakIjk()[2]), "top cluster peaks in the box");
    assertTrue(group.spatial().clusterExtentFweP()[0] < 0.05, "and is FWE-significant by extent");
    // one subject lacks voxel (1,1,1): kept at coverage 0.9 with its own N
    int corner = grid.compact(SyntheticDerivatives.LAS.index(1, 1, 1));
    assertEquals(N - 1, result.coverage()[corner]);
    assertEquals(N - 1, result.glm().get(GlmOutput.SUBJECTS)[corner]);
  }
}
