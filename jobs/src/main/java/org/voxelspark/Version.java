package org.voxelspark;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** voxelspark's version, from the build ({@code version.properties}). */
public final class Version {
  private Version() {}

  public static String get() {
    try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }
}
