package org.voxelspark.reho;

import java.util.Arrays;

/**
 * Ranks time series (1 = smallest), with reusable scratch space: no allocation per series. Not
 * thread-safe; use one per thread.
 *
 * <p>Values are ordered as floats ({@code -0.0} and {@code 0.0} tie, NaN sorts above every number).
 * Tied values get ranks by the {@link TieRanking} rule.
 */
public final class Ranker {
  private final int n;
  private final long[] keys;
  private final TieRanking rule;
  private final int[] order;

  /** A ranker for series of {@code n} values. */
  public Ranker(int n, TieRanking rule) {
    if (n < 1) {
      throw new IllegalArgumentException("series length must be ≥ 1");
    }
    this.n = n;
    this.keys = new long[n];
    this.rule = rule;
    this.order = rule == TieRanking.AFNI_INTEGER_TIES ? new int[n] : null;
  }

  /**
   * Ranks {@code values[from .. from+n)} into {@code ranks[to .. to+n)} (in time order).
   *
   * @return ΣT = Σ (t³ − t) over the tie groups (0 without ties), for the tie-corrected W
   */
  public double rank(float[] values, int from, float[] ranks, int to) {
    if (rule == TieRanking.AFNI_INTEGER_TIES) {
      return rankAfni(values, from, ranks, to);
    }
    for (int i = 0; i < n; i++) {
      int bits = Float.floatToIntBits(values[from + i]);
      int sortable = bits ^ ((bits >> 31) & 0x7fffffff);
      keys[i] = ((long) sortable << 32) | i;
    }
    Arrays.sort(keys);
    double tieSum = 0;
    int p = 0;
    while (p < n) {
      float v = values[from + (int) keys[p]];
      int q = p + 1;
      while (q < n && (values[from + (int) keys[q]] == v || Float.isNaN(v) && Float.isNaN(values[from + (int) keys[q]]))) {
        q++;
      }
      int t = q - p;
      float r;
      if (rule == TieRanking.MEAN_RANK) {
        r = (float) (p + 1 + (t - 1) / 2.0);
      } else {
        r = p + (t - 1 + 1) / 2; // p + ceil((t − 1) / 2) for 0-based positions
      }
      for (int s = p; s < q; s++) {
        ranks[to + (int) keys[s]] = r;
      }
      if (t > 1) {
        tieSum += (double) t * t * t - t;
      }
      p = q;
    }
    return tieSum;
  }

  /** See {@link TieRanking#AFNI_INTEGER_TIES}. */
  private double rankAfni(float[] values, int from, float[] ranks, int to) {
    heapsortIndex(values, from);
    for (int m = 0; m < n; m++) {
      ranks[to + order[m]] = m + 1;
    }
    double tieSum = 0;
    int start = -1;
    int length = 0;
    for (int m = 1; m < n; m++) {
      boolean same = (int) values[from + order[m]] == (int) values[from + order[m - 1]];
      if (same) {
        if (length == 0) {
          start = m - 1;
          length = 2;
        } else {
          length++;
        }
      } else if (length > 0) {
        float mean = (float) (start + 0.5 * (length - 1) + 1);
        for (int q = 0; q < length; q++) {
          ranks[to + order[start + q]] = mean;
        }
        tieSum += (double) length * ((double) length * length - 1);
        length = 0;
      }
    }
    // a tie group that reaches the end of the series is neither averaged nor counted (3dReHo)
    return tieSum;
  }

  /**
   * The ascending heapsort index of {@code values[from .. from+n)} into {@link #order}, in the
   * classic form used by GSL's {@code gsl_sort_index} (build a max-heap by sifting down from the
   * middle, then repeatedly swap the root to the end and sift down), so that equal values end in
   * the same relative order as in AFNI.
   */
  private void heapsortIndex(float[] values, int from) {
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    if (n < 2) {
      return;
    }
    int last = n - 1;
    int k = last / 2 + 1;
    do {
      k--;
      siftDown(values, from, last, k);
    } while (k > 0);
    while (last > 0) {
      int tmp = order[0];
      order[0] = order[last];
      order[last] = tmp;
      last--;
      siftDown(values, from, last, 0);
    }
  }

  private void siftDown(float[] values, int from, int last, int k) {
    int top = order[k];
    double topValue = values[from + top];
    while (k <= last / 2) {
      int j = 2 * k;
      if (j < last && values[from + order[j]] < values[from + order[j + 1]]) {
        j++;
      }
      if (!(topValue < values[from + order[j]])) {
        break;
      }
      order[k] = order[j];
      k = j;
    }
    order[k] = top;
  }
}
