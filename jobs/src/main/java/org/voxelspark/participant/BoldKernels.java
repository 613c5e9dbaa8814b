package org.voxelspark.participant;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.voxelspark.error.UserInputException;
import org.voxelspark.io.HadoopFiles;
import org.voxelspark.kernel.BlockKernel;
import org.voxelspark.kernel.CompositeKernel;
import org.voxelspark.kernel.MaskKernel;
import org.voxelspark.kernel.PrecomputedKernel;
import org.voxelspark.kernel.PreprocessedKernel;
import org.voxelspark.nifti.NiftiHeader;
import org.voxelspark.nifti.NiftiImage;
import org.voxelspark.qc.BrainMask;
import org.voxelspark.qc.FiniteSamples;
import org.voxelspark.qc.TemporalStatistics;
import org.voxelspark.reho.AlffConvention;
import org.voxelspark.reho.AlffKernel;
import org.voxelspark.reho.Neighbourhood;
import org.voxelspark.reho.RehoKernel;
import org.voxelspark.reho.RehoPreset;
import org.voxelspark.signal.Bandpass;
import org.voxelspark.signal.BandpassFilter;
import org.voxelspark.signal.ConfoundsTable;
import org.voxelspark.signal.Detrend;
import org.voxelspark.signal.GaussianSmoothing;
import org.voxelspark.signal.Preprocessing;

/**
 * The BOLD part of the participant stage: what is computed for a BOLD run, from which series, and
 * which maps are written.
 *
 * <p><b>Series.</b> Per voxel, in DPARSF's order:
 * <ol>
 *   <li>the temporal mean, SD and tSNR, and the brain mask, from the <em>raw</em> series (one
 *       whole-volume pass, whose values the blocks then copy; voxels with a NaN or infinite sample
 *       are left out of the mask: {@link FiniteSamples});
 *   <li>with {@code confoundColumns}: the least-squares residual on an intercept and those columns of
 *       the run's confounds table ({@link ConfoundsTable}) — the series both ALFF and ReHo start from;
 *   <li>ALFF/fALFF in {@code alffConvention} (each convention applies its own detrend and filter);
 *   <li>for ReHo only: the {@code detrend} polynomial (fitted jointly with the confounds), then the
 *       {@code bandpass} filter over {@code bandpassLowHz}–{@code bandpassHighHz}
 *       ({@link Preprocessing}); then Kendall's W.
 * </ol>
 * The cleaning runs in the same block pass as ReHo, halo voxels included ({@link PreprocessedKernel}),
 * so the blocks still reassemble to the whole-volume result bit for bit. ALFF is computed without the
 * ReHo band-pass because filtering first would empty its denominator (fALFF).
 *
 * <p><b>Maps.</b> {@link DerivativeNames#of} for BOLD; with {@code smoothingFwhmMm > 0} also
 * {@link DerivativeNames#smoothedBold()} (sReHo, smReHo, szReHo), smoothed on the reassembled map by
 * {@link GaussianSmoothing} when written.
 *
 * @param rehoPreset ReHo conventions
 * @param neighbourhood ReHo neighbourhood
 * @param alffConvention ALFF/fALFF definition
 * @param alffLowHz lower edge of the ALFF band, Hz
 * @param alffHighHz upper edge of the ALFF band, Hz
 * @param detrend polynomial removed before ReHo
 * @param bandpass filter before ReHo
 * @param bandpassLowHz lower edge of that filter, Hz
 * @param bandpassHighHz upper edge of that filter, Hz (bins above the Nyquist frequency do not exist)
 * @param confoundColumns confounds-table columns (names or globs) regressed out before ALFF and ReHo;
 *     empty for no regression
 * @param smoothingFwhmMm FWHM of the ReHo smoothing, mm; 0 for no smoothed maps
 */
