package org.voxelspark.reho;

/**
 * Ranks time series (1 = smallest), with reusable scratch space: no allocation per series. Not
 * thread-safe; use one per thread.
 *
 * <p>Values are ordered as floats ({@code -0.0} and {@code 0.0} tie, NaN sorts above every number
 * and all NaNs tie). Tied values get ranks by the {@link TieRanking} rule.
 *
 * <p><b>Algorithm</b> (mean and ceil rules; the AFNI rule has its own, see below). A rank depends
 * only on how many values are below and how many equal, so:
 * <ul>
 *   <li>a series of integers spanning fewer than {@value #COUNTING_SPAN_PER_SAMPLE}·n + 64 values —
 *       the usual case for BOLD stored as int16 — is ranked by counting: a histogram of
 *       {@code x − min}, whose running sum gives every rank, O(n + span) without a sort;
 *   <li>any other series is sorted by a least-significant-digit radix sort, 8 bits a pass, of keys
 *       that preserve the order — {@code x − min} for integers (two passes for a span below 65 536,
 *       as int16 data scaled by a coarse factor have), the float's order-preserving 32-bit pattern
 *       minus the smallest otherwise — with only as many passes as the keys' range needs; tie groups
 *       are then read off the sorted keys.
 * </ul>
 * Both give exactly the ranks the rules define.
 */
public final class Ranker {
  /** The counting path is taken when max − min &lt; this × n + 64 (and every value is an integer). */
  static final int COUNTING_SPAN_PER_SAMPLE = 4;

  private final int n;
  private final TieRanking rule;
  private final int[] order;
  /** Radix sort: keys and indexes, and their second buffers. */
  private final int[] keyA;
  private final int[] keyB;
  private final int[] idxA;
  private final int[] idxB;
  private final int[] buckets = new int[256];
  /** Counting path: histogram and rank per value, grown as needed. */
  private int[] counts = new int[0];
  private float[] rankOfValue = new float[0];

  /** A ranker for series of {@code n} values. */
  public Ranker(int n, TieRanking rule) {
    if (n < 1) {
      throw new IllegalArgumentException("series length must be ≥ 1");
    }
    this.n = n;
    this.rule = rule;
    this.order = rule == TieRanking.AFNI_INTEGER_TIES ? new int[n] : null;
    keyA = new int[n];
    keyB = new int[n];
    idxA = new int[n];
    idxB = new int[n];
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
    float min = Float.POSITIVE_INFINITY;
    float max = Float.NEGATIVE_INFINITY;
    boolean integral = true;
    for (int i = 0; i < n; i++) {
      float x = values[from + i];
      integral &= x == (float) (int) x && Math.abs(x) < 1e9f; // false for NaN, ±∞ and fractions
      min = Math.min(min, x);
      max = Math.max(max, x);
    }
    if (integral && max - min < (float) COUNTING_SPAN_PER_SAMPLE * n + 64) {
      return rankByCounting(values, from, ranks, to, (int) min, (int) max - (int) min + 1);
    }
    return rankBySorting(values, from, ranks, to, integral, integral ? (int) min : 0);
  }

  private float groupRank(int below, int t) {
    return rule == TieRanking.MEAN_RANK
        ? (float) (below + 1 + (t - 1) / 2.0)
        : below + (t - 1 + 1) / 2; // below + ceil((t − 1) / 2) for 0-based positions
  }

  private double rankByCounting(float[] values, int from, float[] ranks, int to, int min, int span) {
    if (counts.length < span) {
      counts = new int[Math.max(span, 2 * counts.length)];
      rankOfValue = new float[counts.length];
    }
    java.util.Arrays.fill(counts, 0, span, 0);
    for (int i = 0; i < n; i++) {
      counts[(int) values[from + i] - min]++;
    }
    double tieSum = 0;
    int below = 0;
    for (int b = 0; b < span; b++) {
      int t = counts[b];
      if (t > 0) {
        rankOfValue[b] = groupRank(below, t);
        if (t > 1) {
          tieSum += (double) t * t * t - t;
        }
        below += t;
      }
    }
    for (int i = 0; i < n; i++) {
      ranks[to + i] = rankOfValue[(int) values[from + i] - min];
    }
    return tieSum;
  }

  private double rankBySorting(float[] values, int from, float[] ranks, int to, boolean integral, int intMin) {
    int range = 0; // max key − min key, as unsigned
    if (integral) {
      for (int i = 0; i < n; i++) {
        int key = (int) values[from + i] - intMin;
        keyA[i] = key;
        idxA[i] = i;
        range |= key;
      }
    } else {
      int minKey = -1; // unsigned minimum
      for (int i = 0; i < n; i++) {
        float x = values[from + i];
        int bits = x == 0 ? 0 : Float.isNaN(x) ? 0x7fc00000 : Float.floatToRawIntBits(x); // −0 ties 0; one NaN
        // order-preserving unsigned key: flip all bits of negatives, only the sign bit of the rest
        int key = bits ^ ((bits >> 31) | 0x80000000);
        keyA[i] = key;
        idxA[i] = i;
        minKey = Integer.compareUnsigned(key, minKey) < 0 ? key : minKey;
      }
      for (int i = 0; i < n; i++) {
        keyA[i] -= minKey;
        range |= keyA[i];
      }
    }
    int bits = 32 - Integer.numberOfLeadingZeros(range);
    int[] k = keyA;
    int[] ix = idxA;
    int[] k2 = keyB;
    int[] ix2 = idxB;
    for (int shift = 0; shift < bits; shift += 8) { // only the digits the keys use
      java.util.Arrays.fill(buckets, 0);
      for (int i = 0; i < n; i++) {
        buckets[(k[i] >>> shift) & 0xff]++;
      }
      int sum = 0;
      for (int b = 0; b < 256; b++) {
        int c = buckets[b];
        buckets[b] = sum;
        sum += c;
      }
      for (int i = 0; i < n; i++) {
        int pos = buckets[(k[i] >>> shift) & 0xff]++;
        k2[pos] = k[i];
        ix2[pos] = ix[i];
      }
      int[] t = k;
      k = k2;
      k2 = t;
      t = ix;
      ix = ix2;
      ix2 = t;
    }
    double tieSum = 0;
    int p = 0;
    while (p < n) {
      int key = k[p];
      int q = p + 1;
      while (q < n && k[q] == key) {
        q++;
      }
      int t = q - p;
      float r = groupRank(p, t);
      for (int s = p; s < q; s++) {
        ranks[to + ix[s]] = r;
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
