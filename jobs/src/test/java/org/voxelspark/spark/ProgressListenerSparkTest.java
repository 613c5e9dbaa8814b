package org.voxelspark.spark;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;

class ProgressListenerSparkTest {
  @Test
  void printsDoneOverTotalForEachStage() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    ProgressListener listener = new ProgressListener("test", out, 0);
    var sc = SparkTestSession.get().sparkContext();
    sc.addSparkListener(listener);
    try {
      JavaSparkContext.fromSparkContext(sc).parallelize(List.of(1, 2, 3, 4, 5, 6), 6).map(x -> x * 2).collect();
      // listener events are delivered asynchronously: wait for the bus to drain
      sc.listenerBus().waitUntilEmpty(10_000);
    } finally {
      sc.removeSparkListener(listener);
    }
    String text = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("6/6 tasks"), text);
    assertTrue(text.lines().allMatch(l -> l.startsWith("test: ")), text);
  }

  @Test
  void theParticipantStageShowsBlocksAndSubjects(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
    java.nio.file.Path cohort = tmp.resolve("cohort");
    org.voxelspark.sample.SampleCohortGenerator.generate(cohort, new org.voxelspark.sample.SampleCohortSpec(3,
        List.of(new org.voxelspark.sample.SampleCohortSpec.SiteSpec("A", 2)), org.voxelspark.sample.SampleCohortSpec.Scale.TINY));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    ProgressListener listener = new ProgressListener("participant", out, 0);
    var spark = SparkTestSession.get();
    spark.sparkContext().addSparkListener(listener);
    try {
      org.voxelspark.participant.ParticipantStage.run(spark, org.voxelspark.cohort.BidsCohortReader.read(cohort.toString(),
          new org.apache.hadoop.conf.Configuration(), org.voxelspark.cohort.CohortOptions.defaults()), tmp.resolve("out").toString(),
          org.voxelspark.participant.ParticipantKernels.defaults(), 8, false, "test");
      spark.sparkContext().listenerBus().waitUntilEmpty(10_000);
    } finally {
      spark.sparkContext().removeSparkListener(listener);
    }
    String text = bytes.toString(StandardCharsets.UTF_8);
    // one task per run; TINY DWI 20x24x14 and BOLD 16x19x12 in blocks of 8: 3*3*2 + 2*3*2 = 30 blocks per subject
    assertTrue(text.contains("participant: hash inputs 4/4 tasks"), text);
    assertTrue(text.contains("participant: read + blocks + write 4/4 tasks, 60/60 blocks, 2/2 subjects"), text);
    assertTrue(text.contains("ETA") || text.lines().count() == 3, "an ETA while a stage runs: " + text);
  }
}
