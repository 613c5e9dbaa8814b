package org.voxelspark.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.voxelspark.math.LogExp;

/**
 * {@link LogExp} against {@link Math#log} / {@link Math#exp} (HotSpot intrinsics) on runs of
 * {@code length} doubles (68: one voxel of the DTI benchmark; 1088: 16 voxels). Score: time per
 * run of {@code length} elements (divide by {@code length} for the time per element).
 *
 * <pre>java -jar deploy/bench/target/voxelspark-benchmarks.jar LogExpBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgs = {"-Xmx1g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class LogExpBenchmark {
  private static final int RUNS = 1000;

  @Param({"68", "1088"})
  public int length;

  private double[] logArgs;
  private double[] expArgs;
  private double[] out;
  private LogExp logExp;

  @Setup
  public void setup() {
    SplittableRandom rnd = new SplittableRandom(3);
    logArgs = new double[RUNS * length];
    expArgs = new double[RUNS * length];
    for (int i = 0; i < logArgs.length; i++) {
      logArgs[i] = 20 + 1000 * rnd.nextDouble(); // DWI-like signal
      expArgs[i] = 2 * Math.log(logArgs[i]); // squared predicted signal, as the weighted fits take it
    }
    out = new double[length];
    logExp = new LogExp(length);
  }

  @Benchmark
  @OperationsPerInvocation(RUNS)
  public double logExp() {
    double acc = 0;
    for (int r = 0; r < RUNS; r++) {
      logExp.log(logArgs, r * length, out, 0, length);
      acc += out[r % length];
    }
    return acc / length;
  }

  @Benchmark
  @OperationsPerInvocation(RUNS)
  public double mathLog() {
    double acc = 0;
    for (int r = 0; r < RUNS; r++) {
      int o = r * length;
      for (int i = 0; i < length; i++) {
        out[i] = Math.log(logArgs[o + i]);
      }
      acc += out[r % length];
    }
    return acc / length;
  }

  @Benchmark
  @OperationsPerInvocation(RUNS)
  public double expLogExp() {
    double acc = 0;
    for (int r = 0; r < RUNS; r++) {
      logExp.exp(expArgs, r * length, out, 0, length);
      acc += out[r % length];
    }
    return acc / length;
  }

  @Benchmark
  @OperationsPerInvocation(RUNS)
  public double mathExp() {
    double acc = 0;
    for (int r = 0; r < RUNS; r++) {
      int o = r * length;
      for (int i = 0; i < length; i++) {
        out[i] = Math.exp(expArgs[o + i]);
      }
      acc += out[r % length];
    }
    return acc / length;
  }
}
