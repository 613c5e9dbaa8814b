package org.voxelspark.table;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;
import org.voxelspark.io.HadoopFiles;

/**
 * A small table (a few thousand rows at most: clusters, ROIs, failures, null distributions) written
 * as a TSV a person reads and as a Parquet file Spark, DuckDB or pandas query, with the same
 * columns, both atomically.
 *
 * <p>TSV conventions (BIDS): a header row of column names; {@code n/a} for a null or NaN cell; tabs
 * and line breaks inside a string become spaces; numbers in Java's shortest round-trip form
 * ({@link Double#toString}). Parquet: one column per {@link Column} of its {@link Type}
 * (nullable columns optional, NaN kept as NaN), Snappy.
 *
 * <p>Rows hold one value per column (String, Integer, Long, Double; null allowed in nullable
 * columns), checked when added. Not thread-safe.
 */
public final class SmallTable {
  private final List<Column> columns;
  private final List<Object[]> rows = new ArrayList<>();

  /** Column types. */
  public enum Type {
    STRING, INT, LONG, DOUBLE
  }

  /**
   * A column.
   *
   * @param name column name
   * @param type value type
   * @param nullable whether a cell may be null
   */
  public record Column(String name, Type type, boolean nullable) {
    public static Column string(String name) {
      return new Column(name, Type.STRING, false);
    }

    public static Column integer(String name) {
      return new Column(name, Type.INT, false);
    }

    public static Column real(String name) {
      return new Column(name, Type.DOUBLE, false);
    }

    /** The same column, allowing nulls. */
    public Column orNull() {
      return new Column(name, type, true);
    }
  }

  private SmallTable(List<Column> columns) {
    this.columns = List.copyOf(columns);
  }

  /** An empty table of these columns; add rows with {@link #add}. */
  public static SmallTable of(Column... columns) {
    return new SmallTable(List.of(columns));
  }

  /** An empty table of these columns. */
  public static SmallTable of(List<Column> columns) {
    return new SmallTable(columns);
  }

  /** The columns, in order. */
  public List<Column> columns() {
    return columns;
  }

  /** Number of rows. */
  public int size() {
    return rows.size();
  }

  /** Row {@code r} (a copy). */
  public Object[] row(int r) {
    return rows.get(r).clone();
  }

  /**
   * Adds a row; returns this table.
   *
   * @throws IllegalArgumentException if the row does not fit the columns (a bug of the caller)
   */
  public SmallTable add(Object... row) {
    if (row.length != columns.size()) {
      throw new IllegalArgumentException("a row of " + row.length + " values for " + columns.size() + " columns");
    }
    for (int c = 0; c < row.length; c++) {
      Column col = columns.get(c);
      if (row[c] == null ? !col.nullable() : !typeMatches(col.type(), row[c])) {
        throw new IllegalArgumentException("column " + col.name() + " (" + col.type() + (col.nullable() ? ", nullable" : "")
            + ") cannot hold " + row[c]);
      }
    }
    rows.add(row.clone());
    return this;
  }

  private static boolean typeMatches(Type t, Object v) {
    return switch (t) {
      case STRING -> v instanceof String;
      case INT -> v instanceof Integer;
      case LONG -> v instanceof Long || v instanceof Integer;
      case DOUBLE -> v instanceof Double || v instanceof Float || v instanceof Integer || v instanceof Long;
    };
  }

  /** The TSV text. */
  public String toTsv() {
    StringBuilder sb = new StringBuilder();
    for (int c = 0; c < columns.size(); c++) {
      sb.append(c == 0 ? "" : "\t").append(columns.get(c).name());
    }
    sb.append('\n');
    for (Object[] r : rows) {
      for (int c = 0; c < r.length; c++) {
        sb.append(c == 0 ? "" : "\t").append(cell(r[c]));
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  private static String cell(Object v) {
    if (v == null || (v instanceof Double d && d.isNaN())) {
      return "n/a";
    }
    if (v instanceof String s) {
      return s.replace('\t', ' ').replace('\n', ' ').replace('\r', ' ');
    }
    return v.toString();
  }

  /** Writes {@code <stem>.tsv} and {@code <stem>.parquet}; returns the two URIs. */
  public List<String> write(String stem, Configuration conf, Map<String, String> metadata) {
    String tsv = stem + ".tsv";
    String parquet = stem + ".parquet";
    HadoopFiles.writeText(tsv, conf, toTsv());
    writeParquet(parquet, conf, metadata);
    return List.of(tsv, parquet);
  }

  /** Writes the Parquet file alone. */
  public void writeParquet(String uri, Configuration conf, Map<String, String> metadata) {
    HadoopFiles.writeAtomically(uri, conf, out -> writeParquetTo(out, uri, conf, metadata));
  }

  /** The Parquet schema. */
  public MessageType schema() {
    Types.MessageTypeBuilder b = Types.buildMessage();
    for (Column c : columns) {
      PrimitiveTypeName p = switch (c.type()) {
        case STRING -> PrimitiveTypeName.BINARY;
        case INT -> PrimitiveTypeName.INT32;
        case LONG -> PrimitiveTypeName.INT64;
        case DOUBLE -> PrimitiveTypeName.DOUBLE;
      };
      Types.PrimitiveBuilder<org.apache.parquet.schema.PrimitiveType> f = c.nullable() ? Types.optional(p) : Types.required(p);
      if (c.type() == Type.STRING) {
        f = f.as(LogicalTypeAnnotation.stringType());
      }
      b.addField(f.named(c.name()));
    }
    return b.named("row");
  }

  private void writeParquetTo(OutputStream out, String uri, Configuration conf, Map<String, String> metadata)
      throws IOException {
    MessageType schema = schema();
    Map<String, String> meta = Map.copyOf(Objects.requireNonNullElse(metadata, Map.of()));
    try (ParquetWriter<Object[]> writer = new SupportBuilder<Object[]>(new StreamOutputFile(out, uri), new RowSupport(schema, meta, columns))
        .withConf(conf)
        .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
        .withCompressionCodec(CompressionCodecName.SNAPPY)
        .build()) {
      for (Object[] r : rows) {
        writer.write(r);
      }
    }
  }

  private static final class RowSupport extends WriteSupport<Object[]> {
    private final MessageType schema;
    private final Map<String, String> meta;
    private final List<Column> columns;
    private RecordConsumer rc;

    RowSupport(MessageType schema, Map<String, String> meta, List<Column> columns) {
      this.schema = schema;
      this.meta = meta;
      this.columns = columns;
    }

    @Override
    public WriteContext init(Configuration configuration) {
      return new WriteContext(schema, meta);
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
      rc = recordConsumer;
    }

    @Override
    public void write(Object[] r) {
      rc.startMessage();
      for (int c = 0; c < r.length; c++) {
        if (r[c] == null) {
          continue;
        }
        Column col = columns.get(c);
        rc.startField(col.name(), c);
        switch (col.type()) {
          case STRING -> rc.addBinary(Binary.fromString((String) r[c]));
          case INT -> rc.addInteger((Integer) r[c]);
          case LONG -> rc.addLong(((Number) r[c]).longValue());
          case DOUBLE -> rc.addDouble(((Number) r[c]).doubleValue());
          default -> throw new IllegalStateException(col.type().name());
        }
        rc.endField(col.name(), c);
      }
      rc.endMessage();
    }
  }
}
