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
      } else if (f.endsWith(".parquet")) {
        assertSameParquet(e.get(f), a.get(f));
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
   * Two Parquet files hold the same rows written the same way: the bytes before the footer (every
   * data page) are identical, and the footers have the same schema, row groups, row count and
   * key-value metadata. The footers themselves are not compared byte for byte: parquet-mr lists a
   * column chunk's encodings from a hash set, whose order changes from one JVM to the next.
   */
  static void assertSameParquet(Path expected, Path actual) throws IOException {
    byte[] e = Files.readAllBytes(expected);
    byte[] a = Files.readAllBytes(actual);
    int eData = e.length - 8 - footerLength(e);
    int aData = a.length - 8 - footerLength(a);
    assertEquals(eData, aData, actual + ": data size");
    assertArrayEquals(java.util.Arrays.copyOf(e, eData), java.util.Arrays.copyOf(a, aData), actual + ": data pages");
    org.apache.parquet.hadoop.metadata.ParquetMetadata fe = footer(expected);
    org.apache.parquet.hadoop.metadata.ParquetMetadata fa = footer(actual);
    assertEquals(fe.getFileMetaData().getSchema(), fa.getFileMetaData().getSchema(), actual + ": schema");
    assertEquals(fe.getFileMetaData().getKeyValueMetaData(), fa.getFileMetaData().getKeyValueMetaData(), actual + ": metadata");
    assertEquals(fe.getBlocks().size(), fa.getBlocks().size(), actual + ": row groups");
    for (int b = 0; b < fe.getBlocks().size(); b++) {
      assertEquals(fe.getBlocks().get(b).getRowCount(), fa.getBlocks().get(b).getRowCount(), actual + ": rows of group " + b);
    }
  }

  private static int footerLength(byte[] file) {
    int n = file.length;
    assertEquals("PAR1", new String(file, n - 4, 4, java.nio.charset.StandardCharsets.US_ASCII), "a Parquet file");
    return (file[n - 8] & 0xff) | (file[n - 7] & 0xff) << 8 | (file[n - 6] & 0xff) << 16 | (file[n - 5] & 0xff) << 24;
  }

  private static org.apache.parquet.hadoop.metadata.ParquetMetadata footer(Path p) throws IOException {
    try (org.apache.parquet.hadoop.ParquetFileReader r = org.apache.parquet.hadoop.ParquetFileReader.open(
        org.apache.parquet.hadoop.util.HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(p.toUri()),
            new org.apache.hadoop.conf.Configuration()))) {
      return r.getFooter();
    }
  }

  private static JsonNode withoutCommitTime(Path p) throws IOException {
    JsonNode n = JSON.readTree(p.toFile());
    if (n instanceof ObjectNode o) {
      o.remove("committed");
    }
    return n;
  }
}
