package org.voxelspark.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.voxelspark.cohort.BidsCohortReader;
import org.voxelspark.cohort.Cohort;
import org.voxelspark.cohort.CohortOptions;
import org.voxelspark.error.UserInputException;
import org.voxelspark.nifti.NiftiImage;
import org.voxelspark.nifti.NiftiReader;
import org.voxelspark.participant.DerivativeNames;
import org.voxelspark.participant.ParticipantKernels;
import org.voxelspark.participant.ParticipantStage;
import org.voxelspark.participant.RunKind;
import org.voxelspark.sample.SampleCohortGenerator;
import org.voxelspark.sample.SampleCohortSpec;
import org.voxelspark.spark.SparkTestSession;
import org.voxelspark.testing.Chromium;
import org.voxelspark.testing.PageParts;

/**
 * The per-subject pages of a real participant-stage run (sample cohort, TINY scale, sites A and B
 * stored LAS, site C RAS) with one subject whose BOLD is truncated and one whose DWI files are
 * missing: a page per subject, failed ones listing their reasons as failures.tsv has them; every
 * image decodes; every QC number on a page equals its TSV cell and the cohort range equals the
 * TSV column's; the QC numbers equal an independent count/median of the maps; every link resolves;
 * pages are written atomically; headless Chromium renders a page without errors.
 */
class SubjectReportsSparkTest {
  @TempDir static Path tmp;
  static Path out;
  static Path cohortDir;
  static SubjectReports.Summary summary;

  @BeforeAll
  static void participantStageThenReports() throws IOException {
    SparkSession spark = SparkTestSession.get();
    cohortDir = tmp.resolve("cohort");
    SampleCohortGenerator.generate(cohortDir, new SampleCohortSpec(9,
        List.of(new SampleCohortSpec.SiteSpec("A", 2), new SampleCohortSpec.SiteSpec("B", 1), new SampleCohortSpec.SiteSpec("C", 2)),
        SampleCohortSpec.Scale.TINY));
    Path bold = cohortDir.resolve("sub-02/func/sub-02_task-rest_bold.nii.gz");
    byte[] b = Files.readAllBytes(bold);
    Files.write(bold, Arrays.copyOf(b, b.length / 2));
    for (String f : new String[] {"sub-05_dwi.nii.gz", "sub-05_dwi.bval", "sub-05_dwi.bvec"}) {
      Files.delete(cohortDir.resolve("sub-05/dwi/" + f));
    }
    Files.delete(cohortDir.resolve("sub-05/func/sub-05_task-rest_bold.nii.gz"));
    Cohort cohort = BidsCohortReader.read(cohortDir.toString(), new Configuration(), CohortOptions.defaults());
    out = tmp.resolve("derivatives");
    ParticipantStage.run(spark, cohort, out.toString(), ParticipantKernels.defaults(), 16, false, "test");
    summary = SubjectReports.run(spark, out.toString(), "test");
  }

  static String page(String subject) throws IOException {
    return Files.readString(out.resolve(SubjectPage.fileName(subject)), StandardCharsets.UTF_8);
  }

  static TsvTable tsv(String name) throws IOException {
    return TsvTable.parse(name, Files.readString(out.resolve(name)));
  }

  @Test
  void aPageForEverySubjectFailedOnesWithTheirReasons() throws IOException {
    assertEquals(5, summary.pages().size(), summary.pages().toString());
    assertEquals(List.of(), summary.failed());
    TsvTable failures = tsv(ParticipantStage.FAILURES_TSV);
    assertTrue(failures.rows().size() >= 2, failures.rows().toString());
    for (String subject : new String[] {"sub-02", "sub-05"}) {
      List<List<String>> expected = new ArrayList<>();
      for (List<String> r : failures.rows()) {
        if (r.get(0).equals(subject)) {
          expected.add(r.subList(1, 4));
        }
      }
      assertFalse(expected.isEmpty(), subject + " is in failures.tsv");
      assertEquals(expected, PageParts.tableByClass(page(subject), "failures"), subject + ": the reasons as failures.tsv has them");
    }
    String sub05 = page("sub-05");
    assertTrue(sub05.contains("(not processed)"), "sub-05 had no run to process");
    assertEquals(0, PageParts.images(sub05).size());
    String sub02 = page("sub-02");
    assertTrue(sub02.contains("This run was not processed: see Problems."), "sub-02's BOLD run");
    assertEquals(5, PageParts.images(sub02).size(), "sub-02's diffusion run still has its figures");
  }

