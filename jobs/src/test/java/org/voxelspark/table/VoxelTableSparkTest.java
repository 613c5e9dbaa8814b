package org.voxelspark.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.column.statistics.IntStatistics;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.voxelspark.cohort.BidsCohortReader;
import org.voxelspark.cohort.Cohort;
import org.voxelspark.cohort.CohortOptions;
import org.voxelspark.geometry.BlockGrid;
import org.voxelspark.nifti.NiftiHeader;
import org.voxelspark.nifti.NiftiImage;
import org.voxelspark.nifti.NiftiReader;
import org.voxelspark.participant.DerivativeNames;
import org.voxelspark.participant.ParticipantKernels;
import org.voxelspark.participant.ParticipantStage;
import org.voxelspark.participant.RunKind;
import org.voxelspark.participant.RunResult;
import org.voxelspark.sample.SampleCohortGenerator;
import org.voxelspark.sample.SampleCohortSpec;
import org.voxelspark.spark.SparkTestSession;

/**
 * The cohort voxel tables written by the participant stage, read back by Spark: one row per
 * in-mask voxel of every run, the same values as the NIfTI maps, block ids of the regular grid,
 * rows sorted by block so that row-group statistics select blocks, and the grid in the metadata.
 */
class VoxelTableSparkTest {
  @TempDir static Path tmp;
  static Path out;
  static ParticipantStage.Summary summary;
  static SparkSession spark;
  static final int BLOCK = 7; // divides none of the TINY dims

  @BeforeAll
  static void runStage() {
    spark = SparkTestSession.get();
    Path cohortDir = tmp.resolve("cohort");
    SampleCohortGenerator.generate(cohortDir, new SampleCohortSpec(11,
        List.of(new SampleCohortSpec.SiteSpec("A", 2), new SampleCohortSpec.SiteSpec("B", 1)), SampleCohortSpec.Scale.TINY));
    Cohort cohort = BidsCohortReader.read(cohortDir.toString(), new Configuration(), CohortOptions.defaults());
    out = tmp.resolve("derivatives");
    summary = ParticipantStage.run(spark, cohort, out.toString(), ParticipantKernels.defaults(), BLOCK, true, "test");
    assertEquals(6, summary.succeededRuns());
  }

