package org.voxelspark.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.column.statistics.IntStatistics;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.voxelspark.geometry.Affine;
import org.voxelspark.geometry.VolumeGeometry;
import org.voxelspark.nifti.NiftiHeader;
import org.voxelspark.participant.RunKind;

/** The voxel table's file layout on a whole-brain-size run, and its documentation. */
class VoxelTableWriterTest {
  @TempDir Path tmp;

  @Test
  void aWholeBrainRunIsWrittenInSeveralRowGroupsInBlockOrder() throws IOException {
    int nx = 64;
    int ny = 64;
    int nz = 48; // 16 divides every dim: every block has 2 730 in-mask rows
    int voxels = nx * ny * nz;
    NiftiHeader h = NiftiHeader.builder(new VolumeGeometry(nx, ny, nz, Affine.scaling(3, 3, 3, -96, -96, -72)), 1).build();
    boolean[] mask = new boolean[voxels];
    int inMask = 0;
    for (int v = 0; v < voxels; v++) {
      mask[v] = v % 3 != 0; // scattered, so blocks are not contiguous runs of voxel indices
      inMask += mask[v] ? 1 : 0;
    }
    List<float[]> metrics = new ArrayList<>();
    java.util.Random random = new java.util.Random(7);
    for (int c = 0; c < VoxelTable.metricColumns(RunKind.BOLD).size(); c++) {
      float[] m = new float[voxels];
      for (int v = 0; v < voxels; v++) {
        m[v] = random.nextFloat(); // incompressible, so the file has several row groups
      }
      metrics.add(m);
    }
    String file = tmp.resolve("voxels/bold/sub-01_task-rest_voxels.parquet").toString();
    long rows = VoxelTableWriter.write(file, new Configuration(), new VoxelTableWriter.RunValues(RunKind.BOLD, "sub-01_ses-1",
        "A", "sub-01_ses-1_task-rest", h, mask, metrics, 16), "file:/in.nii.gz", "test");
    assertEquals(inMask, rows);
    try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(file),
        new Configuration()))) {
      List<BlockMetaData> groups = reader.getFooter().getBlocks();
      assertTrue(groups.size() >= 3, "several row groups: " + groups.size());
      long total = 0;
      int previousMax = -1;
      for (BlockMetaData g : groups) {
        IntStatistics s = (IntStatistics) g.getColumns().stream()
            .filter(c -> c.getPath().toDotString().equals(VoxelTable.BLOCK_ID)).findFirst().orElseThrow().getStatistics();
        assertTrue(s.getMin() >= previousMax, "row groups cover increasing block ranges");
        // 16 384 rows per group; a block of 16^3 has 2 730 rows in this mask: a group spans at most 8 blocks
        assertTrue(g.getRowCount() <= VoxelTableWriter.ROW_GROUP_ROWS);
        assertTrue(s.getMax() - s.getMin() <= 7, "a row group spans few of the 64 blocks: " + s.getMin() + ".." + s.getMax());
        previousMax = s.getMax();
        total += g.getRowCount();
      }
      assertEquals(inMask, total);
      assertEquals("64,64,48", reader.getFooter().getFileMetaData().getKeyValueMetaData().get(VoxelTable.META_DIM));
    }
  }

  /**
   * Parquet-java shares one values-writer factory across the JVM unless the writer brings its own;
   * a small table (dictionary on for every column) written while a voxel table is open would then
   * turn on the dictionary of the voxel table's metric columns for its next row groups, and the same
   * values would give files of different bytes from run to run.
   */
  @Test
  void aConcurrentWriterWithOtherSettingsDoesNotChangeTheVoxelTablesEncodings() throws Exception {
    int nx = 64;
    int ny = 64;
    int nz = 48;
    int voxels = nx * ny * nz;
    NiftiHeader h = NiftiHeader.builder(new VolumeGeometry(nx, ny, nz, Affine.scaling(3, 3, 3, -96, -96, -72)), 1).build();
    boolean[] mask = new boolean[voxels];
    java.util.Arrays.fill(mask, true);
    List<float[]> metrics = new ArrayList<>();
    for (int c = 0; c < VoxelTable.metricColumns(RunKind.BOLD).size(); c++) {
      float[] m = new float[voxels];
      for (int v = 0; v < voxels; v++) {
        m[v] = (v * 7 + c) % 50; // 50 distinct values: a dictionary would pay, were it on
      }
      metrics.add(m);
    }
    VoxelTableWriter.RunValues values = new VoxelTableWriter.RunValues(RunKind.BOLD, "sub-01", "A", "sub-01_task-rest", h,
        mask, metrics, 16);
    java.util.concurrent.atomic.AtomicBoolean writing = new java.util.concurrent.atomic.AtomicBoolean(true);
    SmallTable other = SmallTable.of(SmallTable.Column.string("name"), SmallTable.Column.real("value"));
    for (int r = 0; r < 100; r++) {
      other.add("row" + (r % 3), (double) (r % 4));
    }
    Thread smallTables = new Thread(() -> {
      int n = 0;
      while (writing.get()) {
        other.writeParquet(tmp.resolve("small-" + (n++ % 4) + ".parquet").toString(), new Configuration(), java.util.Map.of());
      }
    });
    smallTables.start();
    List<Long> sizes = new ArrayList<>();
    try {
      for (int round = 0; round < 6; round++) {
        String file = tmp.resolve("voxels-" + round + ".parquet").toString();
        VoxelTableWriter.write(file, new Configuration(), values, "file:/in.nii.gz", "test");
        sizes.add(Files.size(Path.of(file)));
        try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(file),
            new Configuration()))) {
          assertTrue(reader.getFooter().getBlocks().size() >= 4, "several row groups");
          for (BlockMetaData g : reader.getFooter().getBlocks()) {
            for (org.apache.parquet.hadoop.metadata.ColumnChunkMetaData c : g.getColumns()) {
              String name = c.getPath().toDotString();
              boolean metric = VoxelTable.metricColumns(RunKind.BOLD).stream().anyMatch(m -> m.name().equals(name));
              if (metric || name.equals(VoxelTable.VOXEL)) {
                assertTrue(!c.getEncodingStats().hasDictionaryPages(), name + " is written without a dictionary, round " + round);
              }
            }
          }
        }
      }
    } finally {
      writing.set(false);
      smallTables.join();
    }
    assertEquals(1, sizes.stream().distinct().count(), "the same values give the same file size: " + sizes);
  }

  @Test
  void docsDescribeEveryColumnOfBothTables() throws IOException {
    String doc = Files.readString(Path.of(System.getProperty("voxelspark.repo.root", "..")).resolve("docs/outputs.md"));
    for (VoxelTable.KeyColumn c : VoxelTable.keyColumns()) {
      assertTrue(doc.contains("| `" + c.name() + "` | " + (c.type() == org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.BINARY
          ? "string" : "int32") + (c.nullable() ? ", nullable" : "") + " | " + c.meaning() + " |"),
          "docs/outputs.md documents key column " + c.name() + " as: " + c.meaning());
    }
    for (RunKind kind : RunKind.values()) {
      for (VoxelTable.MetricColumn c : VoxelTable.metricColumns(kind)) {
        assertTrue(doc.contains("| `" + c.name() + "` | " + VoxelTable.tableName(kind) + " | float32 | " + c.units() + " | `"
            + c.map().fileName("<run>") + "`"),
            "docs/outputs.md documents metric column " + c.name() + " (" + c.units() + ", from " + c.map().suffix() + ")");
      }
    }
  }
}
