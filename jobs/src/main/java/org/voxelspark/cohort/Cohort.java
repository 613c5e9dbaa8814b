package org.voxelspark.cohort;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A cohort: subjects with their runs and table rows, read from a BIDS dataset or a manifest.
 *
 * @param root the dataset root (or the manifest) URI
 * @param siteColumn the participants column that names the site
 * @param participants the participants table
 * @param subjects subjects in stable order (by label, then session)
 */
public record Cohort(String root, String siteColumn, ParticipantsTable participants, List<Subject> subjects)
    implements Serializable {

  public List<Subject> validSubjects() {
    return subjects.stream().filter(Subject::isValid).toList();
  }

  public List<Subject> invalidSubjects() {
    return subjects.stream().filter(s -> !s.isValid()).toList();
  }

  /** A few lines for the log: subjects per site and runs found. */
  public String describe() {
    Map<String, Integer> perSite = new TreeMap<>();
    int dwi = 0;
    int bold = 0;
    for (Subject s : subjects) {
      perSite.merge(s.site() == null ? "(none)" : s.site(), 1, Integer::sum);
      dwi += s.dwi().size();
      bold += s.bold().size();
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("subjects", subjects.size());
    m.put("with problems", invalidSubjects().size());
    m.put("per " + siteColumn, perSite);
    m.put("dwi runs", dwi);
    m.put("bold runs", bold);
    return "cohort " + root + ": " + m;
  }
}
