package org.voxelspark.nifti;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Random access to the bytes of a file by positioned reads, so a reader can fetch one z-slab of an
 * uncompressed {@code .nii} without reading the rest. Local files use {@link #of(Path)}; the Spark
 * jobs wrap a Hadoop {@code FSDataInputStream} (which serves {@code hdfs://} too).
 */
public interface SeekableSource extends Closeable {
  /** A name for messages: the path or URI. */
  String name();

  /** Size of the file in bytes. */
  long size() throws IOException;

  /**
   * Reads exactly {@code len} bytes starting at {@code position} into {@code b[off..off+len)}.
   *
   * @throws EOFException if the file ends first
   */
  void readFully(long position, byte[] b, int off, int len) throws IOException;

  /** A source over a local file, backed by a {@link FileChannel}. */
  static SeekableSource of(Path file) throws IOException {
    FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
    String name = file.toString();
    return new SeekableSource() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public long size() throws IOException {
        return channel.size();
      }

      @Override
      public void readFully(long position, byte[] b, int off, int len) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(b, off, len);
        long pos = position;
        while (buf.hasRemaining()) {
          int n = channel.read(buf, pos);
          if (n < 0) {
            throw new EOFException(name + ": end of file at byte " + pos + ", needed up to " + (position + len));
          }
          pos += n;
        }
      }

      @Override
      public void close() throws IOException {
        channel.close();
      }
    };
  }
}
