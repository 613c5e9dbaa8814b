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
import org.voxelspark.dti.GradientTable;
import org.voxelspark.dti.TensorFitMethod;
import org.voxelspark.dti.TensorFitter;
import org.voxelspark.dti.TensorModel;

/**
 * Tensor fit throughput, one thread: 10 000 voxels of 68 volumes (4 b0 + 64 directions at b = 1000,
 * the shape of the 102×104×63×68 reference volume), Rician-noisy signals of random
 * anisotropic tensors. Score: time per voxel (inverse: voxels/s).
 *
 * <pre>java -jar deploy/bench/target/voxelspark-benchmarks.jar DtiFitBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgs = {"-Xmx2g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class DtiFitBenchmark {
  private static final int VOXELS = 10_000;
  private static final int VOLUMES = 68;

  @Param({"OLS", "WLS", "IWLS", "NLLS"})
  public String method;

  private float[] signal;
  private TensorFitter fitter;
  private double[] out;

  @Setup
  public void setup() {
    StringBuilder bval = new StringBuilder();
    StringBuilder[] rows = {new StringBuilder(), new StringBuilder(), new StringBuilder()};
    double[] g = new double[3 * VOLUMES];
    int d = 0;
    for (int v = 0; v < VOLUMES; v++) {
      boolean b0 = v % 17 == 0;
      if (!b0) {
        double z = 1 - (d + 0.5) / 64;
        double r = Math.sqrt(1 - z * z);
        double phi = Math.PI * (3 - Math.sqrt(5)) * d++;
        g[3 * v] = r * Math.cos(phi);
        g[3 * v + 1] = r * Math.sin(phi);
        g[3 * v + 2] = z;
      }
      bval.append(b0 ? "0 " : "1000 ");
      for (int c = 0; c < 3; c++) {
        rows[c].append(g[3 * v + c]).append(' ');
      }
    }
    GradientTable table = GradientTable.parse(bval.toString(), "bval", rows[0] + "\n" + rows[1] + "\n" + rows[2], "bvec", VOLUMES, 50);
    fitter = new TensorFitter(new TensorModel(table, TensorModel.Settings.dipy(TensorFitMethod.valueOf(method))));
    out = new double[TensorFitter.OUTPUTS];
    signal = new float[VOXELS * VOLUMES];
    SplittableRandom rnd = new SplittableRandom(1);
    for (int x = 0; x < VOXELS; x++) {
      double[] e = {rnd.nextGaussian(), rnd.nextGaussian(), rnd.nextGaussian()};
      double n = Math.sqrt(e[0] * e[0] + e[1] * e[1] + e[2] * e[2]);
      double axial = 1.2e-3 + 0.6e-3 * rnd.nextDouble();
      double radial = 0.2e-3 + 0.5e-3 * rnd.nextDouble();
      for (int v = 0; v < VOLUMES; v++) {
        double cos = (g[3 * v] * e[0] + g[3 * v + 1] * e[1] + g[3 * v + 2] * e[2]) / n;
        double s = 1000 * Math.exp(-table.effectiveBval(v) * (radial + (axial - radial) * cos * cos));
        double re = s + 30 * rnd.nextGaussian();
        double im = 30 * rnd.nextGaussian();
        signal[x * VOLUMES + v] = (float) Math.sqrt(re * re + im * im);
      }
    }
  }

  @Benchmark
  @OperationsPerInvocation(VOXELS)
  public double fitAll() {
    double acc = 0;
    for (int x = 0; x < VOXELS; x++) {
      fitter.fit(signal, x * VOLUMES, out, 0);
      acc += out[TensorFitter.FA];
    }
    return acc;
  }
}
