package org.voxelspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.voxelspark.config.OptionSpec;
import org.voxelspark.error.UserInputException;

/**
 * How {@link Main} renders what goes wrong (docs/reliability.md, docs/cli.md): a user mistake is one
 * {@code error: <file>: <field>: <problem>} line per problem and exit code 1, with a stack trace only
 * under {@code --debug}, also when Spark wraps it; a bug is {@code internal error:} and exit code 3,
 * its stack trace under {@code --debug}; and mistakes that used to surface as internal errors (an
 * unknown URI scheme, a file where a directory is expected) are user errors.
 */
class ErrorRenderingTest {
  @TempDir Path dir;

  record Result(int code, String out, String err) {
    List<String> errorLines() {
      return err.lines().filter(l -> l.startsWith("error: ")).toList();
    }
  }

  /** A command that throws what it is given. */
  record Throwing(RuntimeException toThrow) implements Command {
    @Override
    public String name() {
      return "throw";
    }

    @Override
    public String summary() {
      return "throws";
    }

    @Override
    public List<String> positionals() {
      return List.of();
    }

    @Override
    public List<OptionSpec<?>> options() {
      return List.of();
    }

    @Override
    public int run(Invocation invocation) {
      throw toThrow;
    }
  }

  static Result run(Map<String, Command> commands, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
        commands);
    return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static Result run(String... args) {
    return run(Commands.all(), args);
  }

  static Map<String, Command> throwing(RuntimeException e) {
    Map<String, Command> m = new LinkedHashMap<>(Commands.all());
    m.put("throw", new Throwing(e));
    return m;
  }

  @Test
  void userErrorsAreOneLinePerProblemWithAStackTraceOnlyUnderDebug() {
    UserInputException three = new UserInputException(List.of(new UserInputException.Problem("a.nii", "dim", "is 0"),
        new UserInputException.Problem("b.bval", "count", "has 3 b-values; the image has 4 volumes"),
        new UserInputException.Problem("--task", "", "must not be empty")));
    Result r = run(throwing(three), "throw");
    assertEquals(Main.USER_ERROR, r.code());
    assertEquals(List.of("error: a.nii: dim: is 0", "error: b.bval: count: has 3 b-values; the image has 4 volumes",
        "error: --task: must not be empty"), r.errorLines());
    assertFalse(r.err().contains("\tat "), r.err());
    Result debug = run(throwing(three), "--debug", "throw");
    assertEquals(Main.USER_ERROR, debug.code());
    assertEquals(r.errorLines(), debug.errorLines());
    assertTrue(debug.err().contains("\tat org.voxelspark.cli.ErrorRenderingTest"), debug.err());
  }

  @Test
  void aUserErrorWrappedByAFailedSparkJobIsStillAUserError() {
    // --fail-fast: the task's UserInputException reaches the driver as the cause of Spark's exception
    RuntimeException wrapped = new IllegalStateException("Job aborted due to stage failure",
        new RuntimeException("task 3 failed", new UserInputException("sub-02_dwi.nii", "data", "truncated")));
    Result r = run(throwing(wrapped), "throw");
    assertEquals(Main.USER_ERROR, r.code());
    assertEquals(List.of("error: sub-02_dwi.nii: data: truncated"), r.errorLines());
    assertFalse(r.err().contains("internal error") || r.err().contains("\tat "), r.err());
  }

  /** Throws a checked exception undeclared, as Scala code (Spark's collect) does. */
  @SuppressWarnings("unchecked")
  static <E extends Throwable> RuntimeException sneaky(Throwable t) throws E {
    throw (E) t;
  }

  /**
   * A failed Spark job under --fail-fast ends in {@code org.apache.spark.SparkException}, a checked
   * exception thrown undeclared; it escaped Main as a raw stack trace (found by LauncherIT).
   */
  /** A command that throws a checked exception undeclared. */
  record SneakyThrowing(Exception toThrow) implements Command {
    @Override
    public String name() {
      return "throw";
    }

    @Override
    public String summary() {
      return "throws a checked exception";
    }

    @Override
    public List<String> positionals() {
      return List.of();
    }

    @Override
    public List<OptionSpec<?>> options() {
      return List.of();
    }

    @Override
    public int run(Invocation invocation) {
      throw sneaky(toThrow);
    }
  }

