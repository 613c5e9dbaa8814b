package org.voxelspark.config;

import java.io.IOException;
import java.io.Serializable;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.voxelspark.error.UserInputException;
import org.voxelspark.error.UserInputException.Problem;

/**
 * The resolved value of every option of a command, with where each value came from.
 *
 * <p><b>Precedence</b> (highest first): the command line; a user file given with
 * {@code --config FILE}; the site defaults file {@code voxelspark.conf} in the configuration
 * directory ({@code $VOXELSPARK_CONF_DIR}, or the {@code voxelspark.conf.dir} system property that
 * the launchers set to {@code conf/}); the built-in default of each {@link OptionSpec}. Files use
 * Java properties syntax: {@code name = value} with the option's long name, {@code #} comments.
 * Unknown keys and invalid values are user errors naming the file and the key.
 *
 * <p>Immutable.
 */
public final class Config implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Where a value came from. */
  public enum Source {
    DEFAULT("built-in default"), SITE_FILE("conf/voxelspark.conf"), USER_FILE("--config file"), COMMAND_LINE("command line");

    private final String description;

    Source(String description) {
      this.description = description;
    }

    public String description() {
      return description;
    }
  }

  private final Map<String, Object> values;
  private final Map<String, Source> sources;
  private final List<OptionSpec<?>> specs;

  private Config(List<OptionSpec<?>> specs, Map<String, Object> values, Map<String, Source> sources) {
    this.specs = List.copyOf(specs);
    this.values = values;
    this.sources = sources;
  }

  /** Value of {@code spec}. */
  @SuppressWarnings("unchecked")
  public <T> T get(OptionSpec<T> spec) {
    if (!values.containsKey(spec.name())) {
      throw new IllegalStateException("option " + spec.flagName() + " is not part of this command");
    }
    return (T) values.get(spec.name());
  }

  /** Whether {@code spec} is an option of this command. */
  public boolean has(OptionSpec<?> spec) {
    return values.containsKey(spec.name());
  }

  public Source sourceOf(OptionSpec<?> spec) {
    return sources.get(spec.name());
  }

  /** One line per option: {@code --name = value  (source)}, for the start-up log. */
  public List<String> describe() {
    List<String> lines = new ArrayList<>();
    for (OptionSpec<?> s : specs) {
      Object v = values.get(s.name());
      String shown = v instanceof Enum<?> e ? OptionSpec.cliName(e) : v instanceof List<?> l && l.isEmpty() ? "(all)" : String.valueOf(v);
      lines.add(String.format("  %-24s = %-20s (%s)", s.flagName(), shown, sources.get(s.name()).description()));
    }
    return lines;
  }

  /**
   * Resolves every spec from the command line values, the user file and the site file.
   *
   * @param commandLine raw values by option name (repeated list options already joined by ',')
   * @param userFile {@code --config} file or null
   * @param siteFile the defaults file or null (a missing site file is fine)
   */
  public static Config resolve(List<OptionSpec<?>> specs, Map<String, String> commandLine, Path userFile, Path siteFile) {
    Map<String, Object> values = new LinkedHashMap<>();
    Map<String, Source> sources = new LinkedHashMap<>();
    List<Problem> problems = new ArrayList<>();
    Map<String, String> site = siteFile != null && Files.isRegularFile(siteFile) ? load(siteFile, specs, problems, false) : Map.of();
    Map<String, String> user = Map.of();
    if (userFile != null) {
      if (!Files.isRegularFile(userFile)) {
        problems.add(new Problem(userFile.toString(), "--config", "file does not exist"));
      } else {
        user = load(userFile, specs, problems, true);
      }
    }
    for (OptionSpec<?> s : specs) {
      try {
        if (commandLine.containsKey(s.name())) {
          values.put(s.name(), s.parse(commandLine.get(s.name()), "command line"));
          sources.put(s.name(), Source.COMMAND_LINE);
        } else if (user.containsKey(s.name())) {
          values.put(s.name(), s.parse(user.get(s.name()), userFile.toString()));
          sources.put(s.name(), Source.USER_FILE);
        } else if (site.containsKey(s.name())) {
          values.put(s.name(), s.parse(site.get(s.name()), siteFile.toString()));
          sources.put(s.name(), Source.SITE_FILE);
        } else {
          values.put(s.name(), s.defaultValue());
          sources.put(s.name(), Source.DEFAULT);
        }
      } catch (UserInputException e) {
        problems.addAll(e.problems());
      }
    }
    UserInputException.throwIfAny(problems);
    return new Config(specs, values, sources);
  }

  /**
   * Reads a properties file. Keys that no spec of this command knows are errors in a user file; in
   * the site file they are options of other commands and are skipped.
   */
  private static Map<String, String> load(Path file, List<OptionSpec<?>> specs, List<Problem> problems, boolean strict) {
    Properties p = new Properties();
    try {
      p.load(new StringReader(Files.readString(file, StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + file + ": " + e.getMessage(), e);
    }
    Map<String, String> out = new LinkedHashMap<>();
    List<String> known = OptionSpec.names(specs);
    for (String key : p.stringPropertyNames()) {
      String name = key.startsWith("--") ? key.substring(2) : key;
      if (known.contains(name)) {
        out.put(name, p.getProperty(key));
      } else if (strict) {
        String hint = OptionSpec.closest(name, specs);
        problems.add(new Problem(file.toString(), key, "unknown option" + (hint == null ? "" : "; did you mean '" + hint + "'?")));
      }
    }
    return out;
  }
}
