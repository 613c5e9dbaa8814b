package org.voxelspark.deploy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Compares two output directories of voxelspark, file by file. */
final class OutputTrees {
  private static final ObjectMapper JSON = new ObjectMapper();

  private OutputTrees() {}

  /** Every regular file under {@code root}, by path relative to it. */
  static Map<String, Path> files(Path root) {
    Map<String, Path> m = new TreeMap<>();
    try (Stream<Path> s = Files.walk(root)) {
      s.filter(Files::isRegularFile).forEach(p -> m.put(root.relativize(p).toString(), p));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return m;
  }

  /**
   * Asserts that {@code actual} holds exactly the files of {@code expected}: NIfTI maps, TSV tables
   * and the voxel tables' Parquet files byte for byte, JSON (sidecars, manifest entries) equal
   * except for the time a run was committed. Returns the number of NIfTI maps compared.
   */
  static int assertSame(Path expected, Path actual) throws IOException {
    Map<String, Path> e = files(expected);
    Map<String, Path> a = files(actual);
    assertEquals(e.keySet(), a.keySet(), "the same files in " + actual + " as in " + expected);
    int maps = 0;
    for (String f : e.keySet()) {
      if (f.endsWith(".json")) {
        assertEquals(withoutCommitTime(e.get(f)), withoutCommitTime(a.get(f)), f);
      } else {
        assertArrayEquals(Files.readAllBytes(e.get(f)), Files.readAllBytes(a.get(f)), f);
        maps += f.endsWith(".nii.gz") ? 1 : 0;
      }
    }
    assertTrue(a.keySet().stream().noneMatch(f -> f.contains("/._tmp") || f.startsWith("._tmp") || f.endsWith(".crc")
        || f.startsWith(".voxelspark/staging")), "no temporary, checksum or staging file left in " + actual);
    return maps;
  }

  private static JsonNode withoutCommitTime(Path p) throws IOException {
    JsonNode n = JSON.readTree(p.toFile());
    if (n instanceof ObjectNode o) {
      o.remove("committed");
    }
    return n;
  }
}
