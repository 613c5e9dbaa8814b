package org.voxelspark.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.voxelspark.stats.design.Contrast;
import org.voxelspark.stats.design.Design;
import org.voxelspark.stats.inference.ExceedanceCounts;
import org.voxelspark.stats.inference.MaxDistribution;
import org.voxelspark.stats.linalg.PackedGemm;
import org.voxelspark.stats.perm.FreedmanLane;
import org.voxelspark.stats.perm.Partition;
import org.voxelspark.stats.perm.PermutationBlock;
import org.voxelspark.stats.perm.ShufflingKind;
import org.voxelspark.stats.perm.ShufflingSet;
import org.voxelspark.stats.perm.Tail;

/**
 * The Freedman–Lane loop at full size on data written by
 * {@code deploy/bench/scripts/freedman_lane_bench.py} (so NumPy runs on the same data): reads
 * {@code shape.txt} ("n p v k"), {@code design.f64} (n×p), {@code data.f64} (n×v subject-major),
 * {@code perms.i32} (k×n source indices, row 0 the identity), all little-endian; runs the t-test of
 * column 1 over every voxel and shuffling on T threads (voxel blocks of B, shuffling chunks of C),
 * writes {@code java_observed.f64}, {@code java_counts.i32}, {@code java_maxz.f64} and prints one JSON
 * line of timings (wall and summed thread CPU time). Not a JMH benchmark: one run of the real size.
 *
 * <pre>java --add-modules jdk.incubator.vector -Xmx6g -cp voxelspark-benchmarks.jar \
 *     org.voxelspark.bench.FreedmanLaneRun DIR [threads=2] [block=16384] [chunk=256]</pre>
 */
public final class FreedmanLaneRun {
  private FreedmanLaneRun() {}

  public static void main(String[] args) throws Exception {
    Path dir = Paths.get(args[0]);
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    int block = args.length > 2 ? Integer.parseInt(args[2]) : 16384;
    int chunk = args.length > 3 ? Integer.parseInt(args[3]) : 256;
    String[] shape = Files.readString(dir.resolve("shape.txt")).trim().split("\\s+");
    int n = Integer.parseInt(shape[0]);
    int p = Integer.parseInt(shape[1]);
    int v = Integer.parseInt(shape[2]);
    int k = Integer.parseInt(shape[3]);
    double[] x = readDoubles(dir.resolve("design.f64"), n * p);
    double[] y = readDoubles(dir.resolve("data.f64"), (long) n * v);
    int[] perm = readInts(dir.resolve("perms.i32"), k * n);
    int[][] rows = new int[k][n];
    for (int s = 0; s < k; s++) {
      System.arraycopy(perm, s * n, rows[s], 0, n);
    }
    String[] ids = new String[n];
    String[] names = new String[p];
    for (int s = 0; s < n; s++) {
      ids[s] = "s" + s;
    }
    for (int c = 0; c < p; c++) {
      names[c] = "c" + c;
    }
    double[] w = new double[p];
    w[1] = 1;
    Design design = Design.numeric("design.f64", ids, x, names, List.of(new Contrast("c1", "column 1", w, false)), List.of(), null);
    ShufflingSet set = ShufflingSet.of(ShufflingKind.PERMUTATION, rows);
    FreedmanLane test = FreedmanLane.forContrast(design, 0, Partition.RIDGWAY, ShufflingKind.PERMUTATION);

    double gemmPeak = gemmRate(n, test.statRows());

    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    AtomicLong cpu = new AtomicLong();
    double[] observed = new double[v];
    int[] counts = new int[v];
    MaxDistribution max = new MaxDistribution(k);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    long t0 = System.nanoTime();
    List<Future<MaxDistribution>> futures = new ArrayList<>();
    int blocks = (v + block - 1) / block;
    AtomicLong next = new AtomicLong();
    for (int t = 0; t < threads; t++) {
      futures.add(pool.submit(() -> {
        long c0 = mx.getCurrentThreadCpuTime();
        MaxDistribution local = new MaxDistribution(k);
        long b;
        while ((b = next.getAndIncrement()) < blocks) {
          int from = (int) b * block;
          int width = Math.min(block, v - from);
          double[] yb = new double[n * width];
          for (int s = 0; s < n; s++) {
            System.arraycopy(y, s * v + from, yb, s * width, width);
          }
          PermutationBlock pb = PermutationBlock.prepare(test, Tail.ONE_SIDED, set, yb, width);
          ExceedanceCounts total = pb.newCounts();
          for (int c = 0; c < k; c += chunk) {
            pb.accumulate(c, Math.min(k, c + chunk), total, local);
          }
          int[] cnt = total.counts();
          synchronized (counts) {
            System.arraycopy(cnt, 0, counts, from, width);
            System.arraycopy(pb.observed(), 0, observed, from, width);
          }
        }
        cpu.addAndGet(mx.getCurrentThreadCpuTime() - c0);
        return local;
      }));
    }
    for (Future<MaxDistribution> f : futures) {
      max.combine(f.get());
    }
    long wall = System.nanoTime() - t0;
    pool.shutdown();
    writeDoubles(dir.resolve("java_observed.f64"), observed);
    writeInts(dir.resolve("java_counts.i32"), counts);
    writeDoubles(dir.resolve("java_maxz.f64"), max.finish());

    double work = (double) v * k;
    double flops = work * 2.0 * test.statRows() * n;
    System.out.println(String.format(Locale.ROOT,
        "{\"implementation\": \"%s\", \"threads\": %d, \"subjects\": %d, \"columns\": %d, \"product_rows\": %d, "
            + "\"voxels\": %d, \"shufflings\": %d, \"wall_s\": %.3f, \"cpu_s\": %.3f, "
            + "\"voxel_shufflings_per_s\": %.4g, \"voxel_shufflings_per_cpu_s\": %.4g, \"gflops_wall\": %.2f, "
            + "\"gflops_per_cpu_s\": %.2f, \"java_product_gflops_per_cpu_s\": %.2f}",
        PackedGemm.implementation(), threads, n, p, test.statRows(), v, k, wall / 1e9, cpu.get() / 1e9,
        work / (wall / 1e9), work / (cpu.get() / 1e9), flops / wall, flops / cpu.get(), gemmPeak));
  }

