package org.voxelspark.participant;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;
import org.voxelspark.io.HadoopFiles;

/**
 * The failures table of a participant-stage run, one row per problem of a subject or run that was
 * not processed ({@link ParticipantStage.Failure}), written twice with the same columns
 * ({@link #COLUMNS}): {@value #TSV} (tab-separated, header row; tabs and line breaks in a message
 * become spaces) and {@value #PARQUET} (one required UTF-8 string column each, Snappy), both
 * atomically. With no failure both files hold the header/schema and no row.
 *
 * <p>Columns ({@code docs/outputs.md}): {@code subject} ({@code sub-<l>[_ses-<s>]}), {@code stage}
 * ({@code input}, {@code participant:dwi}, {@code participant:bold}), {@code error_class}
 * ({@code UserInputException} for an input problem, else the Java class of an unexpected failure)
 * and {@code message} ({@code <file>: <field>: <what is wrong>}).
 */
public final class FailuresTable {
  /** File name of the TSV table in the output directory. */
  public static final String TSV = "failures.tsv";
  /** File name of the Parquet table in the output directory. */
  public static final String PARQUET = "failures.parquet";
  /** The columns of both files, in order. */
  public static final List<String> COLUMNS = List.of("subject", "stage", "error_class", "message");
  /** The Parquet schema: every column a required UTF-8 string. */
  public static final MessageType SCHEMA = schema();

  private FailuresTable() {}

  private static MessageType schema() {
    Types.MessageTypeBuilder b = Types.buildMessage();
    for (String c : COLUMNS) {
      b.addField(Types.required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named(c));
    }
    return b.named("failure");
  }

  /** The row of {@code f}: its values in {@link #COLUMNS} order. */
  static String[] row(ParticipantStage.Failure f) {
    return new String[] {f.subject(), f.stage(), f.errorClass(), f.message()};
  }

  /** Writes {@value #TSV} and {@value #PARQUET} into the directory {@code outputDir}. */
  public static void write(String outputDir, List<ParticipantStage.Failure> failures, Configuration conf) {
    StringBuilder tsv = new StringBuilder(String.join("\t", COLUMNS)).append('\n');
    for (ParticipantStage.Failure f : failures) {
      String[] r = row(f);
      for (int c = 0; c < r.length; c++) {
        tsv.append(c == 0 ? "" : "\t").append(r[c].replace('\t', ' ').replace('\n', ' ').replace('\r', ' '));
      }
      tsv.append('\n');
    }
    HadoopFiles.writeText(new Path(outputDir, TSV).toString(), conf, tsv.toString());
    String parquet = new Path(outputDir, PARQUET).toString();
    HadoopFiles.writeAtomically(parquet, conf, out -> writeParquet(out, parquet, failures, conf));
  }

  private static void writeParquet(OutputStream out, String uri, List<ParticipantStage.Failure> failures, Configuration conf)
      throws IOException {
    try (ParquetWriter<ParticipantStage.Failure> writer = new Builder(new StreamFile(out, uri))
        .withConf(conf)
        .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
        .withCompressionCodec(CompressionCodecName.SNAPPY)
        .build()) {
      for (ParticipantStage.Failure f : failures) {
        writer.write(f);
      }
    }
  }

  private static final class RowSupport extends WriteSupport<ParticipantStage.Failure> {
    private RecordConsumer rc;

    @Override
    public WriteContext init(Configuration configuration) {
      return new WriteContext(SCHEMA, Map.of());
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
      this.rc = recordConsumer;
    }

    @Override
    public void write(ParticipantStage.Failure f) {
      String[] r = row(f);
      rc.startMessage();
      for (int c = 0; c < r.length; c++) {
        rc.startField(COLUMNS.get(c), c);
        rc.addBinary(Binary.fromString(r[c]));
        rc.endField(COLUMNS.get(c), c);
      }
      rc.endMessage();
    }
  }

  private static final class Builder extends ParquetWriter.Builder<ParticipantStage.Failure, Builder> {
    Builder(OutputFile file) {
      super(file);
    }

    @Override
    protected Builder self() {
      return this;
    }

    @Override
    protected WriteSupport<ParticipantStage.Failure> getWriteSupport(Configuration conf) {
      return new RowSupport();
    }
  }

  /** A Parquet output file over the atomic writer's open stream (closing it is the owner's job). */
  private record StreamFile(OutputStream out, String uri) implements OutputFile {
    @Override
    public PositionOutputStream create(long blockSizeHint) {
      return new PositionOutputStream() {
        private long position;

        @Override
        public long getPos() {
          return position;
        }

        @Override
        public void write(int b) throws IOException {
          out.write(b);
          position++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          out.write(b, off, len);
          position += len;
        }

        @Override
        public void flush() throws IOException {
          out.flush();
        }

        @Override
        public void close() throws IOException {
          out.flush();
        }
      };
    }

    @Override
    public PositionOutputStream createOrOverwrite(long blockSizeHint) {
      return create(blockSizeHint);
    }

    @Override
    public boolean supportsBlockSize() {
      return false;
    }

    @Override
    public long defaultBlockSize() {
      return 0;
    }

    @Override
    public String getPath() {
      return uri;
    }
  }
}
