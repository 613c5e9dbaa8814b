package org.voxelspark.ops;

import java.io.Serializable;

/**
 * One input file as the run manifest records it.
 *
 * @param uri the file's URI when it was hashed
 * @param size its size in bytes
 * @param modified its modification time, ms since the epoch (as the file system reports it)
 * @param sha256 {@link ContentHash#ofFile} of its bytes
 */
public record FileDigest(String uri, long size, long modified, String sha256) implements Serializable {
  /**
   * True when a file now listed with {@code uri}, {@code size} and {@code modified} can be taken to
   * hold the bytes this digest was made of (the check {@code git} and {@code rsync} make): then it
   * is not read again.
   */
  public boolean sameListing(String uri, long size, long modified) {
    return this.uri.equals(uri) && this.size == size && this.modified == modified;
  }
}
