package org.voxelspark.cohort;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.voxelspark.error.UserInputException;
import org.voxelspark.error.UserInputException.Problem;
import org.voxelspark.io.HadoopFiles;

/**
 * Reads a cohort from a manifest CSV, for sites whose data are not in BIDS.
 *
 * <p>Format: comma-separated, one header row, no quoting. Columns {@code participant_id} and the
 * site column are required; {@code session} is optional; each row names its files in
 * {@code dwi}, {@code bval}, {@code bvec} (all three or none) and/or {@code bold} with an optional
 * {@code repetition_time} (seconds) and an optional {@code confounds} table (fMRIPrep's
 * {@code desc-confounds_timeseries.tsv}; required for every {@code bold} when
 * {@link CohortOptions#confounds()} is set). Every other column is a covariate, like a participants.tsv
 * column; {@code n/a} or an empty cell is missing. Relative paths are resolved against the
 * manifest's directory; absolute paths and URIs ({@code hdfs://...}) are used as they are.
 * A participant with several sessions has one row per session with the same covariates.
 */
public final class ManifestCohortReader {
  private static final Set<String> FILE_COLUMNS = Set.of("session", "dwi", "bval", "bvec", "bold", "repetition_time",
      "confounds");

  private ManifestCohortReader() {}

  public static Cohort read(String manifest, Configuration conf, CohortOptions options) {
    try {
      Path path = HadoopFiles.path(manifest);
      FileSystem fs = HadoopFiles.fileSystem(manifest, path, conf);
      path = fs.makeQualified(path);
      if (!fs.exists(path)) {
        throw new UserInputException(manifest, "", "the manifest file does not exist");
      }
      String source = path.toString();
      Path base = path.getParent();
      String[] lines = BidsCohortReader.readText(fs, path).replace("\r\n", "\n").split("\n");
      List<Problem> cohortProblems = new ArrayList<>();
      if (lines.length == 0 || lines[0].isBlank()) {
        throw new UserInputException(source, "header", "the manifest is empty");
      }
      List<String> columns = new ArrayList<>();
      for (String c : lines[0].split(",", -1)) {
        columns.add(c.trim().replace("\uFEFF", ""));
      }
      for (String required : new String[] {ParticipantsTable.PARTICIPANT_ID, options.siteColumn()}) {
        if (!columns.contains(required)) {
          cohortProblems.add(new Problem(source, "header", "no '" + required + "' column (columns: " + columns + ")"));
        }
      }
      if (!columns.contains("dwi") && !columns.contains("bold")) {
        cohortProblems.add(new Problem(source, "header", "needs a 'dwi' and/or a 'bold' column"));
      }
      UserInputException.throwIfAny(cohortProblems);
      Set<String> wanted = options.wantedLabels();
      // covariates: one row per participant, for the ParticipantsTable
      StringBuilder table = new StringBuilder();
      List<String> covariateColumns = columns.stream().filter(c -> !FILE_COLUMNS.contains(c)).toList();
      table.append(String.join("\t", covariateColumns)).append('\n');
      Map<String, Map<String, String>> covariatesByLabel = new HashMap<>();
      Map<String, Integer> seen = new HashMap<>();
      List<Subject> subjects = new ArrayList<>();
      for (int l = 1; l < lines.length; l++) {
        if (lines[l].isBlank()) {
          continue;
        }
        String where = "line " + (l + 1);
        String[] cells = lines[l].split(",", -1);
        if (cells.length != columns.size()) {
          cohortProblems.add(new Problem(source, where, "has " + cells.length + " cells, the header has " + columns.size()));
          continue;
        }
        Map<String, String> row = new LinkedHashMap<>();
        for (int c = 0; c < columns.size(); c++) {
          String v = cells[c].trim();
          if (!v.isEmpty() && !v.equals("n/a")) {
            row.put(columns.get(c), v);
          }
        }
        String label = Labels.stripPrefix(row.getOrDefault(ParticipantsTable.PARTICIPANT_ID, ""), "sub");
        if (!wanted.isEmpty() && !wanted.contains(label)) {
          continue;
        }
        String session = row.get("session") == null ? null : Labels.stripPrefix(row.get("session"), "ses");
        List<Problem> problems = new ArrayList<>();
        Labels.check(label, source, where + " participant_id", problems);
        if (session != null) {
          Labels.check(session, source, where + " session", problems);
        }
        String key = label + "/" + session;
        if (seen.containsKey(key)) {
          cohortProblems.add(new Problem(source, where, "sub-" + label + (session == null ? "" : " ses-" + session)
              + " is listed twice (first at line " + seen.get(key) + ")"));
          continue;
        }
        seen.put(key, l + 1);
        Map<String, String> covariates = new LinkedHashMap<>();
        for (String c : covariateColumns) {
          if (row.containsKey(c)) {
            covariates.put(c, row.get(c));
          }
        }
        Map<String, String> previous = covariatesByLabel.putIfAbsent(label, covariates);
        if (previous == null) {
          List<String> cellsOut = new ArrayList<>();
          for (String c : covariateColumns) {
            cellsOut.add(c.equals(ParticipantsTable.PARTICIPANT_ID) ? "sub-" + label : row.getOrDefault(c, "n/a"));
          }
          table.append(String.join("\t", cellsOut)).append('\n');
        } else if (!previous.equals(covariates)) {
          problems.add(new Problem(source, where, "sub-" + label + "'s covariates differ from its first row's"));
        }
        String site = row.get(options.siteColumn());
        if (site == null) {
          problems.add(new Problem(source, where + " " + options.siteColumn(), "missing (n/a or empty)"));
        }
        List<DwiRun> dwi = new ArrayList<>();
        String stem = "sub-" + label + (session == null ? "" : "_ses-" + session);
        if (row.containsKey("dwi") || row.containsKey("bval") || row.containsKey("bvec")) {
          String nifti = resolve(fs, base, row.get("dwi"), source, where + " dwi", problems);
          String bval = resolve(fs, base, row.get("bval"), source, where + " bval", problems);
          String bvec = resolve(fs, base, row.get("bvec"), source, where + " bvec", problems);
          if (nifti != null && bval != null && bvec != null) {
            dwi.add(new DwiRun(stem, nifti, bval, bvec, null));
          }
        }
        List<BoldRun> bold = new ArrayList<>();
        if (row.containsKey("bold")) {
          String nifti = resolve(fs, base, row.get("bold"), source, where + " bold", problems);
          Double tr = null;
          if (row.containsKey("repetition_time")) {
            try {
              tr = Double.parseDouble(row.get("repetition_time"));
              if (!(tr > 0) || tr.isInfinite()) {
                throw new NumberFormatException();
              }
            } catch (NumberFormatException e) {
              problems.add(new Problem(source, where + " repetition_time", "\"" + row.get("repetition_time") + "\" is not a positive number of seconds"));
              tr = null;
            }
          }
          String confounds = null;
          if (row.containsKey("confounds")) {
            confounds = resolve(fs, base, row.get("confounds"), source, where + " confounds", problems);
          } else if (options.confounds()) {
            problems.add(new Problem(source, where + " confounds", "missing: --confounds needs each bold run's confounds table"
                + " (a 'confounds' column)"));
          }
          if (nifti != null) {
            bold.add(new BoldRun(stem + "_task-" + options.task(), options.task(), nifti, null, tr, confounds));
          }
        }
        if (dwi.isEmpty() && bold.isEmpty() && problems.isEmpty()) {
          problems.add(new Problem(source, where, "names no dwi and no bold file"));
        }
        subjects.add(new Subject(label, session, site, covariates, List.copyOf(dwi), List.copyOf(bold), List.copyOf(problems)));
      }
      for (String w : wanted) {
        if (subjects.stream().noneMatch(s -> s.label().equals(w))) {
          cohortProblems.add(new Problem(source, "--participant-label", "sub-" + w + " is not in the manifest"));
        }
      }
      if (subjects.isEmpty() && cohortProblems.isEmpty()) {
        cohortProblems.add(new Problem(source, "", "the manifest lists no subject"));
      }
      UserInputException.throwIfAny(cohortProblems);
      List<Problem> tableProblems = new ArrayList<>();
      ParticipantsTable participants = ParticipantsTable.parse(table.toString(), source, '\t', tableProblems);
      subjects.sort(Comparator.comparing(Subject::label).thenComparing(s -> s.session() == null ? "" : s.session()));
      return new Cohort(source, options.siteColumn(), participants, List.copyOf(subjects));
    } catch (IOException e) {
      throw new UncheckedIOException("reading the manifest " + manifest + ": " + e.getMessage(), e);
    }
  }

  private static String resolve(FileSystem fs, Path base, String value, String source, String field, List<Problem> problems)
      throws IOException {
    if (value == null) {
      problems.add(new Problem(source, field, "missing"));
      return null;
    }
    Path p;
    FileSystem pfs;
    try {
      p = HadoopFiles.path(value);
      if (!p.isAbsolute() && p.toUri().getScheme() == null) {
        p = new Path(base, value);
      }
      pfs = HadoopFiles.fileSystem(value, p, fs.getConf());
    } catch (UserInputException e) {
      problems.add(new Problem(source, field, e.problems().get(0).render()));
      return null;
    }
    if (!pfs.exists(p)) {
      problems.add(new Problem(source, field, p + " does not exist"));
      return null;
    }
    return pfs.makeQualified(p).toString();
  }
}
