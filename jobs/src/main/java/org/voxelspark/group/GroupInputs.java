package org.voxelspark.group;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.voxelspark.cohort.Cohort;
import org.voxelspark.cohort.Subject;
import org.voxelspark.error.UserInputException;
import org.voxelspark.geometry.Resampler;
import org.voxelspark.geometry.VolumeGeometry;
import org.voxelspark.io.HadoopFiles;
import org.voxelspark.nifti.NiftiHeader;
import org.voxelspark.participant.DerivativeNames;
import org.voxelspark.participant.ParticipantStage;
import org.voxelspark.participant.RunKind;
import org.voxelspark.table.VoxelTable;

/**
 * Chooses the maps the group stage analyses, on the driver, from the participant stage's outputs:
 * for the chosen metric (a column of the {@link VoxelTable}, e.g. {@code fa} or {@code zreho}), each
 * included subject's map of its one run of that modality, its brain mask, and its
 * {@code participants.tsv} row.
 *
 * <p><b>Which subjects.</b> Every subject of the cohort (after {@code --participant-label}). A subject
 * is <em>unavailable</em> when its input had problems, when its run of the modality is missing or
 * failed in {@code participant_runs.tsv}, or when it has several runs of the modality (the analysis
 * needs one map per subject). Unavailable subjects are a user error that lists each with its reason,
 * unless {@code excludeUnavailable} is set: they are then left out and listed in
 * {@link #excluded()}.
 *
 * <p><b>Grid and space.</b> The analysis runs on a reference grid: the given group mask's, else the
 * first subject's. Every map is in the same space as the reference (its NIfTI sform code, else
 * qform code, must be the reference's: scanner, aligned, Talairach, MNI, template); maps of another
 * space are a user error. Maps on another grid of the same space are resampled onto the reference
 * grid ({@link GroupTranspose}); {@link #resampled()} lists them. voxelspark does not register
 * images: native-space maps of different subjects are comparable only if the subjects are aligned in
 * that space (as the sample cohort is, by construction) — use template-space maps otherwise.
 */
public final class GroupInputs {
  private final List<SubjectMap> maps;
  private final List<Map<String, String>> rows;
  private final Map<String, String> excluded;
  private final List<String> resampled;
  private final VolumeGeometry reference;
  private final int space;
  private final String siteColumn;

  private GroupInputs(List<SubjectMap> maps, List<Map<String, String>> rows, Map<String, String> excluded,
      List<String> resampled, VolumeGeometry reference, int space, String siteColumn) {
    this.siteColumn = siteColumn;
    this.maps = maps;
    this.rows = rows;
    this.excluded = excluded;
    this.resampled = resampled;
    this.reference = reference;
    this.space = space;
  }

  /** The subjects' maps, in design-row order. */
  public List<SubjectMap> maps() {
    return maps;
  }

  /** The subjects' {@code participants.tsv} rows (with {@code participant_id}), in design-row order. */
  public List<Map<String, String>> rows() {
    return rows;
  }

  /** Subjects left out (subject key → reason), in cohort order. */
  public Map<String, String> excluded() {
    return excluded;
  }

  /** Subjects whose maps are resampled onto the reference grid. */
  public List<String> resampled() {
    return resampled;
  }

  /** The grid of the analysis. */
  public VolumeGeometry reference() {
    return reference;
  }

  /** The participants.tsv column naming the sites. */
  public String siteColumn() {
    return siteColumn;
  }

  /** The NIfTI xform code of the analysis' space. */
  public int space() {
    return space;
  }

