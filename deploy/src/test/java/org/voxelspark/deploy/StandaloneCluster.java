package org.voxelspark.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A real Spark standalone cluster on 127.0.0.1 for the tests: one master and {@code workers}
 * workers ({@code org.apache.spark.deploy.master.Master}, {@code org.apache.spark.deploy.worker.Worker}),
 * each its own JVM started from the Maven-provided Spark jars ({@code deploy/target/lib}), in a
 * Spark home made of those jars and a {@code bin/spark-submit} that runs Spark's own launcher (see
 * the script). Every process it starts — and the executors the workers start — is stopped by PID in
 * {@link #close()}.
 */
final class StandaloneCluster implements AutoCloseable {
  final Path home;
  final Path sparkHome;
  final int masterPort;
  final List<Process> processes = new ArrayList<>();
  final List<Path> workDirs = new ArrayList<>();
  private final Path root;

  StandaloneCluster(Path root, Path dir, int workers, int coresPerWorker, String workerMemory) throws Exception {
    this.root = root;
    this.home = dir;
    this.sparkHome = dir.resolve("spark-home");
    Files.createDirectories(sparkHome.resolve("bin"));
    Files.createSymbolicLink(sparkHome.resolve("jars"), root.resolve("deploy/target/lib"));
    Path submit = sparkHome.resolve("bin/spark-submit");
    try (InputStream in = StandaloneCluster.class.getResourceAsStream("spark-submit")) {
      Files.write(submit, in.readAllBytes());
    }
    Files.setPosixFilePermissions(submit, PosixFilePermissions.fromString("rwxr-xr-x"));
    masterPort = freePort();
    try {
      Path masterLog = dir.resolve("master.log");
      start(masterLog, "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port", Integer.toString(masterPort),
          "--webui-port", Integer.toString(freePort()));
      await(() -> contains(masterLog, "I have been elected leader"), 90, "the master to start: " + masterLog);
      for (int w = 1; w <= workers; w++) {
        Path work = dir.resolve("work" + w);
        workDirs.add(work);
        Path log = dir.resolve("worker" + w + ".log");
        start(log, "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--cores", Integer.toString(coresPerWorker),
            "--memory", workerMemory, "--work-dir", work.toString(), "--webui-port", Integer.toString(freePort()), masterUrl());
      }
      for (int w = 1; w <= workers; w++) {
        Path log = dir.resolve("worker" + w + ".log");
        await(() -> contains(log, "Successfully registered with master"), 90, "worker " + log + " to register");
      }
    } catch (Exception | AssertionError e) {
      close();
      throw e;
    }
  }

  String masterUrl() {
    return "spark://127.0.0.1:" + masterPort;
  }

  /** The environment the cluster and the submitting scripts run with. */
  void environment(java.util.Map<String, String> env) {
    env.put("SPARK_HOME", sparkHome.toString());
    env.put("SPARK_SCALA_VERSION", "2.13");
    env.put("SPARK_LOCAL_IP", "127.0.0.1");
    env.put("SPARK_MASTER_HOST", "127.0.0.1");
    env.put("JAVA_HOME", javaHome());
  }

  private void start(Path log, String mainClass, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(javaHome() + "/bin/java", "-Xmx256m"));
    cmd.addAll(jvmOpens(root));
    cmd.addAll(List.of("-cp", sparkHome.resolve("jars") + "/*", mainClass));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    environment(pb.environment());
    processes.add(pb.start());
  }

  /** The executor JVMs the workers have started now (children of the worker processes). */
  List<ProcessHandle> executors() {
    List<ProcessHandle> out = new ArrayList<>();
    for (Process p : processes.subList(1, processes.size())) {
      p.toHandle().descendants().filter(h -> h.info().commandLine().orElse("").contains("CoarseGrainedExecutorBackend"))
          .forEach(out::add);
    }
    return out;
  }

  /** The log (stderr) of the executor with this id in any worker's work directory, if it exists. */
  Optional<Path> executorLog(String appId, String executorId) {
    for (Path w : workDirs) {
      Path p = w.resolve(appId).resolve(executorId).resolve("stderr");
      if (Files.isRegularFile(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /** Stops every process started here, executors first, by PID: SIGTERM, then SIGKILL after 10 s. */
  @Override
  public void close() {
    List<ProcessHandle> all = new ArrayList<>();
    for (Process p : processes) {
      p.toHandle().descendants().forEach(all::add);
    }
    for (int i = processes.size() - 1; i >= 0; i--) {
      all.add(processes.get(i).toHandle());
    }
    for (ProcessHandle h : all) {
      h.destroy();
    }
    for (ProcessHandle h : all) {
      try {
        h.onExit().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        h.destroyForcibly();
      }
    }
  }

  static String javaHome() {
    return System.getProperty("java.home");
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }

  static boolean contains(Path file, String text) {
    try {
      return Files.isRegularFile(file) && Files.readString(file, StandardCharsets.ISO_8859_1).contains(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The JVM options Spark needs on Java 17, as the launchers use them ({@code deploy/bin/lib/env.sh}). */
  static List<String> jvmOpens(Path root) throws IOException {
    List<String> lines = Files.readAllLines(root.resolve("deploy/bin/lib/env.sh"));
    int start = lines.indexOf("VOXELSPARK_JVM_OPENS=(");
    List<String> out = new ArrayList<>();
    for (int i = start + 1; i < lines.size() && !lines.get(i).trim().equals(")"); i++) {
      String option = lines.get(i).trim();
      if (!option.isEmpty() && !option.startsWith("#")) {
        out.add(option);
      }
    }
    if (start < 0 || out.isEmpty()) {
      throw new IllegalStateException("no VOXELSPARK_JVM_OPENS in env.sh");
    }
    return out;
  }

  static void await(BooleanSupplier condition, int seconds, String what) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out after " + seconds + " s waiting for " + what);
      }
      Thread.sleep(100);
    }
  }
}
