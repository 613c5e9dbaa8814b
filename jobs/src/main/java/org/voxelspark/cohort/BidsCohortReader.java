package org.voxelspark.cohort;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.voxelspark.error.UserInputException;
import org.voxelspark.error.UserInputException.Problem;
import org.voxelspark.io.HadoopFiles;

/**
 * Reads a BIDS dataset through the Hadoop {@link FileSystem} API, so local paths, {@code file://}
 * and {@code hdfs://} URIs work alike.
 *
 * <p><b>What is read.</b> {@code participants.tsv} (required: it carries the site); for each
 * {@code sub-<label>} directory, and each {@code ses-<label>} inside it when there are sessions:
 * {@code dwi/*_dwi.nii[.gz]} with the {@code .bval}/{@code .bvec} of the same name (or a dataset-level
 * {@code dwi.bval}/{@code dwi.bvec}), and {@code func/*_task-<task>[_...]_bold.nii[.gz]} with its JSON
 * sidecar. {@code RepetitionTime} is taken from the nearest sidecar that has it: the run's own, then
 * the subject-level {@code sub-<label>[_ses-<label>]_task-<task>_bold.json}, then the dataset-level
 * {@code task-<task>_bold.json} (the BIDS inheritance principle, for these three levels).
 *
 * <p><b>Confounds</b> (only when {@link CohortOptions#confounds()} is set): each BOLD run needs
 * fMRIPrep's confounds table, named after the run's entities without {@code space}, {@code res},
 * {@code den} and {@code desc}, plus {@code desc-confounds_timeseries.tsv} (or fMRIPrep &lt; 20.2's
 * {@code desc-confounds_regressors.tsv}): for
 * {@code sub-01_task-rest_space-MNI152NLin2009cAsym_desc-preproc_bold.nii.gz} it is
 * {@code sub-01_task-rest_desc-confounds_timeseries.tsv}. It is looked for beside the BOLD file, or,
 * with {@link CohortOptions#confoundsDir()}, in {@code <dir>/sub-<l>[/ses-<l>]/func/} (an fMRIPrep
 * output directory given apart from the BIDS input). A run without one is a problem of its subject.
 *
 * <p><b>Problems.</b> Everything wrong is collected. Cohort-level problems (no dataset directory,
 * no or malformed participants.tsv, a {@code --participant-label} that names no subject, no subject
 * at all, a confounds directory that does not exist) are thrown together as one
 * {@link UserInputException}. Subject-level problems (not in participants.tsv, no site value, a
 * missing {@code .bval}/{@code .bvec} or confounds table, no data, an invalid label, a sidecar that
 * is not JSON) are attached to the subject, which is then not processed.
 */
public final class BidsCohortReader {
  private static final ObjectMapper JSON = new ObjectMapper();

  private BidsCohortReader() {}

