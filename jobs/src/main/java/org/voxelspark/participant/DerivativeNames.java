package org.voxelspark.participant;

import java.util.List;
import org.voxelspark.nifti.NiftiDatatype;

/**
 * The maps the participant stage writes for each run, named as BIDS-Derivatives files: the run's
 * entities, then {@code desc-<...>} and the suffix. Defined once here; the job, the docs
 * ({@code docs/outputs.md}) and the tests refer to these constants.
 *
 * @param kind the run modality it applies to
 * @param channel the kernel channel it holds ({@link ParticipantKernels})
 * @param suffix everything after the run's entities, e.g. {@code desc-meanb0_dwiref}
 * @param description for the JSON sidecar and the NIfTI {@code descrip}
 * @param units the values' unit, for the sidecar
 * @param datatype how the map is stored
 */
public record DerivativeNames(RunKind kind, int channel, String suffix, String description, String units,
    NiftiDatatype datatype) {
  public static final DerivativeNames MEAN_B0 = new DerivativeNames(RunKind.DWI, ParticipantKernels.DWI_MEAN_B0,
      "desc-meanb0_dwiref", "mean of the b=0 volumes", "scanner intensity", NiftiDatatype.FLOAT32);
  public static final DerivativeNames DWI_MASK = new DerivativeNames(RunKind.DWI, ParticipantKernels.DWI_MASK,
      "desc-brain_mask", "brain mask (Otsu threshold of the mean b0)", "1 = brain", NiftiDatatype.UINT8);
  public static final DerivativeNames BOLD_MEAN = new DerivativeNames(RunKind.BOLD, ParticipantKernels.BOLD_MEAN,
      "boldref", "temporal mean of the BOLD run", "scanner intensity", NiftiDatatype.FLOAT32);
  public static final DerivativeNames BOLD_TSNR = new DerivativeNames(RunKind.BOLD, ParticipantKernels.BOLD_TSNR,
      "desc-tsnr_boldmap", "temporal SNR (mean / SD over time, 0 where SD = 0)", "dimensionless", NiftiDatatype.FLOAT32);
  public static final DerivativeNames REHO = new DerivativeNames(RunKind.BOLD, ParticipantKernels.BOLD_REHO,
      "desc-reho_boldmap", "regional homogeneity: Kendall's W of each voxel's series with its neighbours', in the mask",
      "dimensionless, 0..1", NiftiDatatype.FLOAT32);
  public static final DerivativeNames ALFF = new DerivativeNames(RunKind.BOLD, ParticipantKernels.BOLD_ALFF,
      "desc-alff_boldmap", "amplitude of low-frequency fluctuations, in the mask", "scanner intensity", NiftiDatatype.FLOAT32);
  public static final DerivativeNames FALFF = new DerivativeNames(RunKind.BOLD, ParticipantKernels.BOLD_FALFF,
      "desc-falff_boldmap", "fractional ALFF (band / whole spectrum without DC), in the mask", "dimensionless, 0..1",
      NiftiDatatype.FLOAT32);
  public static final DerivativeNames BOLD_MASK = new DerivativeNames(RunKind.BOLD, ParticipantKernels.BOLD_MASK,
      "desc-brain_mask", "brain mask (Otsu threshold of the temporal mean, non-constant series)", "1 = brain",
      NiftiDatatype.UINT8);

  /** Every map of a run kind, in output order. */
  public static List<DerivativeNames> of(RunKind kind) {
    return kind == RunKind.DWI ? List.of(MEAN_B0, DWI_MASK) : List.of(BOLD_MEAN, BOLD_TSNR, REHO, ALFF, FALFF, BOLD_MASK);
  }

  /** File name for a run: {@code <run>_<suffix>.nii.gz}. */
  public String fileName(String runName) {
    return runName + "_" + suffix + ".nii.gz";
  }
}
