package org.voxelspark.participant;

import java.io.Serializable;
import java.util.List;
import org.voxelspark.error.UserInputException;

/**
 * What happened to one run.
 *
 * @param task the run
 * @param outputs URIs of the files written (empty when it failed)
 * @param problems why it failed (empty when it succeeded)
 * @param errorClass {@code UserInputException} for input problems, the exception class for an
 *     unexpected failure
 * @param blocks number of blocks computed
 */
public record RunResult(RunTask task, List<String> outputs, List<UserInputException.Problem> problems, String errorClass,
    int blocks) implements Serializable {
  public boolean succeeded() {
    return problems.isEmpty();
  }
}
