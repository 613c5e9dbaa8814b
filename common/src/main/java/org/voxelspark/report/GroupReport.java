package org.voxelspark.report;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.voxelspark.geometry.Box;
import org.voxelspark.geometry.VolumeGeometry;

/**
 * The group results page ({@code group.html}), built from plain records so that the group stage
 * (GLM, permutation inference, clusters, ComBat, meta-analysis) only has to fill an {@link Input}.
 * Every part is optional: a null or empty field leaves its section out.
 *
 * <p><b>Sections</b>, in order: the analysis (facts such as model, contrasts, subjects, shufflings,
 * thresholds); the design matrix ({@link DesignMatrixPicture}); harmonisation
 * ({@link SiteDistributions}, before/after per metric); statistic maps ({@link StatMap}: the
 * thresholded map over the cohort's mean image, as three orthogonal slices through its peak and an
 * axial mosaic); the cluster table (a {@link TsvTable}, shown cell for cell as the file holds it);
 * scatter plots ({@link ScatterPlot}); forest plots ({@link ForestPlot}); the max-statistic null
 * distribution ({@link NullHistogram}); further tables (e.g. mega- vs meta-analysis); the
 * subjects left out and why; links to the output files.
 *
 * <p>Images are embedded; the page is self-contained ({@link HtmlPage}). Stateless; thread-safe.
 */
public final class GroupReport {
  private GroupReport() {}

  /**
   * Everything the page shows.
   *
   * @param title page title, e.g. "Group analysis: FA, HFS vs HC"
   * @param description one paragraph on what was analysed and how
   * @param facts label–value pairs of the analysis (model, contrasts, n, shufflings, thresholds)
   * @param design the design matrix, or null
   * @param harmonisation per-site distributions before/after harmonisation
   * @param statMaps thresholded statistic maps
   * @param clusters the cluster table as written (TSV), or null
   * @param scatters scatter plots (per cluster or ROI)
   * @param forests forest plots (per cluster or ROI)
   * @param nullDistribution the max-statistic null distribution, or null
   * @param tables further tables as written (e.g. mega vs meta), each with its own caption
   * @param excluded subjects not in the analysis, with the reason
   * @param outputs links to the output files (relative to the page)
   * @param generatedBy footer, e.g. "voxelspark 0.1.0, 2026-01-01"
   */
  public record Input(String title, String description, List<Fact> facts, DesignMatrixPicture design,
      List<SiteDistributions> harmonisation, List<StatMap> statMaps, TsvTable clusters, List<ScatterPlot> scatters,
      List<ForestPlot> forests, NullHistogram nullDistribution, List<CaptionedTable> tables, List<Excluded> excluded,
      List<HtmlPage.Link> outputs, String generatedBy) {
    public Input {
      facts = copy(facts);
      harmonisation = copy(harmonisation);
      statMaps = copy(statMaps);
      scatters = copy(scatters);
      forests = copy(forests);
      tables = copy(tables);
      excluded = copy(excluded);
      outputs = copy(outputs);
    }

    private static <T> List<T> copy(List<T> l) {
      return l == null ? List.of() : List.copyOf(l);
    }
  }

  /** A label and its value, e.g. ("model", "FA ~ group + age + sex + site"). */
  public record Fact(String label, String value) {}

  /** A subject left out of the analysis: its key, the stage that dropped it and why. */
  public record Excluded(String subject, String stage, String reason) {}

  /** A table and the sentence that says what it is. */
  public record CaptionedTable(String title, String caption, TsvTable table) {}

