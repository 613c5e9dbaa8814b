package org.voxelspark.ops;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.voxelspark.error.UserInputException;
import org.voxelspark.io.HadoopFiles;
import org.voxelspark.io.SerializableConfiguration;
import org.voxelspark.nifti.NiftiHeader;

/**
 * The Spark side of the run manifest: hashes the input files whose listing changed since they were
 * last hashed, on the executors (one task per run, so a cohort's files are read in parallel where
 * they are stored), and reads each run's NIfTI header for the number of blocks it will be cut into
 * (the progress line's total). A file that cannot be read is reported, not thrown: its run is then
 * computed, and the computation reports the problem in {@code failures.tsv}.
 */
public final class InputHashing {
  private InputHashing() {}

  /** Stage label of the hashing job (the progress line shows it). */
  public static final String LABEL = "hash inputs";

  /**
   * @param key the run
   * @param nifti its image, whose header gives the block count
   * @param toHash the files to hash
   */
  public record Request(RunKey key, String nifti, List<String> toHash) implements Serializable {}

  /**
   * @param key the run
   * @param digests by URI, for the files that could be hashed
   * @param blocks the number of blocks of the run's grid, or −1 if the header cannot be read
   * @param problem why a file could not be read, or null
   */
  public record Result(RunKey key, Map<String, FileDigest> digests, int blocks, String problem) implements Serializable {}

  /** Runs the requests as one Spark job; results in request order. */
  static List<Result> run(JavaSparkContext jsc, List<Request> requests, int blockSize, SerializableConfiguration conf) {
    jsc.setCallSite(LABEL);
    try {
      return jsc.parallelize(requests, Math.max(1, requests.size())).map(hash(blockSize, conf)).collect();
    } finally {
      jsc.clearCallSite();
    }
  }

  private static Function<Request, Result> hash(int blockSize, SerializableConfiguration conf) {
    return r -> {
      Map<String, FileDigest> digests = new LinkedHashMap<>();
      String problem = null;
      for (String uri : r.toHash()) {
        try {
          digests.put(uri, ContentHash.ofFile(uri, conf.get()));
        } catch (UserInputException | java.io.UncheckedIOException e) {
          problem = e.getMessage();
        }
      }
      int blocks = -1;
      try {
        NiftiHeader h = HadoopFiles.readNiftiHeader(r.nifti(), conf.get());
        blocks = blockCount(h.nx(), h.ny(), h.nz(), blockSize);
      } catch (RuntimeException e) {
        // the run's computation reads the image again and reports what is wrong with it
      }
      return new Result(r.key(), digests, blocks, problem);
    };
  }

  /** Blocks of a regular grid of cubic blocks of {@code size} voxels over {@code nx × ny × nz}. */
  static int blockCount(int nx, int ny, int nz, int size) {
    return ceilDiv(nx, size) * ceilDiv(ny, size) * ceilDiv(nz, size);
  }

  private static int ceilDiv(int a, int b) {
    return (a + b - 1) / b;
  }
}
