package org.voxelspark.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
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
import org.voxelspark.ops.ReprocessMode;
import org.voxelspark.participant.ParticipantKernels;
import org.voxelspark.participant.ParticipantStage;
import org.voxelspark.participant.RunKind;
import org.voxelspark.sample.SampleCohortGenerator;
import org.voxelspark.sample.SampleCohortSpec;
import org.voxelspark.spark.SparkTestSession;
import org.voxelspark.stats.design.ContrastSpec;
import org.voxelspark.stats.design.ModelSpec;
import org.voxelspark.stats.perm.Partition;
import org.voxelspark.stats.perm.Tail;

/**
 * The group stage in nightly runs: recomputed when its inputs changed (a participant run, a table
 * row, a setting), skipped when nothing did, and recomputed after an interrupted run.
 */
class GroupIncrementalSparkTest {
  @TempDir Path tmp;

  static GroupSettings settings(int shufflings) {
    return new GroupSettings("fa", ModelSpec.parse("group + age"), List.of(new ContrastSpec("HCgtHFS", "-group[HFS]")),
        List.of(), shufflings, 1, Tail.ONE_SIDED, Partition.RIDGWAY, null, null, 1, 8, 32, null, null, false, Map.of(), null,
        null, org.voxelspark.group.GroupSource.MAPS);
  }

  @Test
  void theGroupStageRunsAgainOnlyWhenItsInputsChanged() throws Exception {
    Path bids = tmp.resolve("bids");
    SampleCohortGenerator.generate(bids, new SampleCohortSpec(3, List.of(new SampleCohortSpec.SiteSpec("A", 4),
        new SampleCohortSpec.SiteSpec("B", 4)), SampleCohortSpec.Scale.TINY));
    String out = tmp.resolve("derivatives").toString();
    Cohort cohort = BidsCohortReader.read(bids.toString(), new Configuration(), CohortOptions.defaults());
    ParticipantStage.run(SparkTestSession.get(), cohort, out, ParticipantKernels.defaults(), 8, true, "v1",
        EnumSet.of(RunKind.DWI));
    var spark = SparkTestSession.get();
    GroupStage.Summary first = GroupStage.run(spark, cohort, out, settings(20), "v1", false, ReprocessMode.CHANGED);
    assertFalse(first.unchanged());
    Path tMap = Path.of(GroupOutputs.directory(out, "fa").replace("file:", ""), GroupOutputs.mapName("fa", "HCgtHFS", "t", null,
        null));
    long written = Files.getLastModifiedTime(tMap).toMillis();

    assertTrue(GroupStage.run(spark, cohort, out, settings(20), "v1", false, ReprocessMode.CHANGED).unchanged(),
        "nothing changed: nothing recomputed");
    assertEquals(written, Files.getLastModifiedTime(tMap).toMillis(), "no output rewritten");
    assertFalse(GroupStage.run(spark, cohort, out, settings(30), "v1", false, ReprocessMode.CHANGED).unchanged(),
        "another setting");
    assertFalse(GroupStage.run(spark, cohort, out, settings(30), "v2", false, ReprocessMode.CHANGED).unchanged(),
        "another software version");
    assertTrue(GroupStage.run(spark, cohort, out, settings(30), "v2", false, ReprocessMode.CHANGED).unchanged());

    // a participants.tsv row edited (an age corrected)
    Path table = bids.resolve("participants.tsv");
    List<String> lines = Files.readAllLines(table);
    String[] header = lines.get(0).split("\t");
    int age = List.of(header).indexOf("age");
    String[] row = lines.get(1).split("\t", -1);
    row[age] = Integer.toString((int) Double.parseDouble(row[age]) + 1);
    lines.set(1, String.join("\t", row));
    Files.write(table, lines);
    Cohort edited = BidsCohortReader.read(bids.toString(), new Configuration(), CohortOptions.defaults());
    assertFalse(GroupStage.run(spark, edited, out, settings(30), "v2", false, ReprocessMode.CHANGED).unchanged(), "a row");

    // a participant run recomputed (its manifest entry changes): --reprocess all for one subject's DWI
    ParticipantStage.run(spark, edited, out, ParticipantKernels.defaults(), 8, true, "v3", EnumSet.of(RunKind.DWI));
    assertFalse(GroupStage.run(spark, edited, out, settings(30), "v2", false, ReprocessMode.CHANGED).unchanged(),
        "participant outputs of another version");

    // an interrupted group run (its record deleted first, never written) is recomputed
    org.voxelspark.ops.RunManifest.load(out, new Configuration()).forgetStage(GroupStage.stageName("fa"));
    assertFalse(GroupStage.run(spark, edited, out, settings(30), "v2", false, ReprocessMode.CHANGED).unchanged());
  }
}