  @Test
  void everyImageDecodesAndEveryLinkResolves() throws IOException {
    for (String file : summary.pages()) {
      Path p = Path.of(java.net.URI.create(file));
      String html = Files.readString(p);
      for (PageParts.Image img : PageParts.images(html)) {
        BufferedImage decoded = img.decode();
        assertEquals(img.width(), decoded.getWidth(), p + " " + img.figure());
        assertEquals(img.height(), decoded.getHeight(), p + " " + img.figure());
        assertTrue(PageParts.distinctColours(decoded) > 8, p + " " + img.figure() + " is not blank");
      }
      for (String link : PageParts.links(html)) {
        assertFalse(link.startsWith("/") || link.contains("://"), "relative link: " + link);
        assertTrue(Files.exists(p.getParent().resolve(link)), p.getFileName() + " links to a missing " + link);
      }
    }
    assertEquals(11, PageParts.images(page("sub-01")).size(), "5 diffusion and 6 BOLD mosaics");
    try (Stream<Path> files = Files.walk(out)) {
      assertFalse(files.anyMatch(f -> f.getFileName().toString().startsWith("._tmp")), "no temporary file left");
    }
  }

  @Test
  void qcTablesOnThePagesEqualTheTsvsAndTheMaps() throws IOException {
    for (RunKind kind : RunKind.values()) {
      TsvTable t = tsv(QcTables.fileName(kind));
      assertEquals(QcTables.header(kind), t.header());
      int expectedRuns = kind == RunKind.DWI ? 4 : 3; // sub-05 has no runs; sub-02's BOLD failed
      assertEquals(expectedRuns, t.rows().size(), kind + " rows");
      for (List<String> row : t.rows()) {
        String html = page(row.get(0));
        String table = PageParts.rangeTables(html).stream().filter(x -> QcTables.fileName(kind).equals(PageParts.source(x)))
            .findFirst().orElseThrow();
        for (QcMetric m : QcMetric.of(kind)) {
          List<String> column = t.values(m.column());
          double[] v = column.stream().mapToDouble(QcTables::parse).filter(Double::isFinite).sorted().toArray();
          double median = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
          String at = row.get(0) + " " + m.column();
          assertEquals(row.get(t.column(m.column())), PageParts.rangeCell(table, m.column(), "value"), at);
          assertEquals(QcTables.format(v[0]), PageParts.rangeCell(table, m.column(), "min"), at);
          assertEquals(QcTables.format(median), PageParts.rangeCell(table, m.column(), "median"), at);
          assertEquals(QcTables.format(v[v.length - 1]), PageParts.rangeCell(table, m.column(), "max"), at);
        }
        // independent of QcMetric: the mask count and a median taken by sorting
        ReportRecords.RunEntry run = new ReportRecords.RunEntry(row.get(0), row.get(1), kind, row.get(2), true);
        NiftiImage mask = NiftiReader.read(out.resolve(SubjectPage.relativePath(run,
            kind == RunKind.DWI ? DerivativeNames.DWI_MASK : DerivativeNames.BOLD_MASK)));
        DerivativeNames valueMap = kind == RunKind.DWI ? DerivativeNames.FA : DerivativeNames.BOLD_TSNR;
        NiftiImage values = NiftiReader.read(out.resolve(SubjectPage.relativePath(run, valueMap)));
        List<Float> in = new ArrayList<>();
        int count = 0;
        for (int q = 0; q < mask.data().length; q++) {
          if (mask.data()[q] > 0) {
            count++;
            in.add(values.data()[q]);
          }
        }
        in.sort(null);
        double med = in.size() % 2 == 1 ? in.get(in.size() / 2) : (in.get(in.size() / 2 - 1) + (double) in.get(in.size() / 2)) / 2;
        assertEquals(Integer.toString(count), row.get(t.column("mask_voxels")), row.get(0) + " mask voxels");
        String medianColumn = kind == RunKind.DWI ? "fa_median" : "tsnr_median";
        assertEquals(med, QcTables.parse(row.get(t.column(medianColumn))), Math.abs(med) * 1e-5, row.get(0) + " " + medianColumn
            + " (6 significant digits)");
      }
    }
  }

