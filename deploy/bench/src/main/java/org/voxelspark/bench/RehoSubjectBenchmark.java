package org.voxelspark.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.voxelspark.geometry.Block;
import org.voxelspark.geometry.BlockGrid;
import org.voxelspark.geometry.Box;
import org.voxelspark.geometry.VoxelLayout;
import org.voxelspark.kernel.BlockKernel;
import org.voxelspark.kernel.CompositeKernel;
import org.voxelspark.kernel.MaskKernel;
import org.voxelspark.kernel.PrecomputedKernel;
import org.voxelspark.kernel.TemporalStatisticsKernel;
import org.voxelspark.nifti.NiftiDatatype;
import org.voxelspark.nifti.NiftiHeader;
import org.voxelspark.nifti.NiftiImage;
import org.voxelspark.nifti.NiftiReader;
import org.voxelspark.nifti.NiftiWriter;
import org.voxelspark.qc.BrainMask;
import org.voxelspark.qc.MaskNormalisation;
import org.voxelspark.qc.TemporalStatistics;
import org.voxelspark.reho.AlffKernel;
import org.voxelspark.reho.Neighbourhood;
import org.voxelspark.reho.RehoKernel;
import org.voxelspark.reho.RehoPreset;
import org.voxelspark.signal.GaussianSmoothing;

