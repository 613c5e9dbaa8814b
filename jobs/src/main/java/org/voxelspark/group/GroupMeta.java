package org.voxelspark.group;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.broadcast.Broadcast;
import org.voxelspark.meta.MetaMaps;
import org.voxelspark.meta.MetaOutput;
import org.voxelspark.meta.SiteMeta;
import org.voxelspark.stats.design.ModelSpec;
import org.voxelspark.stats.inference.MaskedGrid;

/**
 * The multi-centre meta-analysis of the group stage on Spark: per block, every site's GLM and the
 * pooling of its effect sizes ({@link SiteMeta}, broadcast), then assembled on the driver in the
 * compact order of the group mask. Runs on the blocks before any harmonisation (each site is
 * analysed on its own, so site offsets cancel).
 */
public final class GroupMeta {
  private GroupMeta() {}

  /** One block's meta-analysis of every t-contrast. */
  public record BlockMeta(int blockId, int[] voxels, List<SiteMeta.ContrastResult> results) implements Serializable {}

  /**
   * One contrast's pooled maps, compact over the group mask.
   *
   * @param contrast the contrast's name
   * @param hedgesG true when the effect size is Hedges' g, false for Fisher's z of partial r
   * @param pooled every {@link MetaOutput}
   * @param k sites pooled per voxel
   * @param reason {@link org.voxelspark.meta.MetaReason} code per voxel
   * @param stoufferZ √n-weighted Stouffer Z of the per-site one-sided p
   * @param stoufferP its one-sided p
   * @param fisherP Fisher's combined one-sided p
   */
  public record Result(String contrast, boolean hedgesG, Map<MetaOutput, double[]> pooled, int[] k, byte[] reason,
      double[] stoufferZ, double[] stoufferP, double[] fisherP) {}

  /** The model of each site: {@code model} without the site term and without exchangeability blocks. */
  public static ModelSpec perSiteModel(ModelSpec model, String siteColumn) {
    List<String> terms = new ArrayList<>(model.terms());
    terms.remove(siteColumn);
    Map<String, org.voxelspark.stats.design.ColumnType> types = new java.util.HashMap<>(model.types());
    types.remove(siteColumn);
    Map<String, String> refs = new java.util.HashMap<>(model.references());
    refs.remove(siteColumn);
    String formula = (model.intercept() ? "" : "0 + ") + String.join(" + ", terms);
    return new ModelSpec(formula, terms, model.intercept(), types, refs, model.demean(), model.subjectColumn(), null);
  }

  /** Runs the meta-analysis of every block and assembles it. */
  public static List<Result> run(JavaRDD<GroupBlock> blocks, Broadcast<SiteMeta> meta, MaskedGrid grid) {
    List<BlockMeta> parts = blocks.map(pool(meta)).collect();
    SiteMeta m = meta.value();
    int v = grid.size();
    List<Result> out = new ArrayList<>();
    for (int c = 0; c < m.contrastNames().size(); c++) {
      Map<MetaOutput, double[]> pooled = new EnumMap<>(MetaOutput.class);
      for (MetaOutput o : MetaOutput.values()) {
        pooled.put(o, nan(v));
      }
      int[] k = new int[v];
      byte[] reason = new byte[v];
      double[] sz = nan(v);
      double[] sp = nan(v);
      double[] fp = nan(v);
      for (BlockMeta b : parts) {
        SiteMeta.ContrastResult r = b.results().get(c);
        MetaMaps maps = r.pooled();
        for (int q = 0; q < b.voxels().length; q++) {
          int at = grid.compact(b.voxels()[q]);
          for (MetaOutput o : MetaOutput.values()) {
            pooled.get(o)[at] = maps.get(o)[q];
          }
          k[at] = maps.k()[q];
          reason[at] = maps.reason()[q];
          sz[at] = r.stouffer().statistic()[q];
          sp[at] = r.stouffer().p()[q];
          fp[at] = r.fisher().p()[q];
        }
      }
      out.add(new Result(m.contrastNames().get(c), m.isHedgesG(c), pooled, k, reason, sz, sp, fp));
    }
    return out;
  }

  private static Function<GroupBlock, BlockMeta> pool(Broadcast<SiteMeta> meta) {
    return b -> new BlockMeta(b.blockId(), b.voxels(), meta.value().pool(b.y(), b.voxelCount()));
  }

  private static double[] nan(int v) {
    double[] a = new double[v];
    java.util.Arrays.fill(a, Double.NaN);
    return a;
  }
}
