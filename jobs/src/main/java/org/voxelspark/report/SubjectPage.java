package org.voxelspark.report;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.voxelspark.geometry.Box;
import org.voxelspark.geometry.VolumeGeometry;
import org.voxelspark.nifti.NiftiImage;
import org.voxelspark.participant.DerivativeNames;
import org.voxelspark.participant.ParticipantStage;
import org.voxelspark.participant.RunKind;
import org.voxelspark.qc.MaskedStatistics;
import org.voxelspark.report.ReportRecords.FailureEntry;
import org.voxelspark.report.ReportRecords.QcResult;
import org.voxelspark.report.ReportRecords.RunEntry;
import org.voxelspark.report.ReportRecords.SubjectEntry;

/**
 * The HTML of one subject's page ({@code sub-<label>[_ses-<label>].html} in the output directory),
 * from the maps of its runs: no Spark, no file system (the caller reads the maps).
 *
 * <p><b>Content</b>: the problems of the subject from {@code failures.tsv}; per processed run, its
 * QC numbers against the cohort's range ({@link QcTables}), axial mosaics (12 slices inside the
 * brain mask's extent, {@link Convention#NEUROLOGICAL}, left/right labelled on every slice) and
 * links to its files. Diffusion: mean b0; the brain mask's outline over it; FA (viridis, 0–1);
 * colour FA from V1 in world space (red = left–right, green = anterior–posterior, blue =
 * inferior–superior, brightness = FA, so every site's colours mean the same directions whatever
 * its storage order); MD (viridis, 0–3×10⁻³ mm²/s, free water at the top). BOLD: temporal mean;
 * the mask's outline over it; tSNR, ReHo, ALFF and fALFF (viridis, from the 2nd to the 98th
 * percentile in the mask, 0 to the 99th for tSNR). Grey backgrounds run from 0 to the 99.5th
 * percentile in the mask.
 */
public final class SubjectPage {
  private SubjectPage() {}

  /** Axial slices per mosaic. */
  public static final int SLICES = 12;
  public static final int COLUMNS = 6;
  /** Pixels of a tile's larger extent. */
  public static final int TILE_PIXELS = 150;
  /** Top of the MD colour scale, mm²/s: free water at body temperature. */
  public static final double MD_MAX_MM2_S = 3.0e-3;
  /** Colour of mask outlines. */
  public static final int OUTLINE_ARGB = 0xFFFF3B30;

  /** The maps a run's figures are drawn from. */
  public static List<DerivativeNames> mapsNeeded(RunKind kind) {
    return kind == RunKind.DWI
        ? List.of(DerivativeNames.MEAN_B0, DerivativeNames.DWI_MASK, DerivativeNames.FA, DerivativeNames.MD, DerivativeNames.V1_WORLD)
        : List.of(DerivativeNames.BOLD_MEAN, DerivativeNames.BOLD_MASK, DerivativeNames.BOLD_TSNR, DerivativeNames.REHO,
            DerivativeNames.ALFF, DerivativeNames.FALFF);
  }

  /** The page file name of a subject: {@code <subject key>.html}. */
  public static String fileName(String subject) {
    return subject + ".html";
  }

  /** {@code sub-01/ses-2} for the key {@code sub-01_ses-2}: the subject's directory in the output. */
  public static String subjectDirectory(String subject) {
    int ses = subject.indexOf("_ses-");
    return ses < 0 ? subject : subject.substring(0, ses) + "/" + subject.substring(ses + 1);
  }

  /** The output file of {@code map} for a run, relative to the output directory (and to the page). */
  public static String relativePath(RunEntry run, DerivativeNames map) {
    return subjectDirectory(run.subject()) + "/" + run.kind().datatypeDir() + "/" + map.fileName(run.run());
  }

  /** What the page needs of one run: its maps, or why they could not be read. */
  public record RunMaps(RunEntry run, Map<DerivativeNames, NiftiImage> maps, String problem) {}

