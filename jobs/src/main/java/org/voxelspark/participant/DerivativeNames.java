package org.voxelspark.participant;

import org.voxelspark.qc.TemporalStatistics;

/**
 * The maps the participant stage writes for each run, named as BIDS-Derivatives files: the run's
 * entities, then {@code desc-<...>} and the suffix. Defined once here; the job, the docs
 * ({@code docs/outputs.md}) and the tests refer to these constants.
 *
 * @param kind the run modality it applies to
 * @param channel the kernel channel it holds
 * @param suffix everything after the run's entities, e.g. {@code desc-meanb0_dwiref}
 * @param description for the JSON sidecar and the NIfTI {@code descrip}
 * @param units the values' unit, for the sidecar
 */
public record DerivativeNames(RunKind kind, int channel, String suffix, String description, String units) {
  /** Mean of the b = 0 volumes of a diffusion run (the reference for masking and registration). */
  public static final DerivativeNames MEAN_B0 = new DerivativeNames(RunKind.DWI, TemporalStatistics.CHANNEL_MEAN,
      "desc-meanb0_dwiref", "mean of the b=0 volumes", "scanner intensity");
  /** Temporal mean of a BOLD run. */
  public static final DerivativeNames BOLD_MEAN = new DerivativeNames(RunKind.BOLD, TemporalStatistics.CHANNEL_MEAN,
      "boldref", "temporal mean of the BOLD run", "scanner intensity");
  /** Temporal signal-to-noise ratio of a BOLD run: mean / SD (n − 1) over time; 0 where SD = 0. */
  public static final DerivativeNames BOLD_TSNR = new DerivativeNames(RunKind.BOLD, TemporalStatistics.CHANNEL_TSNR,
      "desc-tsnr_boldmap", "temporal SNR (mean / SD over time, 0 where SD = 0)", "dimensionless");

  /** Every map of a run kind, in output order. */
  public static java.util.List<DerivativeNames> of(RunKind kind) {
    return kind == RunKind.DWI ? java.util.List.of(MEAN_B0) : java.util.List.of(BOLD_MEAN, BOLD_TSNR);
  }

  /** File name for a run: {@code <run>_<suffix>.nii.gz}. */
  public String fileName(String runName) {
    return runName + "_" + suffix + ".nii.gz";
  }
}