  @Test
  void aCheckedSparkExceptionIsRenderedNotThrown() {
    Map<String, Command> commands = new LinkedHashMap<>(Commands.all());
    commands.put("throw", new SneakyThrowing(new org.apache.spark.SparkException("Job aborted due to stage failure",
        new UserInputException("sub-05_bold.nii.gz", "gzip", "truncated"))));
    Result r = run(commands, "throw");
    assertEquals(Main.USER_ERROR, r.code(), r.err());
    assertEquals(List.of("error: sub-05_bold.nii.gz: gzip: truncated"), r.errorLines());
    assertFalse(r.err().contains("\tat "), r.err());
    commands.put("throw", new SneakyThrowing(new org.apache.spark.SparkException("Job aborted", new IllegalStateException("a bug"))));
    Result bug = run(commands, "throw");
    assertEquals(Main.INTERNAL, bug.code(), bug.err());
    assertTrue(bug.err().contains("internal error: org.apache.spark.SparkException: Job aborted"), bug.err());
  }

  @Test
  void bugsAreInternalErrorsWithTheirStackTraceUnderDebug() {
    Result r = run(throwing(new IllegalStateException("blocks cover 10 of 12 voxels")), "throw");
    assertEquals(Main.INTERNAL, r.code());
    assertTrue(r.err().lines().anyMatch(l -> l.equals("internal error: java.lang.IllegalStateException: blocks cover 10 of 12"
        + " voxels (re-run with --debug for the stack trace)")), r.err());
    assertTrue(r.errorLines().isEmpty(), "a bug is not rendered as a user error: " + r.err());
    assertFalse(r.err().contains("\tat "), r.err());
    Result debug = run(throwing(new IllegalStateException("blocks cover 10 of 12 voxels")), "--debug", "throw");
    assertEquals(Main.INTERNAL, debug.code());
    assertTrue(debug.err().contains("\tat org.voxelspark.cli.ErrorRenderingTest"), debug.err());
  }

  @Test
  void anUnknownSchemeAHostlessOrMalformedUriIsAUserErrorNamingIt() {
    Result r = run("validate", "fo0://host/cohort");
    assertEquals(Main.USER_ERROR, r.code(), r.err());
    assertEquals(1, r.errorLines().size(), r.err());
    assertTrue(r.errorLines().get(0).startsWith("error: fo0://host/cohort: no file system for this URI's scheme"), r.err());
    Result csv = run("validate", "fo0://host/cohort.csv");
    assertEquals(Main.USER_ERROR, csv.code(), csv.err());
    Result noHost = run("validate", "hdfs:///cohort");
    assertEquals(Main.USER_ERROR, noHost.code(), noHost.err());
    assertTrue(noHost.errorLines().get(0).startsWith("error: hdfs:///cohort: cannot open the file system of this URI"), noHost.err());
    Result malformed = run("validate", "a:b");
    assertEquals(Main.USER_ERROR, malformed.code(), malformed.err());
    assertTrue(malformed.errorLines().get(0).startsWith("error: a:b: is not a valid path or URI"), malformed.err());
  }

  @Test
  void aManifestRowWithAnUnknownSchemeIsThatSubjectsProblem() throws IOException {
    Path d = Files.createDirectories(dir.resolve("m"));
    Files.write(d.resolve("x.nii.gz"), new byte[] {1});
    Files.writeString(d.resolve("cohort.csv"), "participant_id,site,bold\np1,A,x.nii.gz\np2,A,fo0://host/y.nii.gz\n");
    Result r = run("validate", d.resolve("cohort.csv").toString());
    assertEquals(Main.USER_ERROR, r.code(), r.err());
    assertEquals(1, r.errorLines().size(), r.err());
    assertTrue(r.errorLines().get(0).startsWith("error: sub-p2: ") && r.errorLines().get(0).contains("no file system"), r.err());
  }

  @Test
  void filesWhereDirectoriesBelongAndDirectoriesWhereFilesBelong() throws IOException {
    Path file = Files.writeString(dir.resolve("afile"), "x");
    Result sample = run("sample", file.toString(), "--scale", "tiny");
    assertEquals(Main.USER_ERROR, sample.code(), sample.err());
    assertEquals(List.of("error: " + file + ": is an existing file; the sample cohort needs a new or empty directory"),
        sample.errorLines());
    Path bids = Files.createDirectories(dir.resolve("bids/sub-01/dwi"));
    Files.createDirectories(dir.resolve("bids/participants.tsv"));
    Result v = run("validate", dir.resolve("bids").toString());
    assertEquals(Main.USER_ERROR, v.code(), v.err());
    assertTrue(v.errorLines().stream().anyMatch(l -> l.endsWith("participants.tsv: is a directory, not a file")), v.err());
    assertFalse(bids.toString().isEmpty());
  }
}