  /**
   * The page.
   *
   * @param ranges cohort ranges per {@link RunKind#ordinal()}, per metric
   * @param runs every run of the subject with its maps (processed runs) or problem
   */
  public static String html(SubjectEntry subject, List<RunMaps> runs, QcTables.Range[][] ranges, String version) {
    HtmlPage page = new HtmlPage(subject.subject() + " — voxelspark report");
    long ok = subject.runs().stream().filter(RunEntry::ok).count();
    page.header(subject.subject(), "site " + subject.site() + " · " + subject.runs().size() + " run(s): " + ok + " processed, "
        + (subject.runs().size() - ok) + " failed" + (subject.runs().isEmpty() ? " (not processed)" : ""));
    List<HtmlPage.Link> nav = new ArrayList<>();
    if (subject.previous() != null) {
      nav.add(new HtmlPage.Link("← " + subject.previous(), fileName(subject.previous())));
    }
    if (subject.next() != null) {
      nav.add(new HtmlPage.Link(subject.next() + " →", fileName(subject.next())));
    }
    nav.add(new HtmlPage.Link("all runs: " + ParticipantStage.RUNS_TSV, ParticipantStage.RUNS_TSV));
    nav.add(new HtmlPage.Link("all problems: " + ParticipantStage.FAILURES_TSV, ParticipantStage.FAILURES_TSV));
    page.links(nav);
    if (!subject.failures().isEmpty()) {
      page.section("problems", "Problems");
      page.note("warn", subject.failures().size() + " problem(s) recorded for " + subject.subject()
          + " in " + ParticipantStage.FAILURES_TSV + "; the runs they name were not processed.");
      List<List<String>> rows = new ArrayList<>();
      for (FailureEntry f : subject.failures()) {
        rows.add(List.of(f.stage(), f.errorClass(), f.message()));
      }
      page.table("failures", null, List.of("stage", "error_class", "message"), rows);
    }
    int q = 0;
    for (RunMaps r : runs) {
      RunEntry run = r.run();
      String id = "run-" + q++;
      page.section(id, (run.kind() == RunKind.DWI ? "Diffusion: " : "BOLD: ") + run.run());
      if (!run.ok()) {
        page.note("warn", "This run was not processed: see Problems.");
        continue;
      }
      QcResult qc = subject.qc().stream().filter(x -> x.run().equals(run.run()) && x.kind() == run.kind()).findFirst()
          .orElse(null);
      if (qc != null && qc.values() != null) {
        page.rangeTable(QcTables.fileName(run.kind()), ranges[run.kind().ordinal()][0].n(),
            rangeRows(run.kind(), qc.values(), ranges[run.kind().ordinal()]));
      } else if (qc != null) {
        page.note("warn", "QC numbers not computed: " + qc.problem());
      }
      if (r.problem() != null) {
        page.note("warn", "Figures not drawn: " + r.problem());
      } else {
        int f = 0;
        for (Picture p : pictures(run, r.maps())) {
          page.figure(id + "-" + f++, p.image(), p.alt(), p.caption());
        }
      }
      page.subsection("Files");
      List<HtmlPage.Link> files = new ArrayList<>();
      for (DerivativeNames map : DerivativeNames.of(run.kind())) {
        String nifti = relativePath(run, map);
        files.add(new HtmlPage.Link(map.fileName(run.run()), nifti));
        files.add(new HtmlPage.Link(map.fileName(run.run()).replace(".nii.gz", ".json"), nifti.replace(".nii.gz", ".json")));
      }
      page.links(files);
    }
    page.footer("voxelspark " + version + ". Brain pictures: axial slices in the neurological convention (the subject's left"
        + " on the left, labelled L/R on every slice), reoriented to RAS+ from each file's affine; voxels drawn without"
        + " interpolation. Values in tables as written in the QC TSVs.");
    return page.render();
  }

