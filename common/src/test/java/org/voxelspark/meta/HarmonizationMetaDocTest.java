package org.voxelspark.meta;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;
import org.voxelspark.harmonize.ComBatBatchState;
import org.voxelspark.harmonize.ComBatFeatureStatus;

/**
 * {@code docs/harmonization-and-meta.md} names every output column, reason and status code exactly
 * as the code defines them, so the doc cannot drift from the constants.
 */
class HarmonizationMetaDocTest {
  static String doc() throws IOException {
    Path p = Paths.get("..", "docs", "harmonization-and-meta.md");
    if (!Files.exists(p)) {
      p = Paths.get("docs", "harmonization-and-meta.md");
    }
    return Files.readString(p);
  }

  @Test
  void everyConstantIsDocumentedWithItsCode() throws IOException {
    String doc = doc();
    for (MetaOutput m : MetaOutput.values()) {
      assertTrue(doc.contains("`" + m.column() + "`"), "output column " + m.column());
    }
    for (MetaReason r : MetaReason.values()) {
      assertTrue(doc.contains("`" + r.name() + "` (" + r.code() + ")"), "reason " + r);
    }
    for (ComBatFeatureStatus s : ComBatFeatureStatus.values()) {
      assertTrue(doc.contains("`" + s.name() + "` (" + s.code() + ")"), "feature status " + s);
    }
    for (ComBatBatchState s : ComBatBatchState.values()) {
      assertTrue(doc.contains("`" + s.name() + "` (" + s.code() + ")"), "site state " + s);
    }
    for (MetaMethod m : MetaMethod.values()) {
      assertTrue(doc.contains("`" + m.name() + "`"), "method " + m);
    }
  }
}
