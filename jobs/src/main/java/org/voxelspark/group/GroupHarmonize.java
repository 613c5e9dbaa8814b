package org.voxelspark.group;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.voxelspark.error.UserInputException;
import org.voxelspark.harmonize.ComBat;
import org.voxelspark.harmonize.ComBatBlockFit;
import org.voxelspark.harmonize.ComBatFeatureStatus;
import org.voxelspark.harmonize.ComBatModel;
import org.voxelspark.harmonize.ComBatOptions;
import org.voxelspark.harmonize.ComBatPriorAccumulator;
import org.voxelspark.harmonize.ComBatPriors;
import org.voxelspark.harmonize.EbIterationAccumulator;
import org.voxelspark.stats.design.Design;
import org.voxelspark.stats.design.Term;

/**
 * ComBat harmonisation of the group stage's blocks across sites (Johnson 2007; Fortin 2017), on
 * Spark, in the two passes of {@link ComBat}:
 * <ol>
 *   <li>pass 1 per block: {@link ComBat#fitBlock} on the estimation subjects; the per-site
 *       empirical-Bayes priors need every voxel, so the blocks' {@link ComBatPriorAccumulator}s are
 *       collected and combined on the driver <em>in block-id order</em> (deterministic, the same as
 *       one process over the blocks in order), then broadcast;
 *   <li>(neuroCombat-compatible parametric EB only) the iteration-count reduction, likewise;
 *   <li>pass 2 per block: {@link ComBat#adjustBlock} gives the block's {@link ComBatModel}, which is
 *       applied ({@link ComBatModel#apply}) to every subject of the block.
 * </ol>
 * Voxels are ComBat's features, numbered consecutively block by block in block-id order.
 *
 * <p><b>What is protected.</b> The biological covariates are the design's columns other than the
 * intercept and the site term (group, age, sex, clinical scores …), as coded by the design; columns
 * constant among the estimation subjects (the group column when estimating on controls only) are
 * left out of ComBat's covariates and logged. <b>Estimate once, apply to all</b>: with an estimation
 * subset (e.g. controls: {@code --combat-estimate-where group=HC}) the model is estimated on that
 * subset only and applied to every subject, so a disease effect is not absorbed; a saved model
 * ({@link GroupOutputs}: {@code desc-<metric>_combat.parquet}) can be re-applied to new subjects of
 * known sites ({@code --combat-model}). A site the model never saw is a user error.
 */
public final class GroupHarmonize {
  private static final Logger LOG = LoggerFactory.getLogger(GroupHarmonize.class);

  private GroupHarmonize() {}

  /**
   * The harmonised blocks and what ComBat did.
   *
   * @param blocks the harmonised blocks (persisted; the caller unpersists)
   * @param models each block's model, by block id
   * @param covariateNames the covariates ComBat protected
   * @param statusCounts voxels per {@link ComBatFeatureStatus}, by code
   * @param estimationSubjects subjects the model was estimated on
   */
  public record Result(JavaRDD<GroupBlock> blocks, Map<Integer, ComBatModel> models, List<String> covariateNames,
      long[] statusCounts, int estimationSubjects) {}

  /** One block's pass-2 output. */
  public record Adjusted(GroupBlock block, ComBatModel model) implements Serializable {}

  /** The protected covariates of the design: every column but the intercept's and the site term's. */
  static int[] covariateColumns(Design design, String siteColumn) {
    List<Integer> cols = new ArrayList<>();
    java.util.Set<Integer> site = new java.util.HashSet<>();
    for (Term t : design.terms()) {
      if (t.name().equals(siteColumn)) {
        for (int c : t.columns()) {
          site.add(c);
        }
      }
    }
    for (int c = 0; c < design.columns(); c++) {
      if (!design.columnNames().get(c).equals(org.voxelspark.stats.design.ModelSpec.INTERCEPT) && !site.contains(c)) {
        cols.add(c);
      }
    }
    return cols.stream().mapToInt(Integer::intValue).toArray();
  }

