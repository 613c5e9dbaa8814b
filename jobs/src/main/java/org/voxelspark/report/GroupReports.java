package org.voxelspark.report;

import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.voxelspark.io.HadoopFiles;
import org.voxelspark.report.ReportRecords.FailureEntry;

/**
 * The file-system side of the group page: what the group stage calls once its results exist.
 * {@link #write} renders a {@link GroupReport.Input} and writes {@value #FILE_NAME} atomically;
 * {@link #excludedFromFailures} and {@link #table} read the participant stage's failures and any
 * TSV the group stage wrote, so the page shows exactly those files' rows.
 */
public final class GroupReports {
  /** The group page's name in the output directory. */
  public static final String FILE_NAME = "group.html";

  private GroupReports() {}

  /** Writes {@code <outputDir>/group.html}; returns its URI. */
  public static String write(String outputDir, GroupReport.Input input, Configuration conf) {
    String file = new Path(HadoopFiles.qualify(outputDir, conf), FILE_NAME).toString();
    HadoopFiles.writeText(file, conf, GroupReport.html(input));
    return file;
  }

  /**
   * The subjects the participant stage could not process, from {@code <participantDir>/failures.tsv}
   * (one entry per problem; none when the file is absent).
   */
  public static List<GroupReport.Excluded> excludedFromFailures(String participantDir, Configuration conf) {
    List<GroupReport.Excluded> out = new ArrayList<>();
    for (FailureEntry f : SubjectReports.readFailures(HadoopFiles.qualify(participantDir, conf).toString(), conf)) {
      out.add(new GroupReport.Excluded(f.subject(), f.stage(), f.message()));
    }
    return out;
  }

  /**
   * A TSV of the output directory as a page table: {@code relativeName} (e.g. the cluster table)
   * under {@code outputDir}, linked from the page by that relative name.
   */
  public static TsvTable table(String outputDir, String relativeName, Configuration conf) {
    String file = new Path(HadoopFiles.qualify(outputDir, conf), relativeName).toString();
    return TsvTable.parse(relativeName, HadoopFiles.readText(file, conf));
  }
}
