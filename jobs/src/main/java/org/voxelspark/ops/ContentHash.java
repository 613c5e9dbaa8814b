package org.voxelspark.ops;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.SortedMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.voxelspark.error.UserInputException;

/**
 * Content hashes of the run manifest: SHA-256 ({@value #ALGORITHM}), written as 64 lower-case hex
 * digits.
 *
 * <ul>
 *   <li>{@link #ofFile}: the hash of a file's bytes exactly as stored (a {@code .nii.gz} is hashed
 *       compressed), read through the Hadoop {@link FileSystem} API ({@code file:} and {@code hdfs:}
 *       alike), with the size (bytes) and modification time (ms since the epoch) it had when read.
 *   <li>{@link #ofText}: the hash of a string's UTF-8 bytes.
 *   <li>{@link #combine}: the hash of named parts, {@code name TAB value LF} per part in the sorted
 *       order of the names; so the combination of the same parts never depends on the order they
 *       were collected in, and a part that is renamed, added or removed changes it.
 * </ul>
 *
 * <p>Thread-safe (no state).
 */
public final class ContentHash {
  /** The digest algorithm (a {@link MessageDigest} name). */
  public static final String ALGORITHM = "SHA-256";
  private static final HexFormat HEX = HexFormat.of();
  private static final int BUFFER = 1 << 16;

  private ContentHash() {}

  /** The hash of {@code bytes}. */
  public static String ofBytes(byte[] bytes) {
    return HEX.formatHex(digest().digest(bytes));
  }

  /** The hash of the UTF-8 bytes of {@code text}. */
  public static String ofText(String text) {
    return ofBytes(text.getBytes(StandardCharsets.UTF_8));
  }

  /** The hash of named parts (see the class description); names and values must hold no TAB or LF. */
  public static String combine(SortedMap<String, String> parts) {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, String> e : parts.entrySet()) {
      if (e.getKey().indexOf('\t') >= 0 || e.getKey().indexOf('\n') >= 0 || e.getValue().indexOf('\t') >= 0
          || e.getValue().indexOf('\n') >= 0) {
        throw new IllegalArgumentException("hash part with a TAB or LF: " + e.getKey());
      }
      sb.append(e.getKey()).append('\t').append(e.getValue()).append('\n');
    }
    return ofText(sb.toString());
  }

  /**
   * Reads {@code uri} once and returns its hash, size and modification time.
   *
   * @throws UserInputException if the file does not exist
   */
  public static FileDigest ofFile(String uri, Configuration conf) {
    Path p = new Path(uri);
    try {
      FileSystem fs = p.getFileSystem(conf);
      FileStatus st = fs.getFileStatus(p);
      MessageDigest md = digest();
      byte[] buf = new byte[BUFFER];
      long size = 0;
      try (InputStream in = fs.open(p, BUFFER)) {
        for (int n; (n = in.read(buf)) > 0; ) {
          md.update(buf, 0, n);
          size += n;
        }
      }
      if (size != st.getLen()) {
        throw new UserInputException(uri, "", "changed while it was read (" + st.getLen() + " bytes listed, " + size + " read)");
      }
      return new FileDigest(uri, size, st.getModificationTime(), HEX.formatHex(md.digest()));
    } catch (FileNotFoundException e) {
      throw new UserInputException(uri, "", "file does not exist");
    } catch (IOException e) {
      throw new UncheckedIOException("hashing " + uri + ": " + e.getMessage(), e);
    }
  }

  private static MessageDigest digest() {
    try {
      return MessageDigest.getInstance(ALGORITHM);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has " + ALGORITHM, e);
    }
  }
}