  /** The product alone on an L2-resident tile, GFLOP per CPU second (the kernel's own ceiling). */
  private static double gemmRate(int n, int rows) {
    int width = 128;
    double[][] tile = new double[n][width];
    double[] a = new double[32 * rows * n];
    java.util.SplittableRandom rnd = new java.util.SplittableRandom(1);
    for (double[] r : tile) {
      for (int j = 0; j < width; j++) {
        r[j] = rnd.nextGaussian();
      }
    }
    for (int i = 0; i < a.length; i++) {
      a[i] = rnd.nextGaussian();
    }
    double[][] w = new double[rows][width];
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    double best = 0;
    for (int rep = 0; rep < 6; rep++) {
      long c0 = mx.getCurrentThreadCpuTime();
      int iters = 20000;
      for (int it = 0; it < iters; it++) {
        PackedGemm.multiply(a, (it & 31) * rows * n, rows, n, tile, width, w);
      }
      long dt = mx.getCurrentThreadCpuTime() - c0;
      best = Math.max(best, 2.0 * iters * rows * n * width / dt);
    }
    return best;
  }

  private static ByteBuffer map(Path p, long bytes) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
      while (buf.hasRemaining()) {
        if (ch.read(buf) < 0) {
          throw new IOException(p + " is shorter than " + bytes + " bytes");
        }
      }
    }
    buf.flip();
    return buf;
  }

  private static double[] readDoubles(Path p, long count) throws IOException {
    double[] out = new double[(int) count];
    map(p, count * 8).asDoubleBuffer().get(out);
    return out;
  }

  private static int[] readInts(Path p, long count) throws IOException {
    int[] out = new int[(int) count];
    map(p, count * 4).asIntBuffer().get(out);
    return out;
  }

  private static void writeDoubles(Path p, double[] a) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(a.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    buf.asDoubleBuffer().put(a);
    Files.write(p, buf.array());
  }

  private static void writeInts(Path p, int[] a) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(a.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    buf.asIntBuffer().put(a);
    Files.write(p, buf.array());
  }
}
