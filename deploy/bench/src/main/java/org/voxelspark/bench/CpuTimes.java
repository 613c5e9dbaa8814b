package org.voxelspark.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The workloads of {@link RehoBenchmark} and {@link RehoSubjectBenchmark}, timed by the CPU time of
 * the thread that runs them (best of N runs after one warm-up), beside the wall time. On a machine
 * shared with other work, wall time measures the contention as much as the code; a single-threaded
 * workload's thread CPU time does not (it still includes cache and memory-bandwidth effects of the
 * neighbours). JIT compilation and GC run on other threads and are not counted.
 *
 * <pre>java -cp deploy/bench/target/voxelspark-benchmarks.jar org.voxelspark.bench.CpuTimes BOLD MASK [RUNS]</pre>
 * Prints {@code cpu <workload> <best CPU s> <best wall s>} per workload.
 */
public final class CpuTimes {
  private CpuTimes() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      throw new IllegalArgumentException("usage: CpuTimes BOLD.nii.gz MASK.nii.gz [RUNS]");
    }
    int runs = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    RehoBenchmark dpabi = kernels(args[0], args[1], "DPABI");
    RehoBenchmark afni = kernels(args[0], args[1], "AFNI");
    RehoSubjectBenchmark subject = new RehoSubjectBenchmark();
    subject.bold = args[0];
    subject.setUp();
    Map<String, Supplier<Object>> work = new LinkedHashMap<>();
    work.put("readOnly", subject::readOnly);
    work.put("wholeSubject", subject::wholeSubject);
    work.put("rehoNn27_DPABI", dpabi::rehoNn27);
    work.put("rehoNn27_AFNI", afni::rehoNn27);
    work.put("alff_DPABI", dpabi::alff);
    work.put("alff_CPAC", dpabi::alffCpac);
    ThreadMXBean bean = ManagementFactory.getThreadMXBean();
    for (Map.Entry<String, Supplier<Object>> e : work.entrySet()) {
      long bestCpu = Long.MAX_VALUE;
      long bestWall = Long.MAX_VALUE;
      for (int r = 0; r <= runs; r++) {
        long c0 = bean.getCurrentThreadCpuTime();
        long w0 = System.nanoTime();
        Object result = e.getValue().get();
        long w1 = System.nanoTime();
        long c1 = bean.getCurrentThreadCpuTime();
        if (result == null) {
          throw new IllegalStateException(e.getKey() + " returned nothing");
        }
        if (r > 0) { // run 0 warms up
          bestCpu = Math.min(bestCpu, c1 - c0);
          bestWall = Math.min(bestWall, w1 - w0);
        }
      }
      System.out.printf(java.util.Locale.ROOT, "cpu %s %.3f %.3f%n", e.getKey(), bestCpu / 1e9, bestWall / 1e9);
    }
    subject.tearDown();
  }

  private static RehoBenchmark kernels(String bold, String mask, String preset) {
    RehoBenchmark b = new RehoBenchmark();
    b.boldFile = bold;
    b.maskFile = mask;
    b.preset = preset;
    b.read();
    return b;
  }
}
