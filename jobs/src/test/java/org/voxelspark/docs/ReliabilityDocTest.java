package org.voxelspark.docs;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.voxelspark.participant.FailuresTable;

/**
 * docs/reliability.md cannot drift from the code: every test it names ({@code Class.method} in
 * backticks) is a method of that test class somewhere in the source tree, and the failure and run
 * tables it describes are documented in docs/outputs.md with the columns the code writes.
 */
class ReliabilityDocTest {
  private static final Path ROOT = Path.of(System.getProperty("voxelspark.repo.root", "..")).toAbsolutePath().normalize();
  /** {@code `NiftiMalformedTest.truncatedGzipFile`}, {@code `LauncherIT.sampleCohort…`}. */
  private static final Pattern TEST_NAME = Pattern.compile("`([A-Z][A-Za-z0-9]*(?:Test|IT))\\.([a-z][A-Za-z0-9]*)`");

  /** Test classes by simple name: their source text (every module's src/test/java). */
  private static Map<String, String> testSources() throws IOException {
    Map<String, String> sources = new HashMap<>();
    try (Stream<Path> files = Files.walk(ROOT)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        String s = p.toString().replace('\\', '/');
        if (s.endsWith(".java") && s.contains("/src/test/java/") && !s.contains("/target/")) {
          String name = p.getFileName().toString();
          sources.put(name.substring(0, name.length() - ".java".length()), Files.readString(p));
        }
      }
    }
    return sources;
  }

  @Test
  void everyTestTheDocNamesExists() throws IOException {
    String doc = Files.readString(ROOT.resolve("docs/reliability.md"));
    Map<String, String> sources = testSources();
    Matcher m = TEST_NAME.matcher(doc);
    List<String> missing = new ArrayList<>();
    int names = 0;
    while (m.find()) {
      names++;
      String source = sources.get(m.group(1));
      if (source == null || !Pattern.compile("void " + Pattern.quote(m.group(2)) + "\\(").matcher(source).find()) {
        missing.add(m.group(1) + "." + m.group(2));
      }
    }
    assertTrue(names >= 40, "the catalogue names its tests (found " + names + ")");
    assertTrue(missing.isEmpty(), "docs/reliability.md names tests that do not exist: " + missing);
  }

  @Test
  void outputsDocumentTheFailureTablesAndTheNonFiniteCount() throws IOException {
    String outputs = Files.readString(ROOT.resolve("docs/outputs.md"));
    assertTrue(outputs.contains("`" + FailuresTable.TSV + "`") && outputs.contains("`" + FailuresTable.PARQUET + "`"), "both files");
    for (String c : FailuresTable.COLUMNS) {
      assertTrue(outputs.contains("| `" + c + "` |"), "docs/outputs.md documents failures column " + c);
    }
    assertTrue(outputs.contains("| `nonfinite_voxels` |"), "docs/outputs.md documents participant_runs.tsv's nonfinite_voxels");
  }
}
