package org.voxelspark.spark;

import java.io.Serializable;
import java.util.Locale;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.util.LongAccumulator;

/**
 * Where a stage's task time goes: nanoseconds spent reading inputs, computing and writing outputs,
 * summed over every task (Spark accumulators, so cluster-wide), for the log and the benchmarks. The
 * gap between {@code wall × cores} and their sum is what Spark and the driver cost (scheduling,
 * serialisation, the driver's planning, idle cores at the stage's tail).
 *
 * @param read time reading and decoding inputs, ns
 * @param compute time in the kernels, ns
 * @param write time writing outputs, ns
 */
public record StageTimers(LongAccumulator read, LongAccumulator compute, LongAccumulator write) implements Serializable {
  /** Registers the three accumulators ({@code voxelspark.time.<stage>.read|compute|write}). */
  public static StageTimers create(JavaSparkContext jsc, String stage) {
    return new StageTimers(jsc.sc().longAccumulator("voxelspark.time." + stage + ".read"),
        jsc.sc().longAccumulator("voxelspark.time." + stage + ".compute"),
        jsc.sc().longAccumulator("voxelspark.time." + stage + ".write"));
  }

  /** Total task time accounted, core-seconds. */
  public double taskSeconds() {
    return (read.value() + compute.value() + write.value()) / 1e9;
  }

  /**
   * One log line: core-seconds reading, computing, writing, and the share of {@code wall × cores}
   * they account for.
   */
  public String describe(double wallSeconds, int cores) {
    double total = wallSeconds * cores;
    return String.format(Locale.ROOT, "tasks spent %.1f core-s reading, %.1f computing, %.1f writing (%.0f%% of %.1f s x %d cores)",
        read.value() / 1e9, compute.value() / 1e9, write.value() / 1e9, total > 0 ? 100 * taskSeconds() / total : 0,
        wallSeconds, cores);
  }
}