  public static Cohort read(String root, Configuration conf, CohortOptions options) {
    try {
      Path rootPath = HadoopFiles.path(root);
      FileSystem fs = HadoopFiles.fileSystem(root, rootPath, conf);
      rootPath = fs.makeQualified(rootPath);
      String rootName = rootPath.toString();
      if (!fs.exists(rootPath) || !fs.getFileStatus(rootPath).isDirectory()) {
        throw new UserInputException(root, "", "the BIDS dataset directory does not exist");
      }
      List<Problem> cohortProblems = new ArrayList<>();
      Path tsv = new Path(rootPath, "participants.tsv");
      ParticipantsTable table;
      if (!fs.exists(tsv)) {
        cohortProblems.add(new Problem(tsv.toString(), "", "missing: a BIDS dataset needs participants.tsv (with a '"
            + options.siteColumn() + "' column) for voxelspark to know each subject's site and covariates"));
        table = ParticipantsTable.empty(tsv.toString());
      } else {
        table = ParticipantsTable.parse(readText(fs, tsv), tsv.toString(), '\t', cohortProblems);
        if (!table.hasColumn(options.siteColumn())) {
          cohortProblems.add(new Problem(tsv.toString(), options.siteColumn(),
              "no site column '" + options.siteColumn() + "' (columns: " + table.columns() + "; choose one with --site-column)"));
        }
      }
      Double datasetTr = repetitionTime(fs, new Path(rootPath, "task-" + options.task() + "_bold.json"), new ArrayList<>());
      Path confoundsRoot = null;
      if (options.confounds() && options.confoundsDir() != null) {
        confoundsRoot = new Path(options.confoundsDir());
        FileSystem cfs = confoundsRoot.getFileSystem(conf);
        confoundsRoot = cfs.makeQualified(confoundsRoot);
        if (!cfs.exists(confoundsRoot) || !cfs.getFileStatus(confoundsRoot).isDirectory()) {
          cohortProblems.add(new Problem(options.confoundsDir(), "--confounds-dir", "is not a directory"));
        }
      }
      Path datasetBval = new Path(rootPath, "dwi.bval");
      Path datasetBvec = new Path(rootPath, "dwi.bvec");

      Set<String> wanted = options.wantedLabels();
      Map<String, Path> subjectDirs = new LinkedHashMap<>();
      for (FileStatus st : sorted(fs.listStatus(rootPath))) {
        String name = st.getPath().getName();
        if (st.isDirectory() && name.startsWith("sub-")) {
          subjectDirs.put(name.substring(4), st.getPath());
        }
      }
      for (String w : wanted) {
        if (!subjectDirs.containsKey(w) && table.row(w) == null) {
          cohortProblems.add(new Problem(root, "--participant-label", "sub-" + w + " is neither in participants.tsv nor a sub-" + w + " directory"));
        }
      }
      List<Subject> subjects = new ArrayList<>();
      Set<String> seen = new LinkedHashSet<>();
      for (Map.Entry<String, Path> e : subjectDirs.entrySet()) {
        String label = e.getKey();
        if (!wanted.isEmpty() && !wanted.contains(label)) {
          continue;
        }
        seen.add(label);
        List<Path> sessionDirs = new ArrayList<>();
        for (FileStatus st : sorted(fs.listStatus(e.getValue()))) {
          if (st.isDirectory() && st.getPath().getName().startsWith("ses-")) {
            sessionDirs.add(st.getPath());
          }
        }
        if (sessionDirs.isEmpty()) {
          subjects.add(subject(fs, label, null, e.getValue(), table, options, datasetTr, datasetBval, datasetBvec,
              confoundsRoot == null ? null : new Path(confoundsRoot, "sub-" + label + "/func")));
        } else {
          for (Path ses : sessionDirs) {
            subjects.add(subject(fs, label, ses.getName().substring(4), ses, table, options, datasetTr, datasetBval, datasetBvec,
                confoundsRoot == null ? null : new Path(confoundsRoot, "sub-" + label + "/" + ses.getName() + "/func")));
          }
        }
      }
      for (String label : table.labels()) {
        if (!seen.contains(label) && (wanted.isEmpty() || wanted.contains(label))) {
          subjects.add(new Subject(label, null, table.row(label).get(options.siteColumn()), table.row(label), List.of(), List.of(),
              List.of(new Problem(new Path(rootPath, "sub-" + label).toString(), "",
                  "listed in participants.tsv but there is no sub-" + label + " directory"))));
        }
      }
      if (subjects.isEmpty() && cohortProblems.isEmpty()) {
        cohortProblems.add(new Problem(rootName, "", "no sub-<label> directory: not a BIDS dataset, or an empty one"));
      }
      UserInputException.throwIfAny(cohortProblems);
      subjects.sort(Comparator.comparing(Subject::label).thenComparing(s -> s.session() == null ? "" : s.session()));
      return new Cohort(rootName, options.siteColumn(), table, List.copyOf(subjects));
    } catch (IOException e) {
      throw new UncheckedIOException("reading the BIDS dataset " + root + ": " + e.getMessage(), e);
    }
  }