public record BoldKernels(RehoPreset rehoPreset, Neighbourhood neighbourhood, AlffConvention alffConvention, double alffLowHz,
    double alffHighHz, Detrend detrend, Bandpass bandpass, double bandpassLowHz, double bandpassHighHz,
    List<String> confoundColumns, double smoothingFwhmMm) implements Serializable {
  private static final long serialVersionUID = 1L;

  public BoldKernels {
    confoundColumns = List.copyOf(confoundColumns);
  }

  /**
   * DPABI ReHo at 27 neighbours on the raw series, DPABI ALFF at 0.01–0.08 Hz, no confounds, the
   * band-pass band 0.01–0.08 Hz (off), smoothed ReHo maps at DPARSF's 4 mm.
   */
  public static BoldKernels defaults() {
    return new BoldKernels(RehoPreset.DPABI, Neighbourhood.NN27, AlffConvention.DPABI, AlffKernel.DEFAULT_LOW_HZ,
        AlffKernel.DEFAULT_HIGH_HZ, Detrend.NONE, Bandpass.NONE, AlffKernel.DEFAULT_LOW_HZ, AlffKernel.DEFAULT_HIGH_HZ,
        List.of(), GaussianSmoothing.DEFAULT_FWHM_MM);
  }

  /** The kernel and mask of a BOLD run; its input problems as {@link UserInputException}s naming the file. */
  RunPlan plan(RunTask task, NiftiImage image, Configuration conf) {
    NiftiHeader header = image.header();
    int nt = header.nt();
    int voxels = (int) header.voxelsPerVolume();
    if (nt < ParticipantKernels.MIN_BOLD_VOLUMES) {
      throw new UserInputException(task.nifti(), "dim[4]", "has " + nt + " volumes; a BOLD run needs at least "
          + ParticipantKernels.MIN_BOLD_VOLUMES);
    }
    double tr = ParticipantKernels.repetitionTimeSeconds(task, header);
    if (alffHighHz > 0.5 / tr) {
      throw new UserInputException(task.nifti(), "RepetitionTime", "TR " + tr + " s puts the Nyquist frequency ("
          + 0.5 / tr + " Hz) below the ALFF band's upper edge " + alffHighHz + " Hz");
    }
    AlffKernel alff = new AlffKernel(alffConvention, tr, alffLowHz, alffHighHz);
    try {
      alff.checkSeriesLength(nt);
    } catch (IllegalArgumentException e) {
      throw new UserInputException(task.nifti(), "--alff-low-hz/--alff-high-hz", e.getMessage());
    }
    List<double[]> confounds = confounds(task, nt, conf);
    BandpassFilter filter = null;
    if (bandpass != Bandpass.NONE) {
      try {
        filter = BandpassFilter.of(bandpass.design(), nt, tr, bandpassLowHz, bandpassHighHz);
      } catch (IllegalArgumentException e) {
        throw new UserInputException(task.nifti(), "--bold-bandpass-low-hz/--bold-bandpass-high-hz", e.getMessage());
      }
    }
    Preprocessing forReho;
    Preprocessing forAlff;
    try {
      forReho = Preprocessing.of(nt, detrend, confounds, filter);
      forAlff = Preprocessing.of(nt, Detrend.NONE, confounds, null);
    } catch (IllegalArgumentException e) {
      throw new UserInputException(task.confounds() == null ? task.nifti() : task.confounds(), "--confounds",
          e.getMessage() + " (" + confoundColumns + ")");
    }
    float[] stats = ParticipantKernels.wholeVolumeStatistics(image, null);
    // voxels with a NaN/Inf sample are left out of the mask (FiniteSamples): no masked map holds them
    boolean[] finite = FiniteSamples.finiteVoxels(image.data(), voxels, nt);
    boolean[] mask = FiniteSamples.excludeNonFinite(BrainMask.fromReference(ParticipantKernels.channel(stats,
        TemporalStatistics.CHANNEL_MEAN, voxels), ParticipantKernels.channel(stats, TemporalStatistics.CHANNEL_SD, voxels)), finite);
    // the statistics the mask came from are the mean/SD/tSNR channels: handed out per block, not recomputed
    return new RunPlan(new CompositeKernel(List.of(new PrecomputedKernel(stats, TemporalStatistics.CHANNELS, header.nx(),
        header.ny(), header.nz()),
        cleaned(forReho, new RehoKernel(rehoPreset, neighbourhood, header.nx(), header.ny(), header.nz())),
        cleaned(forAlff, alff), new MaskKernel())), mask, FiniteSamples.nonFiniteCount(finite));
  }

  private static BlockKernel cleaned(Preprocessing p, BlockKernel inner) {
    return p.isIdentity() ? inner : new PreprocessedKernel(p, inner);
  }

  /** The selected confound columns of the run's table, or none. */
  private List<double[]> confounds(RunTask task, int nt, Configuration conf) {
    if (confoundColumns.isEmpty()) {
      return List.of();
    }
    if (task.confounds() == null) {
      throw new UserInputException(task.nifti(), "confounds", "no confounds table for this run, but --confounds "
          + confoundColumns + " asks for one");
    }
    ConfoundsTable table = ConfoundsTable.parse(HadoopFiles.readText(task.confounds(), conf), task.confounds());
    return table.values(table.select(confoundColumns), nt);
  }

  /** The maps written for a BOLD run. */
  List<DerivativeNames> maps() {
    List<DerivativeNames> maps = new ArrayList<>(DerivativeNames.of(RunKind.BOLD));
    if (smoothingFwhmMm > 0) {
      maps.addAll(DerivativeNames.smoothedBold());
    }
    return List.copyOf(maps);
  }

  /** The settings behind the BOLD maps, for their JSON sidecars. */
  Map<String, Object> parameters() {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("ReHoPreset", rehoPreset.name());
    p.put("ReHoNeighbourhood", neighbourhood.size());
    p.put("ReHoTieRanking", rehoPreset.ranking().name());
    p.put("ReHoTieCorrection", rehoPreset.tieCorrection());
    p.put("ReHoVolumeEdgeZero", rehoPreset.zeroOnVolumeEdge());
    Map<String, Object> pre = new LinkedHashMap<>();
    pre.put("ConfoundColumns", confoundColumns);
    pre.put("ConfoundRegression", confoundColumns.isEmpty() ? "none"
        : "least squares on an intercept and the selected columns, leading n/a filled with the first value; before ALFF and ReHo");
    pre.put("Detrend", detrend.name());
    pre.put("Bandpass", bandpass.name());
    if (bandpass != Bandpass.NONE) {
      pre.put("BandpassHz", List.of(bandpassLowHz, bandpassHighHz));
      pre.put("BandpassDefinition", bandpass == Bandpass.IDEAL
          ? "ideal FFT filter at the series' length, bins ceil(f_low*n*TR)..floor(f_high*n*TR) kept whole"
          : "AFNI 3dBandpass: quadratic detrend, FFT length n rounded up to even, bins rint(f/df), edge bins halved,"
              + " DC and Nyquist removed");
    }
    pre.put("Order", "regression (detrend polynomial and confounds jointly), then band-pass; mean not added back");
    p.put("ReHoPreprocessing", pre);
    p.put("ALFFConvention", alffConvention.name());
    p.put("ALFFDefinition", alffConvention == AlffConvention.DPABI
        ? "DPABI: linear detrend, zero-pad to 2^k, mean of 2|FFT|/n over the band; fALFF = band sum / sum without DC"
        : "C-PAC: quadratic detrend, AFNI 3dBandpass, SD (n-1) after a linear detrend; fALFF = that / same SD unfiltered");
    p.put("ALFFBandHz", List.of(alffLowHz, alffHighHz));
    if (smoothingFwhmMm > 0) {
      p.put("ReHoSmoothingFWHMmm", smoothingFwhmMm);
      p.put("ReHoSmoothing", "SPM spm_smooth: Gaussian convolved with a unit triangle per axis, half-width round(6 sigma),"
          + " zero outside in i and j, renormalised in k, not masked; applied to desc-sreho, desc-smreho, desc-szreho only");
    }
    return p;
  }
}