  static List<HtmlPage.RangeRow> rangeRows(RunKind kind, double[] values, QcTables.Range[] ranges) {
    List<HtmlPage.RangeRow> rows = new ArrayList<>();
    List<QcMetric> metrics = QcMetric.of(kind);
    for (int m = 0; m < metrics.size(); m++) {
      QcMetric metric = metrics.get(m);
      QcTables.Range range = ranges[m];
      String value = QcTables.format(values[m]);
      rows.add(new HtmlPage.RangeRow(metric.column(), metric.label(), metric.unit(), value, QcTables.format(range.min()),
          QcTables.format(range.median()), QcTables.format(range.max()), range.position(QcTables.parse(value)),
          metric.definition()));
    }
    return rows;
  }

  /** A drawn figure with its alt text and caption. */
  public record Picture(BufferedImage image, String alt, String caption) {}

  /** The run's figures (class doc). */
  public static List<Picture> pictures(RunEntry run, Map<DerivativeNames, NiftiImage> maps) {
    List<Picture> out = new ArrayList<>();
    boolean dwi = run.kind() == RunKind.DWI;
    DerivativeNames maskName = dwi ? DerivativeNames.DWI_MASK : DerivativeNames.BOLD_MASK;
    NiftiImage maskImage = maps.get(maskName);
    VolumeGeometry grid = maskImage.header().geometry();
    boolean[] mask = QcMetric.mask(maskImage);
    RasVolume maskVol = RasVolume.of(grid, QcMetric.volume(maskImage, 0));
    // in-plane: the mask's extent and 2 voxels around it; along z: the mask's extent, so no slice is empty
    Box inner = maskVol.contentBox(maskVol, 0);
    Box grown = inner.grow(2, maskVol.nx(), maskVol.ny(), maskVol.nz());
    Box crop = new Box(grown.i0(), grown.i1(), grown.j0(), grown.j1(), inner.k0(), inner.k1());
    DerivativeNames refName = dwi ? DerivativeNames.MEAN_B0 : DerivativeNames.BOLD_MEAN;
    float[] ref = QcMetric.volume(maps.get(refName), 0);
    RasVolume refVol = RasVolume.of(grid, ref);
    double refMax = positive(MaskedStatistics.quantile(ref, mask, 0.995));
    Layer.Scalar grey = new Layer.Scalar(refVol, ColourMap.GREY, 0, refMax, false);
    String refTitle = dwi ? "Mean b0" : "BOLD temporal mean";
    out.add(mosaic(run, refTitle, List.of(grey), crop, ColourMap.GREY, 0, refMax, refName, refTitle + " of " + run.run()));
    out.add(mosaic(run, "Brain mask over the " + (dwi ? "mean b0" : "BOLD mean"),
        List.of(grey, new Layer.Outline(maskVol, OUTLINE_ARGB)), crop, ColourMap.GREY, 0, refMax, refName,
        "outline (red) of " + maskName.fileName(run.run()) + " over " + refName.fileName(run.run())));
    if (dwi) {
      float[] fa = QcMetric.volume(maps.get(DerivativeNames.FA), 0);
      out.add(scalar(run, "FA: fractional anisotropy", grid, fa, crop, 0, 1, DerivativeNames.FA));
      float[] v1 = maps.get(DerivativeNames.V1_WORLD).data();
      int n = grid.voxelCount();
      float[][] rgb = new float[3][n];
      for (int c = 0; c < 3; c++) {
        for (int v = 0; v < n; v++) {
          float f = Float.isFinite(fa[v]) ? Math.max(0, Math.min(1, fa[v])) : 0;
          rgb[c][v] = Float.isFinite(v1[c * n + v]) ? Math.abs(v1[c * n + v]) * f : 0;
        }
      }
      RasVolume colour = RasVolume.of(grid, rgb);
      BufferedImage img = BrainPictures.axialMosaic(new BrainPictures.Mosaic("Colour FA (world axes)",
          List.of(new Layer.Rgb(colour, 1.0)), crop, SLICES, COLUMNS, TILE_PIXELS, Convention.NEUROLOGICAL, List.of()));
      out.add(new Picture(img, "colour FA of " + run.run(), "red = left–right, green = anterior–posterior, blue = inferior–"
          + "superior (|V1| in world space, " + DerivativeNames.V1_WORLD.fileName(run.run()) + "), brightness = FA"));
      out.add(scalar(run, "MD: mean diffusivity", grid, QcMetric.volume(maps.get(DerivativeNames.MD), 0), crop, 0, MD_MAX_MM2_S,
          DerivativeNames.MD));
    } else {
      float[] tsnr = QcMetric.volume(maps.get(DerivativeNames.BOLD_TSNR), 0);
      out.add(scalar(run, "tSNR: temporal signal-to-noise ratio", grid, tsnr, crop, 0,
          positive(MaskedStatistics.quantile(tsnr, mask, 0.99)), DerivativeNames.BOLD_TSNR));
      for (DerivativeNames m : List.of(DerivativeNames.REHO, DerivativeNames.ALFF, DerivativeNames.FALFF)) {
        float[] v = QcMetric.volume(maps.get(m), 0);
        double lo = MaskedStatistics.quantile(v, mask, 0.02);
        double hi = MaskedStatistics.quantile(v, mask, 0.98);
        if (!(hi > lo)) {
          lo = Double.isFinite(lo) ? lo : 0;
          hi = lo + 1;
        }
        String title = m == DerivativeNames.REHO ? "ReHo: regional homogeneity (Kendall's W)"
            : m == DerivativeNames.ALFF ? "ALFF: amplitude of low-frequency fluctuations" : "fALFF: fractional ALFF";
        out.add(scalar(run, title, grid, v, crop, lo, hi, m));
      }
    }
    return out;
  }

