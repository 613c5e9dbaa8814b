package org.voxelspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line without Spark: help, exit codes, error rendering, validate and sample. */
class MainTest {
  @TempDir Path dir;

  record Result(int code, String out, String err) {}

  static Result run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void helpForEveryCommand() {
    Result general = run("help");
    assertEquals(Main.OK, general.code());
    for (String c : Commands.all().keySet()) {
      assertTrue(general.out().contains(c), c);
      Result r = run(c, "--help");
      assertEquals(Main.OK, r.code(), c);
      assertTrue(r.out().startsWith("voxelspark " + c), r.out());
    }
    Result p = run("help", "participant");
    assertTrue(p.out().contains("--block-size N") && p.out().contains("[default: 32]"), p.out());
    assertTrue(run().out().contains("usage:"), "no argument: the general help");
    assertTrue(p.out().contains("--[no-]reports") && p.out().contains("[default: on]"), p.out());
    Result report = run("help", "report");
    assertTrue(report.out().startsWith("voxelspark report <output_dir>"), report.out());
  }

  @Test
  void noReportsIsOnlyAnOptionOfTheCommandsThatWriteReports() {
    Result r = run("validate", dir.toString(), "--no-reports");
    assertEquals(Main.USAGE, r.code());
    assertTrue(r.err().contains("unknown option --no-reports for validate"), r.err());
  }

  @Test
  void usageErrorsExitWithTwo() {
    Result r = run("frobnicate");
    assertEquals(Main.USAGE, r.code());
    assertTrue(r.err().startsWith("usage error: unknown command 'frobnicate'"), r.err());
    r = run("validate", dir.toString(), "--site-colum", "x");
    assertEquals(Main.USAGE, r.code());
    assertTrue(r.err().contains("did you mean --site-column?"), r.err());
    r = run(dir.toString(), dir.resolve("out").toString(), "everything");
    assertEquals(Main.USAGE, r.code());
    assertTrue(r.err().contains("unknown analysis level 'everything'"), r.err());
    assertEquals(Main.USAGE, run("validate").code(), "missing positional");
  }

  @Test
  void userErrorsPrintOneLinePerProblemAndExitWithOne() throws IOException {
    Files.createDirectories(dir.resolve("bids/sub-01/dwi"));
    Files.writeString(dir.resolve("bids/participants.tsv"), "participant_id\tgroup\nsub-01\tHC\nsub-01\tHC\n");
    Result r = run("validate", dir.resolve("bids").toString());
    assertEquals(Main.USER_ERROR, r.code());
    List<String> errors = r.err().lines().filter(l -> l.startsWith("error: ")).toList();
    assertEquals(2, errors.size(), r.err());
    assertTrue(errors.stream().anyMatch(l -> l.contains("participants.tsv: line 3 participant_id: participant sub-01 is listed twice")), r.err());
    assertTrue(errors.stream().anyMatch(l -> l.contains("participants.tsv: site: no site column")), r.err());
    assertTrue(!r.err().contains("\tat "), "no stack trace without --debug");
    Result debug = run("--debug", "validate", dir.resolve("bids").toString());
    assertTrue(debug.err().contains("\tat org.voxelspark"), "stack trace with --debug");
    Result bad = run("validate", dir.resolve("bids").toString(), "--task", "");
    assertEquals(Main.USER_ERROR, bad.code());
    assertTrue(bad.err().contains("error: command line: --task: must not be empty"), bad.err());
  }

  @Test
  void sampleThenValidateACleanCohort() throws IOException {
    Path cohort = dir.resolve("cohort");
    Result s = run("sample", cohort.toString(), "--scale", "tiny", "--seed", "3");
    assertEquals(Main.OK, s.code(), s.err());
    assertTrue(s.err().contains("--scale                  = tiny                 (command line)"), s.err());
    Result v = run("validate", cohort.toString(), "--participant-label", "sub-01,02", "--participant-label", "03");
    assertEquals(Main.OK, v.code(), v.err());
    assertTrue(v.out().contains("subjects=3"), v.out());
    Result again = run("sample", cohort.toString(), "--scale", "tiny");
    assertEquals(Main.USER_ERROR, again.code(), "refuses to overwrite");
    Files.writeString(dir.resolve("user.conf"), "site-column = centre\n");
    Result conf = run("--config", dir.resolve("user.conf").toString(), "validate", cohort.toString());
    assertEquals(Main.USER_ERROR, conf.code(), "the user file's site column does not exist");
    assertTrue(conf.err().contains("--site-column            = centre               (--config file)"), conf.err());
  }

  @Test
  void versionPrintsTheBuildVersion() {
    Result r = run("version");
    assertEquals(Main.OK, r.code());
    assertTrue(r.out().matches("voxelspark \\d+\\.\\d+\\.\\d+.*\\R"), r.out());
  }
}
