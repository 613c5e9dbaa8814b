package org.voxelspark.stats;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.voxelspark.stats.design.Design;
import org.voxelspark.stats.glm.GlmKernel;
import org.voxelspark.stats.glm.GlmMaps;
import org.voxelspark.stats.glm.GlmModel;
import org.voxelspark.stats.glm.GlmOutput;
import org.voxelspark.stats.inference.Clusters;
import org.voxelspark.stats.inference.ExceedanceCounts;
import org.voxelspark.stats.inference.Fdr;
import org.voxelspark.stats.inference.MaskedGrid;
import org.voxelspark.stats.inference.MaxDistribution;
import org.voxelspark.stats.inference.SpatialInference;
import org.voxelspark.stats.perm.FreedmanLane;
import org.voxelspark.stats.perm.Partition;
import org.voxelspark.stats.perm.PermutationBlock;
import org.voxelspark.stats.perm.ShufflingKind;
import org.voxelspark.stats.perm.ShufflingSet;
import org.voxelspark.stats.perm.Tail;

/**
 * The whole group analysis in one process: the reference the Spark job must equal, and the way to
 * run small analyses (ROI tables) without Spark. It is organised exactly as the distributed job:
 *
 * <ol>
 *   <li>driver: the {@link Design}, a {@link GlmModel}, a {@link ShufflingSet} and one
 *       {@link FreedmanLane} per test, all built once;
 *   <li>per voxel block of {@link Options#voxelBlock()} voxels: {@link GlmKernel#fit}, and per test
 *       {@link PermutationBlock#prepare} then {@link PermutationBlock#accumulate} over shuffling
 *       chunks of {@link Options#shufflingChunk()}, merged with
 *       {@link ExceedanceCounts#combine}/{@link MaxDistribution#combine};
 *   <li>driver: FWE p from the merged maximum, BH-FDR over all voxels;
 *   <li>spatial inference (when a {@link MaskedGrid} and {@link SpatialInference.Settings} are
 *       given): partitioned by shuffling chunk over the whole image, on the z scale.
 * </ol>
 * Voxel j of {@code y[s*v + j]} is in-mask voxel j of the grid (compact order) when spatial
 * inference is requested. Every result is bit-identical for any block and chunk sizes.
 */
public final class GroupAnalysis {
  private GroupAnalysis() {}

  /**
   * Settings.
   *
   * @param shufflings number of shufflings K including the identity (fewer when the design allows
   *     fewer: then all are used)
   * @param seed seed of the shuffling generator
   * @param tail t-test tail
   * @param partition Freedman–Lane partition
   * @param kind shuffling kind, or null for {@link ShufflingKind#forDesign}
   * @param voxelBlock voxels per block (the Spark partition's width)
   * @param shufflingChunk shufflings per accumulate call (a task's chunk)
   * @param grid the image grid of the voxels, or null (then no spatial inference)
   * @param spatial TFCE/cluster settings, or null
   */
  public record Options(int shufflings, long seed, Tail tail, Partition partition, ShufflingKind kind, int voxelBlock,
      int shufflingChunk, MaskedGrid grid, SpatialInference.Settings spatial) {
    public Options {
      Objects.requireNonNull(tail, "tail");
      Objects.requireNonNull(partition, "partition");
      if (voxelBlock < 1 || shufflingChunk < 1 || shufflings < 1) {
        throw new IllegalArgumentException("block, chunk and shufflings must be positive");
      }
    }

    /** PALM-like defaults: one-sided, Ridgway partition, automatic kind, no spatial inference. */
    public static Options of(int shufflings, long seed) {
      return new Options(shufflings, seed, Tail.ONE_SIDED, Partition.RIDGWAY, null, 16384, 256, null, null);
    }

    public Options withTail(Tail t) {
      return new Options(shufflings, seed, t, partition, kind, voxelBlock, shufflingChunk, grid, spatial);
    }

    public Options withBlocks(int voxels, int chunk) {
      return new Options(shufflings, seed, tail, partition, kind, voxels, chunk, grid, spatial);
    }

    public Options withSpatial(MaskedGrid g, SpatialInference.Settings s) {
      return new Options(shufflings, seed, tail, partition, kind, voxelBlock, shufflingChunk, g, s);
    }
  }

