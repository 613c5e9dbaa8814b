package org.voxelspark.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.voxelspark.harmonize.ComBat;
import org.voxelspark.harmonize.ComBatBlockFit;
import org.voxelspark.harmonize.ComBatModel;
import org.voxelspark.harmonize.ComBatOptions;
import org.voxelspark.harmonize.ComBatPriorAccumulator;
import org.voxelspark.harmonize.ComBatPriors;
import org.voxelspark.meta.MetaAnalysis;
import org.voxelspark.meta.MetaMaps;
import org.voxelspark.meta.MetaOptions;

/**
 * The per-block kernels of the group stage, one thread: ComBat pass 1 and pass 2 on one block of
 * 2 048 voxels × 1 000 subjects × 10 sites (3 covariates), and REML pooling of 10 000 voxels × 20
 * sites. The whole-cohort figures and the NumPy comparison are {@link HarmonizeMetaBenchmark}.
 *
 * <pre>java -jar deploy/bench/target/voxelspark-benchmarks.jar HarmonizeMetaKernelBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgs = {"-Xmx2g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class HarmonizeMetaKernelBenchmark {
  static final int VOXELS = 2048;
  static final int SUBJECTS = 1000;
  static final int SITES = 10;
  static final int META_VOXELS = 10_000;
  static final int META_SITES = 20;

  private ComBat combat;
  private double[] block;
  private double[] out;
  private ComBatBlockFit fit;
  private ComBatPriors priors;
  private double[] effect;
  private double[] variance;
  private final MetaOptions reml = MetaOptions.defaults();

  @Setup
  public void setup() {
    SplittableRandom rnd = new SplittableRandom(7);
    String[] ids = new String[SUBJECTS];
    String[] sites = new String[SUBJECTS];
    double[] cov = new double[3 * SUBJECTS];
    int[] siteOf = new int[SUBJECTS];
    for (int s = 0; s < SUBJECTS; s++) {
      ids[s] = "sub-" + s;
      siteOf[s] = rnd.nextInt(SITES);
      sites[s] = "site" + siteOf[s];
      cov[3 * s] = rnd.nextBoolean() ? 1 : 0;
      cov[3 * s + 1] = rnd.nextBoolean() ? 1 : 0;
      cov[3 * s + 2] = 20 + 60 * rnd.nextDouble();
    }
    combat = ComBat.of("bench", ids, sites, new String[] {"patient", "sex", "age"}, cov, ComBatOptions.defaults());
    block = new double[VOXELS * SUBJECTS];
    for (int f = 0; f < VOXELS; f++) {
      double[] gamma = new double[SITES];
      double[] delta = new double[SITES];
      for (int b = 0; b < SITES; b++) {
        gamma[b] = 0.01 * rnd.nextGaussian();
        delta[b] = 0.7 + 0.6 * rnd.nextDouble();
      }
      for (int s = 0; s < SUBJECTS; s++) {
        block[s * VOXELS + f] = 0.5 - 0.001 * cov[3 * s + 2] + 0.01 * cov[3 * s] + gamma[siteOf[s]]
            + delta[siteOf[s]] * 0.02 * rnd.nextGaussian();
      }
    }
    out = new double[block.length];
    fit = combat.fitBlock(0, VOXELS, block);
    priors = combat.newPriorAccumulator().accept(fit).finish();
    effect = new double[META_SITES * META_VOXELS];
    variance = new double[META_SITES * META_VOXELS];
    for (int i = 0; i < effect.length; i++) {
      double v = 0.02 + 0.1 * rnd.nextDouble();
      variance[i] = v;
      effect[i] = 0.2 + 0.15 * rnd.nextGaussian() + Math.sqrt(v) * rnd.nextGaussian();
    }
  }

  /** Pass 1 of one block, with its contribution to the prior reduction. */
  @Benchmark
  public ComBatPriorAccumulator combatPass1() {
    return combat.newPriorAccumulator().accept(combat.fitBlock(0, VOXELS, block));
  }

  /** Pass 2 of one block: parametric EB estimates and the harmonised block. */
  @Benchmark
  public ComBatModel combatPass2() {
    return combat.adjustBlock(fit, priors, block, out);
  }

  /** REML pooling (metafor's default control) of 10 000 voxels from 20 sites. */
  @Benchmark
  public MetaMaps metaReml() {
    return MetaAnalysis.pool(effect, variance, META_SITES, META_VOXELS, reml);
  }
}
