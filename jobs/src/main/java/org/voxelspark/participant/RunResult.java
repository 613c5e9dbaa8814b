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
 * @param nonFiniteVoxels voxels left out of the brain mask because their series holds NaN or ±∞
 *     ({@link org.voxelspark.qc.FiniteSamples}); 0 when failed
 */
public record RunResult(RunTask task, List<String> outputs, List<UserInputException.Problem> problems, String errorClass,
    int blocks, int nonFiniteVoxels) implements Serializable {
  public boolean succeeded() {
    return problems.isEmpty();
  }
}
