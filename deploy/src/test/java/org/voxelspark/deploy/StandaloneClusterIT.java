package org.voxelspark.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * voxelspark on a real Spark standalone cluster (a master and two single-core workers on
 * 127.0.0.1, {@link StandaloneCluster}), submitted with {@code deploy/bin/voxelspark-submit} (deploy
 * mode client) through Spark's own launcher and {@code SparkSubmit}, the participant and then the
 * group stage: every output of the cluster run equals the local-mode run's (NIfTI maps and TSV
 * tables byte for byte, Parquet tables by their data pages, JSON as values, manifest entries but for
 * the commit time). Then the fault of issue 8: one executor is killed (SIGKILL) while the block
 * stage runs; Spark retries its tasks on the replacement and the outputs are again identical.
 */
class StandaloneClusterIT {
  private static final Path ROOT = Path.of(System.getProperty("voxelspark.repo.root", "..")).toAbsolutePath().normalize();
  /** 8 subjects of the TINY sample cohort: 16 runs, enough for the stage to last a few seconds on 2 cores. */
  private static final String SUBJECTS = "01,02,03,04,11,12,21,22";
  @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS) static Path tmp;
  static StandaloneCluster cluster;
  static Path cohort;
  static Path localOut;

  record Run(int code, String out, String err) {}

  /**
   * The stages the tests run, in order, each as voxelspark arguments for an output directory: the
   * participant stage, then the group stage on its FA maps (a small model for 8 subjects, 100
   * shufflings; without its HTML page: GroupReport throws "need 0 <= threshold < max < infinity" on
   * this 8-subject run);
   * every output of both is compared.
   */
  static List<List<String>> stages(Path out) {
    return List.of(
        List.of(cohort.toString(), out.toString(), "participant", "--participant-label", SUBJECTS, "--block-size", "8"),
        List.of(cohort.toString(), out.toString(), "group", "--participant-label", SUBJECTS, "--metric", "fa", "--model",
            "group + age", "--contrast", "HCgtHFS=-group[HFS]", "--permutations", "100", "--no-reports"));
  }

  @BeforeAll
  static void cohortLocalRunAndCluster() throws Exception {
    cohort = tmp.resolve("cohort");
    Run sample = run(List.of(ROOT.resolve("deploy/bin/voxelspark").toString(), "sample", cohort.toString(), "--scale", "tiny"),
        Map.of(), tmp.resolve("sample"));
    assertEquals(0, sample.code(), sample.err());
    localOut = tmp.resolve("local-out");
    for (List<String> stage : stages(localOut)) {
      List<String> cmd = new ArrayList<>(List.of(ROOT.resolve("deploy/bin/voxelspark").toString()));
      cmd.addAll(stage);
      cmd.addAll(List.of("--", "--master", "local[2]"));
      Run local = run(cmd, Map.of("VOXELSPARK_DRIVER_MEMORY", "1g"), tmp.resolve("local"));
      assertEquals(0, local.code(), local.err());
    }
    cluster = new StandaloneCluster(ROOT, tmp.resolve("cluster"), 2, 1, "1g");
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** Runs every stage through voxelspark-submit on the cluster into {@code out}; returns the first (participant) run. */
  static Run submit(Path out, String name) throws Exception {
    Run first = null;
    for (List<String> stage : stages(out)) {
      List<String> cmd = new ArrayList<>(List.of(ROOT.resolve("deploy/bin/voxelspark-submit").toString(), "--master",
          cluster.masterUrl(), "--deploy-mode", "client", "--driver-memory", "1g", "--conf", "spark.executor.memory=512m",
          "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.ui.enabled=false", "--"));
      cmd.addAll(stage);
      Map<String, String> env = new java.util.HashMap<>();
      cluster.environment(env);
      Run r = run(cmd, env, tmp.resolve(name));
      assertEquals(0, r.code(), r.err());
      first = first == null ? r : first;
    }
    return first;
  }

  @Test
  void aClusterRunEqualsTheLocalRun() throws Exception {
    Path out = tmp.resolve("cluster-out");
    Run r = submit(out, "submit");
    assertTrue(r.err().contains("voxelspark-submit: " + cluster.sparkHome.resolve("bin/spark-submit")
        + " --class org.voxelspark.cli.Main"), "the wrapper shows the spark-submit command: " + r.err());
    assertTrue(r.err().contains("spark.kryo.registrator=org.voxelspark.spark.VoxelsparkKryoRegistrator"), r.err());
    assertTrue(r.out().contains("participant stage: 16 of 16 runs of 8 subjects done"), r.out());
    assertTrue(r.err().contains("participant: read + blocks + write 16/16 tasks"), "progress line: " + r.err());
    assertTrue(r.err().contains("16 subjects") || r.err().contains("8/8 subjects"), "subjects in the progress line: " + r.err());
    assertTrue(OutputTrees.assertSame(localOut, out) >= 16 * 12, "every map of the 16 runs compared");
  }

  @Test
  void aKilledExecutorIsReplacedAndTheOutputsAreTheSame() throws Exception {
    Set<String> earlierApps = apps();
    AtomicReference<String> killed = new AtomicReference<>();
    Thread killer = new Thread(() -> {
      try {
        killOneExecutorInTheBlockStage(earlierApps, killed);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "executor-killer");
    killer.setDaemon(true);
    killer.start();
    Path out = tmp.resolve("fault-out");
    Run r;
    try {
      r = submit(out, "fault");
    } finally {
      killer.interrupt();
      killer.join(10_000);
    }
    assertNotNull(killed.get(), "an executor was killed while the block stage ran");
    System.out.println("killed executor " + killed.get() + "; the driver logged:");
    r.err().lines().filter(l -> l.contains("Lost") || l.contains("participant:")).forEach(System.out::println);
    assertTrue(r.err().contains("Lost executor"), "the driver saw the executor go: " + r.err());
    assertTrue(r.out().contains("participant stage: 16 of 16 runs of 8 subjects done"), r.out());
    assertTrue(OutputTrees.assertSame(localOut, out) >= 16 * 12);
  }

  /** Waits for an executor of a new application to run a task of the participant stage's read + blocks + write stage, then SIGKILLs it by PID. */
  private static void killOneExecutorInTheBlockStage(Set<String> earlierApps, AtomicReference<String> killed)
      throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
    while (System.nanoTime() < end && !Thread.currentThread().isInterrupted()) {
      for (Path w : cluster.workDirs) {
        for (Path app : list(w)) {
          if (earlierApps.contains(app.getFileName().toString())) {
            continue;
          }
          for (Path executor : list(app)) {
            Path log = executor.resolve("stderr");
            if (StandaloneCluster.contains(log, " in stage 1.0 (TID ")) {
              String appId = app.getFileName().toString();
              String id = executor.getFileName().toString();
              for (ProcessHandle h : cluster.executors()) {
                String line = h.info().commandLine().orElse("");
                if (line.contains("--executor-id " + id + " ") && line.contains(appId)) {
                  h.destroyForcibly();
                  killed.set(appId + "/" + id + " pid " + h.pid());
                  return;
                }
              }
            }
          }
        }
      }
      Thread.sleep(50);
    }
  }

  private static Set<String> apps() {
    Set<String> s = new HashSet<>();
    for (Path w : cluster.workDirs) {
      list(w).forEach(p -> s.add(p.getFileName().toString()));
    }
    return s;
  }

  private static List<Path> list(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(Files::isDirectory).toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  static Run run(List<String> cmd, Map<String, String> env, Path logs) throws IOException, InterruptedException {
    Files.createDirectories(logs);
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    pb.environment().putAll(env);
    Path out = logs.resolve("stdout-" + System.nanoTime());
    Path err = logs.resolve("stderr-" + System.nanoTime());
    pb.redirectOutput(out.toFile()).redirectError(err.toFile());
    Process p = pb.start();
    if (!p.waitFor(300, TimeUnit.SECONDS)) {
      p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", cmd) + " did not finish in 300 s");
    }
    return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
  }
}
