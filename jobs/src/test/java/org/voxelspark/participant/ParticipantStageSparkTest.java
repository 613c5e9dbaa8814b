package org.voxelspark.participant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.voxelspark.cohort.BidsCohortReader;
import org.voxelspark.cohort.Cohort;
import org.voxelspark.cohort.CohortOptions;
import org.voxelspark.geometry.Box;
import org.voxelspark.geometry.VoxelLayout;
import org.voxelspark.io.SerializableConfiguration;
import org.voxelspark.kernel.BlockKernel;
import org.voxelspark.nifti.NiftiImage;
import org.voxelspark.nifti.NiftiReader;
import org.voxelspark.sample.SampleCohortGenerator;
import org.voxelspark.sample.SampleCohortSpec;
import org.voxelspark.spark.SparkTestSession;

/**
 * The participant stage on the sample cohort (TINY scale), in local Spark: blocks reassemble to
 * the input exactly, the maps equal the kernel run on the whole volume bit for bit for block sizes
 * that do and do not divide the volume, and a broken subject is recorded while the others finish.
 */
class ParticipantStageSparkTest {
  @TempDir static Path tmp;
  static Path cohortDir;
  static Cohort cohort;
  static SparkSession spark;
  static final ParticipantKernels KERNELS = ParticipantKernels.defaults();

  @BeforeAll
  static void cohort() {
    spark = SparkTestSession.get();
    cohortDir = tmp.resolve("cohort");
    SampleCohortGenerator.generate(cohortDir, new SampleCohortSpec(5,
        List.of(new SampleCohortSpec.SiteSpec("A", 2), new SampleCohortSpec.SiteSpec("B", 1), new SampleCohortSpec.SiteSpec("C", 2)),
        SampleCohortSpec.Scale.TINY));
    cohort = BidsCohortReader.read(cohortDir.toString(), new Configuration(), CohortOptions.defaults());
  }

  /** Copies each core voxel's whole series: the output is the input itself. */
  record Identity(int nt) implements BlockKernel {
    @Override
    public int halo() {
      return 1;
    }

    @Override
    public int channels() {
      return nt;
    }

    @Override
    public void compute(float[] series, int n, Box halo, Box core, boolean[] mask, float[] out) {
      for (int k = core.k0(); k < core.k1(); k++) {
        for (int j = core.j0(); j < core.j1(); j++) {
          for (int i = core.i0(); i < core.i1(); i++) {
            System.arraycopy(series, halo.localIndex(i, j, k) * n, out, core.localIndex(i, j, k) * n, n);
          }
        }
      }
    }
  }

  @Test
  void blocksReassembleEveryRunExactly() {
    List<RunTask> tasks = ParticipantStage.tasks(cohort, tmp.resolve("unused").toString());
    assertEquals(10, tasks.size(), "5 subjects × (DWI + BOLD)");
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    SerializableConfiguration conf = new SerializableConfiguration(spark.sparkContext().hadoopConfiguration());
    for (int blockSize : new int[] {5, 8}) { // 8 divides 16 and 24 but not 20, 19, 14, 12; 5 divides 20 only
      List<AssembledRun> runs = ParticipantFunctions.assemble(ParticipantFunctions.computeBlocks(jsc.parallelize(tasks, 3),
          (task, image, c) -> new RunPlan(new Identity(image.header().nt()), null), blockSize, conf, true), 2, conf).collect();
      assertEquals(tasks.size(), runs.size());
      for (AssembledRun r : runs) {
        assertFalse(r.failed(), r.problems().toString());
        // the identity kernel's channels are the volumes: the assembled run, channel-major, is the image volume-major
        NiftiImage whole = NiftiReader.read(Path.of(java.net.URI.create(r.task().nifti())), VoxelLayout.VOLUME_MAJOR);
        assertArrayEquals(whole.data(), r.values(), r.task().name() + " block size " + blockSize);
        assertTrue(r.blocks() > 1, "cut into several blocks");
      }
    }
  }

