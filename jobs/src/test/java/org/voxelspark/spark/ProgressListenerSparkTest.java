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
}