  /**
   * Estimates ComBat on the blocks (on the subjects with {@code estimate[s]}) and harmonises every
   * subject.
   *
   * @param sites each design row's site label
   * @param blockVoxels the number of voxels of each block, by block id
   */
  public static Result estimateAndApply(JavaSparkContext jsc, JavaRDD<GroupBlock> blocks, Map<Integer, Integer> blockVoxels,
      Design design, String[] sites, String siteColumn, boolean[] estimate, ComBatOptions options, String source) {
    int n = design.subjects();
    int[] candidate = covariateColumns(design, siteColumn);
    int[] rowsE = java.util.stream.IntStream.range(0, n).filter(s -> estimate[s]).toArray();
    List<Integer> kept = new ArrayList<>();
    for (int c : candidate) {
      double first = design.get(rowsE[0], c);
      boolean varies = false;
      for (int s : rowsE) {
        varies |= design.get(s, c) != first;
      }
      if (varies) {
        kept.add(c);
      } else {
        LOG.info("ComBat: covariate {} is constant among the {} estimation subjects and is not protected",
            design.columnNames().get(c), rowsE.length);
      }
    }
    int q = kept.size();
    String[] covNames = new String[q];
    double[] covAll = new double[n * q];
    for (int j = 0; j < q; j++) {
      covNames[j] = design.columnNames().get(kept.get(j));
      for (int s = 0; s < n; s++) {
        covAll[s * q + j] = design.get(s, kept.get(j));
      }
    }
    String[] subjects = design.subjectIds().toArray(new String[0]);
    String[] subjectsE = new String[rowsE.length];
    String[] sitesE = new String[rowsE.length];
    double[] covE = new double[rowsE.length * q];
    for (int e = 0; e < rowsE.length; e++) {
      subjectsE[e] = subjects[rowsE[e]];
      sitesE[e] = sites[rowsE[e]];
      System.arraycopy(covAll, rowsE[e] * q, covE, e * q, q);
    }
    ComBat combat = ComBat.of(source, subjectsE, sitesE, covNames, covE, options);
    Map<Integer, Integer> offsets = offsets(blockVoxels);
    Broadcast<ComBat> bCombat = jsc.broadcast(combat);
    Broadcast<int[]> bRows = jsc.broadcast(rowsE);
    List<scala.Tuple2<Integer, ComBatPriorAccumulator>> parts = new ArrayList<>(blocks.map(priorPart(bCombat, bRows, offsets))
        .collect());
    parts.sort(Comparator.comparingInt(scala.Tuple2::_1));
    ComBatPriorAccumulator acc = null;
    for (scala.Tuple2<Integer, ComBatPriorAccumulator> e : parts) {
      acc = acc == null ? e._2() : acc.combine(e._2());
    }
    ComBatPriors priors = acc.finish();
    if (combat.needsIterationPass()) {
      Broadcast<ComBatPriors> bp = jsc.broadcast(priors);
      List<scala.Tuple2<Integer, EbIterationAccumulator>> its = new ArrayList<>(blocks.map(iterationPart(bCombat, bRows, offsets,
          bp)).collect());
      its.sort(Comparator.comparingInt(scala.Tuple2::_1));
      EbIterationAccumulator ia = null;
      for (scala.Tuple2<Integer, EbIterationAccumulator> e : its) {
        ia = ia == null ? e._2() : ia.combine(e._2());
      }
      priors = priors.withIterationCounts(ia.finish());
    }
    Broadcast<ComBatPriors> bPriors = jsc.broadcast(priors);
    JavaRDD<Adjusted> adjusted = blocks.map(adjust(bCombat, bRows, offsets, bPriors, subjects, sites, covAll, source))
        .persist(StorageLevel.MEMORY_AND_DISK_SER());
    Map<Integer, ComBatModel> models = new HashMap<>();
    for (Adjusted a : adjusted.collect()) {
      models.put(a.block().blockId(), a.model());
    }
    JavaRDD<GroupBlock> harmonised = adjusted.map(Adjusted::block).persist(StorageLevel.MEMORY_AND_DISK_SER());
    harmonised.count();
    adjusted.unpersist(false);
    long[] status = statusCounts(models);
    LOG.info("ComBat: estimated on {} of {} subjects, {} sites, covariates {}; voxels by status {}", rowsE.length, n,
        combat.batchNames().length, List.of(covNames), describe(status));
    return new Result(harmonised, models, List.of(covNames), status, rowsE.length);
  }

