package org.voxelspark.table;

import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.OutputFile;

/**
 * A {@link ParquetWriter} builder for a ready {@link WriteSupport}: voxelspark's Parquet writers
 * write from their own records through their own support, into a {@link StreamOutputFile}.
 *
 * @param <T> the record type the support writes
 */
final class SupportBuilder<T> extends ParquetWriter.Builder<T, SupportBuilder<T>> {
  private final WriteSupport<T> support;

  SupportBuilder(OutputFile file, WriteSupport<T> support) {
    super(file);
    this.support = support;
  }

  @Override
  protected SupportBuilder<T> self() {
    return this;
  }

  @Override
  protected WriteSupport<T> getWriteSupport(Configuration conf) {
    return support;
  }
}
