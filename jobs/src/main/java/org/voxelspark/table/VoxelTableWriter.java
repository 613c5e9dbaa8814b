package org.voxelspark.table;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;
import org.voxelspark.geometry.Block;
import org.voxelspark.geometry.BlockGrid;
import org.voxelspark.geometry.Box;
import org.voxelspark.io.HadoopFiles;
import org.voxelspark.nifti.NiftiHeader;
import org.voxelspark.participant.RunKind;

/**
 * Writes one run's file of a {@link VoxelTable}: a row per in-mask voxel, sorted by block id then
 * voxel index, straight from the run's primitive map arrays (no row objects, no boxing), atomically
 * through {@link HadoopFiles#writeAtomically}.
 *
 * <p>Parquet settings: Snappy compression (Spark's default codec), dictionary encoding for the keys
 * (the strings are constant within a file and cost almost nothing; not for the voxel index and the
 * float metrics, whose values are nearly all distinct), row groups of at most
 * {@value #ROW_GROUP_ROWS} rows (about 1 MiB, a 32³ block of brain) so that the min/max statistics of
 * {@code block_id} in the footer select the row groups of one block, and pages of {@value #PAGE_BYTES}
 * bytes.
 */
public final class VoxelTableWriter {
  /** Most rows in a row group. */
  public static final int ROW_GROUP_ROWS = 16384;
  /** Upper bound of a row group's size, bytes (the row limit is reached first). */
  public static final int ROW_GROUP_BYTES = 8 << 20;
  /** Target page size, bytes. */
  public static final int PAGE_BYTES = 64 << 10;

  private VoxelTableWriter() {}

  /**
   * The values of one run to write.
   *
   * @param kind modality (decides the metric columns)
   * @param subjectKey {@code sub-<l>[_ses-<s>]}
   * @param site the subject's site
   * @param runName the run's entities
   * @param header the run's input header (grid and affine)
   * @param mask in-mask flags, one per voxel in NIfTI order; rows are written for these voxels
   * @param metrics per metric column of {@link VoxelTable#metricColumns(RunKind)}, a whole volume
   *     in NIfTI order (i fastest)
   * @param blockSize edge of the cubic blocks of {@code block_id}, voxels
   */
  public record RunValues(RunKind kind, String subjectKey, String site, String runName, NiftiHeader header,
      boolean[] mask, List<float[]> metrics, int blockSize) {
    public RunValues {
      int columns = VoxelTable.metricColumns(kind).size();
      if (metrics.size() != columns) {
        throw new IllegalArgumentException(kind + " table has " + columns + " metric columns, got " + metrics.size() + " arrays");
      }
      long voxels = header.voxelsPerVolume();
      if (mask.length != voxels || metrics.stream().anyMatch(m -> m.length != voxels)) {
        throw new IllegalArgumentException("mask and metric arrays must have " + voxels + " values");
      }
    }
  }

  /**
   * Writes {@code values} to {@code uri} atomically; returns the number of rows written.
   *
   * @param source the input image's URI, recorded in the file's metadata
   * @param version the software version, recorded in the file's metadata
   */
  public static long write(String uri, Configuration conf, RunValues values, String source, String version) {
    long[] rows = new long[1];
    HadoopFiles.writeAtomically(uri, conf, out -> rows[0] = writeTo(out, uri, conf, values, source, version));
    return rows[0];
  }