  private static Subject subject(FileSystem fs, String label, String session, Path dir, ParticipantsTable table,
      CohortOptions options, Double datasetTr, Path datasetBval, Path datasetBvec, Path confoundsDir) throws IOException {
    List<Problem> problems = new ArrayList<>();
    String key = "sub-" + label + (session == null ? "" : "_ses-" + session);
    Labels.check(label, dir.toString(), "subject label", problems);
    if (session != null) {
      Labels.check(session, dir.toString(), "session label", problems);
    }
    Map<String, String> row = table.row(label);
    String site = null;
    if (row == null) {
      problems.add(new Problem(table.source(), "participant_id", "sub-" + label + " has data but no row in participants.tsv"));
      row = Map.of();
    } else {
      site = row.get(options.siteColumn());
      if (site == null && table.hasColumn(options.siteColumn())) {
        problems.add(new Problem(table.source(), "sub-" + label + " " + options.siteColumn(), "missing (n/a or empty)"));
      }
    }
    List<DwiRun> dwi = new ArrayList<>();
    Path dwiDir = new Path(dir, "dwi");
    if (fs.exists(dwiDir)) {
      for (FileStatus st : sorted(fs.listStatus(dwiDir))) {
        String name = st.getPath().getName();
        BidsFilename f = BidsFilename.parse(name);
        if (f == null || !f.suffix().equals("dwi") || !(f.extension().equals(".nii.gz") || f.extension().equals(".nii"))) {
          continue;
        }
        if (!checkEntities(f, label, session, st.getPath(), problems)) {
          continue;
        }
        String stem = name.substring(0, name.length() - f.extension().length());
        Path bval = sidecar(fs, dwiDir, stem + ".bval", datasetBval);
        Path bvec = sidecar(fs, dwiDir, stem + ".bvec", datasetBvec);
        if (bval == null) {
          problems.add(new Problem(st.getPath().toString(), "bval", "no " + stem + ".bval beside it (FSL b-values are required)"));
        }
        if (bvec == null) {
          problems.add(new Problem(st.getPath().toString(), "bvec", "no " + stem + ".bvec beside it (FSL gradient directions are required)"));
        }
        Path json = new Path(dwiDir, stem + ".json");
        if (bval != null && bvec != null) {
          dwi.add(new DwiRun(f.entityPrefix(), st.getPath().toString(), bval.toString(), bvec.toString(),
              fs.exists(json) ? json.toString() : null));
        }
      }
    }
    List<BoldRun> bold = new ArrayList<>();
    Path funcDir = new Path(dir, "func");
    if (fs.exists(funcDir)) {
      Double subjectTr = repetitionTime(fs, new Path(funcDir.getParent(), key + "_task-" + options.task() + "_bold.json"), problems);
      for (FileStatus st : sorted(fs.listStatus(funcDir))) {
        String name = st.getPath().getName();
        BidsFilename f = BidsFilename.parse(name);
        if (f == null || !f.suffix().equals("bold") || !(f.extension().equals(".nii.gz") || f.extension().equals(".nii"))
            || !options.task().equals(f.get("task"))) {
          continue;
        }
        if (!checkEntities(f, label, session, st.getPath(), problems)) {
          continue;
        }
        String stem = name.substring(0, name.length() - f.extension().length());
        Path json = new Path(funcDir, stem + ".json");
        Double tr = null;
        String jsonUri = null;
        if (fs.exists(json)) {
          jsonUri = json.toString();
          tr = repetitionTime(fs, json, problems);
        }
        if (tr == null) {
          tr = subjectTr != null ? subjectTr : datasetTr;
        }
        String confounds = null;
        if (options.confounds()) {
          Path where = confoundsDir != null ? confoundsDir : funcDir;
          List<String> names = confoundsFileNames(f);
          for (String candidate : names) {
            Path c = new Path(where, candidate);
            if (c.getFileSystem(fs.getConf()).exists(c)) {
              confounds = c.toString();
              break;
            }
          }
          if (confounds == null) {
            problems.add(new Problem(st.getPath().toString(), "confounds", "no " + names.get(0) + " in " + where
                + " (--confounds needs each BOLD run's fMRIPrep confounds table"
                + (confoundsDir == null ? " beside it, or give --confounds-dir" : "") + ")"));
          }
        }
        bold.add(new BoldRun(f.entityPrefix(), f.get("task"), st.getPath().toString(), jsonUri, tr, confounds));
      }
    }
    if (dwi.isEmpty() && bold.isEmpty() && problems.isEmpty()) {
      problems.add(new Problem(dir.toString(), "", "no dwi/*_dwi.nii[.gz] and no func/*_task-" + options.task() + "*_bold.nii[.gz]"));
    }
    return new Subject(label, session, site, row, List.copyOf(dwi), List.copyOf(bold), List.copyOf(problems));
  }