  /**
   * One test's inference.
   *
   * @param name contrast or F-test name
   * @param isT true for a t-contrast
   * @param statistic the compared observed value per voxel (t, |t| or F)
   * @param z its z-score
   * @param uncorrectedP permutation p per voxel
   * @param fweP family-wise error corrected p (max-z over all voxels)
   * @param fdrP Benjamini–Hochberg adjusted uncorrected p
   * @param maxNull the max-z of each shuffling
   * @param spatial TFCE and cluster results, or null
   */
  public record TestResult(String name, boolean isT, double[] statistic, double[] z, double[] uncorrectedP,
      double[] fweP, double[] fdrP, double[] maxNull, Spatial spatial) {}

  /**
   * TFCE and cluster results of one test (on the z scale).
   *
   * @param tfce observed TFCE per voxel (null without TFCE)
   * @param tfceUncorrectedP voxelwise permutation p of TFCE
   * @param tfceFweP FWE p of TFCE (max-TFCE null)
   * @param tfceMaxNull max TFCE per shuffling
   * @param clusters the observed cluster table (null without clusters); the mean effect is the COPE for t-contrasts
   * @param clusterExtentFweP FWE p of each cluster's extent, in table order
   * @param clusterMassFweP FWE p of each cluster's mass, in table order
   * @param extentMaxNull max extent per shuffling
   * @param massMaxNull max mass per shuffling
   */
  public record Spatial(double[] tfce, double[] tfceUncorrectedP, double[] tfceFweP, double[] tfceMaxNull,
      Clusters.Table clusters, double[] clusterExtentFweP, double[] clusterMassFweP, double[] extentMaxNull,
      double[] massMaxNull) {}

  /** Everything: the GLM maps, the shufflings used, one result per t-contrast then per F-test. */
  public record Result(GlmMaps glm, ShufflingSet shufflings, List<TestResult> tests) {}

  /**
   * Runs the analysis of the subject-major n×v matrix {@code y}.
   *
   * @throws IllegalArgumentException if sizes disagree
   */
  public static Result run(Design design, double[] y, int v, Options options) {
    int n = design.subjects();
    if (y.length != (long) n * v) {
      throw new IllegalArgumentException("data of " + y.length + " values is not " + n + " subjects × " + v + " voxels");
    }
    if (options.grid() != null && options.grid().size() != v) {
      throw new IllegalArgumentException("the grid has " + options.grid().size() + " in-mask voxels, the data " + v);
    }
    ShufflingKind kind = options.kind() != null ? options.kind() : ShufflingKind.forDesign(design);
    ShufflingSet set = ShufflingSet.generate(kind, n, options.shufflings(), options.seed(), design.blocks());
    int k = set.size();

    GlmModel model = GlmModel.of(design);
    GlmKernel kernel = new GlmKernel(model);
    List<GlmMaps> parts = new ArrayList<>();
    for (int b0 = 0; b0 < v; b0 += options.voxelBlock()) {
      int w = Math.min(options.voxelBlock(), v - b0);
      parts.add(kernel.fit(slice(y, n, v, b0, w), w));
    }
    GlmMaps glm = GlmMaps.concatenate(parts);

    List<TestResult> tests = new ArrayList<>();
    int nt = design.contrasts().size();
    for (int t = 0; t < nt + design.fTests().size(); t++) {
      FreedmanLane test = t < nt ? FreedmanLane.forContrast(design, t, options.partition(), kind)
          : FreedmanLane.forFTest(design, t - nt, options.partition(), kind);
      double[] stat = new double[v];
      double[] z = new double[v];
      double[] unc = new double[v];
      MaxDistribution max = new MaxDistribution(k);
      for (int b0 = 0; b0 < v; b0 += options.voxelBlock()) {
        int w = Math.min(options.voxelBlock(), v - b0);
        PermutationBlock block = PermutationBlock.prepare(test, options.tail(), set, slice(y, n, v, b0, w), w);
        ExceedanceCounts counts = null;
        for (int c0 = 0; c0 < k; c0 += options.shufflingChunk()) {
          int c1 = Math.min(k, c0 + options.shufflingChunk());
          ExceedanceCounts part = block.newCounts();
          MaxDistribution partMax = new MaxDistribution(k);
          block.accumulate(c0, c1, part, partMax);
          counts = counts == null ? part : counts.combine(part);
          max.combine(partMax);
        }
        System.arraycopy(counts.finish(), 0, unc, b0, w);
        System.arraycopy(block.observed(), 0, stat, b0, w);
        System.arraycopy(block.observedZ(), 0, z, b0, w);
      }
      double[] fwe = max.pValues(z);
      Spatial spatial = null;
      if (options.grid() != null && options.spatial() != null) {
        spatial = spatial(test, options, set, y, v, t < nt ? glm.map(GlmOutput.COPE, t) : null);
      }
      tests.add(new TestResult(test.name(), test.isT(), stat, z, unc, fwe, Fdr.benjaminiHochberg(unc), max.finish(), spatial));
    }
    return new Result(glm, set, tests);
  }

