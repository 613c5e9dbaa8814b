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
import java.util.ArrayList;
import java.util.List;
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
   * Asserts that {@code actual} holds exactly the files of {@code expected}, with the same content up
   * to the output directory's own path (the group stage's tables name the maps they read, under
   * each output directory): NIfTI maps byte for byte; TSV tables and HTML pages as text, byte for byte once
   * {@code actual}'s path is replaced by {@code expected}'s; JSON as values likewise, manifest
   * entries and stage records but for their commit or completion time; Parquet tables row by row, with the same schema, row groups
   * and metadata ({@link #assertSameParquet}). Returns the number of NIfTI maps compared.
   */
  static int assertSame(Path expected, Path actual) throws IOException {
    Map<String, Path> e = files(expected);
    Map<String, Path> a = files(actual);
    assertEquals(e.keySet(), a.keySet(), "the same files in " + actual + " as in " + expected);
    String from = actual.toAbsolutePath().toString();
    String to = expected.toAbsolutePath().toString();
    int maps = 0;
    for (String f : e.keySet()) {
      if (f.endsWith(".json")) {
        assertEquals(withoutCommitTime(Files.readString(e.get(f))), withoutCommitTime(Files.readString(a.get(f)).replace(from, to)), f);
      } else if (f.endsWith(".tsv") || f.endsWith(".html")) {
        assertEquals(Files.readString(e.get(f)), Files.readString(a.get(f)).replace(from, to), f);
      } else if (f.endsWith(".parquet")) {
        assertSameParquet(e.get(f), a.get(f), from, to);
      } else {
        assertArrayEquals(Files.readAllBytes(e.get(f)), Files.readAllBytes(a.get(f)), f);
        maps += f.endsWith(".nii.gz") ? 1 : 0;
      }
    }
    assertTrue(a.keySet().stream().noneMatch(f -> f.contains("/._tmp") || f.startsWith("._tmp") || f.endsWith(".crc")
        || f.startsWith(".voxelspark/staging")), "no temporary, checksum or staging file left in " + actual);
    return maps;
  }

  /**
   * Two Parquet files hold the same rows (in the same order, every value equal once {@code from}
   * is replaced by {@code to} in strings) in the same row groups, with the same schema and key-value
   * metadata. Their bytes are not compared: parquet-mr lists a column chunk's encodings from a hash
   * set, whose order changes from one JVM to the next.
   */
  static void assertSameParquet(Path expected, Path actual, String from, String to) throws IOException {
    org.apache.parquet.hadoop.metadata.ParquetMetadata fe = footer(expected);
    org.apache.parquet.hadoop.metadata.ParquetMetadata fa = footer(actual);
    assertEquals(fe.getFileMetaData().getSchema(), fa.getFileMetaData().getSchema(), actual + ": schema");
    Map<String, String> metadata = new TreeMap<>();
    fa.getFileMetaData().getKeyValueMetaData().forEach((k, v) -> metadata.put(k, v.replace(from, to)));
    assertEquals(new TreeMap<>(fe.getFileMetaData().getKeyValueMetaData()), metadata, actual + ": metadata");
    assertEquals(fe.getBlocks().size(), fa.getBlocks().size(), actual + ": row groups");
    for (int b = 0; b < fe.getBlocks().size(); b++) {
      assertEquals(fe.getBlocks().get(b).getRowCount(), fa.getBlocks().get(b).getRowCount(), actual + ": rows of group " + b);
    }
    List<String> re = rows(expected);
    List<String> ra = rows(actual).stream().map(r -> r.replace(from, to)).toList();
    assertEquals(re.size(), ra.size(), actual + ": rows");
    for (int r = 0; r < re.size(); r++) {
      assertEquals(re.get(r), ra.get(r), actual + ": row " + r);
    }
  }

  /** {@link #assertSameParquet(Path, Path, String, String)} with nothing replaced. */
  static void assertSameParquet(Path expected, Path actual) throws IOException {
    assertSameParquet(expected, actual, "", "");
  }

  private static List<String> rows(Path p) throws IOException {
    List<String> out = new ArrayList<>();
    try (org.apache.parquet.hadoop.ParquetReader<org.apache.parquet.example.data.Group> r =
        org.apache.parquet.hadoop.ParquetReader.builder(new org.apache.parquet.hadoop.example.GroupReadSupport(),
            new org.apache.hadoop.fs.Path(p.toUri())).withConf(new org.apache.hadoop.conf.Configuration()).build()) {
      for (org.apache.parquet.example.data.Group g; (g = r.read()) != null; ) {
        out.add(g.toString());
      }
    }
    return out;
  }

  private static org.apache.parquet.hadoop.metadata.ParquetMetadata footer(Path p) throws IOException {
    try (org.apache.parquet.hadoop.ParquetFileReader r = org.apache.parquet.hadoop.ParquetFileReader.open(
        org.apache.parquet.hadoop.util.HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(p.toUri()),
            new org.apache.hadoop.conf.Configuration()))) {
      return r.getFooter();
    }
  }

  private static JsonNode withoutCommitTime(String json) throws IOException {
    JsonNode n = JSON.readTree(json);
    if (n instanceof ObjectNode o) {
      o.remove("committed"); // a run's manifest entry
      o.remove("completed"); // a cohort-level stage's record
    }
    return n;
  }
}
