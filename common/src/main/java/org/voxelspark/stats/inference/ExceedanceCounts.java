package org.voxelspark.stats.inference;

import java.io.Serializable;
import java.util.Arrays;
import java.util.BitSet;

/**
 * Mergeable accumulator of per-voxel permutation counts → uncorrected p-values, for the voxels of
 * one block (or one whole image):
 * <pre>  p_j = #{k : s_k,j ≥ s_0,j} / K</pre>
 * over the K shufflings including the identity k = 0 (PALM's convention: p, not 1 − p; never 0).
 * s is whatever the test compares (t, |t|, F, TFCE); a voxel whose observed value is NaN has
 * p = NaN, and a NaN permuted value never counts.
 *
 * <p><b>Use.</b> {@link #accept} one shuffling's values (or {@link #acceptCounts} a whole chunk's
 * counts), {@link #combine} accumulators of the same voxels over disjoint sets of shufflings (e.g.
 * shuffling chunks evaluated in different tasks), {@link #finish} when every shuffling is in.
 * Counts are integers, so any split and order of combination gives bit-identical p-values.
 * Coverage is tracked: accepting a shuffling twice, combining overlapping accumulators or finishing
 * early is a bug ({@link IllegalStateException}).
 *
 * <p>Serializable; not thread-safe.
 */
public final class ExceedanceCounts implements Serializable {
  private static final long serialVersionUID = 1L;

  private final double[] observed;
  private final int shufflings;
  private final int[] counts;
  private final BitSet covered;

  /**
   * @param observed the observed value per voxel (shuffling 0); kept by reference: do not modify
   * @param shufflings K, the total number of shufflings of the test
   */
  public ExceedanceCounts(double[] observed, int shufflings) {
    if (shufflings < 1) {
      throw new IllegalArgumentException("need at least one shuffling");
    }
    this.observed = observed;
    this.shufflings = shufflings;
    this.counts = new int[observed.length];
    this.covered = new BitSet(shufflings);
  }

  /** Number of voxels. */
  public int voxels() {
    return observed.length;
  }

  /** K. */
  public int shufflings() {
    return shufflings;
  }

  /** The observed values. Not a copy. */
  public double[] observed() {
    return observed;
  }

  /** Counts so far (a copy). */
  public int[] counts() {
    return counts.clone();
  }

  /** Number of shufflings accepted so far. */
  public int covered() {
    return covered.cardinality();
  }

  /** Adds shuffling k's values {@code values[offset .. offset+voxels)}. */
  public void accept(int k, double[] values, int offset) {
    mark(k, k + 1);
    for (int j = 0; j < observed.length; j++) {
      if (values[offset + j] >= observed[j]) {
        counts[j]++;
      }
    }
  }

  /**
   * Adds the exceedance counts of shufflings {@code [from, to)} computed elsewhere (by a fused
   * kernel): {@code delta[j]} = #{k ∈ [from, to) : s_k,j ≥ s_0,j}.
   */
  public void acceptCounts(int from, int to, int[] delta) {
    if (delta.length != counts.length) {
      throw new IllegalArgumentException("counts for " + delta.length + " voxels, not " + counts.length);
    }
    mark(from, to);
    for (int j = 0; j < counts.length; j++) {
      counts[j] += delta[j];
    }
  }

  private void mark(int from, int to) {
    if (from < 0 || to > shufflings || from >= to) {
      throw new IllegalArgumentException("shufflings [" + from + ", " + to + ") outside [0, " + shufflings + ")");
    }
    int already = covered.get(from, to).cardinality();
    if (already != 0) {
      throw new IllegalStateException(already + " of shufflings [" + from + ", " + to + ") were already counted");
    }
    covered.set(from, to);
  }

  /**
   * Merges another accumulator of the same voxels (bitwise-equal observed values) over a disjoint
   * set of shufflings into this one.
   */
  public ExceedanceCounts combine(ExceedanceCounts other) {
    if (other.shufflings != shufflings || !Arrays.equals(other.observed, observed)) {
      throw new IllegalStateException("combining counts of different voxels or tests");
    }
    if (covered.intersects(other.covered)) {
      throw new IllegalStateException("combining counts that share shufflings");
    }
    covered.or(other.covered);
    for (int j = 0; j < counts.length; j++) {
      counts[j] += other.counts[j];
    }
    return this;
  }

  /** The uncorrected p-values; every shuffling must have been counted. */
  public double[] finish() {
    if (covered.cardinality() != shufflings) {
      throw new IllegalStateException("only " + covered.cardinality() + " of " + shufflings + " shufflings were counted");
    }
    double[] pv = new double[counts.length];
    for (int j = 0; j < pv.length; j++) {
      pv[j] = Double.isNaN(observed[j]) ? Double.NaN : (double) counts[j] / shufflings;
    }
    return pv;
  }
}
