package org.voxelspark.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.voxelspark.geometry.VoxelLayout;
import org.voxelspark.nifti.NiftiDatatype;
import org.voxelspark.nifti.NiftiHeader;
import org.voxelspark.nifti.NiftiReader;
import org.voxelspark.nifti.NiftiWriter;
import org.voxelspark.nifti.SeekableSource;

/**
 * Reading a 100 MB int16 4D NIfTI (96×96×60×90, BOLD-like values) into float32, against the floors:
 * a plain NIO read of the same bytes, and gunzip of the compressed file with no conversion.
 * Single-shot: each operation reads the whole file once (from the page cache after the first).
 *
 * <pre>java -jar deploy/bench/target/voxelspark-benchmarks.jar NiftiReadBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgs = {"-Xmx3g"})
@Warmup(iterations = 2)
@Measurement(iterations = 5)
public class NiftiReadBenchmark {
  private Path dir;
  private Path nii;
  private Path gz;

  @Setup(Level.Trial)
  public void write() throws IOException {
    dir = Files.createTempDirectory("nifti-bench");
    int nx = 96;
    int ny = 96;
    int nz = 60;
    int nt = 90;
    NiftiHeader h = NiftiHeader.builder(nx, ny, nz, nt).datatype(NiftiDatatype.INT16).repetitionTimeSeconds(2).build();
    float[] data = new float[nx * ny * nz * nt];
    SplittableRandom rnd = new SplittableRandom(1);
    int v = nx * ny * nz;
    for (int q = 0; q < v; q++) {
      double base = (q % nx > 10 && q % nx < 86) ? 1000 : 20;
      for (int t = 0; t < nt; t++) {
        data[t * v + q] = (float) Math.rint(base + 0.02 * base * rnd.nextGaussian());
      }
    }
    nii = dir.resolve("bold.nii");
    gz = dir.resolve("bold.nii.gz");
    NiftiWriter.write(h, data, nii);
    NiftiWriter.write(h, data, gz);
  }

  @TearDown(Level.Trial)
  public void clean() throws IOException {
    Files.deleteIfExists(nii);
    Files.deleteIfExists(gz);
    Files.deleteIfExists(dir);
  }

  @Benchmark
  public float[] readNii() {
    return NiftiReader.read(nii, VoxelLayout.VOLUME_MAJOR).data();
  }

  @Benchmark
  public float[] readNiiVoxelMajor() {
    return NiftiReader.read(nii, VoxelLayout.VOXEL_MAJOR).data();
  }

  /** What hdfs:// and file: inputs of the participant stage use for a .nii: positioned reads per z-slab. */
  @Benchmark
  public float[] readNiiBySlabsVoxelMajor() throws IOException {
    try (SeekableSource src = SeekableSource.of(nii)) {
      return NiftiReader.readBySlabs(src, VoxelLayout.VOXEL_MAJOR, NiftiReader.DEFAULT_SLAB_BYTES).data();
    }
  }

  @Benchmark
  public float[] readNiiBySlabs() throws IOException {
    try (SeekableSource src = SeekableSource.of(nii)) {
      return NiftiReader.readBySlabs(src, VoxelLayout.VOLUME_MAJOR, NiftiReader.DEFAULT_SLAB_BYTES).data();
    }
  }

  /** The run manifest's content hash of the stored .nii.gz (SHA-256 of its bytes, as ContentHash.ofFile). */
  @Benchmark
  public byte[] sha256NiiGz() throws Exception {
    java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
    byte[] buf = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(gz)) {
      for (int r; (r = in.read(buf)) > 0; ) {
        md.update(buf, 0, r);
      }
    }
    return md.digest();
  }

  @Benchmark
  public float[] readNiiGz() {
    return NiftiReader.read(gz, VoxelLayout.VOLUME_MAJOR).data();
  }

  /** Floor: the bytes of the .nii into memory with one NIO read, no conversion. */
  @Benchmark
  public ByteBuffer floorNioRead() throws IOException {
    try (FileChannel ch = FileChannel.open(nii, StandardOpenOption.READ)) {
      ByteBuffer b = ByteBuffer.allocate((int) ch.size());
      while (b.hasRemaining() && ch.read(b) >= 0) {
        // read all
      }
      return b;
    }
  }

  /** Floor: inflate the .nii.gz, discarding the bytes. */
  @Benchmark
  public long floorGunzip() throws IOException {
    long n = 0;
    byte[] buf = new byte[1 << 16];
    try (InputStream in = new GZIPInputStream(Files.newInputStream(gz), 1 << 16)) {
      int r;
      while ((r = in.read(buf)) > 0) {
        n += r;
      }
    }
    return n;
  }
}