  @Test
  void everyInMaskVoxelOfEveryRunIsARowWithTheMapsValues() {
    for (RunKind kind : RunKind.values()) {
      Dataset<Row> table = spark.read().parquet(VoxelTable.directory(out.toString(), kind));
      assertEquals(VoxelTable.columnNames(kind), Arrays.asList(table.columns()), kind + " columns in order");
      long expectedRows = 0;
      for (RunResult r : summary.runs()) {
        if (r.task().kind() != kind) {
          continue;
        }
        Path dir = Path.of(java.net.URI.create(r.task().outputDir()));
        NiftiImage mask = NiftiReader.read(dir.resolve(maskMap(kind).fileName(r.task().name())));
        NiftiHeader h = mask.header();
        BlockGrid grid = BlockGrid.regular(h.nx(), h.ny(), h.nz(), BLOCK, BLOCK, BLOCK, 0);
        Map<String, float[]> maps = new HashMap<>();
        for (VoxelTable.MetricColumn c : VoxelTable.metricColumns(kind)) {
          float[] data = NiftiReader.read(dir.resolve(c.map().fileName(r.task().name()))).data();
          int voxels = (int) h.voxelsPerVolume();
          maps.put(c.name(), Arrays.copyOfRange(data, c.component() * voxels, (c.component() + 1) * voxels));
        }
        List<Row> rows = table.where(functions.col(VoxelTable.RUN).equalTo(r.task().name())).collectAsList();
        int inMask = 0;
        for (float m : mask.data()) {
          inMask += m != 0 ? 1 : 0;
        }
        assertEquals(inMask, rows.size(), r.task().name() + ": one row per in-mask voxel");
        expectedRows += inMask;
        for (Row row : rows) {
          int i = row.getInt(row.fieldIndex(VoxelTable.I));
          int j = row.getInt(row.fieldIndex(VoxelTable.J));
          int k = row.getInt(row.fieldIndex(VoxelTable.K));
          int voxel = row.getInt(row.fieldIndex(VoxelTable.VOXEL));
          assertEquals(i + h.nx() * (j + h.ny() * k), voxel);
          assertTrue(mask.data()[voxel] != 0, "in the mask");
          assertEquals(grid.blockOf(i, j, k).id(), row.getInt(row.fieldIndex(VoxelTable.BLOCK_ID)));
          assertEquals(r.task().subjectKey(), row.getString(row.fieldIndex(VoxelTable.SUBJECT)));
          assertEquals(r.task().subjectKey(), row.getString(row.fieldIndex(VoxelTable.PARTICIPANT_ID)), "no sessions");
          assertNull(row.get(row.fieldIndex(VoxelTable.SESSION)));
          assertEquals(r.task().site(), row.getString(row.fieldIndex(VoxelTable.SITE)));
          for (VoxelTable.MetricColumn c : VoxelTable.metricColumns(kind)) {
            float expected = maps.get(c.name())[voxel];
            assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(row.getFloat(row.fieldIndex(c.name()))),
                r.task().name() + " " + c.name() + " at " + i + "," + j + "," + k);
          }
        }
      }
      assertEquals(expectedRows, table.count(), kind + " rows of the whole cohort");
    }
  }

  @Test
  void rowsAreSortedByBlockSoRowGroupStatisticsSelectBlocks() throws IOException {
    Configuration conf = new Configuration();
    try (Stream<Path> files = Files.list(Path.of(VoxelTable.directory(out.toString(), RunKind.BOLD)))) {
      for (Path f : files.toList()) {
        assertTrue(f.getFileName().toString().endsWith(VoxelTable.FILE_SUFFIX), f.toString());
        try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(f.toUri()), conf))) {
          Map<String, String> meta = reader.getFooter().getFileMetaData().getKeyValueMetaData();
          assertEquals(Integer.toString(BLOCK), meta.get(VoxelTable.META_BLOCK_SIZE));
          NiftiHeader h = NiftiReader.readHeader(Path.of(java.net.URI.create(meta.get(VoxelTable.META_SOURCE))));
          assertEquals(h.nx() + "," + h.ny() + "," + h.nz(), meta.get(VoxelTable.META_DIM));
          assertEquals(12, meta.get(VoxelTable.META_AFFINE).split(",").length);
          int previousMax = Integer.MIN_VALUE;
          for (BlockMetaData group : reader.getFooter().getBlocks()) {
            ColumnChunkMetaData blockColumn = group.getColumns().stream()
                .filter(c -> c.getPath().toDotString().equals(VoxelTable.BLOCK_ID)).findFirst().orElseThrow();
            IntStatistics stats = (IntStatistics) blockColumn.getStatistics();
            assertTrue(stats.getMin() >= previousMax, "row groups in block order");
            previousMax = stats.getMax();
          }
        }
      }
    }
    // one block of every subject, through the filter Parquet pushes down
    Dataset<Row> bold = spark.read().parquet(VoxelTable.directory(out.toString(), RunKind.BOLD));
    Row busiest = bold.groupBy(VoxelTable.BLOCK_ID).count().orderBy(functions.desc("count")).first();
    int block = busiest.getInt(0);
    Dataset<Row> one = bold.where(functions.col(VoxelTable.BLOCK_ID).equalTo(block));
    String plan = one.queryExecution().executedPlan().toString();
    assertTrue(plan.contains("PushedFilters: [IsNotNull(block_id), EqualTo(block_id," + block + ")]"), plan);
    assertEquals(busiest.getLong(1), one.count());
    assertEquals(3, one.select(VoxelTable.SUBJECT).distinct().count(), "every subject has voxels in the busiest block");
  }

  private static DerivativeNames maskMap(RunKind kind) {
    return kind == RunKind.DWI ? DerivativeNames.DWI_MASK : DerivativeNames.BOLD_MASK;
  }
}
