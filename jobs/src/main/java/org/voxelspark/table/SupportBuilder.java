package org.voxelspark.table;

import java.lang.reflect.Field;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.column.values.ValuesWriter;
import org.apache.parquet.column.values.factory.DefaultV1ValuesWriterFactory;
import org.apache.parquet.column.values.factory.DefaultV2ValuesWriterFactory;
import org.apache.parquet.column.values.factory.ValuesWriterFactory;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.OutputFile;

/**
 * A {@link ParquetWriter} builder for a ready {@link WriteSupport}: voxelspark's Parquet writers
 * write from their own records through their own support, into a {@link StreamOutputFile}.
 *
 * <p>Every writer built here has its own {@link ValuesWriterFactory}. Parquet-java (1.16) otherwise
 * hands every writer of the JVM one static factory, which each new writer (and each new row group)
 * re-initialises with its own properties: two writers open at once in one executor (two tasks, or a
 * voxel table and a small table) then create column writers from each other's settings, so a column
 * whose dictionary this writer disabled can come out dictionary-encoded, and the same values give
 * files of different bytes from run to run. With a private factory a file's encodings depend only on
 * its own writer's settings and values.
 *
 * @param <T> the record type the support writes
 */
final class SupportBuilder<T> extends ParquetWriter.Builder<T, SupportBuilder<T>> {
  private final WriteSupport<T> support;

  SupportBuilder(OutputFile file, WriteSupport<T> support) {
    super(file);
    this.support = support;
    encodingProperties(this).withValuesWriterFactory(new PrivateValuesWriterFactory());
  }

  @Override
  protected SupportBuilder<T> self() {
    return this;
  }

  @Override
  protected WriteSupport<T> getWriteSupport(Configuration conf) {
    return support;
  }

  /** The builder's encoding properties, which parquet-java keeps private (no setter for the factory). */
  private static ParquetProperties.Builder encodingProperties(ParquetWriter.Builder<?, ?> builder) {
    try {
      Field f = ParquetWriter.Builder.class.getDeclaredField("encodingPropsBuilder");
      f.setAccessible(true);
      return (ParquetProperties.Builder) f.get(builder);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException("this parquet-java version has no ParquetWriter.Builder.encodingPropsBuilder;"
          + " voxelspark needs it to give each writer its own values-writer factory", e);
    }
  }

  /**
   * What parquet-java's default factory does (the V1 or V2 defaults by writer version), but one
   * instance per {@link ParquetProperties} instead of one static instance per JVM.
   */
  static final class PrivateValuesWriterFactory implements ValuesWriterFactory {
    private ValuesWriterFactory delegate;

    @Override
    public void initialize(ParquetProperties properties) {
      ValuesWriterFactory d = properties.getWriterVersion() == ParquetProperties.WriterVersion.PARQUET_1_0
          ? new DefaultV1ValuesWriterFactory() : new DefaultV2ValuesWriterFactory();
      d.initialize(properties);
      this.delegate = d;
    }

    @Override
    public ValuesWriter newValuesWriter(ColumnDescriptor descriptor) {
      return delegate.newValuesWriter(descriptor);
    }
  }
}
