package org.voxelspark.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A participant stage killed part-way (SIGKILL of the driver JVM, a child process, while runs are
 * being written) leaves nothing a reader would take for complete: no cohort tables, every committed
 * run complete (its files present with the sizes its manifest entry records, equal to a clean run's),
 * no visible file of an uncommitted run except, at most, the one being moved into place at the kill.
 * The next run computes only the runs without an entry, leaves the committed ones untouched, and
 * ends with exactly the outputs of an uninterrupted run; the run after that, with nothing changed,
 * writes no per-run file and no report page.
 */
class ResumeIT {
  private static final Path ROOT = Path.of(System.getProperty("voxelspark.repo.root", "..")).toAbsolutePath().normalize();
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS) Path tmp;

  private ProcessBuilder voxelspark(Path logs, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(ROOT.resolve("deploy/bin/voxelspark").toString()));
    cmd.addAll(List.of(args));
    Files.createDirectories(logs);
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    pb.environment().put("VOXELSPARK_DRIVER_MEMORY", "1g");
    pb.redirectOutput(logs.resolve("stdout").toFile()).redirectError(logs.resolve("stderr").toFile());
    return pb;
  }

  private int runToEnd(ProcessBuilder pb) throws Exception {
    Process p = pb.start();
    if (!p.waitFor(300, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("did not finish in 300 s");
    }
    return p.exitValue();
  }

  @Test
  void aKilledRunLeavesOnlyCommittedRunsAndTheNextRunFinishesTheRest() throws Exception {
    Path cohort = tmp.resolve("cohort");
    assertEquals(0, runToEnd(voxelspark(tmp.resolve("logs-sample"), "sample", cohort.toString(), "--scale", "tiny")));
    // 12 of the 28 subjects: 24 runs, written 12 after another by each of the 2 local cores
    String[] stage = {cohort.toString(), null, "participant", "--block-size", "8", "--participant-label",
        "01,02,03,04,05,06,07,08,09,10,11,12", "--", "--master", "local[2]"};
    Path reference = tmp.resolve("reference");
    stage[1] = reference.toString();
    assertEquals(0, runToEnd(voxelspark(tmp.resolve("logs-reference"), stage)));
    int runs = entries(reference).size();
    assertEquals(24, runs);

    // the driver (deploy/bin/voxelspark execs the JVM: this is its PID) is killed once a few runs are committed
    Path out = tmp.resolve("out");
    stage[1] = out.toString();
    Process p = voxelspark(tmp.resolve("logs-killed"), stage).start();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
    int committedAtKill;
    while (true) {
      committedAtKill = entries(out).size();
      if (committedAtKill >= 3 || !p.isAlive() || System.nanoTime() > end) {
        break;
      }
      Thread.sleep(20);
    }
    assertTrue(p.isAlive(), "still running when a few runs were committed");
    p.destroyForcibly();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertEquals(137, p.exitValue(), "killed by SIGKILL");

    Map<String, JsonNode> committed = entries(out);
    assertTrue(committed.size() >= 3 && committed.size() < runs, committed.size() + " of " + runs + " runs committed at the kill");
    assertFalse(Files.exists(out.resolve("participant_runs.tsv")), "no cohort table that would say the stage finished");
    assertFalse(Files.exists(out.resolve("failures.tsv")));
    assertFalse(Files.exists(out.resolve("failures.parquet")));
    Set<String> committedFiles = new HashSet<>();
    Map<String, FileTime> committedTimes = new HashMap<>();
    for (JsonNode e : committed.values()) {
      for (JsonNode o : e.get("outputs")) {
        Path f = out.resolve(o.get("path").asText());
        assertTrue(Files.isRegularFile(f), f + " of a committed run");
        assertEquals(o.get("size").asLong(), Files.size(f), f + " has the size its entry records");
        if (f.toString().endsWith(".parquet")) {
          OutputTrees.assertSameParquet(reference.resolve(o.get("path").asText()), f);
        } else {
          assertTrue(java.util.Arrays.equals(Files.readAllBytes(reference.resolve(o.get("path").asText())), Files.readAllBytes(f)),
              f + " equals the uninterrupted run's");
        }
        committedFiles.add(o.get("path").asText());
        committedTimes.put(o.get("path").asText(), Files.getLastModifiedTime(f));
      }
    }
    // visible files that no committed entry lists: at most those of the one run being moved into
    // place at the kill (the sample cohort has one run per modality directory)
    Set<String> uncommittedRuns = new HashSet<>();
    for (String f : OutputTrees.files(out).keySet()) {
      if (f.startsWith("sub-") && !committedFiles.contains(f)) {
        uncommittedRuns.add(Path.of(f).getParent().toString());
      }
    }
    assertTrue(uncommittedRuns.size() <= 1, "visible files of uncommitted runs: " + uncommittedRuns);
    System.out.println("killed with " + committed.size() + " of " + runs + " runs committed; visible files of uncommitted runs: "
        + uncommittedRuns);

    // the next run computes only what is missing
    assertEquals(0, runToEnd(voxelspark(tmp.resolve("logs-resumed"), stage)));
    String stdout = Files.readString(tmp.resolve("logs-resumed/stdout"));
    assertTrue(stdout.contains("participant stage: 24 of 24 runs of 12 subjects done"), stdout);
    assertTrue(stdout.contains((runs - committed.size()) + " runs computed now, " + committed.size() + " kept from earlier runs"),
        stdout);
    for (Map.Entry<String, FileTime> f : committedTimes.entrySet()) {
      assertEquals(f.getValue(), Files.getLastModifiedTime(out.resolve(f.getKey())), f.getKey() + " was not written again");
    }
    assertTrue(OutputTrees.assertSame(reference, out) >= runs * 12, "the resumed output equals an uninterrupted run's");

    // and the night after, with nothing changed: nothing computed, not even the report pages
    Map<String, FileTime> before = new HashMap<>();
    for (String f : OutputTrees.files(out).keySet()) {
      before.put(f, Files.getLastModifiedTime(out.resolve(f)));
    }
    assertEquals(0, runToEnd(voxelspark(tmp.resolve("logs-unchanged"), stage)));
    String unchanged = Files.readString(tmp.resolve("logs-unchanged/stdout"));
    assertTrue(unchanged.contains("0 runs computed now, " + runs + " kept from earlier runs"), unchanged);
    assertTrue(unchanged.contains("reports: unchanged"), unchanged);
    for (Map.Entry<String, FileTime> f : before.entrySet()) {
      String name = f.getKey();
      if (!name.equals("participant_runs.tsv") && !name.startsWith("failures.") && !name.equals("dataset_description.json")) {
        assertEquals(f.getValue(), Files.getLastModifiedTime(out.resolve(name)), name + " was not written again");
      }
    }
  }

  /** The committed manifest entries of an output directory. */
  private static Map<String, JsonNode> entries(Path out) throws IOException {
    Path dir = out.resolve(".voxelspark/manifest/participant");
    Map<String, JsonNode> m = new HashMap<>();
    if (!Files.isDirectory(dir)) {
      return m;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.filter(f -> f.getFileName().toString().endsWith(".json") && !f.getFileName().toString().startsWith("."))
          .toList()) {
        try {
          m.put(dir.relativize(p).toString(), JSON.readTree(p.toFile()));
        } catch (IOException vanished) {
          // renamed into place between the listing and the read: counted on the next poll
        }
      }
    } catch (java.io.UncheckedIOException | java.nio.file.NoSuchFileException concurrent) {
      // a directory created or renamed while walking: counted on the next poll
    }
    return m;
  }
}
