package org.voxelspark.group;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.api.java.function.PairFlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.voxelspark.stats.glm.GlmKernel;
import org.voxelspark.stats.glm.GlmMaps;
import org.voxelspark.stats.glm.GlmModel;
import org.voxelspark.stats.inference.ExceedanceCounts;
import org.voxelspark.stats.inference.MaskedGrid;
import org.voxelspark.stats.inference.MaxDistribution;
import org.voxelspark.stats.inference.SpatialInference;
import org.voxelspark.stats.perm.FreedmanLane;
import org.voxelspark.stats.perm.PermutationBlock;
import org.voxelspark.stats.perm.ShufflingSet;
import org.voxelspark.stats.perm.Tail;
import scala.Tuple2;

/**
 * The Spark wiring of the group stage, as static functions whose closures are built in factories
 * so they capture only their parameters (the model, the tests and the shufflings are broadcast:
 * built once on the driver, as Hail does with its covariates).
 *
 * <p>Three passes over the cached {@link GroupBlock}s, each the distributed form of one step of
 * {@link org.voxelspark.stats.GroupAnalysis} (whose result the job must equal):
 * <ol>
 *   <li>{@link #glm}: the GLM maps of each block;
 *   <li>{@link #voxelwise}: per block, every test's observed statistic, its z, the permutation counts
 *       over all shufflings (uncorrected p) and the block's per-shuffling maxima; the maxima of all
 *       blocks combine into the FWE null on the driver;
 *   <li>{@link #spatial}: TFCE and cluster statistics need the whole image of each shuffling, so
 *       this pass is partitioned by shuffling chunk: every block evaluates its voxels for a chunk,
 *       the pieces are grouped by chunk (a shuffle of K × V doubles), and each chunk's task enhances
 *       its whole images; the chunks' null distributions combine exactly.
 * </ol>
 */
public final class GroupFunctions {
  private GroupFunctions() {}

  /** A block's GLM maps. */
  public record BlockGlm(int blockId, int[] voxels, GlmMaps maps) implements Serializable {}

  /** A block's voxelwise inference for every test (t-contrasts, then F-tests). */
  public record BlockInference(int blockId, int[] voxels, double[][] observed, double[][] observedZ,
      double[][] uncorrectedP, MaxDistribution[] max) implements Serializable {}

  /** The values of one block for a chunk of shufflings: {@code (to − from) × voxels}, shuffling-major. */
  public record ChunkPiece(int[] compact, double[] values) implements Serializable {}

  /** Pass 1: the GLM of each block. */
  public static JavaRDD<BlockGlm> glm(JavaRDD<GroupBlock> blocks, Broadcast<GlmModel> model) {
    return blocks.map(fitGlm(model));
  }

  private static Function<GroupBlock, BlockGlm> fitGlm(Broadcast<GlmModel> model) {
    return b -> new BlockGlm(b.blockId(), b.voxels(), new GlmKernel(model.value()).fit(b.y(), b.voxelCount()));
  }

  /** Pass 2: voxelwise permutation inference of each block, for every test. */
  public static JavaRDD<BlockInference> voxelwise(JavaRDD<GroupBlock> blocks, Broadcast<List<FreedmanLane>> tests,
      Broadcast<ShufflingSet> shufflings, Tail tail, int chunk) {
    return blocks.map(permute(tests, shufflings, tail, chunk));
  }

  private static Function<GroupBlock, BlockInference> permute(Broadcast<List<FreedmanLane>> tests,
      Broadcast<ShufflingSet> shufflings, Tail tail, int chunk) {
    return b -> {
      List<FreedmanLane> ts = tests.value();
      ShufflingSet set = shufflings.value();
      int k = set.size();
      int t = ts.size();
      double[][] observed = new double[t][];
      double[][] z = new double[t][];
      double[][] p = new double[t][];
      MaxDistribution[] max = new MaxDistribution[t];
      for (int q = 0; q < t; q++) {
        PermutationBlock block = PermutationBlock.prepare(ts.get(q), tail, set, b.y(), b.voxelCount());
        ExceedanceCounts counts = null;
        max[q] = new MaxDistribution(k);
        for (int c0 = 0; c0 < k; c0 += chunk) {
          int c1 = Math.min(k, c0 + chunk);
          ExceedanceCounts part = block.newCounts();
          MaxDistribution partMax = new MaxDistribution(k);
          block.accumulate(c0, c1, part, partMax);
          counts = counts == null ? part : counts.combine(part);
          max[q].combine(partMax);
        }
        observed[q] = block.observed();
        z[q] = block.observedZ();
        p[q] = counts.finish();
      }
      return new BlockInference(b.blockId(), b.voxels(), observed, z, p, max);
    };
  }

