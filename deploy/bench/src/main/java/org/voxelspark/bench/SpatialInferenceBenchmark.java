package org.voxelspark.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.commons.statistics.distribution.TDistribution;
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
import org.voxelspark.stats.glm.Distributions;
import org.voxelspark.stats.inference.Clusters;
import org.voxelspark.stats.inference.Connectivity;
import org.voxelspark.stats.inference.MaskedGrid;
import org.voxelspark.stats.inference.Tfce;

/**
 * The per-shuffling whole-image work of TFCE and cluster inference, one thread: TFCE (PALM
 * defaults, 6-connectivity) and the maximum cluster extent/mass at z ≥ 3.1 (26-connectivity) of a
 * smooth random z image on a 64×76×64 grid inside an ellipsoid (≈ 200 000 voxels, a 2 mm brain);
 * and the t → z conversion PALM applies to every voxel of every shuffling before TFCE (ν = 95).
 * Scores: ms per image; ns per conversion.
 *
 * <pre>java -jar deploy/bench/target/voxelspark-benchmarks.jar SpatialInferenceBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class SpatialInferenceBenchmark {
  static final int NX = 64;
  static final int NY = 76;
  static final int NZ = 64;
  static final int CONVERSIONS = 10_000;

  private double[] z;
  private Tfce tfce;
  private Clusters clusters;
  private final double[] pair = new double[2];
  private double[] t;
  private TDistribution dist;

  @Setup
  public void setup() {
    boolean[] mask = new boolean[NX * NY * NZ];
    for (int k = 0; k < NZ; k++) {
      for (int j = 0; j < NY; j++) {
        for (int i = 0; i < NX; i++) {
          double a = (i - 31.5) / 34;
          double b = (j - 37.5) / 40;
          double c = (k - 31.5) / 34;
          mask[i + NX * (j + NY * k)] = a * a + b * b + c * c <= 1;
        }
      }
    }
    MaskedGrid grid = MaskedGrid.of(NX, NY, NZ, mask);
    SplittableRandom rnd = new SplittableRandom(3);
    double[] noise = new double[NX * NY * NZ];
    for (int q = 0; q < noise.length; q++) {
      noise[q] = rnd.nextGaussian();
    }
    // a 3×3×3 box filter twice: FWHM of a few voxels, like a smoothed statistic image
    double[] f = box(box(noise));
    z = new double[grid.size()];
    double ss = 0;
    for (int m = 0; m < grid.size(); m++) {
      z[m] = f[grid.index(m)];
      ss += z[m] * z[m];
    }
    double sd = Math.sqrt(ss / grid.size());
    for (int m = 0; m < grid.size(); m++) {
      z[m] /= sd;
    }
    tfce = Tfce.palmDefaults(grid.graph(Connectivity.SIX));
    clusters = new Clusters(grid.graph(Connectivity.TWENTY_SIX));
    t = new double[CONVERSIONS];
    for (int i = 0; i < CONVERSIONS; i++) {
      t[i] = 3 * rnd.nextGaussian();
    }
    dist = Distributions.t(95);
    System.err.println("in-mask voxels: " + grid.size());
  }

  private static double[] box(double[] in) {
    double[] out = new double[in.length];
    for (int k = 0; k < NZ; k++) {
      for (int j = 0; j < NY; j++) {
        for (int i = 0; i < NX; i++) {
          double s = 0;
          for (int dk = -1; dk <= 1; dk++) {
            for (int dj = -1; dj <= 1; dj++) {
              for (int di = -1; di <= 1; di++) {
                int a = Math.min(NX - 1, Math.max(0, i + di));
                int b = Math.min(NY - 1, Math.max(0, j + dj));
                int c = Math.min(NZ - 1, Math.max(0, k + dk));
                s += in[a + NX * (b + NY * c)];
              }
            }
          }
          out[i + NX * (j + NY * k)] = s / 27;
        }
      }
    }
    return out;
  }

  @Benchmark
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public double tfceMax() {
    return tfce.max(z, 0);
  }

  @Benchmark
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public double clusterMaxima() {
    clusters.maxima(z, 0, 3.1, pair);
    return pair[0] + pair[1];
  }

  @Benchmark
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  @OperationsPerInvocation(CONVERSIONS)
  public double tToZ() {
    double acc = 0;
    for (double x : t) {
      acc += Distributions.tToZ(dist, x);
    }
    return acc;
  }
}
