package org.voxelspark.group;

import java.util.List;
import java.util.Objects;
import org.voxelspark.stats.design.ContrastSpec;
import org.voxelspark.stats.design.FTestSpec;
import org.voxelspark.stats.design.ModelSpec;
import org.voxelspark.stats.inference.SpatialInference;
import org.voxelspark.stats.perm.Partition;
import org.voxelspark.stats.perm.Tail;

/**
 * What the group stage computes.
 *
 * @param metric the voxel-table metric column analysed (e.g. {@code fa}, {@code zreho})
 * @param model the model over {@code participants.tsv} (with its exchangeability-block column, if any)
 * @param contrasts t-contrasts
 * @param fTests F-tests
 * @param shufflings number of shufflings including the identity (1 = parametric inference only)
 * @param seed seed of the shuffling generator
 * @param tail t-test tail
 * @param partition Freedman–Lane partition
 * @param spatial TFCE / cluster inference, or null for voxelwise inference only
 * @param groupMask URI of a group mask (its grid is the analysis grid), or null
 * @param minCoverage fraction of subjects that must have data at a voxel (1 = mask intersection)
 * @param blockSize edge of the cubic voxel blocks, voxels
 * @param shufflingChunk shufflings per task of the voxelwise permutation pass
 * @param atlas URI of a label image for ROI statistics, or null
 * @param atlasLabels URI of its label table (TSV: index, name), or null
 * @param excludeFailed leave out subjects without a usable map instead of failing
 * @param where subject selection: column → accepted values of {@code participants.tsv} (a subject is
 *     analysed when, for every column, its value is one of the accepted ones); empty = everyone
 * @param harmonize ComBat across sites before the GLM ("mega-analysis"), or null
 * @param meta random/fixed-effects meta-analysis of per-site effects, or null
 * @param source where the subjects' values are read: the NIfTI maps (resampled when needed) or the
 *     Parquet voxel table (runs on the analysis grid only)
 */
public record GroupSettings(String metric, ModelSpec model, List<ContrastSpec> contrasts, List<FTestSpec> fTests,
    int shufflings, long seed, Tail tail, Partition partition, SpatialInference.Settings spatial, String groupMask,
    double minCoverage, int blockSize, int shufflingChunk, String atlas, String atlasLabels, boolean excludeFailed,
    java.util.Map<String, java.util.Set<String>> where, Harmonization harmonize, org.voxelspark.meta.MetaOptions meta,
    GroupSource source) {
  public GroupSettings {
    Objects.requireNonNull(metric, "metric");
    Objects.requireNonNull(model, "model");
    contrasts = List.copyOf(contrasts);
    fTests = List.copyOf(fTests);
    Objects.requireNonNull(tail, "tail");
    Objects.requireNonNull(partition, "partition");
    where = java.util.Map.copyOf(where);
    Objects.requireNonNull(source, "source");
    if (shufflings < 1 || blockSize < 1 || shufflingChunk < 1 || !(minCoverage > 0 && minCoverage <= 1)) {
      throw new IllegalArgumentException("shufflings, block size and chunk must be positive, coverage in (0, 1]");
    }
  }

  /**
   * ComBat settings.
   *
   * @param options the ComBat variant (EB, adjustment, reference site, convention)
   * @param estimateWhere the subjects the model is estimated on ({@code participants.tsv} column →
   *     values, as {@code where}); empty = every analysed subject
   * @param savedModel URI of a saved model ({@code desc-<metric>_combat.parquet}) to apply instead of
   *     estimating one, or null
   */
  public record Harmonization(org.voxelspark.harmonize.ComBatOptions options,
      java.util.Map<String, java.util.Set<String>> estimateWhere, String savedModel) {
    public Harmonization {
      Objects.requireNonNull(options, "options");
      estimateWhere = java.util.Map.copyOf(estimateWhere);
    }
  }

  /**
   * Every setting as one deterministic text (sorted where the settings hold maps), for the run
   * manifest's digest of the group stage's inputs.
   */
  public String canonical() {
    StringBuilder sb = new StringBuilder();
    sb.append("metric=").append(metric).append('\n');
    sb.append("model=").append(model.formula()).append(" types=").append(new java.util.TreeMap<>(model.types()))
        .append(" references=").append(new java.util.TreeMap<>(model.references())).append(" demean=").append(model.demean())
        .append(" subjects=").append(model.subjectColumn()).append(" blocks=").append(model.blockColumn()).append('\n');
    contrasts.forEach(c -> sb.append("contrast=").append(c.name()).append(':').append(c.expression()).append('\n'));
    fTests.forEach(f -> sb.append("ftest=").append(f.name()).append(':').append(f.parts()).append('\n'));
    sb.append("shufflings=").append(shufflings).append(" seed=").append(seed).append(" tail=").append(tail)
        .append(" partition=").append(partition).append(" chunk=").append(shufflingChunk).append('\n');
    sb.append("spatial=").append(spatial).append('\n');
    sb.append("mask=").append(groupMask).append(" coverage=").append(minCoverage).append(" block=").append(blockSize).append('\n');
    sb.append("atlas=").append(atlas).append(" labels=").append(atlasLabels).append(" excludeFailed=").append(excludeFailed)
        .append('\n');
    java.util.TreeMap<String, java.util.TreeSet<String>> w = new java.util.TreeMap<>();
    where.forEach((k, v) -> w.put(k, new java.util.TreeSet<>(v)));
    sb.append("where=").append(w).append('\n');
    if (harmonize != null) {
      java.util.TreeMap<String, java.util.TreeSet<String>> e = new java.util.TreeMap<>();
      harmonize.estimateWhere().forEach((k, v) -> e.put(k, new java.util.TreeSet<>(v)));
      sb.append("combat=").append(harmonize.options()).append(" estimate=").append(e).append(" model=")
          .append(harmonize.savedModel()).append('\n');
    }
    sb.append("meta=").append(meta).append(" source=").append(source).append('\n');
    return sb.toString();
  }

  /** The same settings with another number of shufflings. */
  public GroupSettings withShufflings(int k) {
    return new GroupSettings(metric, model, contrasts, fTests, k, seed, tail, partition, spatial, groupMask, minCoverage,
        blockSize, shufflingChunk, atlas, atlasLabels, excludeFailed, where, harmonize, meta, source);
  }

  /** Fewest subjects with data at a voxel, of {@code n}. */
  public int minSubjects(int n) {
    return Math.max(1, (int) Math.ceil(minCoverage * n - 1e-9));
  }
}
