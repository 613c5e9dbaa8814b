package org.voxelspark.participant;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.voxelspark.dti.GradientTable;
import org.voxelspark.dti.TensorComponent;
import org.voxelspark.dti.TensorConventions;
import org.voxelspark.dti.TensorFitMethod;
import org.voxelspark.dti.TensorFitter;
import org.voxelspark.dti.TensorKernel;
import org.voxelspark.dti.TensorModel;
import org.voxelspark.error.UserInputException;
import org.voxelspark.geometry.Box;
import org.voxelspark.io.HadoopFiles;
import org.voxelspark.kernel.CompositeKernel;
import org.voxelspark.kernel.MaskKernel;
import org.voxelspark.kernel.TemporalStatisticsKernel;
import org.voxelspark.nifti.NiftiHeader;
import org.voxelspark.nifti.NiftiImage;
import org.voxelspark.qc.BrainMask;
import org.voxelspark.qc.FiniteSamples;
import org.voxelspark.qc.MedianOtsu;
import org.voxelspark.qc.TemporalStatistics;
import org.voxelspark.reho.AlffKernel;
import org.voxelspark.reho.Neighbourhood;
import org.voxelspark.reho.RehoKernel;
import org.voxelspark.reho.RehoPreset;

/**
 * The participant stage's kernels, channel layout and input validation.
 *
 * <p><b>DWI</b>: 4D; the {@code .bval}/{@code .bvec} must match its volumes ({@link GradientTable}).
 * Channels: {@link #DWI_MEAN_B0} (mean of the b = 0 volumes, every voxel), {@link #DWI_MASK}, then
 * from {@link #DWI_TENSOR} the {@link TensorFitter} outputs in the mask (tensor, S0, FA, MD, AD,
 * RD, eigenvalues, V1).
 *
 * <p><b>BOLD</b> ({@link BoldKernels}): 4D with at least {@value #MIN_BOLD_VOLUMES} volumes; the
 * repetition time comes from the JSON sidecar or the header ({@code pixdim[4]}), which must agree
 * within {@value #TR_RELATIVE_TOLERANCE} (relative) when both are given. Channels: {@link #BOLD_MEAN}
 * and {@link #BOLD_TSNR} (every voxel, raw series), {@link #BOLD_REHO} (Kendall's W,
 * {@link RehoKernel}, after the optional preprocessing), {@link #BOLD_ALFF} and {@link #BOLD_FALFF}
 * ({@link AlffKernel}), {@link #BOLD_MASK}.
 *
 * <p><b>Masks</b>: DWI: {@link MedianOtsu} of the run's mean b0 image (DIPY's median_otsu, radius
 * 4, 4 passes). BOLD: {@link BrainMask#fromReference} of its temporal mean, excluding constant
 * series. ReHo neighbours outside the mask are left out. Voxels with a NaN or infinite sample in any
 * volume are left out of both masks, and set to 0 in the mean b0 that median_otsu thresholds
 * ({@link FiniteSamples}); their number is the plan's {@link RunPlan#nonFiniteVoxels()}.
 *
 * @param b0Threshold largest b-value (s/mm²) treated as b = 0
 * @param dtiMethod tensor fit method
 * @param dtiConventions whose signal floor and eigenvalue bound the tensor fit follows
 * @param tensorOrder volume order of the tensor map
 * @param bold what is computed for BOLD runs (ReHo, ALFF, their preprocessing and smoothing)
 */