  private static Picture scalar(RunEntry run, String title, VolumeGeometry grid, float[] values, Box crop, double min, double max,
      DerivativeNames map) {
    RasVolume vol = RasVolume.of(grid, values);
    return mosaic(run, title, List.of(new Layer.Scalar(vol, ColourMap.VIRIDIS, min, max, true)), crop, ColourMap.VIRIDIS, min,
        max, map, map.description() + "; " + map.fileName(run.run()));
  }

  private static Picture mosaic(RunEntry run, String title, List<Layer> layers, Box crop, ColourMap map, double min, double max,
      DerivativeNames source, String caption) {
    String unit = source.units().replace("^2", "²");
    String label = shortName(source) + " ({scale}" + (unit.startsWith("dimensionless") ? "dimensionless" : unit) + ")";
    BufferedImage img = BrainPictures.axialMosaic(new BrainPictures.Mosaic(title, layers, crop, SLICES, COLUMNS, TILE_PIXELS,
        Convention.NEUROLOGICAL, List.of(BrainPictures.ColourBarSpec.of(map, min, max, label))));
    return new Picture(img, title + " of " + run.run(), caption + "; display range " + Figures.format(min) + " to "
        + Figures.format(max));
  }

  private static String shortName(DerivativeNames m) {
    if (m == DerivativeNames.MEAN_B0) {
      return "mean b0";
    }
    if (m == DerivativeNames.BOLD_MEAN) {
      return "BOLD mean";
    }
    if (m == DerivativeNames.BOLD_TSNR) {
      return "tSNR";
    }
    String s = m.suffix();
    int at = s.indexOf("param-");
    String name = at >= 0 ? s.substring(at + 6, s.indexOf('_', at)) : s.substring(s.indexOf("desc-") + 5, s.indexOf('_'));
    return name.equals("reho") ? "ReHo" : name.equals("falff") ? "fALFF" : name.toUpperCase(java.util.Locale.ROOT);
  }

  private static double positive(double v) {
    return v > 0 && Double.isFinite(v) ? v : 1;
  }
}
