package org.voxelspark.io;

import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.ClusterStorageCapacityExceededException;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.UnsupportedFileSystemException;
import org.apache.hadoop.security.AccessControlException;
import org.voxelspark.error.UserInputException;
import org.voxelspark.geometry.VoxelLayout;
import org.voxelspark.nifti.NiftiHeader;
import org.voxelspark.nifti.NiftiImage;
import org.voxelspark.nifti.NiftiReader;
import org.voxelspark.nifti.NiftiWriter;
import org.voxelspark.nifti.SeekableSource;

/**
 * The Hadoop {@link FileSystem} side of voxelspark's IO: the same calls serve local paths,
 * {@code file://} and {@code hdfs://} URIs.
 *
 * <p><b>Atomic outputs.</b> {@link #writeAtomically} writes to a hidden temporary file
 * {@code ._tmp-<uuid>-<name>} in the target directory (names starting with {@code .} or {@code _} are
 * ignored by Spark and Hadoop readers) and renames it to the final name when complete; on failure
 * the temporary file is deleted. A reader therefore sees the previous complete file or the new
 * complete file, never a partial one.
 */
public final class HadoopFiles {
  private HadoopFiles() {}

  /** A functional writer of an output stream. */
  @FunctionalInterface
  public interface StreamWriter {
    void write(OutputStream out) throws IOException;
  }

  /** The path of {@code uri} qualified with its file system's scheme and authority. */
  public static Path qualify(String uri, Configuration conf) {
    Path p = path(uri);
    return fileSystem(uri, p, conf).makeQualified(p);
  }

  /** The problem text for a URI whose scheme has no Hadoop file system (a user's typo, or a missing connector). */
  public static String unsupportedScheme(UnsupportedFileSystemException e) {
    return "no file system for this URI's scheme (" + e.getMessage() + "); use a local path, file:// or hdfs://";
  }

  /** A Hadoop path of a user's string; one that is not a valid path or URI is a user error naming it. */
  public static Path path(String uri) {
    try {
      return new Path(uri);
    } catch (IllegalArgumentException e) {
      throw new UserInputException(uri, "", "is not a valid path or URI (" + e.getMessage() + ")", e);
    }
  }

  /**
   * The file system of a user's path: one that cannot be had (an unknown scheme, an hdfs:// URI
   * without a host) is a user error naming the URI.
   */
  public static FileSystem fileSystem(String uri, Path p, Configuration conf) {
    try {
      return p.getFileSystem(conf);
    } catch (UnsupportedFileSystemException e) {
      throw new UserInputException(uri, "", unsupportedScheme(e), e);
    } catch (IOException e) {
      throw new UserInputException(uri, "", "cannot open the file system of this URI: " + e.getMessage(), e);
    }
  }

