package org.voxelspark.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;

/**
 * Renders a page in headless Chromium (Debian {@code chromium}, installed by
 * {@code deploy/bin/run-tests}) to a PNG screenshot, offline: a fresh profile, no network
 * services, no sandbox (tests may run as root), no GPU. Without Chromium the calling test is
 * skipped with a message, or fails under CI ({@code CI=true}).
 *
 * <p>"Without errors" means: Chromium exits 0 within the time limit, writes a PNG of the requested
 * size that decodes, and reports no failed resource load or script error for the page (its log on
 * stderr, {@code --enable-logging=stderr}).
 */
public final class Chromium {
  private Chromium() {}

  /** Log fragments that mean the page itself had a problem (a missing image, a broken link target, a script). */
  static final List<String> PAGE_ERRORS = List.of("Failed to load resource", "net::ERR_", "Uncaught", "Not allowed to load local resource");

  /** The Chromium executable, or skip (fail under CI). */
  public static String executable() {
    for (String candidate : new String[] {"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"}) {
      if (Files.isExecutable(Path.of(candidate))) {
        return candidate;
      }
    }
    String msg = "no headless Chromium (install Debian chromium; deploy/bin/run-tests does)";
    if (SharedData.underCi()) {
      fail(msg + "; under CI it must be present");
    }
    System.err.println("SKIPPED: " + msg);
    assumeTrue(false, msg);
    return null;
  }

  /**
   * Screenshots {@code page} at {@code width × height} CSS pixels into {@code png}; asserts it worked
   * without errors and returns the decoded screenshot.
   */
  public static BufferedImage screenshot(Path page, Path png, int width, int height) throws IOException, InterruptedException {
    String exe = executable();
    Path profile = Files.createTempDirectory("voxelspark-chromium-");
    try {
      List<String> cmd = new ArrayList<>(List.of(exe, "--headless", "--no-sandbox", "--disable-gpu",
          "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
          "--disable-default-apps", "--disable-extensions", "--hide-scrollbars", "--enable-logging=stderr", "--v=0",
          "--user-data-dir=" + profile, "--window-size=" + width + "," + height, "--screenshot=" + png.toAbsolutePath(),
          page.toAbsolutePath().toUri().toString()));
      Path log = profile.resolveSibling(profile.getFileName() + ".log");
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      boolean done = p.waitFor(120, TimeUnit.SECONDS);
      if (!done) {
        p.destroyForcibly();
      }
      String output = Files.readString(log, StandardCharsets.UTF_8);
      Files.deleteIfExists(log);
      assertTrue(done, "chromium did not finish in 120 s: " + output);
      assertEquals(0, p.exitValue(), "chromium failed: " + output);
      for (String line : output.lines().toList()) {
        for (String bad : PAGE_ERRORS) {
          assertTrue(!line.contains(bad), "chromium reported a page error: " + line);
        }
      }
      assertTrue(Files.isRegularFile(png), "no screenshot written: " + output);
      BufferedImage img = ImageIO.read(png.toFile());
      assertTrue(img != null, "screenshot does not decode");
      assertEquals(width, img.getWidth(), "screenshot width");
      assertEquals(height, img.getHeight(), "screenshot height");
      return img;
    } finally {
      deleteTree(profile);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var s = Files.walk(dir)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
