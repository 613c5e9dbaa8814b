package org.voxelspark.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import org.voxelspark.dti.GradientTable;
import org.voxelspark.dti.TensorConventions;
import org.voxelspark.dti.TensorFitMethod;
import org.voxelspark.dti.TensorFitter;
import org.voxelspark.dti.TensorKernel;
import org.voxelspark.dti.TensorModel;
import org.voxelspark.geometry.Block;
import org.voxelspark.geometry.BlockGrid;
import org.voxelspark.geometry.Box;
import org.voxelspark.geometry.VoxelLayout;
import org.voxelspark.kernel.BlockKernel;
import org.voxelspark.kernel.CompositeKernel;
import org.voxelspark.kernel.MaskKernel;
import org.voxelspark.kernel.TemporalStatisticsKernel;
import org.voxelspark.nifti.NiftiDatatype;
import org.voxelspark.nifti.NiftiHeader;
import org.voxelspark.nifti.NiftiImage;
import org.voxelspark.nifti.NiftiReader;
import org.voxelspark.nifti.NiftiWriter;
import org.voxelspark.qc.MedianOtsu;
import org.voxelspark.qc.TemporalStatistics;

/**
 * The whole-subject DTI figures of {@code docs/benchmarks.md}, single thread, and the input they
 * need.
 *
 * <pre>
 * java -cp voxelspark-benchmarks.jar org.voxelspark.bench.DtiWholeSubject tile SRC_DWI_DIR OUT_DIR [NX NY NZ VOLUMES]
 * java -cp voxelspark-benchmarks.jar org.voxelspark.bench.DtiWholeSubject subject DWI_DIR OUT_DIR [METHOD] [REPEATS]
 * java -cp voxelspark-benchmarks.jar org.voxelspark.bench.DtiWholeSubject kernel DWI_DIR [METHOD] [REPEATS]
 * </pre>
 *
 * <p><b>tile</b> builds a whole-brain-size scan from a real one (default 102×104×63 × 68 volumes,
 * the issue's reference shape, from {@code ../shared/data/dwi/canon_ax_ortho}): the volume is
 * mirrored about its faces until it fills the grid (so the field of view holds brain and background
 * in about the proportions of a real head scan), and the 68 volumes are 4 b0 volumes (every 17th)
 * and 64 diffusion-weighted volumes cycling through the source's, with their b-values and
 * directions. Written as int16 {@code dwi.nii.gz} (gzip level 6) with {@code dwi.bval}/{@code dwi.bvec}.
 *
 * <p>Times are the CPU time of the measuring thread ({@link java.lang.management.ThreadMXBean}),
 * not wall time: the machine is shared, and under load a thread's wall time counts the time it
 * waits for a core (the JIT compiler and the garbage collector run in other threads and are not
 * counted). Wall times are printed beside them.
 *
 * <p><b>subject</b> times, each the best of REPEATS (default 3) runs: (a) only decompressing the
 * {@code .nii.gz} (bytes discarded); (b) reading it into a voxel-major float32 series (the
 * participant stage's read); then what the participant stage does after reading, without Spark:
 * (c) the mean b0 and DIPY's median_otsu mask of it; (d) the kernels of the DWI plan (b0
 * statistics, mask, tensor fit) over 32³ blocks, extracted and reassembled as the stage does;
 * (e) writing the 12 maps of a DWI run as gzip NIfTI at the participant stage's level ({@link NiftiWriter#MAP_GZIP_LEVEL}) (24 float volumes, a uint8 mask and an RGB
 * colour-FA). It prints each phase and the ratio of (b..e) to (b) and to (a).
 *
 * <p><b>kernel</b> times the tensor fit alone over the brain-mask voxels of the scan (read once),
 * and over all its voxels, in batches as {@code TensorKernel} fits them, in voxels per second, for
 * comparison with DIPY and MRtrix run on the same file (run the JVM with
 * {@code --add-modules jdk.incubator.vector} for the Vector API implementation; the line names it).
 */