  /** Whole file as UTF-8 text. */
  public static String readText(String uri, Configuration conf) {
    Path p = new Path(uri);
    try (InputStream in = p.getFileSystem(conf).open(p)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (FileNotFoundException e) {
      throw new UserInputException(uri, "", "file does not exist");
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + uri + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reads a whole NIfTI image in {@code layout}. A {@code .nii.gz} (not seekable) is decompressed
   * once, as a stream; an uncompressed {@code .nii} (recognised by its first bytes, not its name)
   * is read by positioned reads, one z-slab of every volume at a time
   * ({@link NiftiReader#readBySlabs}, slabs of {@link NiftiReader#DEFAULT_SLAB_BYTES}): on HDFS
   * these are positioned reads of the blocks that hold each slab.
   */
  public static NiftiImage readNifti(String uri, Configuration conf, VoxelLayout layout) {
    Path p = new Path(uri);
    try {
      FileSystem fs = p.getFileSystem(conf);
      FileStatus st = fs.getFileStatus(p);
      try (FSDataInputStream in = fs.open(p, 1 << 16)) {
        if (st.getLen() >= 2) {
          byte[] magic = new byte[2];
          in.readFully(0, magic, 0, 2);
          if (!((magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b)) {
            return NiftiReader.readBySlabs(positioned(uri, in, st.getLen()), layout, NiftiReader.DEFAULT_SLAB_BYTES);
          }
        }
        return NiftiReader.read(in, uri, layout, st.getLen());
      }
    } catch (FileNotFoundException e) {
      throw new UserInputException(uri, "", "file does not exist");
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + uri + ": " + e.getMessage(), e);
    }
  }

  /** Reads a NIfTI header only. */
  public static NiftiHeader readNiftiHeader(String uri, Configuration conf) {
    Path p = new Path(uri);
    try (InputStream in = p.getFileSystem(conf).open(p)) {
      return NiftiReader.readHeader(in, uri);
    } catch (FileNotFoundException e) {
      throw new UserInputException(uri, "", "file does not exist");
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + uri + ": " + e.getMessage(), e);
    }
  }

  /** Positioned reads of a file, for slab reads of uncompressed NIfTI. Close it after use. */
  public static SeekableSource seekable(String uri, Configuration conf) {
    Path p = new Path(uri);
    try {
      FileSystem fs = p.getFileSystem(conf);
      long size = fs.getFileStatus(p).getLen();
      return positioned(uri, fs.open(p), size);
    } catch (FileNotFoundException e) {
      throw new UserInputException(uri, "", "file does not exist");
    } catch (IOException e) {
      throw new UncheckedIOException("opening " + uri + ": " + e.getMessage(), e);
    }
  }

  /** Positioned reads of an open stream of {@code size} bytes; closing the source closes the stream. */
  private static SeekableSource positioned(String uri, FSDataInputStream in, long size) {
    return new SeekableSource() {
      @Override
      public String name() {
        return uri;
      }

      @Override
      public long size() {
        return size;
      }

      @Override
      public void readFully(long position, byte[] b, int off, int len) throws IOException {
        if (position + len > size) {
          throw new EOFException(uri + ": read of " + len + " bytes at " + position + " past the end (" + size + " bytes)");
        }
        in.readFully(position, b, off, len);
      }

      @Override
      public void close() throws IOException {
        in.close();
      }
    };
  }

  /** Writes {@code uri} atomically (see class doc), creating parent directories. */
  public static void writeAtomically(String uri, Configuration conf, StreamWriter writer) {
    Path target = new Path(uri);
    Path tmp = new Path(target.getParent(), "._tmp-" + UUID.randomUUID() + "-" + target.getName());
    FileSystem fs;
    try {
      fs = withoutChecksumFiles(target.getFileSystem(conf));
    } catch (IOException e) {
      throw new UncheckedIOException("opening the file system of " + uri + ": " + e.getMessage(), e);
    }
    try {
      fs.mkdirs(target.getParent());
      try (OutputStream out = fs.create(tmp, true)) {
        writer.write(out);
      }
      if (fs.exists(target)) {
        fs.delete(target, false);
      }
      if (!fs.rename(tmp, target)) {
        throw new IOException("rename of " + tmp + " to " + target + " failed");
      }
    } catch (IOException e) {
      deleteQuietly(fs, tmp);
      throw writeError(uri, e);
    } catch (RuntimeException e) {
      deleteQuietly(fs, tmp);
      throw e;
    }
  }

  /**
   * The exception to throw for a failed write (or rename, or delete) of {@code uri}: a
   * {@link UserInputException} naming the path when the cause is the user's to fix — no permission
   * (Hadoop's {@link AccessControlException}, "Permission denied"), a full disk ("No space left on
   * device") or an exceeded HDFS quota or cluster capacity ({@link ClusterStorageCapacityExceededException}),
   * a directory that cannot be made — and an {@link UncheckedIOException} otherwise. The whole cause
   * chain is looked at (Spark and Hadoop wrap exceptions).
   */
  public static RuntimeException writeError(String uri, IOException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = t.getMessage() == null ? "" : t.getMessage();
      if (t instanceof AccessControlException || t instanceof java.nio.file.AccessDeniedException
          || m.contains("Permission denied")) {
        return new UserInputException(uri, "", "cannot write: permission denied" + detail(m), e);
      }
      if (t instanceof ClusterStorageCapacityExceededException) {
        return new UserInputException(uri, "", "cannot write: the file system's quota or capacity is exhausted" + detail(m), e);
      }
      if (m.contains("No space left on device")) {
        return new UserInputException(uri, "", "cannot write: no space left on the device", e);
      }
      if (m.contains("Mkdirs failed")) {
        return new UserInputException(uri, "", "cannot write: " + m, e);
      }
    }
    return new UncheckedIOException("writing " + uri + ": " + e.getMessage(), e);
  }

  private static String detail(String message) {
    String first = message.lines().findFirst().orElse("").trim();
    return first.isEmpty() ? "" : " (" + (first.length() > 200 ? first.substring(0, 200) + "…" : first) + ")";
  }

  /** gzip level of the {@code .nii.gz} maps voxelspark writes ({@link NiftiWriter#MAP_GZIP_LEVEL}). */
  public static final int OUTPUT_GZIP_LEVEL = NiftiWriter.MAP_GZIP_LEVEL;

  /** Writes a NIfTI image atomically; gzip (level {@value #OUTPUT_GZIP_LEVEL}) when the name ends with {@code .gz}. */
  public static void writeNifti(String uri, Configuration conf, NiftiHeader header, float[] data) {
    boolean gzip = uri.endsWith(".gz");
    writeAtomically(uri, conf, out -> NiftiWriter.write(header, data, out, gzip, OUTPUT_GZIP_LEVEL));
  }

  /** Writes UTF-8 text atomically. */
  public static void writeText(String uri, Configuration conf, String text) {
    writeAtomically(uri, conf, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * Makes sure {@code uri} is a directory we can write into (creating it if needed).
   *
   * @throws UserInputException naming the path when it is a file or cannot be created or written
   */
  public static void requireWritableDirectory(String uri, Configuration conf) {
    Path p = new Path(uri);
    try {
      FileSystem fs = withoutChecksumFiles(p.getFileSystem(conf));
      if (fs.exists(p) && !fs.getFileStatus(p).isDirectory()) {
        throw new UserInputException(uri, "", "the output directory is an existing file");
      }
      if (!fs.mkdirs(p)) {
        throw new UserInputException(uri, "", "the output directory cannot be created");
      }
      Path probe = new Path(p, "._write-test-" + UUID.randomUUID());
      try (OutputStream out = fs.create(probe, false)) {
        out.write(0);
      }
      fs.delete(probe, false);
    } catch (AccessControlException e) {
      throw new UserInputException(uri, "", "the output directory is not writable: permission denied", e);
    } catch (IOException e) {
      throw new UserInputException(uri, "", "the output directory is not writable: " + e.getMessage(), e);
    }
  }

  /**
   * The local file system without Hadoop's {@code .crc} side files (a derivatives dataset must hold
   * only its own files); other file systems as they are.
   */
  public static FileSystem withoutChecksumFiles(FileSystem fs) {
    return fs instanceof ChecksumFileSystem c ? c.getRawFileSystem() : fs;
  }

  private static void deleteQuietly(FileSystem fs, Path p) {
    try {
      fs.delete(p, false);
    } catch (IOException ignored) {
      // the original failure is reported; a hidden temporary file is ignored by readers
    }
  }
}