  /** Entities of a preprocessed BOLD file that its confounds table does not carry. */
  private static final Set<String> NOT_IN_CONFOUNDS_NAME = Set.of("space", "res", "den", "desc");

  /**
   * The names fMRIPrep gives the confounds table of a BOLD file, newest convention first:
   * {@code <entities>_desc-confounds_timeseries.tsv}, then {@code ..._regressors.tsv}.
   */
  static List<String> confoundsFileNames(BidsFilename bold) {
    StringBuilder prefix = new StringBuilder();
    for (Map.Entry<String, String> e : bold.entities().entrySet()) {
      if (!NOT_IN_CONFOUNDS_NAME.contains(e.getKey())) {
        prefix.append(e.getKey()).append('-').append(e.getValue()).append('_');
      }
    }
    return List.of(prefix + "desc-confounds_timeseries.tsv", prefix + "desc-confounds_regressors.tsv");
  }

  private static boolean checkEntities(BidsFilename f, String label, String session, Path file, List<Problem> problems) {
    if (!label.equals(f.get("sub")) || (session != null && !session.equals(f.get("ses")))) {
      problems.add(new Problem(file.toString(), "file name", "its sub-/ses- entities do not match the directory it is in"));
      return false;
    }
    return true;
  }

  private static Path sidecar(FileSystem fs, Path dir, String name, Path inherited) throws IOException {
    Path own = new Path(dir, name);
    if (fs.exists(own)) {
      return own;
    }
    return fs.exists(inherited) ? inherited : null;
  }

  /** RepetitionTime (s) of a JSON sidecar; null if the file or the field is absent. */
  static Double repetitionTime(FileSystem fs, Path json, List<Problem> problems) throws IOException {
    if (!fs.exists(json)) {
      return null;
    }
    JsonNode node;
    try {
      node = JSON.readTree(readText(fs, json));
    } catch (IOException e) {
      problems.add(new Problem(json.toString(), "", "not valid JSON: " + e.getMessage().split("\n")[0]));
      return null;
    }
    JsonNode tr = node == null ? null : node.get("RepetitionTime");
    if (tr == null || tr.isNull()) {
      return null;
    }
    if (!tr.isNumber() || !(tr.asDouble() > 0)) {
      problems.add(new Problem(json.toString(), "RepetitionTime", "is " + tr + "; must be a positive number of seconds"));
      return null;
    }
    return tr.asDouble();
  }

  static String readText(FileSystem fs, Path p) throws IOException {
    try {
      if (fs.getFileStatus(p).isDirectory()) {
        throw new UserInputException(p.toString(), "", "is a directory, not a file");
      }
      try (InputStream in = fs.open(p)) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    } catch (FileNotFoundException e) {
      throw new UserInputException(p.toString(), "", "file does not exist");
    }
  }

  private static List<FileStatus> sorted(FileStatus[] statuses) {
    List<FileStatus> l = new ArrayList<>(List.of(statuses));
    l.sort(Comparator.comparing(s -> s.getPath().getName()));
    return l;
  }

}
