package org.voxelspark.participant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.voxelspark.cohort.BidsCohortReader;
import org.voxelspark.cohort.Cohort;
import org.voxelspark.cohort.CohortOptions;
import org.voxelspark.error.UserInputException;
import org.voxelspark.nifti.NiftiDatatype;
import org.voxelspark.nifti.NiftiHeader;
import org.voxelspark.nifti.NiftiImage;
import org.voxelspark.nifti.NiftiReader;
import org.voxelspark.nifti.NiftiWriter;
import org.voxelspark.sample.SampleCohortGenerator;
import org.voxelspark.sample.SampleCohortSpec;
import org.voxelspark.spark.SparkTestSession;
import org.voxelspark.table.VoxelTable;

/**
 * Per-subject isolation for every input problem of the validation catalogue that the participant
 * stage meets (docs/reliability.md): one sample cohort (TINY) in which each subject is broken in
 * one way runs through the real stage in local Spark. Every broken run is one row of
 * {@code failures.tsv} and {@code failures.parquet} (read back by Spark), naming the file and the
 * field; every other run completes; runs with NaN/Inf samples complete with those voxels out of the
 * mask and counted; with {@code --fail-fast} the first failure stops the job as a user error.
 */
class ParticipantIsolationSparkTest {
  @TempDir static Path tmp;
  static Path cohortDir;
  static SparkSession spark;
  static ParticipantStage.Summary summary;
  static Path out;

  /** A DWI cluster of NaN in b0 volume 0 (3×3×3) and +Inf at 5 other voxels of volume 1. */
  static final int DWI_NONFINITE = 27 + 5;
  /** A BOLD cluster of NaN in volume 10 (3×3×3) and −Inf at 1 other voxel of volume 30. */
  static final int BOLD_NONFINITE = 27 + 1;

  /** What each broken subject must produce: the run's stage, the error class, the file (suffix) and the field. */
  record Expected(String subject, String stage, String errorClass, String fileSuffix, String field) {}

  static final List<Expected> EXPECTED = List.of(
      new Expected("sub-02", "participant:dwi", "UserInputException", "sub-02_dwi.nii", "data"), // truncated .nii
      new Expected("sub-03", "participant:dwi", "UserInputException", "sub-03_dwi.nii.gz", "gzip"), // corrupt gzip
      new Expected("sub-04", "participant:bold", "UserInputException", "sub-04_task-rest_bold.nii.gz", "sizeof_hdr"),
      new Expected("sub-05", "participant:bold", "UserInputException", "sub-05_task-rest_bold.nii.gz", "magic"),
      new Expected("sub-06", "participant:dwi", "UserInputException", "sub-06_dwi.nii.gz", "dim"), // dim[3] = 0
      new Expected("sub-07", "participant:bold", "UserInputException", "sub-07_task-rest_bold.nii.gz", "data"), // int16 -> float32
      new Expected("sub-08", "participant:dwi", "UserInputException", "sub-08_dwi.bvec", "shape"), // 2 rows
      new Expected("sub-09", "participant:dwi", "UserInputException", "sub-09_dwi.bvec", "volume 1"), // zero vector, b > 0
      new Expected("sub-10", "participant:dwi", "UserInputException", "sub-10_dwi.bval", "b0"), // no b = 0
      new Expected("sub-11", "participant:bold", "UserInputException", "sub-11_task-rest_bold.nii.gz", "dim[4]"), // 8 volumes
      new Expected("sub-12", "participant:bold", "UserInputException", "sub-12_task-rest_bold.nii.gz", "RepetitionTime"),
      new Expected("sub-13", "participant:bold", "UserInputException", "sub-13_task-rest_bold.nii.gz", "dim"), // 3D
      new Expected("sub-16", "input", "UserInputException", "participants.tsv", "participant_id"), // no row
      new Expected("sub-17", "participant:dwi", "java.lang.IllegalStateException", "sub-17_dwi.nii.gz", ""), // a bug
      new Expected("sub-18", "participant:dwi", "UserInputException", "sub-18_dwi.bval", "count")); // 16 of 17 b-values

  /** The stage's kernels, except that planning sub-17's DWI throws as a bug in a kernel would. */
  record BuggyFor(String subject, ParticipantKernels inner) implements KernelFactory {
    @Override
    public RunPlan plan(RunTask task, NiftiImage image, Configuration conf) {
      if (task.subjectKey().equals(subject) && task.kind() == RunKind.DWI) {
        throw new IllegalStateException("planted bug for " + subject);
      }
      return inner.plan(task, image, conf);
    }