  @Test
  void mapsEqualTheKernelOnTheWholeVolumeAndABrokenSubjectIsRecorded() throws IOException {
    // break sub-02 BOLD (truncated upload) and sub-4's bval (one value missing) in a copy
    Path broken = tmp.resolve("broken");
    copyTree(cohortDir, broken);
    Path bold = broken.resolve("sub-02/func/sub-02_task-rest_bold.nii.gz");
    byte[] b = Files.readAllBytes(bold);
    Files.write(bold, Arrays.copyOf(b, b.length / 2));
    Path bval = broken.resolve("sub-04/dwi/sub-04_dwi.bval");
    String text = Files.readString(bval).trim();
    Files.writeString(bval, text.substring(0, text.lastIndexOf(' ')) + "\n");
    Cohort c = BidsCohortReader.read(broken.toString(), new Configuration(), CohortOptions.defaults());
    for (int blockSize : new int[] {6, 32}) {
      Path out = tmp.resolve("out" + blockSize);
      ParticipantStage.Summary s = ParticipantStage.run(spark, c, out.toString(), KERNELS, blockSize, false, "test");
      assertEquals(8, s.succeededRuns(), "all but the two broken runs");
      List<String> failures = Files.readAllLines(out.resolve(ParticipantStage.FAILURES_TSV));
      assertEquals("subject\tstage\terror_class\tmessage", failures.get(0));
      assertEquals(3, failures.size(), failures.toString());
      assertTrue(failures.get(1).startsWith("sub-02\tparticipant:bold\tUserInputException\t") && failures.get(1).contains("truncated"),
          failures.get(1));
      assertTrue(failures.get(2).startsWith("sub-04\tparticipant:dwi\tUserInputException\t") && failures.get(2).contains(".bval: count"),
          failures.get(2));
      // every map equals the kernel on the whole volume, bit for bit
      for (RunResult r : s.runs()) {
        if (!r.succeeded()) {
          continue;
        }
        RunTask t = r.task();
        NiftiImage input = NiftiReader.read(Path.of(java.net.URI.create(t.nifti())), VoxelLayout.VOXEL_MAJOR);
        RunPlan plan = KERNELS.plan(t, input, new Configuration());
        int inMask = 0;
        for (boolean b2 : plan.mask()) {
          inMask += b2 ? 1 : 0;
        }
        assertTrue(inMask > plan.mask().length / 10 && inMask < plan.mask().length * 9 / 10,
            t.name() + ": a brain mask neither empty nor everything (" + inMask + " of " + plan.mask().length + ")");
        Box whole = Box.of(input.header().nx(), input.header().ny(), input.header().nz());
        int channels = plan.kernel().channels();
        float[] expected = new float[whole.voxelCount() * channels];
        plan.kernel().compute(input.data(), input.header().nt(), whole, whole, plan.mask(), expected);
        for (DerivativeNames map : DerivativeNames.of(t.kind())) {
          Path file = Path.of(java.net.URI.create(t.outputDir())).resolve(map.fileName(t.name()));
          assertTrue(Files.isRegularFile(file.resolveSibling(file.getFileName().toString().replace(".nii.gz", ".json"))));
          NiftiImage written = NiftiReader.read(file);
          assertTrue(written.header().affine().approximatelyEquals(input.header().affine(), 1e-4), "same grid");
          int count = map.channelCount();
          float[] exp = new float[whole.voxelCount() * count];
          for (int q = 0; q < count; q++) {
            for (int v = 0; v < whole.voxelCount(); v++) {
              exp[q * whole.voxelCount() + v] = expected[v * channels + map.channel() + q];
            }
          }
          if (map.normalisation() == DerivativeNames.Normalisation.FSL_TO_WORLD
              || map.normalisation() == DerivativeNames.Normalisation.COLOUR_FA) {
            // derived from the V1 channels checked above; V1 in world space is compared with the tools' V1world maps in TensorGoldenTest
            assertEquals(whole.voxelCount() * 3, written.data().length, map.suffix());
            continue;
          }
          assertEquals(count, written.header().nt(), map.suffix() + " volumes");
          if (map.normalisation() != DerivativeNames.Normalisation.NONE) {
            boolean[] m = new boolean[whole.voxelCount()];
            for (int v = 0; v < m.length; v++) {
              m[v] = expected[v * channels + DerivativeNames.maskChannel(t.kind())] != 0;
            }
            exp = map.normalisation() == DerivativeNames.Normalisation.MEAN_SCALED
                ? org.voxelspark.qc.MaskNormalisation.meanScaled(exp, m) : org.voxelspark.qc.MaskNormalisation.zScored(exp, m);
          }
          assertArrayEquals(exp, written.data(), t.name() + " " + map.suffix() + " block size " + blockSize);
        }
      }
      try (Stream<Path> files = Files.walk(out)) {
        assertFalse(files.anyMatch(p -> p.getFileName().toString().startsWith("._tmp") || p.toString().endsWith(".crc")),
            "no temporary or checksum side file left");
      }
      assertTrue(Files.readString(out.resolve("dataset_description.json")).contains("\"DatasetType\" : \"derivative\""));
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    List<Path> all = new ArrayList<>();
    try (Stream<Path> s = Files.walk(from)) {
      s.forEach(all::add);
    }
    for (Path p : all) {
      Path target = to.resolve(from.relativize(p).toString());
      if (Files.isDirectory(p)) {
        Files.createDirectories(target);
      } else {
        Files.copy(p, target);
      }
    }
  }
}