public record ParticipantKernels(double b0Threshold, TensorFitMethod dtiMethod, TensorConventions dtiConventions,
    TensorComponent.Order tensorOrder, BoldKernels bold) implements KernelFactory {
  /** DIPY's median_otsu defaults for the DWI mask. */
  public static final int MEDIAN_OTSU_RADIUS = 4;
  public static final int MEDIAN_OTSU_PASSES = 4;
  /** Fewest BOLD volumes accepted (ranks and spectra need a series). */
  public static final int MIN_BOLD_VOLUMES = 10;
  /** Largest relative disagreement accepted between the sidecar's and the header's TR. */
  public static final double TR_RELATIVE_TOLERANCE = 0.01;

  /** DWI channels. */
  public static final int DWI_MEAN_B0 = 0;
  public static final int DWI_MASK = 3;
  /** First channel of the tensor fit's outputs; add a {@link TensorFitter} index. */
  public static final int DWI_TENSOR = 4;
  /** BOLD channels. */
  public static final int BOLD_MEAN = 0;
  public static final int BOLD_TSNR = 2;
  public static final int BOLD_REHO = 3;
  public static final int BOLD_ALFF = 4;
  public static final int BOLD_FALFF = 5;
  public static final int BOLD_MASK = 6;

  /** DIPY's conventions and the tensor map in NIfTI order. */
  public ParticipantKernels(double b0Threshold, TensorFitMethod dtiMethod, BoldKernels bold) {
    this(b0Threshold, dtiMethod, TensorConventions.DIPY, TensorComponent.Order.NIFTI, bold);
  }

  /**
   * Defaults: b0 ≤ 50, DIPY's WLS tensor fit with DIPY's conventions, the tensor map in NIfTI
   * order, {@link BoldKernels#defaults()}.
   */
  public static ParticipantKernels defaults() {
    return new ParticipantKernels(GradientTable.DEFAULT_B0_THRESHOLD, TensorFitMethod.WLS, TensorConventions.DIPY,
        TensorComponent.Order.NIFTI, BoldKernels.defaults());
  }

  /** The tensor fit settings of DWI runs. */
  public TensorModel.Settings tensorSettings() {
    return TensorModel.Settings.of(dtiConventions, dtiMethod);
  }

  @Override
  public RunPlan plan(RunTask task, NiftiImage image, Configuration conf) {
    NiftiHeader header = image.header();
    if (header.ndim() < 4 || header.nt() < 2) {
      throw new UserInputException(task.nifti(), "dim", "is " + (header.ndim() < 4 ? "3D" : "4D with 1 volume")
          + "; a " + task.kind() + " run must be a 4D series");
    }
    int nt = header.nt();
    int voxels = (int) header.voxelsPerVolume();
    return switch (task.kind()) {
      case DWI -> {
        boolean[] finite = FiniteSamples.finiteVoxels(image.data(), voxels, nt);
        GradientTable g = GradientTable.parse(HadoopFiles.readText(task.bval(), conf), task.bval(),
            HadoopFiles.readText(task.bvec(), conf), task.bvec(), nt, b0Threshold);
        float[] stats = wholeVolumeStatistics(image, g.b0Volumes());
        float[] meanB0 = FiniteSamples.fillNonFinite(channel(stats, TemporalStatistics.CHANNEL_MEAN, voxels), finite, 0);
        boolean[] mask = FiniteSamples.excludeNonFinite(MedianOtsu.mask(meanB0, header.nx(), header.ny(), header.nz(),
            MEDIAN_OTSU_RADIUS, MEDIAN_OTSU_PASSES), finite);
        TensorModel model = new TensorModel(g, tensorSettings());
        // the b0 statistics are computed once, on the whole volume, for the mask and for the mean-b0 map
        yield new RunPlan(new CompositeKernel(List.of(new org.voxelspark.kernel.PrecomputedKernel(stats, TemporalStatistics.CHANNELS,
            header.nx(), header.ny(), header.nz()), new MaskKernel(), new TensorKernel(model))), mask,
            FiniteSamples.nonFiniteCount(finite));
      }
      case BOLD -> bold.plan(task, image, conf);
    };
  }

  @Override
  public List<DerivativeNames> maps(RunKind kind) {
    return kind == RunKind.BOLD ? bold.maps() : DerivativeNames.of(kind, tensorOrder);
  }

  @Override
  public double smoothingFwhmMm(RunKind kind) {
    return kind == RunKind.BOLD ? bold.smoothingFwhmMm() : 0;
  }

  @Override
  public Map<String, Object> parameters(RunKind kind) {
    Map<String, Object> p = new LinkedHashMap<>();
    if (kind == RunKind.DWI) {
      p.put("B0ThresholdSmm2", b0Threshold);
      TensorModel.Settings settings = tensorSettings();
      p.put("TensorFitMethod", dtiMethod.name());
      p.put("TensorConventions", dtiConventions.name());
      p.put("SignalFloor", settings.describeSignalFloor());
      p.put("EigenvalueClipping", settings.describeEigenvalueFloor());
      p.put("TensorComponentOrder", tensorOrder.label() + " (" + tensorOrder.name() + ")");
      p.put("GradientFrame", "FSL image frame (V1 and the tensor are in it); b scaled by |g|^2 of the stored vectors");
    } else {
      p.putAll(bold.parameters());
    }
    p.put("BrainMask", kind == RunKind.DWI ? "DIPY median_otsu of the mean b0 (median radius 4, 4 passes)"
        : "Otsu threshold of the temporal mean, non-constant series");
    return p;
  }

  static float[] wholeVolumeStatistics(NiftiImage image, int[] volumes) {
    NiftiHeader h = image.header();
    Box whole = Box.of(h.nx(), h.ny(), h.nz());
    float[] out = new float[whole.voxelCount() * TemporalStatistics.CHANNELS];
    new TemporalStatisticsKernel(volumes, false).compute(image.data(), h.nt(), whole, whole, null, out);
    return out;
  }

  static float[] channel(float[] values, int c, int voxels) {
    float[] out = new float[voxels];
    for (int v = 0; v < voxels; v++) {
      out[v] = values[v * TemporalStatistics.CHANNELS + c];
    }
    return out;
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