    @Override
    public Map<String, Object> parameters(RunKind kind) {
      return inner.parameters(kind);
    }

    @Override
    public List<DerivativeNames> maps(RunKind kind) {
      return inner.maps(kind);
    }

    @Override
    public double smoothingFwhmMm(RunKind kind) {
      return inner.smoothingFwhmMm(kind);
    }
  }

  @BeforeAll
  static void breakACohortAndRunTheStage() throws IOException {
    spark = SparkTestSession.get();
    cohortDir = tmp.resolve("cohort");
    SampleCohortGenerator.generate(cohortDir, new SampleCohortSpec(11,
        List.of(new SampleCohortSpec.SiteSpec("A", 6), new SampleCohortSpec.SiteSpec("B", 6), new SampleCohortSpec.SiteSpec("C", 6)),
        SampleCohortSpec.Scale.TINY));
    // sub-02: the DWI as an uncompressed .nii, truncated by 1000 bytes (an interrupted copy)
    Path dwi02 = dwi("02");
    NiftiImage img02 = NiftiReader.read(dwi02);
    Path nii02 = dwi02.resolveSibling("sub-02_dwi.nii");
    NiftiWriter.write(img02.header(), img02.data(), nii02);
    byte[] raw02 = Files.readAllBytes(nii02);
    Files.write(nii02, Arrays.copyOf(raw02, raw02.length - 1000));
    Files.delete(dwi02);
    // sub-03: bytes damaged in the middle of the deflate stream
    byte[] gz03 = Files.readAllBytes(dwi("03"));
    for (int q = gz03.length / 2; q < gz03.length / 2 + 64; q++) {
      gz03[q] ^= (byte) 0xa5;
    }
    Files.write(dwi("03"), gz03);
    editHeader(bold("04"), b -> b.putInt(0, 349)); // sizeof_hdr
    editHeader(bold("05"), b -> b.put(345, (byte) 'x')); // magic "nx1"
    editHeader(dwi("06"), b -> b.putShort(46, (short) 0)); // dim[3] = 0
    editHeader(bold("07"), b -> b.putShort(70, (short) 16).putShort(72, (short) 32)); // int16 -> float32: twice the bytes
    // sub-08: .bvec with only its first two rows; sub-09: zero vector at b = 1000; sub-10: no b = 0; sub-18: a b-value missing
    Path bvec08 = cohortDir.resolve("sub-08/dwi/sub-08_dwi.bvec");
    List<String> rows08 = Files.readAllLines(bvec08);
    Files.write(bvec08, rows08.subList(0, 2));
    Path bvec09 = cohortDir.resolve("sub-09/dwi/sub-09_dwi.bvec");
    List<String> rows09 = new ArrayList<>();
    for (String row : Files.readAllLines(bvec09)) {
      String[] v = row.trim().split("\\s+");
      v[1] = "0.000000"; // volume 1 has b = 1000
      rows09.add(String.join(" ", v));
    }
    Files.write(bvec09, rows09);
    Path bval10 = cohortDir.resolve("sub-10/dwi/sub-10_dwi.bval");
    String[] b10 = Files.readString(bval10).trim().split("\\s+");
    Path bvec10 = cohortDir.resolve("sub-10/dwi/sub-10_dwi.bvec");
    List<String[]> v10 = Files.readAllLines(bvec10).stream().map(r -> r.trim().split("\\s+")).toList();
    for (int q = 0; q < b10.length; q++) {
      if (b10[q].equals("0")) {
        b10[q] = "1000"; // and a unit direction, so that "no b = 0" is the run's only problem
        v10.get(0)[q] = "1";
        v10.get(1)[q] = "0";
        v10.get(2)[q] = "0";
      }
    }
    Files.writeString(bval10, String.join(" ", b10) + "\n");
    Files.write(bvec10, v10.stream().map(r -> String.join(" ", r)).toList());
    assertFalse(Arrays.stream(Files.readString(bval10).trim().split("\\s+")).anyMatch(x -> x.equals("0")), "no b = 0 left");
    Path bval18 = cohortDir.resolve("sub-18/dwi/sub-18_dwi.bval");
    String b18 = Files.readString(bval18).trim();
    Files.writeString(bval18, b18.substring(0, b18.lastIndexOf(' ')) + "\n");
    // sub-11: 8 volumes; sub-13: the first volume alone, as a 3D image
    rewriteVolumes(bold("11"), 8);
    rewriteVolumes(bold("13"), 1);
    // sub-12: no RepetitionTime in the sidecar and pixdim[4] = 0 in the header
    Path json12 = cohortDir.resolve("sub-12/func/sub-12_task-rest_bold.json");
    Files.writeString(json12, Files.readString(json12).replaceAll("\"RepetitionTime\"\\s*:\\s*[0-9.]+,?", ""));
    editHeader(bold("12"), b -> b.putFloat(76 + 4 * 4, 0f));
    // sub-14 / sub-15: non-finite samples (float32 images, so NaN can be stored)
    rewriteFloat(dwi("14"), (img, data) -> {
      plantCluster(img.header(), data, 0, Float.NaN);
      int v = (int) img.header().voxelsPerVolume();
      for (int q = 0; q < 5; q++) {
        data[v + q * 7] = Float.POSITIVE_INFINITY; // volume 1, voxels 0, 7, ..., 28 of the first row: away from the cluster
      }
    });
    rewriteFloat(bold("15"), (img, data) -> {
      plantCluster(img.header(), data, 10, Float.NaN);
      data[(int) img.header().voxelsPerVolume() * 30 + 3] = Float.NEGATIVE_INFINITY;
    });
    // sub-16: data but no row in participants.tsv
    Path tsv = cohortDir.resolve("participants.tsv");
    Files.write(tsv, Files.readAllLines(tsv).stream().filter(l -> !l.startsWith("sub-16\t")).toList());

    Cohort cohort = BidsCohortReader.read(cohortDir.toString(), new Configuration(), CohortOptions.defaults());
    out = tmp.resolve("out");
    summary = ParticipantStage.run(spark, cohort, out.toString(), new BuggyFor("sub-17", ParticipantKernels.defaults()), 8,
        false, "test");
  }

