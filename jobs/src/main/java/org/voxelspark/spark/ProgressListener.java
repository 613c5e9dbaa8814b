package org.voxelspark.spark;

import java.io.PrintStream;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.spark.Success$;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.voxelspark.ops.IncrementalRun;
import org.voxelspark.ops.RunCommitter;

/**
 * One concise console line per stage while voxelspark's Spark jobs run, at most every
 * {@code intervalMillis} and once when the stage completes:
 * <pre>
 *   &lt;label&gt;: &lt;stage&gt; &lt;d&gt;/&lt;n&gt; tasks[, &lt;b&gt;/&lt;B&gt; blocks][, &lt;s&gt;/&lt;S&gt; subjects], &lt;elapsed&gt; s[, ETA &lt;eta&gt; s]
 * </pre>
 * <ul>
 *   <li>tasks: the stage's tasks done / total (runs in the block stage);
 *   <li>blocks: voxel blocks computed / to compute in the job, when the job says how many
 *       ({@link IncrementalRun#BLOCKS_TOTAL_PROPERTY}); a block is counted when the task that computed
 *       it ends ({@link #BLOCKS_ACCUMULATOR}, or its shuffle records where blocks are shuffled);
 *   <li>subjects: subjects whose every run to compute is written and committed / subjects to compute
 *       ({@link IncrementalRun#SUBJECTS_TOTAL_PROPERTY}, from the {@link RunCommitter#SUBJECTS_ACCUMULATOR}
 *       updates);
 *   <li>ETA: the elapsed time extrapolated over the blocks still to compute in the block stage, over
 *       the tasks still to run otherwise.
 * </ul>
 * Only successful task attempts count, each partition once (a retried or resubmitted task replaces
 * its earlier count). Runs on the driver (listener events, one thread), so it shows cluster-wide
 * progress; Spark's own UI remains available on a cluster.
 */
public final class ProgressListener extends SparkListener {
  private final String label;
  private final PrintStream out;
  private final long intervalMillis;
  private int done;
  private int total;
  private String stageName = "";
  private long stageStart;
  private long lastPrint;
  private long blocksTotal = -1;
  private int subjectsTotal = -1;
  /** Blocks by (stage, partition) of the current job. */
  private final Map<String, Long> blocks = new HashMap<>();
  /** Committed runs' subject updates by (stage, partition) of the current job. */
  private final Map<String, List<?>> commits = new HashMap<>();

  public ProgressListener(String label, PrintStream out, long intervalMillis) {
    this.label = label;
    this.out = out;
    this.intervalMillis = intervalMillis;
  }

  @Override
  public void onJobStart(SparkListenerJobStart event) {
    blocks.clear();
    commits.clear();
    Properties p = event.properties();
    blocksTotal = number(p, IncrementalRun.BLOCKS_TOTAL_PROPERTY);
    subjectsTotal = (int) number(p, IncrementalRun.SUBJECTS_TOTAL_PROPERTY);
  }

  @Override
  public void onStageSubmitted(SparkListenerStageSubmitted event) {
    total = event.stageInfo().numTasks();
    stageName = describe(event.stageInfo().name());
    done = 0;
    stageStart = System.currentTimeMillis();
    lastPrint = 0;
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd event) {
    if (event.reason() != Success$.MODULE$) {
      return;
    }
    done++;
    String partition = event.stageId() + "/" + event.taskInfo().index();
    if (event.taskMetrics() != null && event.taskMetrics().shuffleWriteMetrics().recordsWritten() > 0) {
      blocks.put(partition, event.taskMetrics().shuffleWriteMetrics().recordsWritten());
    }
    for (AccumulableInfo a : scala.jdk.javaapi.CollectionConverters.asJava(event.taskInfo().accumulables())) {
      if (a.name().isDefined() && a.name().get().equals(BLOCKS_ACCUMULATOR) && a.update().isDefined()
          && a.update().get() instanceof Long n) {
        blocks.put(partition, n);
      }
      if (a.name().isDefined() && a.name().get().equals(RunCommitter.SUBJECTS_ACCUMULATOR) && a.update().isDefined()
          && a.update().get() instanceof List<?> l) {
        commits.put(partition, List.copyOf(l));
      }
    }
    long now = System.currentTimeMillis();
    if (now - lastPrint >= intervalMillis && done < total) {
      lastPrint = now;
      print(now);
    }
  }

  @Override
  public void onStageCompleted(SparkListenerStageCompleted event) {
    print(System.currentTimeMillis());
  }

  private void print(long now) {
    double elapsed = (now - stageStart) / 1000.0;
    StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%s: %s %d/%d tasks", label, stageName, done, total));
    long blocksDone = Math.min(blocksTotal, blocks.values().stream().mapToLong(Long::longValue).sum());
    if (blocksTotal > 0) {
      line.append(String.format(Locale.ROOT, ", %d/%d blocks", blocksDone, blocksTotal));
    }
    if (subjectsTotal > 0) {
      line.append(String.format(Locale.ROOT, ", %d/%d subjects", subjectsDone(), subjectsTotal));
    }
    line.append(String.format(Locale.ROOT, ", %.1f s", elapsed));
    boolean blockStage = blocksTotal > 0 && blocksDone < blocksTotal && blocksDone > 0 && stageName.equals(BLOCK_STAGE);
    if (blockStage) {
      line.append(String.format(Locale.ROOT, ", ETA %.0f s", elapsed / blocksDone * (blocksTotal - blocksDone)));
    } else if (done > 0 && done < total) {
      line.append(String.format(Locale.ROOT, ", ETA %.0f s", elapsed / done * (total - done)));
    }
    out.println(line);
    out.flush();
  }

  /** Subjects with as many committed runs as the committer said they have ({@code subject TAB runs}). */
  private int subjectsDone() {
    Map<String, Integer> seen = new HashMap<>();
    Map<String, Integer> expected = new HashMap<>();
    for (List<?> updates : commits.values()) {
      for (Object o : updates) {
        String[] f = o.toString().split("\t");
        seen.merge(f[0], 1, Integer::sum);
        expected.put(f[0], f.length > 1 ? Integer.parseInt(f[1]) : 1);
      }
    }
    int n = 0;
    for (Map.Entry<String, Integer> e : seen.entrySet()) {
      n += e.getValue() >= expected.get(e.getKey()) ? 1 : 0;
    }
    return n;
  }

  private static long number(Properties p, String key) {
    String v = p == null ? null : p.getProperty(key);
    return v == null ? -1 : Long.parseLong(v);
  }

  /** The participant stage's one stage: read, blocks computed, reassembled and written, run by run. */
  static final String BLOCK_STAGE = "read + blocks + write";

  /**
   * Name of the accumulator of blocks computed ({@link org.voxelspark.participant.ParticipantFunctions#computeRuns}),
   * counted when the task that computed them ends.
   */
  public static final String BLOCKS_ACCUMULATOR = "voxelspark.progress.blocks";

  /** Spark names stages after the call site; voxelspark's are the participant runs, block computations and named ones. */
  private static String describe(String sparkName) {
    if (sparkName.startsWith("collect at ParticipantStage")) {
      return BLOCK_STAGE;
    }
    if (sparkName.startsWith("flatMapToPair")) {
      return "blocks";
    }
    int at = sparkName.indexOf(" at ");
    return at > 0 ? sparkName.substring(0, at) : sparkName;
  }
}
