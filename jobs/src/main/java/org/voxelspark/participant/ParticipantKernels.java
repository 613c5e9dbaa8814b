package org.voxelspark.participant;

import org.apache.hadoop.conf.Configuration;
import org.voxelspark.dti.GradientTable;
import org.voxelspark.error.UserInputException;
import org.voxelspark.io.HadoopFiles;
import org.voxelspark.kernel.BlockKernel;
import org.voxelspark.kernel.TemporalStatisticsKernel;
import org.voxelspark.nifti.NiftiHeader;

/**
 * The participant stage's kernels and the validation of each run's inputs.
 *
 * <p>DWI: the image must be 4D; the {@code .bval}/{@code .bvec} must match its volumes
 * ({@link GradientTable}); the kernel is the temporal mean of the b = 0 volumes. BOLD: the image
 * must be 4D with at least {@value #MIN_BOLD_VOLUMES} volumes; the repetition time comes from the
 * JSON sidecar or the header ({@code pixdim[4]}); when both are given they must agree within
 * {@value #TR_RELATIVE_TOLERANCE} (relative), and one of them is required. The kernel is the
 * temporal mean, SD and tSNR over all volumes.
 *
 * @param b0Threshold largest b-value (s/mm²) treated as b = 0
 */
public record ParticipantKernels(double b0Threshold) implements KernelFactory {
  /** Fewest BOLD volumes accepted (a temporal SD and later band-pass filters need a series). */
  public static final int MIN_BOLD_VOLUMES = 10;
  /** Largest relative disagreement accepted between the sidecar's and the header's TR. */
  public static final double TR_RELATIVE_TOLERANCE = 0.01;

  @Override
  public BlockKernel create(RunTask task, NiftiHeader header, Configuration conf) {
    if (header.ndim() < 4 || header.nt() < 2) {
      throw new UserInputException(task.nifti(), "dim", "is " + (header.ndim() < 4 ? "3D" : "4D with 1 volume")
          + "; a " + task.kind() + " run must be a 4D series");
    }
    return switch (task.kind()) {
      case DWI -> {
        GradientTable g = GradientTable.parse(HadoopFiles.readText(task.bval(), conf), task.bval(),
            HadoopFiles.readText(task.bvec(), conf), task.bvec(), header.nt(), b0Threshold);
        yield new TemporalStatisticsKernel(g.b0Volumes());
      }
      case BOLD -> {
        if (header.nt() < MIN_BOLD_VOLUMES) {
          throw new UserInputException(task.nifti(), "dim[4]", "has " + header.nt() + " volumes; a BOLD run needs at least "
              + MIN_BOLD_VOLUMES);
        }
        repetitionTimeSeconds(task, header);
        yield new TemporalStatisticsKernel(null);
      }
    };
  }

  /** The run's TR in seconds, validated as described in the class doc. */
  public static double repetitionTimeSeconds(RunTask task, NiftiHeader header) {
    double fromHeader = header.repetitionTimeSeconds();
    Double fromSidecar = task.sidecarRepetitionTime();
    if (fromSidecar == null && Double.isNaN(fromHeader)) {
      throw new UserInputException(task.nifti(), "RepetitionTime",
          "missing: neither a JSON sidecar RepetitionTime nor a positive pixdim[4] in the header");
    }
    if (fromSidecar != null && !Double.isNaN(fromHeader)
        && Math.abs(fromSidecar - fromHeader) > TR_RELATIVE_TOLERANCE * fromSidecar) {
      throw new UserInputException(task.nifti(), "RepetitionTime", "the JSON sidecar says " + fromSidecar
          + " s but the NIfTI header says " + fromHeader + " s; correct one of them");
    }
    return fromSidecar != null ? fromSidecar : fromHeader;
  }
}
