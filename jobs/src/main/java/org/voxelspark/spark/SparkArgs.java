package org.voxelspark.spark;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.voxelspark.error.UserInputException;

/**
 * The Spark options given after {@code --} on the voxelspark command line, in spark-submit's
 * spelling: {@code --master URL}, {@code --conf key=value} (repeatable), {@code --name NAME}. In the
 * embedded local mode they configure the session voxelspark starts; under spark-submit the
 * launcher's own options take precedence.
 *
 * @param master the master URL, or null for the default
 * @param conf Spark configuration entries
 * @param appName application name, or null
 */
public record SparkArgs(String master, Map<String, String> conf, String appName) implements Serializable {
  public static SparkArgs none() {
    return new SparkArgs(null, Map.of(), null);
  }

  /** Parses the arguments after {@code --}. */
  public static SparkArgs parse(List<String> args) {
    String master = null;
    String name = null;
    Map<String, String> conf = new LinkedHashMap<>();
    for (int a = 0; a < args.size(); a++) {
      String arg = args.get(a);
      String value;
      String key = arg;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        key = arg.substring(0, eq);
        value = arg.substring(eq + 1);
      } else if (a + 1 < args.size()) {
        value = args.get(++a);
      } else {
        throw new UserInputException("command line", arg, "Spark option needs a value");
      }
      switch (key) {
        case "--master" -> master = value;
        case "--name" -> name = value;
        case "--conf" -> {
          int e = value.indexOf('=');
          if (e <= 0) {
            throw new UserInputException("command line", "--conf", "\"" + value + "\" is not key=value");
          }
          conf.put(value.substring(0, e), value.substring(e + 1));
        }
        case "--driver-memory" -> conf.put("spark.driver.memory", value);
        case "--executor-memory" -> conf.put("spark.executor.memory", value);
        default -> throw new UserInputException("command line", key,
            "unknown Spark option after '--' (known: --master, --conf key=value, --name, --driver-memory, --executor-memory)");
      }
    }
    return new SparkArgs(master, Map.copyOf(conf), name);
  }
}
