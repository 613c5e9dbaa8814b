package org.voxelspark.testing;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Locates the reference data ({@code ../shared/data} beside the repository: real scans and maps
 * from DIPY, MRtrix3, AFNI, C-PAC, DPABI, PALM, neuroCombat, metafor; provenance in its README).
 *
 * <p>Tests that need it call {@link #require(String)}. In a user's fresh clone without the data the
 * test is <em>skipped with a visible message</em>; under CI ({@code CI=true}) a missing file is a
 * <em>failure</em>, so CI can never pass by skipping the validation tests.
 *
 * <p>Location: system property {@code voxelspark.shared.data} (set by the parent POM to
 * {@code ${maven.multiModuleProjectDirectory}/../shared/data}), else the environment variable
 * {@code VOXELSPARK_SHARED_DATA}, else {@code ../shared/data} and {@code ../../shared/data}
 * relative to the working directory.
 */
public final class SharedData {
  private SharedData() {}

  /** The reference data root, or null if it cannot be found. */
  public static Path root() {
    String prop = System.getProperty("voxelspark.shared.data");
    if (prop != null && Files.isDirectory(Paths.get(prop))) {
      return Paths.get(prop).normalize();
    }
    String env = System.getenv("VOXELSPARK_SHARED_DATA");
    if (env != null && Files.isDirectory(Paths.get(env))) {
      return Paths.get(env).normalize();
    }
    for (String candidate : new String[] {"../shared/data", "../../shared/data"}) {
      Path p = Paths.get(candidate).toAbsolutePath().normalize();
      if (Files.isDirectory(p)) {
        return p;
      }
    }
    return null;
  }

  /** True when running under CI ({@code CI=true}): missing reference data is then a failure. */
  public static boolean underCi() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }

  /**
   * The file or directory {@code relative} under the reference data root. Skips the calling test
   * (JUnit assumption) with a message naming the path when it is absent, or fails it under CI.
   */
  public static Path require(String relative) {
    Path root = root();
    Path p = root == null ? null : root.resolve(relative);
    if (p == null || !Files.exists(p)) {
      String msg = "reference data ../shared/data/" + relative + " is not available"
          + (root == null ? " (no shared/data directory found)" : " (looked in " + root + ")");
      if (underCi()) {
        fail(msg + "; under CI (CI=true) the reference data must be present");
      }
      System.err.println("SKIPPED: " + msg);
      assumeTrue(false, msg);
    }
    return p;
  }
}
