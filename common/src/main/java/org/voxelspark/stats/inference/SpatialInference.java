package org.voxelspark.stats.inference;

import java.io.Serializable;

/**
 * The whole-image kernel of TFCE and cluster inference: given one statistic image per shuffling
 * (compact over a {@link MaskedGrid}, as {@link org.voxelspark.stats.perm.PermutationBlock#evaluate}
 * writes them on the z scale, which is what PALM enhances), it accumulates the null distributions of
 * the maximum TFCE, the maximum cluster extent and the maximum cluster mass, and the voxelwise TFCE
 * exceedance counts, into a mergeable {@link Null}.
 *
 * <p><b>Partitioning.</b> These statistics need every voxel of a shuffling at once, so the Spark
 * side partitions by shuffling: each task takes a chunk of shufflings, evaluates them over the whole
 * image (the residualised data of every voxel, broadcast or read once per task) and feeds each
 * shuffling's image here; the {@link Null}s of the chunks combine exactly.
 *
 * <p>Not thread-safe (workspace); one per task.
 */
public final class SpatialInference {
  /**
   * What to compute.
   *
   * @param tfce whether to compute TFCE
   * @param tfceH TFCE height exponent H
   * @param tfceE TFCE extent exponent E
   * @param tfceStep fixed Δh, or 0 for PALM's max/100
   * @param tfceConnectivity TFCE neighbourhood
   * @param clusterThreshold cluster-forming threshold on the image's scale (e.g. z ≥ 3.1), or NaN for no cluster inference
   * @param clusterConnectivity cluster neighbourhood
   */
  public record Settings(boolean tfce, double tfceH, double tfceE, double tfceStep, Connectivity tfceConnectivity,
      double clusterThreshold, Connectivity clusterConnectivity) implements Serializable {
    /** PALM's defaults: TFCE with H = 2, E = 0.5, automatic Δh, 6-connectivity; clusters at the threshold (NaN: none), 26-connectivity. */
    public static Settings palm(boolean tfce, double clusterThreshold) {
      return new Settings(tfce, Tfce.DEFAULT_H, Tfce.DEFAULT_E, 0, Connectivity.SIX, clusterThreshold, Connectivity.TWENTY_SIX);
    }

    /** True when cluster inference is requested. */
    public boolean clusters() {
      return !Double.isNaN(clusterThreshold);
    }
  }

  /** Mergeable null distributions of one test's spatial statistics over K shufflings. */
  public static final class Null implements Serializable {
    private static final long serialVersionUID = 1L;

    private final MaxDistribution tfceMax;
    private final ExceedanceCounts tfceCounts;
    private final MaxDistribution extentMax;
    private final MaxDistribution massMax;

    /**
     * @param shufflings K
     * @param observedTfce the observed TFCE image (for voxelwise TFCE p), or null without TFCE
     * @param clusters whether cluster maxima are collected
     */
    public Null(int shufflings, double[] observedTfce, boolean clusters) {
      tfceMax = observedTfce == null ? null : new MaxDistribution(shufflings);
      tfceCounts = observedTfce == null ? null : new ExceedanceCounts(observedTfce, shufflings);
      extentMax = clusters ? new MaxDistribution(shufflings) : null;
      massMax = clusters ? new MaxDistribution(shufflings) : null;
    }

    /** Merges the null of another, disjoint chunk of shufflings. */
    public Null combine(Null other) {
      if (tfceMax != null) {
        tfceMax.combine(other.tfceMax);
        tfceCounts.combine(other.tfceCounts);
      }
      if (extentMax != null) {
        extentMax.combine(other.extentMax);
        massMax.combine(other.massMax);
      }
      return this;
    }

    /** Max-TFCE null (null without TFCE). */
    public MaxDistribution tfceMax() {
      return tfceMax;
    }

    /** Voxelwise TFCE counts (null without TFCE). */
    public ExceedanceCounts tfceCounts() {
      return tfceCounts;
    }

    /** Max-extent null (null without clusters). */
    public MaxDistribution extentMax() {
      return extentMax;
    }

    /** Max-mass null (null without clusters). */
    public MaxDistribution massMax() {
      return massMax;
    }
  }

  private final Settings settings;
  private final Tfce tfce;
  private final Clusters clusters;
  private final double[] tfceMap;
  private final double[] pair = new double[2];

  public SpatialInference(MaskedGrid grid, Settings settings) {
    this.settings = settings;
    this.tfce = settings.tfce() ? new Tfce(grid.graph(settings.tfceConnectivity()), settings.tfceH(), settings.tfceE(),
        settings.tfceStep()) : null;
    this.clusters = settings.clusters() ? new Clusters(grid.graph(settings.clusterConnectivity())) : null;
    this.tfceMap = settings.tfce() ? new double[grid.size()] : null;
  }

  /** The settings. */
  public Settings settings() {
    return settings;
  }

  /** The TFCE image of an image (null when TFCE is off). */
  public double[] tfce(double[] image, int offset) {
    return tfce == null ? null : tfce.transform(image, offset);
  }

  /** The cluster table of an image at the settings' threshold (null when clusters are off). */
  public Clusters.Table clusterTable(double[] image, int offset, double[] effect) {
    return clusters == null ? null : clusters.table(image, offset, settings.clusterThreshold(), effect);
  }

  /** A fresh null for K shufflings; {@code observedImage} is shuffling 0's image. */
  public Null newNull(int shufflings, double[] observedImage, int offset) {
    return new Null(shufflings, tfce(observedImage, offset), settings.clusters());
  }

  /** Adds shuffling k's image {@code image[offset .. offset+V)} to the null. */
  public void accept(int k, double[] image, int offset, Null nul) {
    if (tfce != null) {
      double mx = tfce.transform(image, offset, tfceMap);
      nul.tfceCounts.accept(k, tfceMap, 0);
      nul.tfceMax.accept(k, mx);
    }
    if (clusters != null) {
      clusters.maxima(image, offset, settings.clusterThreshold(), pair);
      nul.extentMax.accept(k, pair[0]);
      nul.massMax.accept(k, pair[1]);
    }
  }
}
