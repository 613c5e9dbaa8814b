package org.voxelspark.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.voxelspark.Version;
import org.voxelspark.config.Config;
import org.voxelspark.config.OptionSpec;
import org.voxelspark.error.UserInputException;
import org.voxelspark.spark.SparkArgs;

/**
 * The voxelspark command line, BIDS-App shaped:
 * <pre>
 *   voxelspark [--debug] [--config FILE] &lt;bids_dir&gt; &lt;output_dir&gt; participant [options] [-- spark options]
 *   voxelspark [--debug] [--config FILE] &lt;command&gt; [arguments] [options] [-- spark options]
 * </pre>
 * Exit codes: 0 success; 1 user errors (one {@code error:} line per problem) or failed subjects;
 * 2 a command line that cannot be parsed; 3 an internal error (stack trace with {@code --debug}).
 * Only {@link #main} calls {@link System#exit}.
 */
public final class Main {
  public static final int OK = 0;
  public static final int USER_ERROR = 1;
  public static final int USAGE = 2;
  public static final int INTERNAL = 3;

  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** The command line without exiting: returns the exit code. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    return run(args, out, err, Commands.all());
  }

  /** As {@link #run(String[], PrintStream, PrintStream)} with the given commands (tests add their own). */
  static int run(String[] args, PrintStream out, PrintStream err, Map<String, Command> commands) {
    boolean debug = false;
    try {
      List<String> own = new ArrayList<>();
      List<String> sparkArgs = new ArrayList<>();
      boolean afterDash = false;
      for (String a : args) {
        if (!afterDash && a.equals("--")) {
          afterDash = true;
        } else if (afterDash) {
          sparkArgs.add(a);
        } else {
          own.add(a);
        }
      }
      Path userConfig = null;
      boolean help = false;
      List<String> rest = new ArrayList<>();
      for (int a = 0; a < own.size(); a++) {
        String t = own.get(a);
        if (t.equals("--debug")) {
          debug = true;
        } else if (t.equals("--help") || t.equals("-h")) {
          help = true;
        } else if (t.equals("--config") || t.startsWith("--config=")) {
          String v = t.contains("=") ? t.substring(t.indexOf('=') + 1) : (a + 1 < own.size() ? own.get(++a) : null);
          if (v == null) {
            throw new UsageException("--config needs a file");
          }
          userConfig = Paths.get(v);
        } else {
          rest.add(t);
        }
      }
      if (rest.isEmpty() || rest.get(0).equals("help")) {
        String which = rest.size() > 1 ? rest.get(1) : null;
        if (which != null && commands.containsKey(which)) {
          out.print(Help.command(commands.get(which)));
        } else if (which != null) {
          throw new UsageException("unknown command '" + which + "'; commands: " + commands.keySet());
        } else {
          out.print(Help.general(commands));
        }
        return OK;
      }
      Command command;
      List<String> tokens;
      if (commands.containsKey(rest.get(0))) {
        command = commands.get(rest.get(0));
        tokens = rest.subList(1, rest.size());
      } else {
        // BIDS-App form: <bids_dir> <output_dir> <level>
        List<String> positional = rest.stream().filter(t -> !t.startsWith("--")).toList();
        if (positional.size() < 3) {
          throw new UsageException("unknown command '" + rest.get(0) + "'; use 'voxelspark <bids_dir> <output_dir> participant'"
              + " or one of " + commands.keySet() + " (voxelspark help)");
        }
        String level = positional.get(2);
        if (!Commands.LEVELS.contains(level) || !commands.containsKey(level)) {
          throw new UsageException("unknown analysis level '" + level + "'; available: " + Commands.LEVELS);
        }
        command = commands.get(level);
        tokens = new ArrayList<>(rest);
        tokens.remove(level);
      }
      if (help) {
        out.print(Help.command(command));
        return OK;
      }
      List<String> positionals = new ArrayList<>();
      Map<String, String> values = parseOptions(command, tokens, positionals);
      if (positionals.size() != command.positionals().size()) {
        throw new UsageException(command.name() + " takes " + command.positionals() + ", got " + positionals
            + " (voxelspark help " + command.name() + ")");
      }
      Config config = Config.resolve(command.options(), values, userConfig, siteConfig());
      SparkArgs spark = SparkArgs.parse(sparkArgs);
      if (!command.name().equals("version")) {
        err.println("voxelspark " + Version.get() + " " + command.name() + " " + positionals);
        if (!command.options().isEmpty()) {
          err.println("effective configuration:");
          config.describe().forEach(err::println);
        }
      }
      return command.run(new Command.Invocation(positionals, config, spark, out, err));
    } catch (UsageException e) {
      err.println("usage error: " + e.getMessage());
      return USAGE;
    } catch (UserInputException e) {
      for (UserInputException.Problem p : e.problems()) {
        err.println("error: " + p.render());
      }
      if (debug) {
        e.printStackTrace(err);
      }
      return USER_ERROR;
    } catch (Exception | Error e) {
      // Exception, not only RuntimeException: Spark's SparkException is checked but thrown undeclared
      // from Scala (a failed job under --fail-fast), and must not escape as a raw stack trace
      UserInputException user = findUserError(e);
      if (user != null) {
        for (UserInputException.Problem p : user.problems()) {
          err.println("error: " + p.render());
        }
        if (debug) {
          e.printStackTrace(err);
        }
        return USER_ERROR;
      }
      err.println("internal error: " + e + (debug ? "" : " (re-run with --debug for the stack trace)"));
      if (debug) {
        e.printStackTrace(err);
      }
      return INTERNAL;
    }
  }

  /** A user error wrapped by Spark (a task failure with --fail-fast) is still a user error. */
  private static UserInputException findUserError(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof UserInputException u) {
        return u;
      }
    }
    return null;
  }

  private static Map<String, String> parseOptions(Command command, List<String> tokens, List<String> positionals) {
    Map<String, OptionSpec<?>> byName = new LinkedHashMap<>();
    Map<String, OptionSpec<?>> negated = new LinkedHashMap<>();
    for (OptionSpec<?> s : command.options()) {
      byName.put(s.flagName(), s);
      if (s.isNegatable()) {
        negated.put(s.negatedFlagName(), s);
      }
    }
    Map<String, String> values = new LinkedHashMap<>();
    for (int a = 0; a < tokens.size(); a++) {
      String t = tokens.get(a);
      if (!t.startsWith("--")) {
        positionals.add(t);
        continue;
      }
      String key = t.contains("=") ? t.substring(0, t.indexOf('=')) : t;
      if (negated.containsKey(key) && !t.contains("=")) {
        values.merge(negated.get(key).name(), "false", (x, y) -> y);
        continue;
      }
      OptionSpec<?> spec = byName.get(key);
      if (spec == null) {
        String suggestion = closest(key, byName.keySet());
        throw new UsageException("unknown option " + key + " for " + command.name()
            + (suggestion == null ? "" : "; did you mean " + suggestion + "?") + " (voxelspark help " + command.name() + ")");
      }
      String value;
      if (t.contains("=")) {
        value = t.substring(t.indexOf('=') + 1);
      } else if (spec.isFlag()) {
        value = "true";
      } else if (a + 1 < tokens.size()) {
        value = tokens.get(++a);
      } else {
        throw new UsageException(key + " needs a value");
      }
      if (spec.isFlag()) {
        values.put(spec.name(), value); // the last of a repeated flag wins
      } else {
        values.merge(spec.name(), value, (x, y) -> x + "," + y);
      }
    }
    return values;
  }

  private static String closest(String key, Iterable<String> names) {
    String best = null;
    int bestScore = Integer.MAX_VALUE;
    for (String n : names) {
      int common = 0;
      while (common < Math.min(n.length(), key.length()) && n.charAt(common) == key.charAt(common)) {
        common++;
      }
      int score = Math.abs(n.length() - key.length()) + (Math.max(n.length(), key.length()) - common);
      if (score < bestScore) {
        bestScore = score;
        best = n;
      }
    }
    return bestScore <= 6 ? best : null;
  }

  /** The site defaults file: {@code $VOXELSPARK_CONF_DIR/voxelspark.conf} or the launcher's conf dir. */
  static Path siteConfig() {
    String dir = System.getenv("VOXELSPARK_CONF_DIR");
    if (dir == null) {
      dir = System.getProperty("voxelspark.conf.dir");
    }
    return dir == null ? null : Paths.get(dir, "voxelspark.conf");
  }
}
