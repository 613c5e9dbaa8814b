package org.voxelspark.report;

import java.io.Serializable;
import java.util.List;
import org.voxelspark.participant.RunKind;

/** The records the report job ships between the driver and its tasks (registered with Kryo). */
public final class ReportRecords {
  private ReportRecords() {}

  /**
   * One row of {@code participant_runs.tsv}.
   *
   * @param subject {@code sub-<label>[_ses-<label>]}
   * @param ok status {@code ok}
   */
  public record RunEntry(String subject, String site, RunKind kind, String run, boolean ok) implements Serializable {}

  /** One row of {@code failures.tsv}. */
  public record FailureEntry(String subject, String stage, String errorClass, String message) implements Serializable {}

  /**
   * The QC numbers of one run ({@link QcMetric#of} order), or why they could not be computed.
   *
   * @param values null when {@code problem} is set
   * @param problem e.g. a map that is missing or unreadable, or null
   */
  public record QcResult(String subject, String site, RunKind kind, String run, double[] values, String problem)
      implements Serializable {}

  /**
   * A subject's page to write: its runs, its failures, its QC numbers, and its neighbours in the
   * cohort (page links; null at the ends).
   */
  public record SubjectEntry(String subject, String site, List<RunEntry> runs, List<FailureEntry> failures, List<QcResult> qc,
      String previous, String next) implements Serializable {}

  /**
   * A page written, or why not.
   *
   * @param file the page's URI, or null when it failed
   * @param problem null when written
   * @param errorClass {@code UserInputException} for a problem with the outputs read, else the class of a bug
   * @param runProblems runs whose figures could not be drawn (their reasons are on the page)
   */
  public record PageResult(String subject, String file, String problem, String errorClass, int runProblems)
      implements Serializable {}
}
