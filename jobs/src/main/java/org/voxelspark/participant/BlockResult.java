package org.voxelspark.participant;

import java.io.Serializable;
import java.util.List;
import org.voxelspark.error.UserInputException;
import org.voxelspark.geometry.Box;

/**
 * A kernel's output for the core of one block of one run, or the failure of that run.
 *
 * @param blockId the block's id in its grid (−1 for a failure)
 * @param core the voxels {@code values} covers
 * @param channels values per voxel
 * @param values {@code core.voxelCount() × channels}, voxel-major over the core's local index
 * @param problems the run's input problems (then every other field is empty)
 * @param errorClass the class of an unexpected exception, or null
 * @param nonFiniteVoxels the run's voxels left out of its mask for a non-finite sample ({@link RunPlan})
 */
public record BlockResult(int blockId, Box core, int channels, float[] values, List<UserInputException.Problem> problems,
    String errorClass, int nonFiniteVoxels) implements Serializable {

  static BlockResult failure(List<UserInputException.Problem> problems, String errorClass) {
    return new BlockResult(-1, null, 0, null, List.copyOf(problems), errorClass, 0);
  }

  boolean failed() {
    return blockId < 0;
  }
}