  /**
   * Pass 3: the spatial null of one test: TFCE and cluster maxima (and TFCE exceedance counts) over
   * every shuffling.
   *
   * @param grid the group mask as a compact grid (broadcast)
   * @param observedZ the observed z image, compact (broadcast)
   * @param chunk shufflings per task
   * @param partitions partitions of the chunk shuffle
   */
  public static SpatialInference.Null spatial(JavaRDD<GroupBlock> blocks, Broadcast<FreedmanLane> test,
      Broadcast<ShufflingSet> shufflings, Tail tail, Broadcast<MaskedGrid> grid, Broadcast<double[]> observedZ,
      SpatialInference.Settings settings, int chunk, int partitions) {
    return blocks.flatMapToPair(evaluateChunks(test, shufflings, tail, grid, chunk))
        .groupByKey(partitions)
        .map(enhance(shufflings, grid, observedZ, settings, chunk))
        .reduce(SpatialInference.Null::combine);
  }

  private static PairFlatMapFunction<GroupBlock, Integer, ChunkPiece> evaluateChunks(Broadcast<FreedmanLane> test,
      Broadcast<ShufflingSet> shufflings, Tail tail, Broadcast<MaskedGrid> grid, int chunk) {
    return b -> {
      ShufflingSet set = shufflings.value();
      MaskedGrid g = grid.value();
      int v = b.voxelCount();
      int[] compact = new int[v];
      for (int q = 0; q < v; q++) {
        compact[q] = g.compact(b.voxels()[q]);
      }
      PermutationBlock block = PermutationBlock.prepare(test.value(), tail, set, b.y(), v);
      List<Tuple2<Integer, ChunkPiece>> out = new ArrayList<>();
      for (int c0 = 0, c = 0; c0 < set.size(); c0 += chunk, c++) {
        int c1 = Math.min(set.size(), c0 + chunk);
        double[] values = new double[(c1 - c0) * v];
        block.evaluate(c0, c1, values, PermutationBlock.Scale.Z);
        out.add(new Tuple2<>(c, new ChunkPiece(compact, values)));
      }
      return out.iterator();
    };
  }

  private static Function<Tuple2<Integer, Iterable<ChunkPiece>>, SpatialInference.Null> enhance(
      Broadcast<ShufflingSet> shufflings, Broadcast<MaskedGrid> grid, Broadcast<double[]> observedZ,
      SpatialInference.Settings settings, int chunk) {
    return pair -> {
      int k = shufflings.value().size();
      MaskedGrid g = grid.value();
      int v = g.size();
      int c0 = pair._1() * chunk;
      int c1 = Math.min(k, c0 + chunk);
      int count = c1 - c0;
      double[] images = new double[count * v];
      java.util.Arrays.fill(images, Double.NaN);
      for (ChunkPiece piece : pair._2()) {
        int w = piece.compact().length;
        for (int s = 0; s < count; s++) {
          for (int q = 0; q < w; q++) {
            images[s * v + piece.compact()[q]] = piece.values()[s * w + q];
          }
        }
      }
      SpatialInference si = new SpatialInference(g, settings);
      SpatialInference.Null nul = si.newNull(k, observedZ.value(), 0);
      for (int s = c0; s < c1; s++) {
        si.accept(s, images, (s - c0) * v, nul);
      }
      return nul;
    };
  }

  /**
   * A block's descriptive summaries: per voxel the mean over the subjects with data; per subject the
   * sum and count of its values over the block's voxels (for per-subject means over the mask).
   */
  public record BlockSummary(int blockId, int[] voxels, double[] voxelMean, double[] subjectSum, int[] subjectCount)
      implements Serializable {}

  /** The blocks' summaries ({@link BlockSummary}). */
  public static JavaRDD<BlockSummary> summaries(JavaRDD<GroupBlock> blocks) {
    return blocks.map(b -> {
      int v = b.voxelCount();
      int n = b.subjects();
      double[] mean = new double[v];
      int[] cnt = new int[v];
      double[] sum = new double[n];
      int[] count = new int[n];
      for (int s = 0; s < n; s++) {
        for (int q = 0; q < v; q++) {
          double x = b.y()[s * v + q];
          if (Double.isFinite(x)) {
            mean[q] += x;
            cnt[q]++;
            sum[s] += x;
            count[s]++;
          }
        }
      }
      for (int q = 0; q < v; q++) {
        mean[q] = cnt[q] == 0 ? Double.NaN : mean[q] / cnt[q];
      }
      return new BlockSummary(b.blockId(), b.voxels(), mean, sum, count);
    });
  }

  /** The blocks' ids and voxel lists (flat indices), for the compact grid of the group mask. */
  public static JavaRDD<Tuple2<Integer, int[]>> voxelLists(JavaRDD<GroupBlock> blocks) {
    return blocks.map(b -> new Tuple2<>(b.blockId(), b.voxels()));
  }
}
