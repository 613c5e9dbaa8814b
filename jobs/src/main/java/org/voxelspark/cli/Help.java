package org.voxelspark.cli;

import java.util.Map;
import org.voxelspark.config.OptionSpec;

/** Help texts, generated from the commands and their option specs. */
final class Help {
  private Help() {}

  static String general(Map<String, Command> commands) {
    StringBuilder sb = new StringBuilder();
    sb.append("voxelspark: per-voxel MRI metric maps and group statistics for cohorts, on Apache Spark\n\n");
    sb.append("usage:\n");
    sb.append("  voxelspark [--debug] [--config FILE] <bids_dir> <output_dir> participant [options] [-- spark options]\n");
    sb.append("  voxelspark [--debug] [--config FILE] <command> [arguments] [options] [-- spark options]\n\n");
    sb.append("commands:\n");
    for (Command c : commands.values()) {
      sb.append(String.format("  %-12s %s%n", c.name(), c.summary()));
    }
    sb.append("\nglobal options:\n");
    sb.append("  --config FILE   options from a properties file (name = value), below the command line\n");
    sb.append("  --debug         print stack traces of errors\n");
    sb.append("  --help          help of a command (or: voxelspark help <command>)\n\n");
    sb.append("spark options (after --): --master URL, --conf key=value, --name NAME, --driver-memory, --executor-memory\n");
    sb.append("exit codes: 0 success, 1 input errors or failed subjects, 2 bad command line, 3 internal error\n");
    return sb.toString();
  }

  static String command(Command c) {
    StringBuilder sb = new StringBuilder();
    sb.append("voxelspark ").append(c.name());
    for (String p : c.positionals()) {
      sb.append(" <").append(p).append('>');
    }
    sb.append(c.options().isEmpty() ? "" : " [options]").append("\n  ").append(c.summary()).append("\n");
    if (!c.options().isEmpty()) {
      sb.append("\noptions:\n");
      for (OptionSpec<?> o : c.options()) {
        sb.append(String.format("  %-28s %s%s%n", o.usage(), o.doc(),
            (o.isFlag() && !o.isNegatable()) || o.defaultText().isEmpty() ? ""
                : " [default: " + (o.isNegatable() ? (o.defaultValue().equals(Boolean.TRUE) ? "on" : "off") : o.defaultText()) + "]"));
      }
    }
    return sb.toString();
  }
}