/**
 * One BOLD subject end to end on one core, as a participant-stage executor processes a run, without
 * Spark's scheduling: read the {@code .nii.gz} voxel-major; temporal statistics and the Otsu brain
 * mask of the whole image; blocks of 32³ with a halo of 1 through the stage's composite kernel (the
 * mean, SD, tSNR copied from that pass; ReHo nn27 DPABI; ALFF/fALFF DPABI; mask); reassemble; write the stage's 15 BOLD maps as
 * {@code .nii.gz} (boldref, tSNR, ReHo, mReHo, zReHo, ALFF, mALFF, zALFF, fALFF, mfALFF, zfALFF,
 * mask, sReHo, smReHo, szReHo at 4 mm) — against {@link #readOnly} of the same file, the floor.
 * The same kernels and order as {@code ParticipantKernels}/{@code ParticipantFunctions} with the
 * default options; the Spark path adds task scheduling and a shuffle of the block results.
 *
 * <pre>java -jar deploy/bench/target/voxelspark-benchmarks.jar RehoSubjectBenchmark [-p bold=FILE]</pre>
 * Default input: the reference data's studyforrest run ({@code -Dvoxelspark.shared.data=DIR}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgs = {"-Xmx3g"})
@Warmup(iterations = 2)
@Measurement(iterations = 5)
public class RehoSubjectBenchmark {
  /** Block edge of the participant stage's default grid. */
  static final int BLOCK = 32;

  /** The BOLD run; empty for the studyforrest reference run. */
  @Param({""})
  public String bold;

  private Path input;
  private Path outDir;
  private double tr;

  @Setup
  public void setUp() throws IOException {
    input = bold.isEmpty()
        ? Paths.get(System.getProperty("voxelspark.shared.data", "../shared/data")).resolve("func/studyforrest/bold.nii.gz")
        : Paths.get(bold);
    if (!Files.exists(input)) {
      throw new IllegalStateException("BOLD input not found at " + input + ": pass -Dvoxelspark.shared.data=DIR or -p bold=FILE");
    }
    tr = NiftiReader.readHeader(input).repetitionTimeSeconds();
    if (Double.isNaN(tr)) {
      tr = 2.0;
    }
    outDir = Files.createTempDirectory("voxelspark-bench-");
  }

  @TearDown
  public void tearDown() throws IOException {
    try (var files = Files.list(outDir)) {
      for (Path p : files.toList()) {
        Files.delete(p);
      }
    }
    Files.delete(outDir);
  }

  @Benchmark
  public NiftiImage readOnly() {
    return NiftiReader.read(input, VoxelLayout.VOXEL_MAJOR);
  }

  @Benchmark
  public long wholeSubject() {
    NiftiImage image = NiftiReader.read(input, VoxelLayout.VOXEL_MAJOR);
    NiftiHeader h = image.header();
    int nx = h.nx();
    int ny = h.ny();
    int nz = h.nz();
    int nt = h.nt();
    int voxels = nx * ny * nz;
    // the stage's mask: Otsu of the temporal mean, non-constant series
    Box whole = Box.of(nx, ny, nz);
    float[] stats = new float[voxels * TemporalStatistics.CHANNELS];
    new TemporalStatisticsKernel(null, false).compute(image.data(), nt, whole, whole, null, stats);
    float[] mean = new float[voxels];
    float[] sd = new float[voxels];
    for (int v = 0; v < voxels; v++) {
      mean[v] = stats[v * 3 + TemporalStatistics.CHANNEL_MEAN];
      sd[v] = stats[v * 3 + TemporalStatistics.CHANNEL_SD];
    }
    boolean[] mask = BrainMask.fromReference(mean, sd);
    BlockKernel kernel = new CompositeKernel(List.of(new PrecomputedKernel(stats, TemporalStatistics.CHANNELS, nx, ny, nz),
        new RehoKernel(RehoPreset.DPABI, Neighbourhood.NN27, nx, ny, nz), new AlffKernel(tr, 0.01, 0.08), new MaskKernel()));
    int channels = kernel.channels();
    float[] values = new float[voxels * channels];
    for (Block b : BlockGrid.regular(nx, ny, nz, BLOCK, BLOCK, BLOCK, kernel.halo()).blocks()) {
      float[] series = BlockGrid.extract(image.data(), nx, ny, nz, nt, VoxelLayout.VOXEL_MAJOR, b.halo(), VoxelLayout.VOXEL_MAJOR);
      float[] out = new float[b.core().voxelCount() * channels];
      kernel.compute(series, nt, b.halo(), b.core(), BlockGrid.extractMask(mask, nx, ny, nz, b.halo()), out);
      BlockGrid.insert(out, b.core(), b.core(), channels, VoxelLayout.VOXEL_MAJOR, values, nx, ny, nz, VoxelLayout.VOXEL_MAJOR);
    }
    float[] reho = channel(values, channels, 3);
    float[] alff = channel(values, channels, 4);
    float[] falff = channel(values, channels, 5);
    List<float[]> maps = new ArrayList<>(List.of(channel(values, channels, 0), channel(values, channels, 2), reho,
        MaskNormalisation.meanScaled(reho, mask), MaskNormalisation.zScored(reho, mask), alff,
        MaskNormalisation.meanScaled(alff, mask), MaskNormalisation.zScored(alff, mask), falff,
        MaskNormalisation.meanScaled(falff, mask), MaskNormalisation.zScored(falff, mask)));
    double[] vox = {h.affine().columnNorm(0), h.affine().columnNorm(1), h.affine().columnNorm(2)};
    GaussianSmoothing smoothing = new GaussianSmoothing(GaussianSmoothing.DEFAULT_FWHM_MM, vox);
    for (int q = 2; q <= 4; q++) {
      maps.add(smoothing.apply(maps.get(q), nx, ny, nz));
    }
    long bytes = 0;
    NiftiHeader outHeader = NiftiHeader.builder(h.geometry(), 1).datatype(NiftiDatatype.FLOAT32).build();
    for (int q = 0; q < maps.size(); q++) {
      bytes += write(outHeader, maps.get(q), "map" + q + ".nii.gz");
    }
    bytes += write(NiftiHeader.builder(h.geometry(), 1).datatype(NiftiDatatype.UINT8).build(), channel(values, channels, 6),
        "mask.nii.gz");
    return bytes;
  }

  private long write(NiftiHeader header, float[] data, String name) {
    Path file = outDir.resolve(name);
    NiftiWriter.write(header, data, file);
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static float[] channel(float[] values, int channels, int c) {
    float[] out = new float[values.length / channels];
    for (int v = 0; v < out.length; v++) {
      out[v] = values[v * channels + c];
    }
    return out;
  }
}
