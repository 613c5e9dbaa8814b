package org.voxelspark.participant;

import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.voxelspark.table.SmallTable;

/**
 * The failures table of a participant-stage run, one row per problem of a subject or run that was
 * not processed ({@link ParticipantStage.Failure}), written as {@value #TSV} and {@value #PARQUET}
 * with the same columns ({@link #COLUMNS}, each a required string) through {@link SmallTable}: TSV
 * with a header row (tabs and line breaks in a message become spaces), Parquet (Snappy), both
 * atomically. With no failure both files hold the columns and no row.
 *
 * <p>Columns ({@code docs/outputs.md}): {@code subject} ({@code sub-<l>[_ses-<s>]}), {@code stage}
 * ({@code input}, {@code participant:dwi}, {@code participant:bold}), {@code error_class}
 * ({@code UserInputException} for an input problem, else the Java class of an unexpected failure)
 * and {@code message} ({@code <file>: <field>: <what is wrong>}).
 */
public final class FailuresTable {
  /** The files' name without extension, in the output directory. */
  public static final String STEM = "failures";
  /** File name of the TSV table. */
  public static final String TSV = STEM + ".tsv";
  /** File name of the Parquet table. */
  public static final String PARQUET = STEM + ".parquet";
  /** The columns of both files, in order. */
  public static final List<String> COLUMNS = List.of("subject", "stage", "error_class", "message");

  private FailuresTable() {}

  /** The table of {@code failures}, in their order. */
  public static SmallTable of(List<ParticipantStage.Failure> failures) {
    SmallTable t = SmallTable.of(COLUMNS.stream().map(SmallTable.Column::string).toList());
    for (ParticipantStage.Failure f : failures) {
      t.add(f.subject(), f.stage(), f.errorClass(), f.message());
    }
    return t;
  }

  /** Writes {@value #TSV} and {@value #PARQUET} into the directory {@code outputDir}. */
  public static void write(String outputDir, List<ParticipantStage.Failure> failures, Configuration conf) {
    of(failures).write(new Path(outputDir, STEM).toString(), conf, Map.of());
  }
}