  private static Path dwi(String label) {
    return cohortDir.resolve("sub-" + label + "/dwi/sub-" + label + "_dwi.nii.gz");
  }

  private static Path bold(String label) {
    return cohortDir.resolve("sub-" + label + "/func/sub-" + label + "_task-rest_bold.nii.gz");
  }

  /** Decompresses a .nii.gz, edits its header bytes (little-endian), recompresses it. */
  private static void editHeader(Path gz, Consumer<ByteBuffer> edit) throws IOException {
    byte[] raw;
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(Files.readAllBytes(gz)))) {
      raw = in.readAllBytes();
    }
    edit.accept(ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream o = new GZIPOutputStream(bytes)) {
      o.write(raw);
    }
    Files.write(gz, bytes.toByteArray());
  }

  /** Keeps the first {@code volumes} volumes (1: a 3D image), same grid and TR. */
  private static void rewriteVolumes(Path file, int volumes) throws IOException {
    NiftiImage img = NiftiReader.read(file);
    NiftiHeader h = img.header();
    NiftiHeader.Builder b = NiftiHeader.builder(h.geometry(), volumes).datatype(NiftiDatatype.FLOAT32);
    if (volumes > 1) {
      b.repetitionTimeSeconds(h.repetitionTimeSeconds());
    }
    NiftiWriter.write(b.build(), Arrays.copyOf(img.data(), (int) h.voxelsPerVolume() * volumes), file);
  }

  interface Edit {
    void apply(NiftiImage image, float[] volumeMajor);
  }

  /** Rewrites an image as float32 (unscaled) after editing its volume-major values. */
  private static void rewriteFloat(Path file, Edit edit) throws IOException {
    NiftiImage img = NiftiReader.read(file);
    float[] data = img.data().clone();
    edit.apply(img, data);
    NiftiHeader h = img.header().toBuilder().datatype(NiftiDatatype.FLOAT32).scaling(0, 0).build();
    NiftiWriter.write(h, data, file);
  }

  /** Sets a 3×3×3 cluster at the volume's centre to {@code value} in volume {@code t}. */
  private static void plantCluster(NiftiHeader h, float[] data, int t, float value) {
    int cx = h.nx() / 2;
    int cy = h.ny() / 2;
    int cz = h.nz() / 2;
    for (int k = cz - 1; k <= cz + 1; k++) {
      for (int j = cy - 1; j <= cy + 1; j++) {
        for (int i = cx - 1; i <= cx + 1; i++) {
          data[(int) (t * h.voxelsPerVolume() + i + h.nx() * (j + (long) h.ny() * k))] = value;
        }
      }
    }
  }

  @Test
  void everyBrokenRunIsOneFailureRowNamingFileAndFieldAndTheRestComplete() throws IOException {
    List<String> tsv = Files.readAllLines(out.resolve(FailuresTable.TSV));
    assertEquals(String.join("\t", FailuresTable.COLUMNS), tsv.get(0));
    assertEquals(EXPECTED.size(), tsv.size() - 1, String.join("\n", tsv));
    Map<String, String[]> bySubject = new HashMap<>();
    for (String line : tsv.subList(1, tsv.size())) {
      String[] cells = line.split("\t", -1);
      assertEquals(FailuresTable.COLUMNS.size(), cells.length, line);
      assertTrue(bySubject.put(cells[0], cells) == null, "one row per broken subject: " + line);
    }
    for (Expected e : EXPECTED) {
      String[] row = bySubject.get(e.subject());
      assertNotNull(row, e.subject() + " is listed: " + tsv);
      assertEquals(e.stage(), row[1], e.subject());
      assertEquals(e.errorClass(), row[2], e.subject());
      String sourceAndField = e.fileSuffix() + ": " + (e.field().isEmpty() ? "" : e.field() + ": ");
      assertTrue(row[3].contains(sourceAndField), e.subject() + ": '" + sourceAndField + "' in " + row[3]);
    }
    // 17 subjects with data were processed (sub-16 was excluded while reading the cohort): 34 runs, 14 failed
    assertEquals(34, summary.runs().size());
    assertEquals(20, summary.succeededRuns(), "every run that was not broken completed");
    for (RunResult r : summary.runs()) {
      boolean broken = EXPECTED.stream().anyMatch(e -> e.subject().equals(r.task().subjectKey())
          && e.stage().equals("participant:" + r.task().kind().name().toLowerCase()));
      assertEquals(broken, !r.succeeded(), r.task().name());
      if (r.succeeded()) {
        assertTrue(r.outputs().size() > 10, r.task().name() + " wrote its maps");
        for (String uri : r.outputs()) {
          assertTrue(Files.isRegularFile(Path.of(java.net.URI.create(uri))), uri);
        }
      }
    }
  }

  @Test
  void theParquetFailuresTableHoldsTheSameRows() throws IOException {
    Dataset<Row> parquet = spark.read().parquet(out.resolve(FailuresTable.PARQUET).toString());
    assertEquals(FailuresTable.COLUMNS, Arrays.asList(parquet.columns()));
    List<String> fromParquet = new ArrayList<>();
    for (Row r : parquet.collectAsList()) {
      List<String> cells = new ArrayList<>();
      for (int c = 0; c < r.size(); c++) {
        cells.add(r.getString(c));
      }
      fromParquet.add(String.join("\t", cells));
    }
    List<String> tsv = Files.readAllLines(out.resolve(FailuresTable.TSV));
    assertEquals(tsv.subList(1, tsv.size()), fromParquet, "same rows, same order");
  }

  @Test
  void nonFiniteSamplesAreCountedAndKeptOutOfTheMaskAndEveryMaskedMap() throws IOException {
    Map<String, String[]> runs = new HashMap<>();
    List<String> lines = Files.readAllLines(out.resolve(ParticipantStage.RUNS_TSV));
    assertTrue(lines.get(0).endsWith("\tnonfinite_voxels"), lines.get(0));
    for (String l : lines.subList(1, lines.size())) {
      String[] c = l.split("\t");
      runs.put(c[0] + " " + c[2], c);
    }
    assertEquals(String.valueOf(DWI_NONFINITE), runs.get("sub-14 DWI")[7]);
    assertEquals(String.valueOf(BOLD_NONFINITE), runs.get("sub-15 BOLD")[7]);
    assertEquals("0", runs.get("sub-01 DWI")[7]);
    assertEquals("0", runs.get("sub-01 BOLD")[7]);
    for (RunResult r : summary.runs()) {
      String key = r.task().subjectKey();
      if (!key.equals("sub-14") && !key.equals("sub-15")) {
        continue;
      }
      assertTrue(r.succeeded(), r.problems().toString());
      RunTask t = r.task();
      NiftiImage input = NiftiReader.read(Path.of(java.net.URI.create(t.nifti())), org.voxelspark.geometry.VoxelLayout.VOXEL_MAJOR);
      boolean[] finite = org.voxelspark.qc.FiniteSamples.finiteVoxels(input.data(), (int) input.header().voxelsPerVolume(),
          input.header().nt());
      Path dir = Path.of(java.net.URI.create(t.outputDir()));
      float[] mask = NiftiReader.read(dir.resolve(DerivativeNames.of(t.kind()).stream()
          .filter(m -> m.channel() == DerivativeNames.maskChannel(t.kind())).findFirst().orElseThrow().fileName(t.name()))).data();
      int inMask = 0;
      for (int v = 0; v < mask.length; v++) {
        inMask += mask[v] != 0 ? 1 : 0;
        assertFalse(mask[v] != 0 && !finite[v], t.name() + ": voxel " + v + " with a non-finite sample is in the mask");
      }
      assertTrue(inMask > mask.length / 10, t.name() + ": the NaNs did not empty the mask (" + inMask + " voxels)");
      for (DerivativeNames map : ParticipantKernels.defaults().maps(t.kind())) {
        if (map == DerivativeNames.MEAN_B0 || map == DerivativeNames.BOLD_MEAN || map == DerivativeNames.BOLD_TSNR) {
          continue; // every-voxel reference maps: NaN where the series has one, by definition (docs/reliability.md)
        }
        float[] values = NiftiReader.read(dir.resolve(map.fileName(t.name()))).data();
        for (int q = 0; q < values.length; q++) {
          assertTrue(Float.isFinite(values[q]), t.name() + " " + map.suffix() + ": value " + q + " is " + values[q]);
        }
      }
      Path table = Path.of(java.net.URI.create(VoxelTable.directory(summary.outputDir(), t.kind())))
          .resolve(t.name() + VoxelTable.FILE_SUFFIX);
      List<Row> rows = spark.read().parquet(table.toString()).collectAsList();
      assertEquals(inMask, rows.size(), "one voxel-table row per mask voxel");
      for (Row row : rows) {
        for (VoxelTable.MetricColumn c : VoxelTable.metricColumns(t.kind())) {
          float x = row.getFloat(row.fieldIndex(c.name()));
          assertTrue(Float.isFinite(x), t.name() + " voxel table: " + c.name() + " = " + x + " at voxel " + row.getAs("voxel"));
        }
      }
    }
  }

  @Test
  void anOutputDirectoryThatCannotBeWrittenStopsTheRunBeforeAnyWork() throws IOException {
    Path file = Files.writeString(tmp.resolve("not-a-directory"), "x");
    Cohort one = BidsCohortReader.read(cohortDir.toString(), new Configuration(),
        new CohortOptions(List.of("01"), CohortOptions.DEFAULT_SITE_COLUMN, CohortOptions.DEFAULT_TASK));
    UserInputException e = assertThrows(UserInputException.class, () -> ParticipantStage.run(spark, one,
        file.resolve("out").toString(), ParticipantKernels.defaults(), 8, false, "test"));
    assertTrue(e.problems().get(0).source().endsWith("not-a-directory/out"), e.getMessage());
    assertTrue(e.getMessage().contains("the output directory is not writable"), e.getMessage());
    UserInputException isFile = assertThrows(UserInputException.class, () -> ParticipantStage.run(spark, one, file.toString(),
        ParticipantKernels.defaults(), 8, false, "test"));
    assertTrue(isFile.getMessage().contains("the output directory is an existing file"), isFile.getMessage());
  }

  @Test
  void failFastStopsAtTheFirstBrokenRunAsAUserError() {
    Cohort two = BidsCohortReader.read(cohortDir.toString(), new Configuration(),
        new CohortOptions(List.of("01", "02"), CohortOptions.DEFAULT_SITE_COLUMN, CohortOptions.DEFAULT_TASK));
    Exception e = assertThrows(Exception.class, () -> ParticipantStage.run(spark, two, tmp.resolve("fast").toString(),
        ParticipantKernels.defaults(), 8, true, "test"));
    UserInputException user = null;
    for (Throwable c = e; c != null && user == null; c = c.getCause()) {
      user = c instanceof UserInputException u ? u : null;
    }
    assertNotNull(user, "the Spark failure carries the user error the CLI prints (exit 1): " + e);
    assertTrue(user.problems().get(0).source().endsWith("sub-02_dwi.nii"), user.getMessage());
    assertEquals("data", user.problems().get(0).field());
    // cohort-level input problems stop a fail-fast run before any Spark work
    Cohort withInputProblem = BidsCohortReader.read(cohortDir.toString(), new Configuration(), CohortOptions.defaults());
    UserInputException input = assertThrows(UserInputException.class, () -> ParticipantStage.run(spark, withInputProblem,
        tmp.resolve("fast2").toString(), ParticipantKernels.defaults(), 8, true, "test"));
    assertTrue(input.getMessage().contains("sub-16 has data but no row in participants.tsv"), input.getMessage());
  }
}
