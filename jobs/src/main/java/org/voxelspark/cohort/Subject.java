package org.voxelspark.cohort;

import java.io.Serializable;
import java.util.List;
import java.util.Map;
import org.voxelspark.error.UserInputException;

/**
 * One subject (and session) of a cohort with its runs and its participants.tsv row.
 *
 * @param label subject label without {@code sub-}
 * @param session session label without {@code ses-}, or null
 * @param site the value of the site column, or null when missing (a problem is then recorded)
 * @param attributes the participants.tsv row (missing values absent)
 * @param dwi diffusion runs, sorted by name
 * @param bold BOLD runs, sorted by name
 * @param problems what is wrong with this subject's input; a subject with problems is not
 *     processed and appears in the failures table
 */
public record Subject(String label, String session, String site, Map<String, String> attributes,
    List<DwiRun> dwi, List<BoldRun> bold, List<UserInputException.Problem> problems) implements Serializable {

  /** {@code sub-<label>[_ses-<label>]}: the prefix of every output of this subject. */
  public String key() {
    return "sub-" + label + (session == null ? "" : "_ses-" + session);
  }

  /** True when the subject has no input problem. */
  public boolean isValid() {
    return problems.isEmpty();
  }
}