  /**
   * A statistic map to show thresholded over the cohort's mean image (both on one grid).
   *
   * @param title e.g. "HFS < HC, FWE-corrected"
   * @param statisticLabel the statistic, e.g. "t" or "z"
   * @param thresholdDescription how it was thresholded, e.g. "FWE-corrected p < 0.05 (|t| ≥ 3.52, 5000 shufflings)"
   * @param geometry the grid of both maps
   * @param background the mean image (e.g. mean FA), one volume in NIfTI order
   * @param backgroundLabel e.g. "cohort mean FA"
   * @param statistic the statistic map, same grid
   * @param threshold |statistic| shown from this value
   * @param twoSided show negative values ≤ −threshold too
   * @param cutMm the world point (mm) the orthogonal slices pass through, or null for the voxel of
   *     the largest |statistic| (the first in index order on ties)
   */
  public record StatMap(String title, String statisticLabel, String thresholdDescription, VolumeGeometry geometry,
      float[] background, String backgroundLabel, float[] statistic, double threshold, boolean twoSided, double[] cutMm) {
    public StatMap {
      if (background.length != geometry.voxelCount() || statistic.length != geometry.voxelCount()) {
        throw new IllegalArgumentException("background and statistic must hold one value per voxel of " + geometry.dimsString());
      }
    }
  }

  /** Tiles of the orthogonal view and mosaic of a {@link StatMap}, pixels. */
  static final int ORTHO_TILE = 240;
  static final int MOSAIC_TILE = 130;

  /** The page's HTML. */
  public static String html(Input in) {
    HtmlPage page = new HtmlPage(in.title());
    page.header(in.title(), in.description());
    if (!in.facts().isEmpty()) {
      page.section("analysis", "Analysis");
      page.table("facts", null, null, in.facts().stream().map(f -> List.of(f.label(), f.value())).toList());
    }
    if (in.design() != null) {
      page.section("design", "Design matrix");
      page.figure("design-matrix", in.design().render(), "design matrix: " + String.join(", ", in.design().columns()),
          "Rows are subjects, columns regressors; contrasts below the matrix.");
    }
    if (!in.harmonisation().isEmpty()) {
      page.section("harmonisation", "Sites before and after harmonisation");
      int q = 0;
      for (SiteDistributions d : in.harmonisation()) {
        page.figure("harmonisation-" + q++, d.render(), d.title(), null);
      }
    }
    if (!in.statMaps().isEmpty()) {
      page.section("maps", "Statistic maps");
      int q = 0;
      for (StatMap m : in.statMaps()) {
        page.subsection(m.title());
        for (BufferedImage img : statMapFigures(m)) {
          page.figure("statmap-" + q++, img, m.title() + ": " + m.thresholdDescription(), null);
        }
        page.paragraph(m.thresholdDescription() + "; shown over the " + m.backgroundLabel() + ".");
      }
    }
    if (in.clusters() != null) {
      page.section("clusters", "Clusters");
      if (in.clusters().rows().isEmpty()) {
        page.note("info", "No cluster passed the threshold.");
      }
      page.table("clusters", in.clusters().source(), in.clusters().header(), in.clusters().rows());
    }
    if (!in.scatters().isEmpty()) {
      page.section("scatter", "Metric against clinical score");
      int q = 0;
      for (ScatterPlot s : in.scatters()) {
        page.figure("scatter-" + q++, s.render(), s.title() + ": " + s.reported().describe(), null);
      }
    }
    if (!in.forests().isEmpty()) {
      page.section("forest", "Multi-centre meta-analysis");
      int q = 0;
      for (ForestPlot f : in.forests()) {
        page.figure("forest-" + q++, f.render(), f.title(), null);
      }
    }
    if (in.nullDistribution() != null) {
      page.section("null", "Permutation null distribution");
      page.figure("null-distribution", in.nullDistribution().render(), in.nullDistribution().title(), null);
    }
    for (CaptionedTable t : in.tables()) {
      page.section("table-" + slug(t.title()), t.title());
      if (t.caption() != null) {
        page.paragraph(t.caption());
      }
      page.table("data", t.table().source(), t.table().header(), t.table().rows());
    }
    page.section("excluded", "Subjects not analysed");
    if (in.excluded().isEmpty()) {
      page.paragraph("Every subject of the cohort was analysed.");
    } else {
      page.table("excluded", null, List.of("subject", "stage", "reason"),
          in.excluded().stream().map(e -> List.of(e.subject(), e.stage(), e.reason())).toList());
    }
    if (!in.outputs().isEmpty()) {
      page.section("outputs", "Output files");
      page.links(in.outputs());
    }
    if (in.generatedBy() != null) {
      page.footer(in.generatedBy());
    }
    return page.render();
  }

