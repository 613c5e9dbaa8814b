package org.voxelspark.ops;

import java.io.Serializable;
import org.voxelspark.participant.RunKind;
import org.voxelspark.participant.RunTask;

/**
 * Names one run in the run manifest: the subject, the modality and the run's entities.
 *
 * @param subject {@code sub-<label>[_ses-<label>]}
 * @param kind the run's modality
 * @param run the run's entities (the prefix of its output files)
 */
public record RunKey(String subject, RunKind kind, String run) implements Serializable, Comparable<RunKey> {
  public static RunKey of(RunTask task) {
    return new RunKey(task.subjectKey(), task.kind(), task.name());
  }

  /** The entry's path inside the manifest directory: {@code participant/<subject>/<dwi|func>_<run>.json}. */
  public String entryPath() {
    return RunManifest.PARTICIPANT_STAGE + "/" + subject + "/" + kind.datatypeDir() + "_" + run + ".json";
  }

  @Override
  public int compareTo(RunKey o) {
    int c = subject.compareTo(o.subject);
    if (c == 0) {
      c = kind.compareTo(o.kind);
    }
    return c != 0 ? c : run.compareTo(o.run);
  }

  @Override
  public String toString() {
    return subject + "/" + kind.datatypeDir() + "/" + run;
  }
}