  @Test
  void storedLasAndRasShowTheLeftTractOnTheLeft() throws IOException {
    // truth labels: 6 = left corticospinal tract, 7 = right; site A is stored LAS, site C RAS
    for (String site : new String[] {"A", "C"}) {
      NiftiImage labels = NiftiReader.read(cohortDir.resolve("truth/site-" + site + "_dwi_labels.nii.gz"));
      RasVolume ras = RasVolume.of(labels.header().geometry(), labels.data());
      double left = 0;
      double right = 0;
      int nl = 0;
      int nr = 0;
      for (int k = 0; k < ras.nz(); k++) {
        for (int j = 0; j < ras.ny(); j++) {
          for (int i = 0; i < ras.nx(); i++) {
            if (ras.value(i, j, k) == 6) {
              left += i;
              nl++;
            } else if (ras.value(i, j, k) == 7) {
              right += i;
              nr++;
            }
          }
        }
      }
      assertTrue(nl > 0 && nr > 0, site);
      assertTrue(left / nl < ras.nx() / 2.0 && right / nr > ras.nx() / 2.0, "site " + site + " (stored "
          + ras.storedOrientation() + "): the left tract in the left half of the RAS grid, drawn on the left");
    }
  }

  @Test
  void chromiumRendersAPageWithoutErrors() throws Exception {
    Path shots = Path.of("target", "report-screenshots");
    Files.createDirectories(shots);
    for (String subject : new String[] {"sub-04", "sub-02"}) {
      Path page = out.resolve(SubjectPage.fileName(subject));
      Files.copy(page, shots.resolve(subject + ".html"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      BufferedImage shot = Chromium.screenshot(page, shots.resolve(subject + "-screenshot.png"), 1280, 5200);
      assertTrue(PageParts.distinctColours(shot) > 200, subject + ": the screenshot shows the figures");
    }
  }

  @Test
  void aMissingMapCostsOnlyItsRunsFiguresAndQcNumbers() throws IOException {
    Path copy = tmp.resolve("derivatives-missing-map");
    try (Stream<Path> files = Files.walk(out)) {
      for (Path p : files.toList()) {
        Path target = copy.resolve(out.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
    ReportRecords.RunEntry run = new ReportRecords.RunEntry("sub-03", "B", RunKind.DWI, "sub-03", true);
    Files.delete(copy.resolve(SubjectPage.relativePath(run, DerivativeNames.FA)));
    SubjectReports.Summary s = SubjectReports.run(SparkTestSession.get(), copy.toString(), "test");
    assertEquals(5, s.pages().size(), "every page is still written");
    assertEquals(List.of(), s.failed());
    assertEquals(2, s.runProblems(), "sub-03's diffusion run: no QC numbers, no figures");
    String html = Files.readString(copy.resolve("sub-03.html"));
    assertTrue(html.contains("QC numbers not computed: ") && html.contains("Figures not drawn: ")
        && html.contains("sub-03_model-tensor_param-fa_dwimap.nii.gz: file does not exist"), "the reason on the page");
    assertEquals(6, PageParts.images(html).size(), "the BOLD run's figures are drawn");
    assertEquals(3, tsv(copy, QcTables.fileName(RunKind.DWI)).rows().size(), "the run is left out of the QC table");
  }

  static TsvTable tsv(Path dir, String name) throws IOException {
    return TsvTable.parse(name, Files.readString(dir.resolve(name)));
  }

  @Test
  void aDirectoryWithoutParticipantOutputsIsAUserError() throws IOException {
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    UserInputException e = assertThrows(UserInputException.class,
        () -> SubjectReports.run(SparkTestSession.get(), empty.toString(), "test"));
    assertTrue(e.getMessage().contains("participant_runs.tsv") && e.getMessage().contains("run the participant stage"),
        e.getMessage());
  }
}
