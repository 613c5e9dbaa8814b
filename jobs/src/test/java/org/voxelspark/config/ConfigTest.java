package org.voxelspark.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.voxelspark.error.UserInputException;
import org.voxelspark.sample.SampleCohortSpec;

class ConfigTest {
  @TempDir Path dir;

  @Test
  void precedenceIsCommandLineThenUserFileThenSiteFileThenDefault() throws IOException {
    Path site = dir.resolve("site.conf");
    Files.writeString(site, "block-size = 20\ntask = motor\nsite-column = scanner\nseed = 9\n");
    Path user = dir.resolve("user.conf");
    Files.writeString(user, "# mine\nblock-size = 24\ntask = rest\n");
    Config c = Config.resolve(VoxelsparkOptions.PARTICIPANT, Map.of("block-size", "40"), user, site);
    assertEquals(40, c.get(VoxelsparkOptions.BLOCK_SIZE));
    assertEquals(Config.Source.COMMAND_LINE, c.sourceOf(VoxelsparkOptions.BLOCK_SIZE));
    assertEquals("rest", c.get(VoxelsparkOptions.TASK));
    assertEquals(Config.Source.USER_FILE, c.sourceOf(VoxelsparkOptions.TASK));
    assertEquals("scanner", c.get(VoxelsparkOptions.SITE_COLUMN));
    assertEquals(Config.Source.SITE_FILE, c.sourceOf(VoxelsparkOptions.SITE_COLUMN));
    assertEquals(50.0, c.get(VoxelsparkOptions.B0_THRESHOLD));
    assertEquals(Config.Source.DEFAULT, c.sourceOf(VoxelsparkOptions.B0_THRESHOLD));
    assertEquals(List.of(), c.get(VoxelsparkOptions.PARTICIPANT_LABEL));
    assertTrue(c.describe().stream().anyMatch(l -> l.contains("--block-size") && l.contains("40") && l.contains("command line")));
  }

  @Test
  void aSwitchHasADefaultAndTakesFalseFromFilesAndTheCommandLine() throws IOException {
    assertEquals(true, Config.resolve(VoxelsparkOptions.PARTICIPANT, Map.of(), null, null).get(VoxelsparkOptions.REPORTS));
    assertEquals(false, Config.resolve(VoxelsparkOptions.PARTICIPANT, Map.of("reports", "false"), null, null)
        .get(VoxelsparkOptions.REPORTS), "--no-reports reaches the config as false");
    Path user = dir.resolve("user.conf");
    Files.writeString(user, "reports = no\n");
    assertEquals(false, Config.resolve(VoxelsparkOptions.PARTICIPANT, Map.of(), user, null).get(VoxelsparkOptions.REPORTS));
    assertEquals("--[no-]reports", VoxelsparkOptions.REPORTS.usage());
    assertTrue(VoxelsparkOptions.REPORTS.isFlag() && VoxelsparkOptions.REPORTS.isNegatable());
    assertTrue(!VoxelsparkOptions.FAIL_FAST.isNegatable(), "a plain flag has no --no- form");
  }

  @Test
  void badValuesAndUnknownKeysNameTheirSource() throws IOException {
    UserInputException e = assertThrows(UserInputException.class,
        () -> Config.resolve(VoxelsparkOptions.PARTICIPANT, Map.of("block-size", "3", "b0-threshold", "x"), null, null));
    assertEquals(2, e.problems().size(), e.getMessage());
    assertTrue(e.getMessage().contains("command line: --block-size: 3 is outside 4..512"), e.getMessage());
    Path user = dir.resolve("user.conf");
    Files.writeString(user, "blok-size = 8\n");
    e = assertThrows(UserInputException.class, () -> Config.resolve(VoxelsparkOptions.PARTICIPANT, Map.of(), user, null));
    assertTrue(e.getMessage().contains("blok-size: unknown option; did you mean 'block-size'?"), e.getMessage());
    e = assertThrows(UserInputException.class,
        () -> Config.resolve(VoxelsparkOptions.SAMPLE, Map.of("scale", "huge"), null, null));
    assertTrue(e.getMessage().contains("\"huge\" is not one of [demo, bench, tiny]"), e.getMessage());
    assertEquals(SampleCohortSpec.Scale.BENCH,
        Config.resolve(VoxelsparkOptions.SAMPLE, Map.of("scale", "BENCH"), null, null).get(VoxelsparkOptions.SCALE));
  }

  /** conf/voxelspark.conf documents every option with its built-in default (the docs cannot drift). */
  @Test
  void siteFileListsEveryOptionWithItsDefault() throws IOException {
    Path conf = Path.of(System.getProperty("voxelspark.repo.root", "..")).resolve("conf/voxelspark.conf");
    Properties p = new Properties();
    try (var r = Files.newBufferedReader(conf)) {
      p.load(r);
    }
    for (OptionSpec<?> s : VoxelsparkOptions.ALL) {
      assertTrue(p.containsKey(s.name()), "conf/voxelspark.conf lacks " + s.name());
      assertEquals(s.defaultValue(), s.parse(p.getProperty(s.name()), conf.toString()), s.name() + " default differs");
      String text = Files.readString(conf);
      assertTrue(text.contains("# " + s.doc()), "conf/voxelspark.conf documents " + s.name() + " as: " + s.doc());
    }
    assertEquals(VoxelsparkOptions.ALL.size(), p.size(), "no stale option in conf/voxelspark.conf");
  }
}