  /**
   * Applies saved models (one per block of the same grid and block size, see
   * {@link GroupOutputs#readCombatModel}) to every subject of the blocks.
   */
  public static JavaRDD<GroupBlock> applySaved(JavaSparkContext jsc, JavaRDD<GroupBlock> blocks, Broadcast<SavedModel> saved,
      Design design, String[] sites, String siteColumn, String source) {
    SavedModel m = saved.value();
    int n = design.subjects();
    // the covariates the model protects, by name, from this design
    int q = m.covariateNames().length;
    double[] cov = new double[n * q];
    for (int j = 0; j < q; j++) {
      int col = design.columnNames().indexOf(m.covariateNames()[j]);
      if (col < 0) {
        throw new UserInputException(source, "--combat-model", "the saved ComBat model protects covariate '"
            + m.covariateNames()[j] + "', which this design does not have (design columns " + design.columnNames() + ")");
      }
      for (int s = 0; s < n; s++) {
        cov[s * q + j] = design.get(s, col);
      }
    }
    java.util.Set<String> known = java.util.Set.of(m.batchNames());
    List<UserInputException.Problem> unknown = new ArrayList<>();
    for (int s = 0; s < n; s++) {
      if (!known.contains(sites[s])) {
        unknown.add(new UserInputException.Problem(source, design.subjectIds().get(s), "site '" + sites[s]
            + "' is not one the saved ComBat model was estimated on " + List.of(m.batchNames())));
      }
    }
    UserInputException.throwIfAny(unknown);
    String[] subjects = design.subjectIds().toArray(new String[0]);
    return blocks.map(applyModel(saved, subjects, sites, cov, source)).persist(StorageLevel.MEMORY_AND_DISK_SER());
  }

  /**
   * A model read back from its table: per voxel (flat index) its row, plus the per-site priors and
   * names; {@link #forVoxels} builds the {@link ComBatModel} of a block's voxels.
   */
  public record SavedModel(String[] batchNames, int referenceIndex, String[] covariateNames,
      org.voxelspark.harmonize.ComBatConvention convention, Map<Integer, Integer> rowOfVoxel, double[] grandMean,
      double[] varPooled, double[] beta, double[] gammaStar, double[] deltaStar, byte[] status, byte[] batchState,
      double[] gammaBar, double[] tau2, double[] aPrior, double[] bPrior) implements Serializable {
    /**
     * The model of these voxels (rows in the same layouts as {@link ComBatModel}); voxels the model
     * does not cover are a user error naming how many.
     */
    public ComBatModel forVoxels(int[] voxels, String source) {
      int v = voxels.length;
      int nb = batchNames.length;
      int q = covariateNames.length;
      int total = grandMean.length;
      double[] gm = new double[v];
      double[] vp = new double[v];
      double[] be = new double[q * v];
      double[] gs = new double[nb * v];
      double[] ds = new double[nb * v];
      byte[] st = new byte[v];
      byte[] bs = new byte[nb * v];
      int missing = 0;
      for (int f = 0; f < v; f++) {
        Integer r = rowOfVoxel.get(voxels[f]);
        if (r == null) {
          missing++;
          continue;
        }
        gm[f] = grandMean[r];
        vp[f] = varPooled[r];
        st[f] = status[r];
        for (int j = 0; j < q; j++) {
          be[j * v + f] = beta[j * total + r];
        }
        for (int b = 0; b < nb; b++) {
          gs[b * v + f] = gammaStar[b * total + r];
          ds[b * v + f] = deltaStar[b * total + r];
          bs[b * v + f] = batchState[b * total + r];
        }
      }
      if (missing > 0) {
        throw new UserInputException(source, "--combat-model", missing + " voxel(s) of the group mask are not in the saved "
            + "ComBat model; restrict the analysis to the model's voxels with --group-mask (its desc-<metric>_mask.nii.gz)");
      }
      return new ComBatModel(batchNames, referenceIndex, covariateNames, convention, 0, v, gm, vp, be, gs, ds, st, bs,
          gammaBar, tau2, aPrior, bPrior);
    }
  }

