package org.voxelspark.report;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.voxelspark.nifti.NiftiImage;
import org.voxelspark.participant.DerivativeNames;
import org.voxelspark.participant.RunKind;
import org.voxelspark.qc.MaskedStatistics;

/**
 * The QC numbers of a run, computed from the maps the participant stage wrote (the stage does not
 * record fit residuals, clipped-signal counts or motion, so they are not here: see
 * {@code docs/reports.md}). Each is a column of {@link QcTables#fileName(RunKind)} and a row of the
 * run's table on its subject page, with the cohort's minimum, median and maximum.
 *
 * <p>"In the mask" is the run's brain mask ({@code desc-brain_mask}, value &gt; 0); medians are
 * {@link MaskedStatistics} type-7 medians of the finite in-mask values.
 */
public enum QcMetric {
  DWI_MASK_VOXELS(RunKind.DWI, "mask_voxels", "brain mask", "voxels", "voxels in the brain mask (median_otsu of the mean b0)",
      List.of(DerivativeNames.DWI_MASK)),
  DWI_MASK_VOLUME(RunKind.DWI, "mask_volume_ml", "brain mask volume", "mL", "mask voxels × voxel volume / 1000",
      List.of(DerivativeNames.DWI_MASK)),
  MEAN_B0_MEDIAN(RunKind.DWI, "meanb0_median", "median mean b0", "scanner intensity",
      "median of the mean b = 0 image in the mask (signal level: site gain, coil)", List.of(DerivativeNames.DWI_MASK,
          DerivativeNames.MEAN_B0)),
  FA_MEDIAN(RunKind.DWI, "fa_median", "median FA", "", "median fractional anisotropy in the mask",
      List.of(DerivativeNames.DWI_MASK, DerivativeNames.FA)),
  MD_MEDIAN(RunKind.DWI, "md_median", "median MD", "mm²/s", "median mean diffusivity in the mask",
      List.of(DerivativeNames.DWI_MASK, DerivativeNames.MD)),
  NONPOSITIVE_EIGENVALUES(RunKind.DWI, "nonpositive_eigenvalue_fraction", "non-positive eigenvalues", "fraction",
      "fraction of mask voxels whose smallest eigenvalue is below 1e-6 mm²/s or not finite: negative before the fit clipped it"
          + " to DIPY's floor (1e-6/max|design|, ≈ 1e-9 mm²/s at b = 1000), or negative (unclipped IWLS)",
      List.of(DerivativeNames.DWI_MASK, DerivativeNames.EVALS)),
  BOLD_MASK_VOXELS(RunKind.BOLD, "mask_voxels", "brain mask", "voxels", "voxels in the brain mask (Otsu of the temporal mean)",
      List.of(DerivativeNames.BOLD_MASK)),
  BOLD_MASK_VOLUME(RunKind.BOLD, "mask_volume_ml", "brain mask volume", "mL", "mask voxels × voxel volume / 1000",
      List.of(DerivativeNames.BOLD_MASK)),
  TSNR_MEDIAN(RunKind.BOLD, "tsnr_median", "median tSNR", "", "median temporal SNR (mean / SD over time) in the mask",
      List.of(DerivativeNames.BOLD_MASK, DerivativeNames.BOLD_TSNR)),
  REHO_MEDIAN(RunKind.BOLD, "reho_median", "median ReHo", "", "median ReHo (Kendall's W) in the mask",
      List.of(DerivativeNames.BOLD_MASK, DerivativeNames.REHO)),
  ALFF_MEDIAN(RunKind.BOLD, "alff_median", "median ALFF", "scanner intensity", "median ALFF in the mask",
      List.of(DerivativeNames.BOLD_MASK, DerivativeNames.ALFF)),
  FALFF_MEDIAN(RunKind.BOLD, "falff_median", "median fALFF", "", "median fALFF in the mask",
      List.of(DerivativeNames.BOLD_MASK, DerivativeNames.FALFF));

  /** λ3 below this (mm²/s) counts as non-positive: far below any tissue's diffusivity (≥ 1e-4). */
  public static final double NONPOSITIVE_EIGENVALUE_MM2_S = 1e-6;

  private final RunKind kind;
  private final String column;
  private final String label;
  private final String unit;
  private final String definition;
  private final List<DerivativeNames> maps;

