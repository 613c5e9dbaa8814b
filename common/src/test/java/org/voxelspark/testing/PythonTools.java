package org.voxelspark.testing;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * Finds a python3 that imports a reference module (Debian's {@code /usr/bin/python3} first, then
 * {@code python3} on the PATH). Without one the calling test is skipped with a message naming the
 * Debian package, or fails under CI ({@code CI=true}), as {@link SharedData} does for data.
 */
public final class PythonTools {
  private PythonTools() {}

  /** A python3 that can {@code import module}; skips or fails (under CI) when there is none. */
  public static String pythonWith(String module, String debianPackage) {
    for (String candidate : new String[] {"/usr/bin/python3", "python3"}) {
      try {
        Process p = new ProcessBuilder(candidate, "-c", "import " + module).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) {
          return candidate;
        }
      } catch (IOException e) {
        // not installed under this name: try the next one
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while looking for python3", e);
      }
    }
    String msg = "no python3 with " + module + " (install Debian " + debianPackage + "; deploy/bin/run-tests does)";
    if (SharedData.underCi()) {
      fail(msg + "; under CI it must be present");
    }
    System.err.println("SKIPPED: " + msg);
    assumeTrue(false, msg);
    return null;
  }
}
