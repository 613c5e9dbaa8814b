package org.voxelspark.dti;

import java.util.Locale;
import org.voxelspark.bench.DtiFitBenchmark;

/**
 * Where the tensor fit's time goes: each pass of {@link TensorBatch} timed alone, per voxel, on
 * {@link DtiFitBenchmark}'s voxels (68 volumes), for the implementation this JVM uses (or the plain
 * loops with {@code -Dvoxelspark.tensor=plain}). Each pass is repeated 200 times on the same batch
 * (its data in L1/L2), best of 30 × 20 batches, thread CPU time (each pass timed over 200 × the
 * batch, so the timer's own cost is negligible).
 * Figures in {@code docs/benchmarks.md}.
 *
 * <p>In package {@code org.voxelspark.dti} (a split package on the class path) because the passes
 * are package-private: the production code has no timing hooks.
 *
 * <pre>taskset -c 0 java --add-modules jdk.incubator.vector -cp deploy/bench/target/voxelspark-benchmarks.jar org.voxelspark.dti.TensorFitStages [METHOD]</pre>
 */
public final class TensorFitStages {
  private TensorFitStages() {}

  public static void main(String[] args) {
    TensorFitMethod method = TensorFitMethod.valueOf(args.length > 0 ? args[0] : "IWLS");
    GradientTable g = DtiFitBenchmark.table();
    int voxels = 10_000;
    float[] signal = DtiFitBenchmark.signal(g, voxels);
    TensorFitter fitter = new TensorFitter(new TensorModel(g, TensorModel.Settings.dipy(method)));
    TensorBatch b = fitter.batch();
    int capacity = b.capacity;
    int n = b.n;
    int[] offsets = new int[voxels];
    for (int v = 0; v < voxels; v++) {
      offsets[v] = v * n;
    }
    double[] out = new double[capacity * TensorFitter.OUTPUTS];
    double[][] p6 = {b.p[6]};
    String[] names = {"load + floor", "log", "OLS product", "prediction", "exp (weights)", "IWLS first weights", "normal equations",
        "Cholesky solve", "exp (S0)", "eigen-decomposition", "FA, MD, AD, RD", "whole fit"};
    double[] best = new double[names.length];
    java.util.Arrays.fill(best, Double.MAX_VALUE);
    int lanes = b.lanes(capacity);
    int repeats = 200;
    java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
    for (int round = 0; round < 30; round++) {
      for (int batch = 0; batch < 20; batch++) {
        int from = batch * capacity;
        long[] t = new long[names.length + 1];
        t[0] = cpu.getCurrentThreadCpuTime();
        for (int r = 0; r < repeats; r++) {
          b.load(signal, offsets, from, capacity, lanes);
        }
        t[1] = cpu.getCurrentThreadCpuTime();
        for (int r = 0; r < repeats; r++) {
          b.logExp.log(b.x, b.y, n, lanes, b.slow);
        }
        t[2] = cpu.getCurrentThreadCpuTime();
        for (int r = 0; r < repeats; r++) {
          b.ols(lanes);
        }
        t[3] = cpu.getCurrentThreadCpuTime();
        for (int r = 0; r < repeats; r++) {
          b.predict(lanes);
        }
        t[4] = cpu.getCurrentThreadCpuTime();
        for (int r = 0; r < repeats; r++) {
          b.logExp.exp(b.t, b.w, n, lanes);
        }
        t[5] = cpu.getCurrentThreadCpuTime();
        for (int r = 0; r < repeats; r++) {
          b.square(lanes);
        }
        t[6] = cpu.getCurrentThreadCpuTime();
        b.logExp.exp(b.t, b.w, n, lanes); // the predicted weights again, for the normal equations
        for (int r = 0; r < repeats; r++) {
          b.normalEquations(lanes);
        }
        t[7] = cpu.getCurrentThreadCpuTime();
        for (int r = 0; r < repeats; r++) {
          b.solve(lanes);
        }
        t[8] = cpu.getCurrentThreadCpuTime();
        for (int r = 0; r < repeats; r++) {
          b.logExp.exp(p6, b.s0, 1, lanes);
        }
        t[9] = cpu.getCurrentThreadCpuTime();
        for (int r = 0; r < repeats; r++) {
          b.eigen.decompose(b.p, lanes, b.values, b.vectors);
        }
        t[10] = cpu.getCurrentThreadCpuTime();
        for (int r = 0; r < repeats; r++) {
          b.scalars(lanes);
        }
        t[11] = cpu.getCurrentThreadCpuTime();
        for (int r = 0; r < repeats; r++) {
          b.fit(signal, offsets, from, capacity, out, 0);
        }
        t[12] = cpu.getCurrentThreadCpuTime();
        for (int k = 0; k < names.length; k++) {
          best[k] = Math.min(best[k], (t[k + 1] - t[k]) / (double) (repeats * capacity));
        }
      }
    }
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%s, %s (load %.2f), ns per voxel (thread CPU time, best):%n", method,
        fitter.name(), java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
    for (int k = 0; k < names.length; k++) {
      sb.append(String.format(Locale.ROOT, "  %-22s %7.1f%n", names[k], best[k]));
    }
    System.out.print(sb);
  }
}
