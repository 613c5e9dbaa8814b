package org.voxelspark.participant;

import java.io.Serializable;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.voxelspark.nifti.NiftiImage;

/**
 * Plans (and validates the inputs of) a run on the executor that read it: the kernel and the mask.
 * Validation failures are {@link org.voxelspark.error.UserInputException}s naming the file.
 */
@FunctionalInterface
public interface KernelFactory extends Serializable {
  /** @param image the run's image, voxel-major */
  RunPlan plan(RunTask task, NiftiImage image, Configuration conf);

  /** The settings behind a kind's maps, for their JSON sidecars. */
  default Map<String, Object> parameters(RunKind kind) {
    return Map.of();
  }

  /** The maps written for a run of {@code kind}, in output order. */
  default java.util.List<DerivativeNames> maps(RunKind kind) {
    return DerivativeNames.of(kind);
  }

  /** FWHM (mm) of the smoothing of the smoothed maps among {@link #maps}; 0 when there are none. */
  default double smoothingFwhmMm(RunKind kind) {
    return 0;
  }
}
