package org.voxelspark.participant;

import java.util.List;
import org.voxelspark.dti.TensorComponent;
import org.voxelspark.dti.TensorFitter;
import org.voxelspark.nifti.NiftiDatatype;

/**
 * The maps the participant stage writes for each run, named as BIDS-Derivatives files: the run's
 * entities, then {@code desc-<...>} and the suffix. Defined once here; the job, the docs
 * ({@code docs/outputs.md}) and the tests refer to these constants.
 *
 * @param kind the run modality it applies to
 * @param channel the (first) kernel channel it holds ({@link ParticipantKernels})
 * @param channelCount number of consecutive channels, written as that many volumes
 * @param suffix everything after the run's entities, e.g. {@code desc-meanb0_dwiref}
 * @param description for the JSON sidecar and the NIfTI {@code descrip}
 * @param units the values' unit, for the sidecar
 * @param datatype how the map is stored
 * @param normalisation applied to the channel over the run's mask before writing
 */
public record DerivativeNames(RunKind kind, int channel, int channelCount, String suffix, String description, String units,
    NiftiDatatype datatype, Normalisation normalisation) {
  private DerivativeNames(RunKind kind, int channel, String suffix, String description, String units, NiftiDatatype datatype) {
    this(kind, channel, 1, suffix, description, units, datatype, Normalisation.NONE);
  }

  /** How a map is derived from its channels when written. */
  public enum Normalisation {
    /** The channel as computed. */
    NONE,
    /** Divided by its mean in the mask (mReHo, mALFF, mfALFF). */
    MEAN_SCALED,
    /** Minus its mean, divided by its SD (n − 1), in the mask (zReHo, zALFF, zfALFF). */
    Z_SCORED,
    /** The 3 channels of a vector in the FSL image frame, taken to world space (RAS+) by the input's affine. */
    FSL_TO_WORLD,
    /** RGB: |V1| (FSL image frame, channels c..c+2) × FA (the FA channel), scaled to 0..255. */
    COLOUR_FA,
    /** The channel smoothed by {@link org.voxelspark.signal.GaussianSmoothing} (sReHo). */
    SMOOTHED,
    /** {@link #MEAN_SCALED}, then smoothed (smReHo). */
    SMOOTHED_MEAN_SCALED,
    /** {@link #Z_SCORED}, then smoothed (szReHo). */
    SMOOTHED_Z_SCORED,
    /**
     * The 6 tensor channels (kernel order: {@link TensorComponent.Order#NIFTI}) written as volumes in
     * FSL's order ({@link TensorComponent.Order#FSL}).
     */
    TENSOR_FSL_ORDER;

    /** Whether the map is smoothed after its normalisation. */
    public boolean smoothed() {
      return this == SMOOTHED || this == SMOOTHED_MEAN_SCALED || this == SMOOTHED_Z_SCORED;
    }

    /** The normalisation applied before smoothing (itself for an unsmoothed map). */
    public Normalisation unsmoothed() {
      return switch (this) {
        case SMOOTHED -> NONE;
        case SMOOTHED_MEAN_SCALED -> MEAN_SCALED;
        case SMOOTHED_Z_SCORED -> Z_SCORED;
        default -> this;
      };
    }
  }

  /** The brain-mask channel of a run kind, over which maps are normalised. */
  public static int maskChannel(RunKind kind) {
    return kind == RunKind.DWI ? ParticipantKernels.DWI_MASK : ParticipantKernels.BOLD_MASK;
  }

  public static final DerivativeNames MEAN_B0 = new DerivativeNames(RunKind.DWI, ParticipantKernels.DWI_MEAN_B0,
      "desc-meanb0_dwiref", "mean of the b=0 volumes", "scanner intensity", NiftiDatatype.FLOAT32);
  public static final DerivativeNames DWI_MASK = new DerivativeNames(RunKind.DWI, ParticipantKernels.DWI_MASK,
      "desc-brain_mask", "brain mask (DIPY median_otsu of the mean b0: radius 4, 4 passes)", "1 = brain", NiftiDatatype.UINT8);
  public static final DerivativeNames FA = tensorMap(TensorFitter.FA, 1, "fa", "fractional anisotropy", "dimensionless, 0..1");
  public static final DerivativeNames MD = tensorMap(TensorFitter.MD, 1, "md", "mean diffusivity (l1+l2+l3)/3", "mm^2/s");
  public static final DerivativeNames AD = tensorMap(TensorFitter.AD, 1, "ad", "axial diffusivity l1", "mm^2/s");
  public static final DerivativeNames RD = tensorMap(TensorFitter.RD, 1, "rd", "radial diffusivity (l2+l3)/2", "mm^2/s");
  public static final DerivativeNames EVALS = tensorMap(TensorFitter.EVALS, 3, "evals", "eigenvalues l1 >= l2 >= l3 (3 volumes)",
      "mm^2/s");
  public static final DerivativeNames V1 = tensorMap(TensorFitter.V1, 3, "v1",
      "principal eigenvector (x, y, z volumes) in the FSL image frame of the input; sign arbitrary", "unit vector");
  public static final DerivativeNames V1_WORLD = new DerivativeNames(RunKind.DWI,
      ParticipantKernels.DWI_TENSOR + TensorFitter.V1, 3, "model-tensor_param-v1_space-scanner_dwimap",
      "principal eigenvector in world (scanner RAS+) space: R.F.v with F = diag(-1,1,1) when det(affine) > 0, in the mask",
      "unit vector", NiftiDatatype.FLOAT32, Normalisation.FSL_TO_WORLD);
  public static final DerivativeNames COLOUR_FA = new DerivativeNames(RunKind.DWI,
      ParticipantKernels.DWI_TENSOR + TensorFitter.V1, 3, "model-tensor_param-colorfa_dwimap",
      "colour FA: red, green, blue = |V1 x, y, z| (image axes) x FA, 0..255, in the mask", "RGB", NiftiDatatype.RGB24,
      Normalisation.COLOUR_FA);
  public static final DerivativeNames TENSOR = tensorMap(TensorFitter.TENSOR, 6, "tensor", "diffusion tensor, volumes "
      + TensorComponent.Order.NIFTI.label() + " (NIfTI lower-triangular order), FSL image frame", "mm^2/s");
  /** The tensor map in FSL's volume order ({@code --dti-tensor-order fsl}); same file name as {@link #TENSOR}. */
  public static final DerivativeNames TENSOR_FSL = new DerivativeNames(RunKind.DWI, ParticipantKernels.DWI_TENSOR
      + TensorFitter.TENSOR, 6, TENSOR.suffix(), "diffusion tensor, volumes " + TensorComponent.Order.FSL.label()
      + " (FSL's order), FSL image frame, in the mask", "mm^2/s", NiftiDatatype.FLOAT32, Normalisation.TENSOR_FSL_ORDER);
  public static final DerivativeNames S0 = tensorMap(TensorFitter.S0, 1, "s0", "fitted signal at b = 0", "scanner intensity");

  private static DerivativeNames tensorMap(int fitterOutput, int count, String param, String description, String units) {
    return new DerivativeNames(RunKind.DWI, ParticipantKernels.DWI_TENSOR + fitterOutput, count,
        "model-tensor_param-" + param + "_dwimap", description + ", in the mask", units, NiftiDatatype.FLOAT32,
        Normalisation.NONE);
  }

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

  public static final DerivativeNames MREHO = normalised(REHO, "mreho", Normalisation.MEAN_SCALED);
  public static final DerivativeNames ZREHO = normalised(REHO, "zreho", Normalisation.Z_SCORED);
  public static final DerivativeNames MALFF = normalised(ALFF, "malff", Normalisation.MEAN_SCALED);
  public static final DerivativeNames ZALFF = normalised(ALFF, "zalff", Normalisation.Z_SCORED);
  public static final DerivativeNames MFALFF = normalised(FALFF, "mfalff", Normalisation.MEAN_SCALED);
  public static final DerivativeNames ZFALFF = normalised(FALFF, "zfalff", Normalisation.Z_SCORED);

  private static DerivativeNames normalised(DerivativeNames of, String desc, Normalisation n) {
    String what = n == Normalisation.MEAN_SCALED ? "divided by its mean in the brain mask"
        : "z-scored in the brain mask (SD with n - 1)";
    return new DerivativeNames(of.kind(), of.channel(), 1, "desc-" + desc + "_boldmap", of.suffix() + " " + what,
        "dimensionless", NiftiDatatype.FLOAT32, n);
  }

  /**
   * ReHo, mReHo and zReHo smoothed after they are computed ({@code --smooth-fwhm-mm}), named as DPABI
   * names its smoothed ReHo maps (sReHo, smReHo, szReHo). Not masked: see
   * {@link org.voxelspark.signal.GaussianSmoothing}.
   */
  public static final DerivativeNames SREHO = smoothed(REHO, "sreho", Normalisation.SMOOTHED);
  public static final DerivativeNames SMREHO = smoothed(MREHO, "smreho", Normalisation.SMOOTHED_MEAN_SCALED);
  public static final DerivativeNames SZREHO = smoothed(ZREHO, "szreho", Normalisation.SMOOTHED_Z_SCORED);

  private static DerivativeNames smoothed(DerivativeNames of, String desc, Normalisation n) {
    return new DerivativeNames(of.kind(), of.channel(), 1, "desc-" + desc + "_boldmap", of.description().replace(", in the mask", "")
        + ", then Gaussian-smoothed (SPM's spm_smooth, FWHM in the sidecar), every voxel", of.units(), NiftiDatatype.FLOAT32, n);
  }

  /** The smoothed BOLD maps, written when the smoothing FWHM is above 0. */
  public static List<DerivativeNames> smoothedBold() {
    return List.of(SREHO, SMREHO, SZREHO);
  }

  /** Every (unsmoothed) map of a run kind, in output order, the tensor in NIfTI order. */
  public static List<DerivativeNames> of(RunKind kind) {
    return of(kind, TensorComponent.Order.NIFTI);
  }

  /** Every (unsmoothed) map of a run kind, in output order, the tensor map's volumes in {@code tensorOrder}. */
  public static List<DerivativeNames> of(RunKind kind, TensorComponent.Order tensorOrder) {
    DerivativeNames tensor = tensorOrder == TensorComponent.Order.FSL ? TENSOR_FSL : TENSOR;
    return kind == RunKind.DWI ? List.of(MEAN_B0, DWI_MASK, FA, MD, AD, RD, EVALS, V1, V1_WORLD, COLOUR_FA, tensor, S0)
        : List.of(BOLD_MEAN, BOLD_TSNR, REHO, MREHO, ZREHO, ALFF, MALFF, ZALFF, FALFF, MFALFF, ZFALFF, BOLD_MASK);
  }

  /** File name for a run: {@code <run>_<suffix>.nii.gz}. */
  public String fileName(String runName) {
    return runName + "_" + suffix + ".nii.gz";
  }
}
