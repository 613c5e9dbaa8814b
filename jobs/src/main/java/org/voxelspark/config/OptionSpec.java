package org.voxelspark.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import org.voxelspark.error.UserInputException;

/**
 * One command-line option: its long name ({@code --block-size}), a one-line doc, a default, and a
 * parser that enforces the type and bounds. The same spec reads the option from the command line,
 * from a {@code --config} file and from {@code conf/voxelspark.conf} (key = long name without
 * dashes), and renders {@code --help}.
 *
 * <p>Bad values are {@link UserInputException}s naming where the value came from and the option.
 *
 * @param <T> the value type
 */
public final class OptionSpec<T> {
  private final String name;
  private final String doc;
  private final String valueHint;
  private final String defaultText;
  private final Function<String, T> parser;
  private final boolean flag;
  private final boolean negatable;

  private OptionSpec(String name, String doc, String valueHint, String defaultText, Function<String, T> parser, boolean flag) {
    this(name, doc, valueHint, defaultText, parser, flag, false);
  }

  private OptionSpec(String name, String doc, String valueHint, String defaultText, Function<String, T> parser, boolean flag,
      boolean negatable) {
    this.name = Objects.requireNonNull(name);
    this.doc = Objects.requireNonNull(doc);
    this.valueHint = valueHint;
    this.defaultText = defaultText;
    this.parser = parser;
    this.flag = flag;
    this.negatable = negatable;
  }

