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
 * anisotropic tensors, fitted in batches as {@code TensorKernel} does. Score: time per voxel
 * (inverse: voxels/s). The JMH forks run with {@code --add-modules jdk.incubator.vector} (the Vector
 * API implementation, as the launchers); {@code -Dvoxelspark.tensor=plain} (JMH: {@code -jvmArgsAppend})
 * times the plain loops.
 *
 * <pre>java -jar deploy/bench/target/voxelspark-benchmarks.jar DtiFitBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgs = {"-Xmx2g", "--add-modules=jdk.incubator.vector"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class DtiFitBenchmark {
  private static final int VOXELS = 10_000;
  private static final int VOLUMES = 68;

  @Param({"OLS", "WLS", "IWLS", "NLLS"})
  public String method;

  private float[] signal;
  private TensorFitter fitter;
  private int[] offsets;
  private double[] out;

  @Setup
  public void setup() {
    GradientTable table = table();
    fitter = new TensorFitter(new TensorModel(table, TensorModel.Settings.dipy(TensorFitMethod.valueOf(method))));
    out = new double[CHUNK * TensorFitter.OUTPUTS];
    signal = signal(table, VOXELS);
    offsets = offsets(VOXELS);
  }

  /** Voxels per call of the batch fit (as TensorKernel, which passes 16 batches at a time). */
  static final int CHUNK = 256;

  static int[] offsets(int voxels) {
    int[] o = new int[voxels];
    for (int x = 0; x < voxels; x++) {
      o[x] = x * VOLUMES;
    }
    return o;
  }

  /** Fits all voxels in calls of CHUNK; returns the sum of FA (so that the work is not discarded). */
  static double fitAll(TensorFitter fitter, float[] signal, int[] offsets, double[] out) {
    double acc = 0;
    for (int from = 0; from < offsets.length; from += CHUNK) {
      int count = Math.min(CHUNK, offsets.length - from);
      fitter.fit(signal, offsets, from, count, out, 0);
      for (int b = 0; b < count; b++) {
        acc += out[b * TensorFitter.OUTPUTS + TensorFitter.FA];
      }
    }
    return acc;
  }

  /** 4 b0 (every 17th volume) + 64 directions at b = 1000 on a golden-angle spiral. */
  public static GradientTable table() {
    StringBuilder bval = new StringBuilder();
    StringBuilder[] rows = {new StringBuilder(), new StringBuilder(), new StringBuilder()};
    int d = 0;
    for (int v = 0; v < VOLUMES; v++) {
      boolean b0 = v % 17 == 0;
      double[] g = new double[3];
      if (!b0) {
        double z = 1 - (d + 0.5) / 64;
        double r = Math.sqrt(1 - z * z);
        double phi = Math.PI * (3 - Math.sqrt(5)) * d++;
        g = new double[] {r * Math.cos(phi), r * Math.sin(phi), z};
      }
      bval.append(b0 ? "0 " : "1000 ");
      for (int c = 0; c < 3; c++) {
        rows[c].append(g[c]).append(' ');
      }
    }
    return GradientTable.parse(bval.toString(), "bval", rows[0] + "\n" + rows[1] + "\n" + rows[2], "bvec", VOLUMES, 50);
  }

  /** Rician-noisy (σ = 30, S0 = 1000) signals of random anisotropic tensors, voxel-major. */
  public static float[] signal(GradientTable table, int voxels) {
    float[] signal = new float[voxels * VOLUMES];
    SplittableRandom rnd = new SplittableRandom(1);
    for (int x = 0; x < voxels; x++) {
      double[] e = {rnd.nextGaussian(), rnd.nextGaussian(), rnd.nextGaussian()};
      double n = Math.sqrt(e[0] * e[0] + e[1] * e[1] + e[2] * e[2]);
      double axial = 1.2e-3 + 0.6e-3 * rnd.nextDouble();
      double radial = 0.2e-3 + 0.5e-3 * rnd.nextDouble();
      for (int v = 0; v < VOLUMES; v++) {
        double cos = (table.bvec(v, 0) * e[0] + table.bvec(v, 1) * e[1] + table.bvec(v, 2) * e[2]) / n;
        double s = 1000 * Math.exp(-table.effectiveBval(v) * (radial + (axial - radial) * cos * cos));
        double re = s + 30 * rnd.nextGaussian();
        double im = 30 * rnd.nextGaussian();
        signal[x * VOLUMES + v] = (float) Math.sqrt(re * re + im * im);
      }
    }
    return signal;
  }

  /**
   * The same fits timed by the calling thread's CPU time instead of JMH's wall clock (the machine
   * is shared; see docs/benchmarks.md): the minimum over {@code seconds} of runs of 10 000 voxels,
   * after 10 warm-up runs. Run with {@code --add-modules jdk.incubator.vector} for the Vector API
   * implementation (it prints the one in use).
   *
   * <pre>java --add-modules jdk.incubator.vector -cp deploy/bench/target/voxelspark-benchmarks.jar org.voxelspark.bench.DtiFitBenchmark [SECONDS] [METHOD...]</pre>
   */
  public static void main(String[] args) {
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 6;
    String[] methods = args.length > 1 ? java.util.Arrays.copyOfRange(args, 1, args.length) : new String[] {"OLS", "WLS", "IWLS", "NLLS"};
    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
    GradientTable table = table();
    float[] signal = signal(table, VOXELS);
    int[] offsets = offsets(VOXELS);
    StringBuilder sb = new StringBuilder();
    String name = "";
    for (String m : methods) {
      TensorFitter fitter = new TensorFitter(new TensorModel(table, TensorModel.Settings.dipy(TensorFitMethod.valueOf(m))));
      name = fitter.name();
      double[] out = new double[CHUNK * TensorFitter.OUTPUTS];
      double best = Double.MAX_VALUE;
      double acc = 0;
      long until = System.nanoTime() + (long) (seconds * 1e9);
      for (int reps = 0; System.nanoTime() < until || reps < 20; reps++) {
        long t0 = mx.getCurrentThreadCpuTime();
        acc += fitAll(fitter, signal, offsets, out);
        long t1 = mx.getCurrentThreadCpuTime();
        if (reps >= 10) {
          best = Math.min(best, (t1 - t0) / (double) VOXELS);
        }
      }
      sb.append(String.format(java.util.Locale.ROOT, "%s %.0f ns/voxel (%.0f k voxels/s)  ", m, best, 1e6 / best));
      if (acc == 42) {
        sb.append(' ');
      }
    }
    System.out.println(sb + String.format(java.util.Locale.ROOT, "(%s; thread CPU time, load %.2f)", name,
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
    // after the timing runs the Vector API code is C2-compiled: its outputs must be the plain loops' bits
    StringBuilder same = new StringBuilder();
    for (String m : methods) {
      TensorModel model = new TensorModel(table, TensorModel.Settings.dipy(TensorFitMethod.valueOf(m)));
      TensorFitter vector = TensorFitter.vector(model);
      if (vector == null) {
        same.append(m).append(": no Vector API (run with --add-modules jdk.incubator.vector)  ");
        continue;
      }
      double[] a = new double[VOXELS * TensorFitter.OUTPUTS];
      double[] b = new double[VOXELS * TensorFitter.OUTPUTS];
      for (int rep = 0; rep < 3; rep++) {
        vector.fit(signal, offsets, 0, VOXELS, b, 0);
      }
      TensorFitter.plain(model).fit(signal, offsets, 0, VOXELS, a, 0);
      int differ = 0;
      for (int q = 0; q < a.length; q++) {
        differ += Double.doubleToLongBits(a[q]) != Double.doubleToLongBits(b[q]) ? 1 : 0;
      }
      same.append(m).append(differ == 0 ? ": plain == Vector API bit for bit  " : ": " + differ + " OUTPUTS DIFFER  ");
    }
    System.out.println(same.toString().trim());
  }

  @Benchmark
  @OperationsPerInvocation(VOXELS)
  public double fitAll() {
    return fitAll(fitter, signal, offsets, out);
  }
}