  private static long writeTo(OutputStream out, String uri, Configuration conf, RunValues v, String source, String version)
      throws IOException {
    NiftiHeader h = v.header();
    double[] affine12 = new double[12];
    double[][] a = h.affine().toArray();
    for (int r = 0; r < 3; r++) {
      for (int c = 0; c < 4; c++) {
        affine12[4 * r + c] = a[r][c];
      }
    }
    Map<String, String> meta = VoxelTable.metadata(h.nx(), h.ny(), h.nz(), affine12, v.blockSize(), source, version);
    RowSupport support = new RowSupport(VoxelTable.schema(v.kind()), meta, v);
    long written = 0;
    SupportBuilder<Cursor> builder = new SupportBuilder<Cursor>(new StreamOutputFile(out, uri), support);
    // dictionaries for the keys (constant or few values per file), not for the unique voxel index
    // and the float metrics, where a dictionary only costs time before Parquet falls back from it
    builder.withDictionaryEncoding(VoxelTable.VOXEL, false);
    for (VoxelTable.MetricColumn c : VoxelTable.metricColumns(v.kind())) {
      builder.withDictionaryEncoding(c.name(), false);
    }
    try (ParquetWriter<Cursor> writer = builder
        .withConf(conf)
        .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
        .withCompressionCodec(CompressionCodecName.SNAPPY)
        .withDictionaryEncoding(true)
        .withRowGroupSize((long) ROW_GROUP_BYTES)
        .withRowGroupRowCountLimit(ROW_GROUP_ROWS)
        .withPageSize(PAGE_BYTES)
        .withWriterVersion(ParquetProperties.WriterVersion.PARQUET_1_0)
        .build()) {
      BlockGrid grid = BlockGrid.regular(h.nx(), h.ny(), h.nz(), v.blockSize(), v.blockSize(), v.blockSize(), 0);
      Cursor cursor = new Cursor();
      for (Block b : grid.blocks()) {
        Box core = b.core();
        cursor.block = b.id();
        for (int k = core.k0(); k < core.k1(); k++) {
          for (int j = core.j0(); j < core.j1(); j++) {
            for (int i = core.i0(); i < core.i1(); i++) {
              int voxel = i + h.nx() * (j + h.ny() * k);
              if (!v.mask()[voxel]) {
                continue;
              }
              cursor.voxel = voxel;
              cursor.i = i;
              cursor.j = j;
              cursor.k = k;
              writer.write(cursor);
              written++;
            }
          }
        }
      }
    }
    return written;
  }

  /** The row being written: a mutable position, reused for every row. */
  static final class Cursor {
    int block;
    int voxel;
    int i;
    int j;
    int k;
  }

  private static final class RowSupport extends WriteSupport<Cursor> {
    private final MessageType schema;
    private final Map<String, String> meta;
    private final float[][] metrics;
    private final String[] metricNames;
    private final Binary subject;
    private final Binary participant;
    private final Binary session;
    private final Binary site;
    private final Binary run;
    private RecordConsumer rc;

    RowSupport(MessageType schema, Map<String, String> meta, RunValues v) {
      this.schema = schema;
      this.meta = meta;
      this.metrics = v.metrics().toArray(new float[0][]);
      this.metricNames = VoxelTable.metricColumns(v.kind()).stream().map(VoxelTable.MetricColumn::name).toArray(String[]::new);
      String[] ps = VoxelTable.participantAndSession(v.subjectKey());
      this.subject = Binary.fromString(v.subjectKey());
      this.participant = Binary.fromString(ps[0]);
      this.session = ps[1] == null ? null : Binary.fromString(ps[1]);
      this.site = Binary.fromString(v.site());
      this.run = Binary.fromString(v.runName());
    }

    @Override
    public WriteContext init(Configuration configuration) {
      return new WriteContext(schema, meta);
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
      this.rc = recordConsumer;
    }

    @Override
    public void write(Cursor c) {
      rc.startMessage();
      int f = 0;
      binary(VoxelTable.SUBJECT, f++, subject);
      binary(VoxelTable.PARTICIPANT_ID, f++, participant);
      if (session != null) {
        binary(VoxelTable.SESSION, f, session);
      }
      f++;
      binary(VoxelTable.SITE, f++, site);
      binary(VoxelTable.RUN, f++, run);
      integer(VoxelTable.BLOCK_ID, f++, c.block);
      integer(VoxelTable.VOXEL, f++, c.voxel);
      integer(VoxelTable.I, f++, c.i);
      integer(VoxelTable.J, f++, c.j);
      integer(VoxelTable.K, f++, c.k);
      for (int m = 0; m < metrics.length; m++) {
        rc.startField(metricNames[m], f);
        rc.addFloat(metrics[m][c.voxel]);
        rc.endField(metricNames[m], f++);
      }
      rc.endMessage();
    }

    private void binary(String name, int index, Binary value) {
      rc.startField(name, index);
      rc.addBinary(value);
      rc.endField(name, index);
    }

    private void integer(String name, int index, int value) {
      rc.startField(name, index);
      rc.addInteger(value);
      rc.endField(name, index);
    }
  }
}
