package org.voxelspark.bench;

import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
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
 * The Freedman–Lane inner loop on one thread: {@link PermutationBlock#accumulate} of
 * {@value #SHUFFLINGS} shufflings over a block of {@value #VOXELS} voxels, 100 subjects, a design of
 * intercept + group + age + sex + site (p = 5, 4 product rows after the intercept is folded out);
 * exceedance counts and the max-z null included. Score: ns per voxel × shuffling (inverse:
 * voxel-shufflings/s); the dense work is 2·4·100 = 800 flop per voxel-shuffling. Two forks: the
 * Vector API kernel ({@code --add-modules jdk.incubator.vector}) and the plain loop.
 * {@link #productOnly} is the dense product alone on an L2-resident tile: the kernel's ceiling.
 *
 * <pre>java -jar deploy/bench/target/voxelspark-benchmarks.jar FreedmanLaneBenchmark</pre>
 * The full-size run (5 000 × 200 000) and the NumPy comparison: {@code deploy/bench/scripts/freedman_lane_bench.py}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class FreedmanLaneBenchmark {
  static final int N = 100;
  static final int VOXELS = 8192;
  static final int SHUFFLINGS = 256;
  static final int TILE = 128;

  private PermutationBlock block;
  private double[][] tile;
  private double[] a;
  private double[][] w;

  @Setup
  public void setup() {
    SplittableRandom rnd = new SplittableRandom(1);
    int p = 5;
    double[] x = new double[N * p];
    String[] ids = new String[N];
    for (int s = 0; s < N; s++) {
      ids[s] = "s" + s;
      x[s * p] = 1;
      x[s * p + 1] = s % 2;
      x[s * p + 2] = 10 * rnd.nextGaussian();
      x[s * p + 3] = rnd.nextBoolean() ? 1 : 0;
      x[s * p + 4] = s < N / 2 ? 0 : 1;
    }
    Design d = Design.numeric("bench", ids, x, new String[] {"intercept", "group", "age", "sex", "site"},
        List.of(new Contrast("group", "group", new double[] {0, 1, 0, 0, 0}, true)), List.of(), null);
    double[] y = new double[N * VOXELS];
    for (int i = 0; i < y.length; i++) {
      y[i] = rnd.nextGaussian();
    }
    ShufflingSet set = ShufflingSet.generate(ShufflingKind.PERMUTATION, N, SHUFFLINGS, 2, null);
    FreedmanLane fl = FreedmanLane.forContrast(d, 0, Partition.RIDGWAY, ShufflingKind.PERMUTATION);
    block = PermutationBlock.prepare(fl, Tail.ONE_SIDED, set, y, VOXELS);
    tile = new double[N][TILE];
    for (double[] r : tile) {
      for (int j = 0; j < TILE; j++) {
        r[j] = rnd.nextGaussian();
      }
    }
    a = new double[32 * 4 * N];
    for (int i = 0; i < a.length; i++) {
      a[i] = rnd.nextGaussian();
    }
    w = new double[4][TILE];
    System.err.println("PackedGemm: " + PackedGemm.implementation());
  }

  private int accumulateOnce() {
    ExceedanceCounts c = block.newCounts();
    MaxDistribution m = new MaxDistribution(SHUFFLINGS);
    block.accumulate(0, SHUFFLINGS, c, m);
    return c.counts()[0];
  }

  @Benchmark
  @Fork(value = 1, jvmArgsAppend = {"-Xmx2g", "--add-modules=jdk.incubator.vector"})
  @OperationsPerInvocation(VOXELS * SHUFFLINGS)
  public int accumulateVectorApi() {
    return accumulateOnce();
  }

  @Benchmark
  @Fork(value = 1, jvmArgsAppend = {"-Xmx2g", "-Dvoxelspark.gemm=plain"})
  @OperationsPerInvocation(VOXELS * SHUFFLINGS)
  public int accumulatePlain() {
    return accumulateOnce();
  }

  /** 32 shufflings × 4 rows × 100 subjects on a 128-voxel tile: 800 flop per voxel-shuffling. */
  @Benchmark
  @Fork(value = 1, jvmArgsAppend = {"-Xmx2g", "--add-modules=jdk.incubator.vector"})
  @OperationsPerInvocation(32 * TILE)
  public double productOnly() {
    double acc = 0;
    for (int k = 0; k < 32; k++) {
      PackedGemm.multiply(a, k * 4 * N, 4, N, tile, TILE, w);
      acc += w[0][0];
    }
    return acc;
  }
}
