package org.voxelspark.stats.inference;

import java.io.Serializable;
import java.util.Arrays;
import java.util.BitSet;

/**
 * Mergeable accumulator of the null distribution of a maximum statistic: for each shuffling k the
 * maximum over all voxels (or clusters) of the image, M_k, and from it family-wise-error-corrected
 * p-values (Westfall and Young 1993; Nichols and Holmes 2002):
 * <pre>  p_FWE(s) = #{k : M_k ≥ s} / K</pre>
 * including the identity (so the largest observed value has p ≥ 1/K).
 *
 * <p><b>Use.</b> Each block reports its own per-shuffling maxima ({@link #accept}); blocks and
 * shuffling chunks are merged by {@link #combine}, an element-wise maximum, which is exact in any
 * order. Shufflings with no finite value anywhere keep M_k = −∞. {@link #finish} requires every
 * shuffling to have been reported by at least one accept.
 *
 * <p>For voxelwise FWE the values are z-scores when voxels have different degrees of freedom (as
 * PALM does); see {@link org.voxelspark.stats.perm.PermutationBlock}. Serializable; not
 * thread-safe.
 */
public final class MaxDistribution implements Serializable {
  private static final long serialVersionUID = 1L;

  private final double[] max;
  private final BitSet seen;

  /** An empty distribution over K shufflings. */
  public MaxDistribution(int shufflings) {
    max = new double[shufflings];
    Arrays.fill(max, Double.NEGATIVE_INFINITY);
    seen = new BitSet(shufflings);
  }

  /** K. */
  public int shufflings() {
    return max.length;
  }

  /** Raises M_k to {@code value} if larger (NaN is ignored) and marks shuffling k as reported. */
  public void accept(int k, double value) {
    if (value > max[k]) {
      max[k] = value;
    }
    seen.set(k);
  }

  /** Element-wise maximum with another distribution of the same K. */
  public MaxDistribution combine(MaxDistribution other) {
    if (other.max.length != max.length) {
      throw new IllegalStateException("combining maxima over " + other.max.length + " and " + max.length + " shufflings");
    }
    for (int k = 0; k < max.length; k++) {
      if (other.max[k] > max[k]) {
        max[k] = other.max[k];
      }
    }
    seen.or(other.seen);
    return this;
  }

  /** True when every shuffling has been reported. */
  public boolean complete() {
    return seen.cardinality() == max.length;
  }

  /** M_k for every shuffling (a copy); every shuffling must have been reported. */
  public double[] finish() {
    if (!complete()) {
      throw new IllegalStateException("only " + seen.cardinality() + " of " + max.length + " shufflings were reported");
    }
    return max.clone();
  }

  /** p_FWE of each value (NaN stays NaN). */
  public double[] pValues(double[] observed) {
    double[] sorted = finish();
    Arrays.sort(sorted);
    int k = sorted.length;
    double[] pv = new double[observed.length];
    for (int j = 0; j < observed.length; j++) {
      double s = observed[j];
      if (Double.isNaN(s)) {
        pv[j] = Double.NaN;
        continue;
      }
      // first index with sorted[i] >= s
      int lo = 0;
      int hi = k;
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (sorted[mid] >= s) {
          hi = mid;
        } else {
          lo = mid + 1;
        }
      }
      pv[j] = (double) (k - lo) / k;
    }
    return pv;
  }
}
