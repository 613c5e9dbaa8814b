package org.voxelspark.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
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
import org.openjdk.jmh.annotations.Warmup;
import org.voxelspark.geometry.VoxelLayout;
import org.voxelspark.nifti.NiftiImage;
import org.voxelspark.nifti.NiftiReader;
import org.voxelspark.reho.AlffConvention;
import org.voxelspark.reho.AlffKernel;
import org.voxelspark.reho.Neighbourhood;
import org.voxelspark.reho.RehoKernel;
import org.voxelspark.reho.RehoPreset;

/**
 * ReHo and ALFF on the real studyforrest run (80×80×35×156 int16, 50 691 mask voxels), whole volume
 * per operation, one thread. Needs the reference data: {@code -Dvoxelspark.shared.data=DIR}
 * (default {@code ../shared/data}); or another run and mask with {@code -p bold=FILE -p mask=FILE}
 * (TR from its header).
 *
 * <pre>java -jar deploy/bench/target/voxelspark-benchmarks.jar RehoBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgs = {"-Xmx3g"})
@Warmup(iterations = 2)
@Measurement(iterations = 5)
public class RehoBenchmark {
  @Param({"DPABI", "AFNI"})
  public String preset;

  /** BOLD run and its mask; empty for the studyforrest reference run. */
  @Param({""})
  public String boldFile;

  @Param({""})
  public String maskFile;

  private NiftiImage bold;
  private boolean[] mask;
  private double tr;

  @Setup
  public void read() {
    Path data = Paths.get(System.getProperty("voxelspark.shared.data", "../shared/data"));
    Path run = boldFile.isEmpty() ? data.resolve("func/studyforrest/bold.nii.gz") : Paths.get(boldFile);
    Path maskPath = maskFile.isEmpty() ? data.resolve("func/studyforrest/mask.nii.gz") : Paths.get(maskFile);
    if (!Files.exists(run) || !Files.exists(maskPath)) {
      throw new IllegalStateException("input not found at " + run + " / " + maskPath
          + ": pass -Dvoxelspark.shared.data=DIR or -p boldFile=FILE -p maskFile=FILE");
    }
    bold = NiftiReader.read(run, VoxelLayout.VOXEL_MAJOR);
    tr = Double.isNaN(bold.header().repetitionTimeSeconds()) ? 2.0 : bold.header().repetitionTimeSeconds();
    float[] m = NiftiReader.read(maskPath).data();
    mask = new boolean[m.length];
    for (int q = 0; q < m.length; q++) {
      mask[q] = m[q] != 0;
    }
  }

  @Benchmark
  public float[] rehoNn27() {
    var h = bold.header();
    return new RehoKernel(RehoPreset.valueOf(preset), Neighbourhood.NN27, h.nx(), h.ny(), h.nz())
        .computeVolume(bold.data(), h.nt(), mask);
  }

  @Benchmark
  public float[] alff() {
    var h = bold.header();
    return new AlffKernel(AlffConvention.DPABI, tr, 0.01, 0.08).computeVolume(bold.data(), h.nt(), h.nx(), h.ny(), h.nz(), mask);
  }

  @Benchmark
  public float[] alffCpac() {
    var h = bold.header();
    return new AlffKernel(AlffConvention.CPAC, tr, 0.01, 0.08).computeVolume(bold.data(), h.nt(), h.nx(), h.ny(), h.nz(), mask);
  }
}
