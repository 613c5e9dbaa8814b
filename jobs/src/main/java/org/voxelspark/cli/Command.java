package org.voxelspark.cli;

import java.io.PrintStream;
import java.util.List;
import org.voxelspark.config.Config;
import org.voxelspark.config.OptionSpec;
import org.voxelspark.spark.SparkArgs;

/** A voxelspark subcommand: its name, its arguments and options, and what it does. */
interface Command {
  String name();

  /** One line for the command list. */
  String summary();

  /** Names of the positional arguments, e.g. {@code [bids_dir, output_dir]}. */
  List<String> positionals();

  List<OptionSpec<?>> options();

  /** Runs the command; returns the exit code. */
  int run(Invocation invocation);

  /** Everything a command gets. */
  record Invocation(List<String> positionals, Config config, SparkArgs spark, PrintStream out, PrintStream err) {}
}