  /**
   * Selects the inputs.
   *
   * @param derivatives the participant stage's output directory
   * @param metric a metric column of the voxel tables
   * @param groupMaskHeader header of the given group mask, or null
   * @param excludeUnavailable leave out unavailable subjects instead of failing
   * @param where subject selection by {@code participants.tsv} values (column → accepted values); a
   *     subject not selected is not analysed and not counted as unavailable
   */
  public static GroupInputs select(Cohort cohort, String derivatives, String metric, NiftiHeader groupMaskHeader,
      boolean excludeUnavailable, Map<String, java.util.Set<String>> where, Configuration conf) {
    RunKind kind = kindOf(metric);
    VoxelTable.MetricColumn column = VoxelTable.metric(kind, metric);
    Map<String, List<String[]>> runs = runsTable(derivatives, conf);
    Map<String, String> unavailable = new LinkedHashMap<>();
    List<SubjectMap> maps = new ArrayList<>();
    List<Map<String, String>> rows = new ArrayList<>();
    for (String selector : where.keySet()) {
      if (!selector.equals("participant_id") && !cohort.participants().hasColumn(selector)
          && cohort.subjects().stream().noneMatch(s -> s.attributes().containsKey(selector))) {
        throw new UserInputException("--where", selector, "no such column in " + cohort.participants().source()
            + " (columns: " + cohort.participants().columns() + ")");
      }
    }
    int notSelected = 0;
    for (Subject s : cohort.subjects()) {
      if (!selected(s, where)) {
        notSelected++;
        continue;
      }
      if (!s.isValid()) {
        unavailable.put(s.key(), "input problems (see " + ParticipantStage.FAILURES_TSV + "): " + s.problems().get(0).render());
        continue;
      }
      List<String[]> mine = new ArrayList<>();
      for (String[] r : runs.getOrDefault(s.key(), List.of())) {
        if (r[1].equals(kind.name())) {
          mine.add(r);
        }
      }
      if (mine.isEmpty()) {
        unavailable.put(s.key(), "no " + kind + " run in " + ParticipantStage.RUNS_TSV + " (not processed by the participant stage)");
        continue;
      }
      if (mine.size() > 1) {
        unavailable.put(s.key(), mine.size() + " " + kind + " runs; the group stage needs one map per subject "
            + "(select the runs with --participant-label / --task or a manifest)");
        continue;
      }
      String[] run = mine.get(0);
      if (!run[3].equals("ok")) {
        unavailable.put(s.key(), "its " + kind + " run " + run[2] + " failed in the participant stage (see "
            + ParticipantStage.FAILURES_TSV + ")");
        continue;
      }
      Path dir = new Path(derivatives, "sub-" + s.label() + (s.session() == null ? "" : "/ses-" + s.session()) + "/"
          + kind.datatypeDir());
      String mapFile = new Path(dir, column.map().fileName(run[2])).toString();
      DerivativeNames maskMap = kind == RunKind.DWI ? DerivativeNames.DWI_MASK : DerivativeNames.BOLD_MASK;
      String maskFile = new Path(dir, maskMap.fileName(run[2])).toString();
      maps.add(new SubjectMap(maps.size(), s.key(), s.site(), mapFile, column.component(), maskFile));
      Map<String, String> row = new LinkedHashMap<>(s.attributes());
      row.put("participant_id", "sub-" + s.label());
      rows.add(row);
    }
    if (!unavailable.isEmpty() && !excludeUnavailable) {
      List<UserInputException.Problem> problems = new ArrayList<>();
      unavailable.forEach((subject, why) -> problems.add(new UserInputException.Problem(subject, "", why)));
      problems.add(new UserInputException.Problem("--exclude-failed", "", "pass it to analyse the other "
          + maps.size() + " subjects without these " + unavailable.size()));
      throw new UserInputException(problems);
    }
    if (maps.size() < 2) {
      throw new UserInputException(derivatives, "", "only " + maps.size() + " subject(s) with a " + metric
          + " map" + (notSelected > 0 ? " (" + notSelected + " not selected by --where " + where + ")" : "")
          + "; a group analysis needs several");
    }
    // grid and space, from the headers (cheap reads on the driver)
    VolumeGeometry reference;
    int space;
    if (groupMaskHeader != null) {
      reference = groupMaskHeader.geometry();
      space = spaceCode(groupMaskHeader);
    } else {
      NiftiHeader first = HadoopFiles.readNiftiHeader(maps.get(0).map(), conf);
      reference = first.geometry();
      space = spaceCode(first);
    }
    List<String> resampled = new ArrayList<>();
    List<UserInputException.Problem> spaceProblems = new ArrayList<>();
    for (SubjectMap m : maps) {
      NiftiHeader h = HadoopFiles.readNiftiHeader(m.map(), conf);
      if (spaceCode(h) != space) {
        spaceProblems.add(new UserInputException.Problem(m.map(), "sform_code/qform_code", "is in space "
            + spaceName(spaceCode(h)) + " but the analysis is in " + spaceName(space) + "; maps must share one space"));
      } else if (Resampler.needed(h.geometry(), reference)) {
        resampled.add(m.subjectKey());
      }
    }
    if (!spaceProblems.isEmpty()) {
      throw new UserInputException(spaceProblems);
    }
    return new GroupInputs(List.copyOf(maps), List.copyOf(rows), unavailable, List.copyOf(resampled), reference, space,
        cohort.siteColumn());
  }