public final class DtiWholeSubject {
  private DtiWholeSubject() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 2) {
      throw new IllegalArgumentException("usage: tile SRC OUT [NX NY NZ VOLUMES] | subject DWI_DIR OUT [METHOD] [REPEATS]"
          + " | kernel DWI_DIR [METHOD] [REPEATS]");
    }
    switch (args[0]) {
      case "tile" -> tile(Paths.get(args[1]), Paths.get(args[2]), args.length > 6 ? new int[] {Integer.parseInt(args[3]),
          Integer.parseInt(args[4]), Integer.parseInt(args[5]), Integer.parseInt(args[6])} : new int[] {102, 104, 63, 68});
      case "subject" -> subject(Paths.get(args[1]), Paths.get(args[2]), args.length > 3 ? TensorFitMethod.valueOf(args[3]) : TensorFitMethod.WLS,
          args.length > 4 ? Integer.parseInt(args[4]) : 3);
      case "kernel" -> kernel(Paths.get(args[1]), args.length > 2 ? TensorFitMethod.valueOf(args[2]) : TensorFitMethod.WLS,
          args.length > 3 ? Integer.parseInt(args[3]) : 3);
      default -> throw new IllegalArgumentException("unknown command " + args[0]);
    }
  }

  static void tile(Path src, Path out, int[] shape) throws IOException {
    NiftiImage in = NiftiReader.read(src.resolve("dwi.nii.gz"), VoxelLayout.VOLUME_MAJOR);
    NiftiHeader h = in.header();
    int sx = h.nx();
    int sy = h.ny();
    int sz = h.nz();
    int snt = h.nt();
    String[] bvals = Files.readString(src.resolve("dwi.bval")).trim().split("\\s+");
    String[] bvecRows = Files.readString(src.resolve("dwi.bvec")).trim().split("\\R");
    String[][] bvecs = new String[3][];
    for (int c = 0; c < 3; c++) {
      bvecs[c] = bvecRows[c].trim().split("\\s+");
    }
    List<Integer> b0 = new ArrayList<>();
    List<Integer> dw = new ArrayList<>();
    for (int q = 0; q < snt; q++) {
      (Double.parseDouble(bvals[q]) <= GradientTable.DEFAULT_B0_THRESHOLD ? b0 : dw).add(q);
    }
    int nx = shape[0];
    int ny = shape[1];
    int nz = shape[2];
    int nt = shape[3];
    int[] source = new int[nt];
    int d = 0;
    int z = 0;
    for (int v = 0; v < nt; v++) {
      source[v] = v % 17 == 0 ? b0.get(z++ % b0.size()) : dw.get(d++ % dw.size());
    }
    long voxels = (long) nx * ny * nz;
    float[] data = new float[Math.toIntExact(voxels * nt)];
    for (int v = 0; v < nt; v++) {
      int from = source[v] * sx * sy * sz;
      int to = (int) (v * voxels);
      for (int k = 0; k < nz; k++) {
        int kk = mirror(k, sz);
        for (int j = 0; j < ny; j++) {
          int jj = mirror(j, sy);
          for (int i = 0; i < nx; i++) {
            data[to + i + nx * (j + ny * k)] = in.data()[from + mirror(i, sx) + sx * (jj + sy * kk)];
          }
        }
      }
    }
    NiftiHeader th = NiftiHeader.builder(nx, ny, nz, nt).affine(h.affine(), NiftiHeader.XFORM_SCANNER_ANAT)
        .datatype(NiftiDatatype.INT16).description("voxelspark bench: " + src.getFileName() + " mirrored to " + nx + "x" + ny
            + "x" + nz + "x" + nt).build();
    Files.createDirectories(out);
    NiftiWriter.write(th, data, out.resolve("dwi.nii.gz"));
    StringBuilder bval = new StringBuilder();
    StringBuilder[] bvec = {new StringBuilder(), new StringBuilder(), new StringBuilder()};
    for (int v = 0; v < nt; v++) {
      bval.append(v == 0 ? "" : " ").append(bvals[source[v]]);
      for (int c = 0; c < 3; c++) {
        bvec[c].append(v == 0 ? "" : " ").append(bvecs[c][source[v]]);
      }
    }
    Files.writeString(out.resolve("dwi.bval"), bval + "\n");
    Files.writeString(out.resolve("dwi.bvec"), bvec[0] + "\n" + bvec[1] + "\n" + bvec[2] + "\n");
    System.out.printf(Locale.ROOT, "wrote %s: %dx%dx%d x %d volumes (%d b0), %.1f MB int16, %.1f MB gzip%n", out.resolve("dwi.nii.gz"),
        nx, ny, nz, nt, z, voxels * nt * 2 / 1e6, Files.size(out.resolve("dwi.nii.gz")) / 1e6);
  }

  /** Index x of a grid of n mirrored about its faces (edge voxel repeated), for any x ≥ 0. */
  private static int mirror(int x, int n) {
    int m = x % (2 * n);
    return m < n ? m : 2 * n - 1 - m;
  }

  record Loaded(NiftiImage image, GradientTable table) {}

  static Loaded load(Path dir) throws IOException {
    NiftiImage image = NiftiReader.read(dir.resolve("dwi.nii.gz"), VoxelLayout.VOXEL_MAJOR);
    GradientTable g = GradientTable.parse(Files.readString(dir.resolve("dwi.bval")), "bval", Files.readString(dir.resolve("dwi.bvec")),
        "bvec", image.header().nt(), GradientTable.DEFAULT_B0_THRESHOLD);
    return new Loaded(image, g);
  }

  static boolean[] mask(NiftiImage image, GradientTable g) {
    NiftiHeader h = image.header();
    Box whole = Box.of(h.nx(), h.ny(), h.nz());
    float[] stats = new float[whole.voxelCount() * TemporalStatistics.CHANNELS];
    new TemporalStatisticsKernel(g.b0Volumes(), false).compute(image.data(), h.nt(), whole, whole, null, stats);
    float[] mean = new float[whole.voxelCount()];
    for (int v = 0; v < mean.length; v++) {
      mean[v] = stats[v * TemporalStatistics.CHANNELS + TemporalStatistics.CHANNEL_MEAN];
    }
    return MedianOtsu.mask(mean, h.nx(), h.ny(), h.nz(), 4, 4);
  }

  static void subject(Path dir, Path out, TensorFitMethod method, int repeats) throws IOException {
    Path file = dir.resolve("dwi.nii.gz");
    double[] t = new double[5];
    double[] wall = new double[5];
    Arrays.fill(t, Double.MAX_VALUE);
    Arrays.fill(wall, Double.MAX_VALUE);
    int maskVoxels = 0;
    int voxels = 0;
    for (int r = 0; r < repeats; r++) {
      long[] w = new long[6];
      w[0] = System.nanoTime();
      long t0 = cpu();
      long bytes = gunzip(file);
      long t1 = cpu();
      w[1] = System.nanoTime();
      Loaded in = load(dir);
      long t2 = cpu();
      w[2] = System.nanoTime();
      boolean[] mask = mask(in.image(), in.table());
      long t3 = cpu();
      w[3] = System.nanoTime();
      NiftiHeader h = in.image().header();
      BlockKernel kernel = new CompositeKernel(List.of(new TemporalStatisticsKernel(in.table().b0Volumes(), false), new MaskKernel(),
          new TensorKernel(new TensorModel(in.table(), TensorModel.Settings.of(TensorConventions.DIPY, method)))));
      float[] values = blocks(in.image(), kernel, mask, 32);
      long t4 = cpu();
      w[4] = System.nanoTime();
      writeMaps(out, h, values, kernel.channels());
      long t5 = cpu();
      w[5] = System.nanoTime();
      long[] ts = {t0, t1, t2, t3, t4, t5};
      for (int p = 0; p < 5; p++) {
        t[p] = Math.min(t[p], (ts[p + 1] - ts[p]) / 1e9);
        wall[p] = Math.min(wall[p], (w[p + 1] - w[p]) / 1e9);
      }
      voxels = mask.length;
      maskVoxels = 0;
      for (boolean m : mask) {
        maskVoxels += m ? 1 : 0;
      }
      if (r == 0) {
        System.out.printf(Locale.ROOT, "%s: %dx%dx%d x %d, %.1f MB decompressed, %d of %d voxels in the mask%n", file, h.nx(), h.ny(),
            h.nz(), h.nt(), bytes / 1e6, maskVoxels, voxels);
      }
    }
    double total = t[1] + t[2] + t[3] + t[4];
    double totalWall = wall[1] + wall[2] + wall[3] + wall[4];
    System.out.printf(Locale.ROOT, "whole subject, %s, one thread, best of %d, CPU seconds (wall) (load %.2f):%n", method, repeats, load());
    System.out.printf(Locale.ROOT, "  (a) decompress only           %7.3f s (%.3f)%n", t[0], wall[0]);
    System.out.printf(Locale.ROOT, "  (b) read (voxel-major float)  %7.3f s (%.3f)%n", t[1], wall[1]);
    System.out.printf(Locale.ROOT, "  (c) mean b0 + median_otsu     %7.3f s (%.3f)%n", t[2], wall[2]);
    System.out.printf(Locale.ROOT, "  (d) kernels over 32^3 blocks  %7.3f s (%.3f)  %.0f k mask voxels/s%n", t[3], wall[3],
        maskVoxels / t[3] / 1e3);
    System.out.printf(Locale.ROOT, "  (e) write 12 maps (gzip " + NiftiWriter.MAP_GZIP_LEVEL + ")    %7.3f s (%.3f)%n", t[4], wall[4]);
    System.out.printf(Locale.ROOT, "  read -> maps written (b..e)   %7.3f s (%.3f) = %.2f x (b), %.2f x (a)%n", total, totalWall,
        total / t[1], total / t[0]);
  }

  static void kernel(Path dir, TensorFitMethod method, int repeats) throws IOException {
    Loaded in = load(dir);
    boolean[] mask = mask(in.image(), in.table());
    int nt = in.image().header().nt();
    float[] series = in.image().data();
    int[] all = new int[mask.length];
    int[] inMaskOffsets = new int[mask.length];
    int inMask = 0;
    for (int v = 0; v < mask.length; v++) {
      all[v] = v * nt;
      if (mask[v]) {
        inMaskOffsets[inMask++] = v * nt;
      }
    }
    for (TensorConventions conventions : new TensorConventions[] {TensorConventions.DIPY}) {
      TensorFitter fitter = new TensorFitter(new TensorModel(in.table(), TensorModel.Settings.of(conventions, method)));
      double[] out = new double[CHUNK * TensorFitter.OUTPUTS];
      double best = Double.MAX_VALUE;
      double bestAll = Double.MAX_VALUE;
      double sink = 0;
      for (int r = 0; r < repeats + 1; r++) { // the first run warms the JIT up
        long t0 = cpu();
        sink += fitAll(fitter, series, inMaskOffsets, inMask, out);
        long t1 = cpu();
        sink += fitAll(fitter, series, all, all.length, out);
        long t2 = cpu();
        if (r > 0) {
          best = Math.min(best, (t1 - t0) / 1e9);
          bestAll = Math.min(bestAll, (t2 - t1) / 1e9);
        }
      }
      System.out.printf(Locale.ROOT, "kernel %s (%s), one thread, best of %d, CPU time (load %.2f): mask %d voxels %.3f s = %.0f k voxels/s;"
          + " all %d voxels %.3f s = %.0f k voxels/s (checksum %.3f; %s)%n", method, conventions, repeats, load(), inMask, best,
          inMask / best / 1e3, mask.length, bestAll, mask.length / bestAll / 1e3, sink / (repeats + 1), fitter.name());
    }
  }

  /** Voxels per call of the batch fit, as TensorKernel passes them. */
  private static final int CHUNK = 256;

  /** Fits the voxels at offsets[0 .. count) in calls of CHUNK; returns the sum of their FA. */
  private static double fitAll(TensorFitter fitter, float[] series, int[] offsets, int count, double[] out) {
    double sum = 0;
    for (int from = 0; from < count; from += CHUNK) {
      int size = Math.min(CHUNK, count - from);
      fitter.fit(series, offsets, from, size, out, 0);
      for (int b = 0; b < size; b++) {
        sum += out[b * TensorFitter.OUTPUTS + TensorFitter.FA];
      }
    }
    return sum;
  }

  /** What ParticipantFunctions does per run: cut into blocks, compute, reassemble (voxel-major channels). */
  static float[] blocks(NiftiImage image, BlockKernel kernel, boolean[] mask, int blockSize) {
    NiftiHeader h = image.header();
    int nt = h.nt();
    int channels = kernel.channels();
    float[] assembled = new float[(int) h.voxelsPerVolume() * channels];
    BlockGrid grid = BlockGrid.regular(h.nx(), h.ny(), h.nz(), blockSize, blockSize, blockSize, kernel.halo());
    for (Block b : grid.blocks()) {
      float[] halo = BlockGrid.extract(image.data(), h.nx(), h.ny(), h.nz(), nt, VoxelLayout.VOXEL_MAJOR, b.halo(), VoxelLayout.VOXEL_MAJOR);
      float[] values = new float[b.core().voxelCount() * channels];
      kernel.compute(halo, nt, b.halo(), b.core(), BlockGrid.extractMask(mask, h.nx(), h.ny(), h.nz(), b.halo()), values);
      BlockGrid.insert(values, b.core(), b.core(), channels, VoxelLayout.VOXEL_MAJOR, assembled, h.nx(), h.ny(), h.nz(),
          VoxelLayout.VOXEL_MAJOR);
    }
    return assembled;
  }

  /**
   * The 12 maps of a DWI run, as the participant stage writes them (same volumes, datatypes and
   * gzip level): mean b0, mask (uint8), FA, MD, AD, RD, eigenvalues (3), V1 (3), V1 world (3; the
   * image-frame vector stands in for the rotated one, same size), colour FA (RGB24), tensor (6), S0.
   */
  static void writeMaps(Path out, NiftiHeader in, float[] values, int channels) throws IOException {
    Files.createDirectories(out);
    int tensor = 4; // ParticipantKernels.DWI_TENSOR: mean b0, sd, tsnr, mask, then the fitter's outputs
    int[][] maps = {{0, 1}, {3, 1}, {tensor + TensorFitter.FA, 1}, {tensor + TensorFitter.MD, 1}, {tensor + TensorFitter.AD, 1},
        {tensor + TensorFitter.RD, 1}, {tensor + TensorFitter.EVALS, 3}, {tensor + TensorFitter.V1, 3}, {tensor + TensorFitter.V1, 3},
        {tensor + TensorFitter.V1, 3}, {tensor + TensorFitter.TENSOR, 6}, {tensor + TensorFitter.S0, 1}};
    int voxels = (int) in.voxelsPerVolume();
    for (int m = 0; m < maps.length; m++) {
      boolean rgb = m == 9;
      boolean uint8 = m == 1;
      int count = maps[m][1];
      float[] data = new float[voxels * count];
      for (int q = 0; q < count; q++) {
        for (int v = 0; v < voxels; v++) {
          float x = values[v * channels + maps[m][0] + q];
          if (rgb) {
            data[3 * v + q] = Float.isNaN(x) ? 0 : (float) Math.rint(255 * Math.min(1, Math.abs(x))
                * Math.max(0, Math.min(1, values[v * channels + tensor + TensorFitter.FA])));
          } else {
            data[q * voxels + v] = x;
          }
        }
      }
      NiftiHeader h = NiftiHeader.builder(in.geometry(), rgb ? 1 : count).datatype(rgb ? NiftiDatatype.RGB24
          : uint8 ? NiftiDatatype.UINT8 : NiftiDatatype.FLOAT32).build();
      try (OutputStream os = Files.newOutputStream(out.resolve("map" + m + ".nii.gz"))) {
        NiftiWriter.write(h, data, os, true, NiftiWriter.MAP_GZIP_LEVEL);
      }
    }
  }

  static long gunzip(Path file) throws IOException {
    byte[] buf = new byte[1 << 16];
    long total = 0;
    try (InputStream in = new GZIPInputStream(Files.newInputStream(file), 1 << 16)) {
      for (int n; (n = in.read(buf)) > 0; ) {
        total += n;
      }
    }
    return total;
  }

  /** CPU time of the calling thread, ns. */
  static long cpu() {
    return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
  }

  static double load() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }
}