  QcMetric(RunKind kind, String column, String label, String unit, String definition, List<DerivativeNames> maps) {
    this.kind = kind;
    this.column = column;
    this.label = label;
    this.unit = unit;
    this.definition = definition;
    this.maps = maps;
  }

  public RunKind kind() {
    return kind;
  }

  /** Column name in the QC table. */
  public String column() {
    return column;
  }

  public String label() {
    return label;
  }

  /** Unit, "" when dimensionless. */
  public String unit() {
    return unit;
  }

  public String definition() {
    return definition;
  }

  /** The maps it is computed from. */
  public List<DerivativeNames> maps() {
    return maps;
  }

  /** The metrics of a run kind, in column order. */
  public static List<QcMetric> of(RunKind kind) {
    return Arrays.stream(values()).filter(m -> m.kind == kind).toList();
  }

  /** Every map the metrics of {@code kind} need. */
  public static List<DerivativeNames> mapsNeeded(RunKind kind) {
    return of(kind).stream().flatMap(m -> m.maps.stream()).distinct().toList();
  }

  /**
   * The value from the run's maps (each at least the ones {@link #maps()} lists, on one grid).
   *
   * @throws IllegalArgumentException if a needed map is missing
   */
  public double compute(Map<DerivativeNames, NiftiImage> runMaps) {
    NiftiImage maskImage = need(runMaps, kind == RunKind.DWI ? DerivativeNames.DWI_MASK : DerivativeNames.BOLD_MASK);
    boolean[] mask = mask(maskImage);
    int voxels = (int) maskImage.header().voxelsPerVolume();
    return switch (this) {
      case DWI_MASK_VOXELS, BOLD_MASK_VOXELS -> MaskedStatistics.count(mask, voxels);
      case DWI_MASK_VOLUME, BOLD_MASK_VOLUME -> {
        double[] size = maskImage.header().geometry().voxelSizeMm();
        yield MaskedStatistics.count(mask, voxels) * size[0] * size[1] * size[2] / 1000.0;
      }
      case MEAN_B0_MEDIAN -> MaskedStatistics.median(volume(need(runMaps, DerivativeNames.MEAN_B0), 0), mask);
      case FA_MEDIAN -> MaskedStatistics.median(volume(need(runMaps, DerivativeNames.FA), 0), mask);
      case MD_MEDIAN -> MaskedStatistics.median(volume(need(runMaps, DerivativeNames.MD), 0), mask);
      case NONPOSITIVE_EIGENVALUES -> MaskedStatistics.fractionBelowOrInvalid(volume(need(runMaps, DerivativeNames.EVALS), 2),
          mask, NONPOSITIVE_EIGENVALUE_MM2_S);
      case TSNR_MEDIAN -> MaskedStatistics.median(volume(need(runMaps, DerivativeNames.BOLD_TSNR), 0), mask);
      case REHO_MEDIAN -> MaskedStatistics.median(volume(need(runMaps, DerivativeNames.REHO), 0), mask);
      case ALFF_MEDIAN -> MaskedStatistics.median(volume(need(runMaps, DerivativeNames.ALFF), 0), mask);
      case FALFF_MEDIAN -> MaskedStatistics.median(volume(need(runMaps, DerivativeNames.FALFF), 0), mask);
    };
  }

  /** Voxels where the mask image is non-zero. */
  public static boolean[] mask(NiftiImage maskImage) {
    float[] v = maskImage.data();
    boolean[] m = new boolean[(int) maskImage.header().voxelsPerVolume()];
    for (int q = 0; q < m.length; q++) {
      m[q] = v[q] != 0;
    }
    return m;
  }

  /** Volume {@code t} of a scalar image read volume-major. */
  public static float[] volume(NiftiImage img, int t) {
    int n = (int) img.header().voxelsPerVolume();
    if (img.components() != 1 || t >= img.header().nt() || img.layout() != org.voxelspark.geometry.VoxelLayout.VOLUME_MAJOR) {
      throw new IllegalArgumentException("volume " + t + " of a " + img.header().nt() + "-volume, " + img.components()
          + "-component image in " + img.layout());
    }
    return Arrays.copyOfRange(img.data(), t * n, (t + 1) * n);
  }

  private static NiftiImage need(Map<DerivativeNames, NiftiImage> maps, DerivativeNames name) {
    NiftiImage img = maps.get(name);
    if (img == null) {
      throw new IllegalArgumentException("QC needs the map " + name.suffix());
    }
    return img;
  }
}