  private static Spatial spatial(FreedmanLane test, Options options, ShufflingSet set, double[] y, int v, double[] cope) {
    int k = set.size();
    SpatialInference si = new SpatialInference(options.grid(), options.spatial());
    // shuffling-major: the whole image per shuffling, chunk by chunk
    PermutationBlock whole = PermutationBlock.prepare(test, options.tail(), set, y, v);
    int chunk = options.shufflingChunk();
    double[] images = new double[Math.min(chunk, k) * v];
    whole.evaluate(0, 1, images, PermutationBlock.Scale.Z);
    double[] observed = new double[v];
    System.arraycopy(images, 0, observed, 0, v);
    SpatialInference.Null total = null;
    for (int c0 = 0; c0 < k; c0 += chunk) {
      int c1 = Math.min(k, c0 + chunk);
      whole.evaluate(c0, c1, images, PermutationBlock.Scale.Z);
      SpatialInference.Null part = si.newNull(k, observed, 0);
      for (int s = c0; s < c1; s++) {
        si.accept(s, images, (s - c0) * v, part);
      }
      total = total == null ? part : total.combine(part);
    }
    return spatialResult(si, total, observed, cope);
  }

  /**
   * A test's TFCE and cluster results from its combined spatial null: observed TFCE and its
   * uncorrected and FWE p; the observed cluster table (its mean effect from {@code cope}, may be
   * null) and each cluster's FWE p by extent and mass. Shared by this driver and the Spark job.
   *
   * @param observed the observed (identity) z image, compact
   */
  public static Spatial spatialResult(SpatialInference si, SpatialInference.Null total, double[] observed, double[] cope) {
    double[] tfce = null;
    double[] tfceUnc = null;
    double[] tfceFwe = null;
    double[] tfceMax = null;
    if (si.settings().tfce()) {
      tfce = total.tfceCounts().observed().clone();
      tfceUnc = total.tfceCounts().finish();
      tfceFwe = total.tfceMax().pValues(tfce);
      tfceMax = total.tfceMax().finish();
    }
    Clusters.Table table = null;
    double[] extentFwe = null;
    double[] massFwe = null;
    double[] extentMax = null;
    double[] massMax = null;
    if (si.settings().clusters()) {
      table = si.clusterTable(observed, 0, cope);
      double[] extents = new double[table.rows().size()];
      double[] masses = new double[extents.length];
      for (int c = 0; c < extents.length; c++) {
        extents[c] = table.rows().get(c).extent();
        masses[c] = table.rows().get(c).mass();
      }
      extentFwe = total.extentMax().pValues(extents);
      massFwe = total.massMax().pValues(masses);
      extentMax = total.extentMax().finish();
      massMax = total.massMax().finish();
    }
    return new Spatial(tfce, tfceUnc, tfceFwe, tfceMax, table, extentFwe, massFwe, extentMax, massMax);
  }

  /** Columns [b0, b0 + w) of the subject-major n×v matrix. */
  static double[] slice(double[] y, int n, int v, int b0, int w) {
    if (b0 == 0 && w == v) {
      return y;
    }
    double[] out = new double[n * w];
    for (int s = 0; s < n; s++) {
      System.arraycopy(y, s * v + b0, out, s * w, w);
    }
    return out;
  }
}