  /** Whether the subject's row has an accepted value in every selection column. */
  static boolean selected(Subject s, Map<String, java.util.Set<String>> where) {
    Map<String, String> row = new java.util.HashMap<>(s.attributes());
    row.put("participant_id", "sub-" + s.label());
    return selected(row, where);
  }

  /** Whether a {@code participants.tsv} row has an accepted value in every selection column. */
  static boolean selected(Map<String, String> row, Map<String, java.util.Set<String>> where) {
    for (Map.Entry<String, java.util.Set<String>> w : where.entrySet()) {
      String value = row.get(w.getKey());
      if (value == null || !w.getValue().contains(value.trim())) {
        return false;
      }
    }
    return true;
  }

  /** The modality whose voxel table has {@code metric}. */
  public static RunKind kindOf(String metric) {
    for (RunKind k : RunKind.values()) {
      if (VoxelTable.metric(k, metric) != null) {
        return k;
      }
    }
    List<String> known = new ArrayList<>();
    for (RunKind k : RunKind.values()) {
      VoxelTable.metricColumns(k).forEach(c -> known.add(c.name()));
    }
    throw new UserInputException("--metric", "", "unknown metric '" + metric + "'; one of " + String.join(", ", known));
  }

  /** {@code participant_runs.tsv}: subject → rows of (subject, kind, run, status). */
  static Map<String, List<String[]>> runsTable(String derivatives, Configuration conf) {
    String uri = new Path(derivatives, ParticipantStage.RUNS_TSV).toString();
    String text;
    try {
      text = HadoopFiles.readText(uri, conf);
    } catch (UserInputException e) {
      throw new UserInputException(uri, "", "missing: run the participant stage into " + derivatives + " first");
    }
    String[] lines = text.split("\n");
    List<String> header = List.of(lines[0].split("\t"));
    int subject = header.indexOf("subject");
    int kind = header.indexOf("kind");
    int run = header.indexOf("run");
    int status = header.indexOf("status");
    if (subject < 0 || kind < 0 || run < 0 || status < 0) {
      throw new UserInputException(uri, "header", "needs the columns subject, kind, run, status; has " + header);
    }
    Map<String, List<String[]>> out = new LinkedHashMap<>();
    for (int l = 1; l < lines.length; l++) {
      if (lines[l].isBlank()) {
        continue;
      }
      String[] f = lines[l].split("\t", -1);
      out.computeIfAbsent(f[subject], x -> new ArrayList<>()).add(new String[] {f[subject], f[kind], f[run], f[status]});
    }
    return out;
  }

  /** The xform code that names a header's world space: sform's if set, else qform's. */
  static int spaceCode(NiftiHeader h) {
    return h.sformCode() > 0 ? h.sformCode() : h.qformCode();
  }

  static String spaceName(int code) {
    return switch (code) {
      case 0 -> "unknown (no transform)";
      case 1 -> "scanner";
      case 2 -> "aligned";
      case 3 -> "Talairach";
      case 4 -> "MNI-152";
      case 5 -> "template";
      default -> "code " + code;
    };
  }
}