  /** The orthogonal view through the cut point (or peak) and an axial mosaic of a statistic map. */
  public static List<BufferedImage> statMapFigures(StatMap m) {
    RasVolume bg = RasVolume.of(m.geometry(), m.background());
    RasVolume stat = RasVolume.of(m.geometry(), m.statistic());
    double bgMax = robustMax(m.background());
    double statMax = 0;
    for (float v : m.statistic()) {
      if (Float.isFinite(v) && (m.twoSided() ? Math.abs(v) : v) > statMax) {
        statMax = m.twoSided() ? Math.abs(v) : v;
      }
    }
    double shownMax = Math.max(statMax, m.threshold() * 1.5 + 1e-9);
    Layer.Thresholded overlay = new Layer.Thresholded(stat, m.threshold(), shownMax, m.twoSided());
    List<Layer> layers = List.of(new Layer.Scalar(bg, ColourMap.GREY, 0, bgMax, false), overlay);
    Box crop = bg.contentBox(null, 2);
    int[] at = m.cutMm() != null ? nearestVoxel(bg, m.cutMm()) : peak(stat, m.twoSided());
    String barLabel = m.statisticLabel() + " {scale}(shown where |" + m.statisticLabel() + "| ≥ " + Figures.format(m.threshold())
        + ")";
    List<BufferedImage> out = new ArrayList<>();
    out.add(BrainPictures.orthogonal(new BrainPictures.Orthogonal(m.title(), layers, crop, at, ORTHO_TILE,
        Convention.NEUROLOGICAL, List.of(BrainPictures.ColourBarSpec.thresholded(overlay, barLabel)))));
    out.add(BrainPictures.axialMosaic(new BrainPictures.Mosaic(m.title() + " (axial slices)", layers, crop, 12, 6, MOSAIC_TILE,
        Convention.NEUROLOGICAL, List.of(BrainPictures.ColourBarSpec.thresholded(overlay, barLabel)))));
    return out;
  }

  /** The 99.5th percentile of the finite non-zero values (display maximum of a background), 1 if none. */
  static double robustMax(float[] v) {
    double[] nz = new double[v.length];
    int n = 0;
    for (float f : v) {
      if (Float.isFinite(f) && f != 0) {
        nz[n++] = f;
      }
    }
    if (n == 0) {
      return 1;
    }
    double q = SiteDistributions.quantile(java.util.Arrays.copyOf(nz, n), 0.995);
    return q > 0 ? q : 1;
  }

  /** The RAS voxel of the largest statistic (|statistic| when two-sided), first in index order on ties. */
  static int[] peak(RasVolume stat, boolean twoSided) {
    int[] best = {stat.nx() / 2, stat.ny() / 2, stat.nz() / 2};
    double max = Double.NEGATIVE_INFINITY;
    for (int k = 0; k < stat.nz(); k++) {
      for (int j = 0; j < stat.ny(); j++) {
        for (int i = 0; i < stat.nx(); i++) {
          float v = stat.value(i, j, k);
          double s = twoSided ? Math.abs(v) : v;
          if (Float.isFinite(v) && s > max) {
            max = s;
            best = new int[] {i, j, k};
          }
        }
      }
    }
    return best;
  }

  static int[] nearestVoxel(RasVolume vol, double[] mm) {
    double[] ijk = vol.affine().worldToVoxel(mm[0], mm[1], mm[2]);
    int[] out = new int[3];
    for (int a = 0; a < 3; a++) {
      out[a] = (int) Math.max(0, Math.min(vol.dim(a) - 1, Math.round(ijk[a])));
    }
    return out;
  }

  static String slug(String s) {
    return s.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
  }
}
