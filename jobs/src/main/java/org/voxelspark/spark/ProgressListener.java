package org.voxelspark.spark;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * One concise console line per stage while voxelspark's Spark jobs run:
 * {@code <label>: <what> tasks done/total, elapsed, ETA}, at most every {@code intervalMillis} and
 * once when the stage completes. The ETA extrapolates the mean task time of the stage so far.
 * Runs on the driver (listener events), so it shows cluster-wide progress; Spark's own UI remains
 * available on a cluster.
 */
public final class ProgressListener extends SparkListener {
  private final String label;
  private final PrintStream out;
  private final long intervalMillis;
  private final AtomicInteger done = new AtomicInteger();
  private volatile int total;
  private volatile String stageName = "";
  private volatile long stageStart;
  private volatile long lastPrint;

  public ProgressListener(String label, PrintStream out, long intervalMillis) {
    this.label = label;
    this.out = out;
    this.intervalMillis = intervalMillis;
  }

  @Override
  public void onStageSubmitted(SparkListenerStageSubmitted event) {
    total = event.stageInfo().numTasks();
    stageName = describe(event.stageInfo().name());
    done.set(0);
    stageStart = System.currentTimeMillis();
    lastPrint = 0;
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd event) {
    int d = done.incrementAndGet();
    long now = System.currentTimeMillis();
    if (now - lastPrint >= intervalMillis && d < total) {
      lastPrint = now;
      print(d, now);
    }
  }

  @Override
  public void onStageCompleted(SparkListenerStageCompleted event) {
    print(done.get(), System.currentTimeMillis());
  }

  private void print(int d, long now) {
    double elapsed = (now - stageStart) / 1000.0;
    String eta = d > 0 && d < total ? String.format(Locale.ROOT, ", ETA %.0f s", elapsed / d * (total - d)) : "";
    out.printf(Locale.ROOT, "%s: %s %d/%d tasks, %.1f s%s%n", label, stageName, d, total, elapsed, eta);
    out.flush();
  }

  /** Spark names stages after the call site; voxelspark's two are the block computation and the writing. */
  private static String describe(String sparkName) {
    if (sparkName.startsWith("flatMapToPair")) {
      return "read + blocks";
    }
    if (sparkName.startsWith("collect")) {
      return "assemble + write";
    }
    return sparkName.split(" ")[0];
  }
}
