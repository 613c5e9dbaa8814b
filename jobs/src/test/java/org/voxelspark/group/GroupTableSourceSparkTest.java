package org.voxelspark.group;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.voxelspark.cohort.BidsCohortReader;
import org.voxelspark.cohort.Cohort;
import org.voxelspark.cohort.CohortOptions;
import org.voxelspark.error.UserInputException;
import org.voxelspark.participant.ParticipantKernels;
import org.voxelspark.participant.ParticipantStage;
import org.voxelspark.participant.RunKind;
import org.voxelspark.sample.SampleCohortGenerator;
import org.voxelspark.sample.SampleCohortSpec;
import org.voxelspark.spark.SparkTestSession;
import org.voxelspark.stats.design.ContrastSpec;
import org.voxelspark.stats.design.ModelSpec;
import org.voxelspark.stats.glm.GlmOutput;
import org.voxelspark.stats.perm.Partition;
import org.voxelspark.stats.perm.Tail;

/**
 * The group stage reading the Parquet voxel table gives the same analysis as reading the NIfTI maps,
 * value for value; a cohort with runs on another grid is refused with the reason.
 */
class GroupTableSourceSparkTest {
  @TempDir Path tmp;

  static GroupSettings settings(GroupSource source) {
    return new GroupSettings("md", ModelSpec.parse("group + age"), List.of(new ContrastSpec("HFSgtHC", "group[HFS]")),
        List.of(), 30, 1, Tail.ONE_SIDED, Partition.RIDGWAY, null, null, 0.8, 6, 32, null, null, false, Map.of(), null, null,
        source);
  }

  Cohort cohort(String name, List<SampleCohortSpec.SiteSpec> sites) {
    Path bids = tmp.resolve(name);
    SampleCohortGenerator.generate(bids, new SampleCohortSpec(9, sites, SampleCohortSpec.Scale.TINY));
    return BidsCohortReader.read(bids.toString(), new Configuration(), CohortOptions.defaults());
  }

  @Test
  void theVoxelTableGivesTheSameAnalysisAsTheMaps() {
    var spark = SparkTestSession.get();
    // sites A and B store their images alike (LAS): one grid, no resampling
    Cohort c = cohort("ab", List.of(new SampleCohortSpec.SiteSpec("A", 4), new SampleCohortSpec.SiteSpec("B", 3)));
    String out = tmp.resolve("out-ab").toString();
    ParticipantStage.run(spark, c, out, ParticipantKernels.defaults(), 8, true, "t", EnumSet.of(RunKind.DWI));
    GroupStage.Result maps = GroupStage.analyse(spark, c, out, settings(GroupSource.MAPS));
    GroupStage.Result table = GroupStage.analyse(spark, c, out, settings(GroupSource.VOXEL_TABLE));
    assertEquals(maps.voxels(), table.voxels());
    assertTrue(maps.voxels() > 100);
    for (int q = 0; q < maps.voxels(); q++) {
      assertEquals(maps.grid().index(q), table.grid().index(q));
    }
    assertArrayEquals(maps.coverage(), table.coverage(), "per-voxel N (coverage 0.8: some voxels lack subjects)");
    for (GlmOutput o : GlmOutput.values()) {
      assertArrayEquals(maps.glm().get(o), table.glm().get(o), 0.0, o.name());
    }
    assertArrayEquals(maps.tests().get(0).uncorrectedP(), table.tests().get(0).uncorrectedP(), 0.0);
    assertArrayEquals(maps.subjectMean(), table.subjectMean(), 0.0);
  }

  @Test
  void runsOnAnotherGridNeedTheMaps() {
    var spark = SparkTestSession.get();
    // site C stores its images RAS: its runs are resampled from the maps, which the table cannot do
    Cohort c = cohort("ac", List.of(new SampleCohortSpec.SiteSpec("A", 3), new SampleCohortSpec.SiteSpec("B", 1),
        new SampleCohortSpec.SiteSpec("C", 3)));
    String out = tmp.resolve("out-ac").toString();
    ParticipantStage.run(spark, c, out, ParticipantKernels.defaults(), 8, true, "t", EnumSet.of(RunKind.DWI));
    UserInputException e = assertThrows(UserInputException.class,
        () -> GroupStage.analyse(spark, c, out, settings(GroupSource.VOXEL_TABLE)));
    assertTrue(e.getMessage().contains("use --group-source maps, which resamples them"), e.getMessage());
    assertEquals(7, GroupStage.analyse(spark, c, out, settings(GroupSource.MAPS)).design().subjects());
  }
}