  /** An integer in {@code [min, max]}. */
  public static OptionSpec<Integer> ofInt(String name, String doc, int defaultValue, int min, int max) {
    return new OptionSpec<>(name, doc + " (" + min + ".." + max + ")", "N", Integer.toString(defaultValue), s -> {
      int v;
      try {
        v = Integer.parseInt(s.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("\"" + s + "\" is not an integer");
      }
      if (v < min || v > max) {
        throw new IllegalArgumentException(v + " is outside " + min + ".." + max);
      }
      return v;
    }, false);
  }

  /** A 64-bit integer (any value). */
  public static OptionSpec<Long> ofLong(String name, String doc, long defaultValue) {
    return new OptionSpec<>(name, doc, "N", Long.toString(defaultValue), s -> {
      try {
        return Long.parseLong(s.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("\"" + s + "\" is not an integer");
      }
    }, false);
  }

  /** A finite number in {@code [min, max]}. */
  public static OptionSpec<Double> ofDouble(String name, String doc, double defaultValue, double min, double max) {
    return new OptionSpec<>(name, doc + " (" + fmt(min) + ".." + fmt(max) + ")", "X", fmt(defaultValue), s -> {
      double v;
      try {
        v = Double.parseDouble(s.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("\"" + s + "\" is not a number");
      }
      if (!(v >= min && v <= max)) {
        throw new IllegalArgumentException(s + " is outside " + fmt(min) + ".." + fmt(max));
      }
      return v;
    }, false);
  }

  /** A non-empty string. */
  public static OptionSpec<String> ofString(String name, String doc, String defaultValue) {
    return new OptionSpec<>(name, doc, "TEXT", defaultValue, s -> {
      if (s.isBlank()) {
        throw new IllegalArgumentException("must not be empty");
      }
      return s.trim();
    }, false);
  }

  /** A string that may be left empty (the default): empty means "not set". */
  public static OptionSpec<String> ofOptionalString(String name, String doc, String valueHint) {
    return new OptionSpec<>(name, doc, valueHint, "", String::trim, false);
  }

  /** One of an enum's constants, written in lower case with '-' for '_' (either case accepted). */
  public static <E extends Enum<E>> OptionSpec<E> ofEnum(String name, String doc, Class<E> type, E defaultValue) {
    E[] values = type.getEnumConstants();
    List<String> names = new ArrayList<>();
    for (E e : values) {
      names.add(cliName(e));
    }
    return new OptionSpec<>(name, doc + " (" + String.join("|", names) + ")", String.join("|", names), cliName(defaultValue), s -> {
      String norm = s.trim().toLowerCase(Locale.ROOT).replace('_', '-');
      for (E e : values) {
        if (cliName(e).equals(norm)) {
          return e;
        }
      }
      throw new IllegalArgumentException("\"" + s + "\" is not one of " + names);
    }, false);
  }

  /** A flag: true when given (on the command line without a value; in files as true/false). */
  public static OptionSpec<Boolean> ofFlag(String name, String doc) {
    return new OptionSpec<>(name, doc, null, "false", s -> {
      String v = s.trim().toLowerCase(Locale.ROOT);
      if (v.equals("true") || v.equals("yes") || v.equals("1")) {
        return true;
      }
      if (v.equals("false") || v.equals("no") || v.equals("0")) {
        return false;
      }
      throw new IllegalArgumentException("\"" + s + "\" is not true or false");
    }, true);
  }

  /**
   * An on/off switch with a default: {@code --name} turns it on and {@code --no-name} off on the
   * command line; in files, {@code name = true|false}.
   */
  public static OptionSpec<Boolean> ofSwitch(String name, String doc, boolean defaultValue) {
    OptionSpec<Boolean> flagSpec = ofFlag(name, doc);
    return new OptionSpec<>(name, doc, null, Boolean.toString(defaultValue), flagSpec.parser, true, true);
  }

  /** A comma-separated list (repeat the option to add more); default empty. */
  public static OptionSpec<List<String>> ofList(String name, String doc) {
    return new OptionSpec<>(name, doc + " (comma-separated; repeatable)", "A,B,...", "", s -> {
      List<String> out = new ArrayList<>();
      for (String p : s.split(",")) {
        if (!p.isBlank()) {
          out.add(p.trim());
        }
      }
      return List.copyOf(out);
    }, false);
  }

  /** The CLI spelling of an enum constant: lower case, '-' for '_'. */
  public static String cliName(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  private static String fmt(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e12 ? Long.toString((long) d) : Double.toString(d);
  }

  /** The long name without dashes, e.g. {@code block-size}. */
  public String name() {
    return name;
  }

  /** {@code --name}. */
  public String flagName() {
    return "--" + name;
  }

  public String doc() {
    return doc;
  }

  public String defaultText() {
    return defaultText;
  }

  public boolean isFlag() {
    return flag;
  }

  /** True for a switch that {@code --no-<name>} turns off ({@link #ofSwitch}). */
  public boolean isNegatable() {
    return negatable;
  }

  /** {@code --no-name} for a switch. */
  public String negatedFlagName() {
    return "--no-" + name;
  }

  /** For help: {@code --name VALUE}, {@code --[no-]name} for a switch. */
  public String usage() {
    return negatable ? "--[no-]" + name : flag ? flagName() : flagName() + " " + valueHint;
  }

  /** The default value. */
  public T defaultValue() {
    return parser.apply(defaultText);
  }

  /**
   * Parses {@code text} given at {@code source} (e.g. "command line", a file path).
   *
   * @throws UserInputException naming the source and the option when the value is invalid
   */
  public T parse(String text, String source) {
    try {
      return parser.apply(text);
    } catch (IllegalArgumentException e) {
      throw new UserInputException(source, flagName(), e.getMessage());
    }
  }

  @Override
  public String toString() {
    return flagName();
  }

  static List<String> names(List<OptionSpec<?>> specs) {
    return specs.stream().map(OptionSpec::name).toList();
  }

  static String closest(String name, List<OptionSpec<?>> specs) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (OptionSpec<?> s : specs) {
      int d = distance(name, s.name());
      if (d < bestDistance) {
        bestDistance = d;
        best = s.name();
      }
    }
    return bestDistance <= Math.max(2, name.length() / 3) ? best : null;
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  static List<OptionSpec<?>> list(OptionSpec<?>... specs) {
    return Arrays.asList(specs);
  }
}