  private static Map<Integer, Integer> offsets(Map<Integer, Integer> blockVoxels) {
    Map<Integer, Integer> offsets = new HashMap<>();
    int at = 0;
    for (int id : blockVoxels.keySet().stream().sorted().toList()) {
      offsets.put(id, at);
      at += blockVoxels.get(id);
    }
    return offsets;
  }

  /** The estimation subjects' rows of a block. */
  static double[] rows(GroupBlock b, int[] rows) {
    int v = b.voxelCount();
    double[] out = new double[rows.length * v];
    for (int e = 0; e < rows.length; e++) {
      System.arraycopy(b.y(), rows[e] * v, out, e * v, v);
    }
    return out;
  }

  private static Function<GroupBlock, scala.Tuple2<Integer, ComBatPriorAccumulator>> priorPart(Broadcast<ComBat> combat,
      Broadcast<int[]> rows, Map<Integer, Integer> offsets) {
    return b -> {
      ComBat c = combat.value();
      ComBatBlockFit fit = c.fitBlock(offsets.get(b.blockId()), b.voxelCount(), rows(b, rows.value()));
      return new scala.Tuple2<>(b.blockId(), c.newPriorAccumulator().accept(fit));
    };
  }

  private static Function<GroupBlock, scala.Tuple2<Integer, EbIterationAccumulator>> iterationPart(Broadcast<ComBat> combat,
      Broadcast<int[]> rows, Map<Integer, Integer> offsets, Broadcast<ComBatPriors> priors) {
    return b -> {
      ComBat c = combat.value();
      ComBatBlockFit fit = c.fitBlock(offsets.get(b.blockId()), b.voxelCount(), rows(b, rows.value()));
      return new scala.Tuple2<>(b.blockId(), c.newIterationAccumulator(priors.value()).accept(fit));
    };
  }

  private static Function<GroupBlock, Adjusted> adjust(Broadcast<ComBat> combat, Broadcast<int[]> rows,
      Map<Integer, Integer> offsets, Broadcast<ComBatPriors> priors, String[] subjects, String[] sites, double[] covariates,
      String source) {
    return b -> {
      ComBat c = combat.value();
      double[] yE = rows(b, rows.value());
      ComBatBlockFit fit = c.fitBlock(offsets.get(b.blockId()), b.voxelCount(), yE);
      ComBatModel model = c.adjustBlock(fit, priors.value(), yE, new double[yE.length]);
      double[] out = new double[b.y().length];
      model.apply(source, subjects, sites, covariates, b.y(), out);
      return new Adjusted(new GroupBlock(b.blockId(), b.voxels(), b.subjects(), out, b.coverage()), model);
    };
  }

  private static Function<GroupBlock, GroupBlock> applyModel(Broadcast<SavedModel> saved, String[] subjects, String[] sites,
      double[] covariates, String source) {
    return b -> {
      ComBatModel model = saved.value().forVoxels(b.voxels(), source);
      double[] out = new double[b.y().length];
      model.apply(source, subjects, sites, covariates, b.y(), out);
      return new GroupBlock(b.blockId(), b.voxels(), b.subjects(), out, b.coverage());
    };
  }

  static long[] statusCounts(Map<Integer, ComBatModel> models) {
    long[] total = null;
    for (ComBatModel m : models.values().stream().sorted(Comparator.comparingInt(ComBatModel::firstFeature)).toList()) {
      long[] c = m.statusCounts();
      if (total == null) {
        total = new long[c.length];
      }
      for (int i = 0; i < c.length; i++) {
        total[i] += c[i];
      }
    }
    return total == null ? new long[0] : total;
  }

  static String describe(long[] status) {
    StringBuilder sb = new StringBuilder();
    for (ComBatFeatureStatus s : ComBatFeatureStatus.values()) {
      if (s.code() < status.length && status[s.code()] > 0) {
        sb.append(sb.length() == 0 ? "" : ", ").append(s.name().toLowerCase()).append(' ').append(status[s.code()]);
      }
    }
    return sb.toString();
  }
}
