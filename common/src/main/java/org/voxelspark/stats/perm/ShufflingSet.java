package org.voxelspark.stats.perm;

import java.io.Serializable;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.voxelspark.error.UserInputException;

/**
 * The set of shufflings of a permutation test, built once on the driver and broadcast, so every
 * block and every task evaluates exactly the same shufflings. Shuffling 0 is always the identity
 * (the observed data), which PALM counts: p = #{k : stat_k ≥ stat_0} / K includes k = 0.
 *
 * <p><b>Meaning.</b> For a permutation, {@link #source(int, int) source(k, i)} is the subject whose
 * value goes to data row i: the shuffled data are {@code y*[i] = y[source(k, i)]}. For a sign
 * flip, {@link #sign(int, int) sign(k, i)} ∈ {−1, +1} multiplies subject i's value in place.
 *
 * <p><b>Generation</b> ({@link #generate}). When the number of distinct shufflings (Π over blocks
 * of (block size)! for permutations, 2ⁿ for sign flips) is at most the number requested, all of
 * them are enumerated (an exact test; identity first) and {@link #size()} is that number. Otherwise
 * the identity is followed by distinct random shufflings drawn with {@link SplittableRandom} from
 * the seed: a Fisher–Yates shuffle inside each exchangeability block, or independent fair signs;
 * a shuffling equal to one already drawn is redrawn. The same seed, sizes and blocks always give
 * the same set.
 *
 * <p>Storage: {@code size × n} ints or bytes. Immutable; thread-safe.
 */
public final class ShufflingSet implements Serializable {
  private static final long serialVersionUID = 1L;

  private final ShufflingKind kind;
  private final int n;
  private final int size;
  private final int[] source;
  private final byte[] signs;
  private final boolean exhaustive;

  private ShufflingSet(ShufflingKind kind, int n, int size, int[] source, byte[] signs, boolean exhaustive) {
    this.kind = kind;
    this.n = n;
    this.size = size;
    this.source = source;
    this.signs = signs;
    this.exhaustive = exhaustive;
  }

  /**
   * Generates a shuffling set.
   *
   * @param kind permutations or sign flips
   * @param n number of subjects
   * @param requested number of shufflings wanted, including the identity (≥ 1)
   * @param seed random seed
   * @param blocks exchangeability block per subject (length n; equal values = same block), or null
   *     for free exchange; ignored for sign flips
   * @throws UserInputException (source {@code --n-shufflings}) when fewer than 2 shufflings exist
   */
  public static ShufflingSet generate(ShufflingKind kind, int n, int requested, long seed, int[] blocks) {
    if (requested < 1) {
      throw new IllegalArgumentException("need at least 1 shuffling, got " + requested);
    }
    if (blocks != null && blocks.length != n) {
      throw new IllegalArgumentException("blocks has " + blocks.length + " entries, not " + n);
    }
    int[][] members = kind == ShufflingKind.PERMUTATION ? blockMembers(n, blocks) : null;
    BigInteger possible = possible(kind, n, members);
    if (possible.compareTo(BigInteger.TWO) < 0) {
      throw new UserInputException("--n-shufflings", "", "the design and its exchangeability blocks allow only "
          + possible + " distinct shuffling: no permutation test is possible (more subjects or larger blocks)");
    }
    if (possible.compareTo(BigInteger.valueOf(requested)) <= 0) {
      return enumerate(kind, n, possible.intValueExact(), members);
    }
    SplittableRandom rnd = new SplittableRandom(seed);
    if (kind == ShufflingKind.PERMUTATION) {
      int[] src = new int[requested * n];
      Set<Key> seen = new HashSet<>();
      int[] cur = identity(n);
      System.arraycopy(cur, 0, src, 0, n);
      seen.add(new Key(cur.clone(), null));
      for (int k = 1; k < requested; k++) {
        int[] perm;
        do {
          perm = identity(n);
          for (int[] block : members) {
            for (int a = block.length - 1; a > 0; a--) {
              int b = rnd.nextInt(a + 1);
              int t = perm[block[a]];
              perm[block[a]] = perm[block[b]];
              perm[block[b]] = t;
            }
          }
        } while (!seen.add(new Key(perm, null)));
        System.arraycopy(perm, 0, src, k * n, n);
      }
      return new ShufflingSet(kind, n, requested, src, null, false);
    }
    byte[] sg = new byte[requested * n];
    Set<Key> seen = new HashSet<>();
    byte[] id = new byte[n];
    Arrays.fill(id, (byte) 1);
    System.arraycopy(id, 0, sg, 0, n);
    seen.add(new Key(null, id));
    for (int k = 1; k < requested; k++) {
      byte[] s;
      do {
        s = new byte[n];
        for (int i = 0; i < n; i++) {
          s[i] = rnd.nextBoolean() ? (byte) 1 : (byte) -1;
        }
      } while (!seen.add(new Key(null, s)));
      System.arraycopy(s, 0, sg, k * n, n);
    }
    return new ShufflingSet(kind, n, requested, null, sg, false);
  }

  /**
   * A permutation set from PALM's saved index vectors ({@code -saveperms}: one row per shuffling,
   * 1-based, row 1 the identity). PALM applies the <em>inverse</em> of each saved vector to the
   * data, so {@code source(k, ·) = inverse(idx_k) − 1}.
   *
   * @throws IllegalArgumentException if a row is not a permutation of 1..n or row 1 is not the identity
   */
  public static ShufflingSet fromPalmIndices(int[][] oneBased) {
    int size = oneBased.length;
    int n = oneBased[0].length;
    int[] src = new int[size * n];
    for (int k = 0; k < size; k++) {
      int[] row = oneBased[k];
      if (row.length != n) {
        throw new IllegalArgumentException("shuffling " + k + " has " + row.length + " entries, not " + n);
      }
      boolean[] hit = new boolean[n];
      for (int i = 0; i < n; i++) {
        int v = row[i] - 1;
        if (v < 0 || v >= n || hit[v]) {
          throw new IllegalArgumentException("shuffling " + k + " is not a permutation of 1.." + n);
        }
        hit[v] = true;
        src[k * n + v] = i;
      }
    }
    ShufflingSet s = new ShufflingSet(ShufflingKind.PERMUTATION, n, size, src, null, false);
    if (!s.isIdentity(0)) {
      throw new IllegalArgumentException("the first shuffling is not the identity");
    }
    return s;
  }

  /**
   * A set from explicit shufflings: permutations as source vectors ({@code y*[i] = y[rows[k][i]]},
   * 0-based) or sign flips as ±1 rows. The first must be the identity.
   */
  public static ShufflingSet of(ShufflingKind kind, int[][] rows) {
    int size = rows.length;
    int n = rows[0].length;
    if (kind == ShufflingKind.PERMUTATION) {
      int[] src = new int[size * n];
      for (int k = 0; k < size; k++) {
        boolean[] hit = new boolean[n];
        for (int i = 0; i < n; i++) {
          int v = rows[k][i];
          if (v < 0 || v >= n || hit[v]) {
            throw new IllegalArgumentException("shuffling " + k + " is not a permutation of 0.." + (n - 1));
          }
          hit[v] = true;
          src[k * n + i] = v;
        }
      }
      ShufflingSet s = new ShufflingSet(kind, n, size, src, null, false);
      if (!s.isIdentity(0)) {
        throw new IllegalArgumentException("the first shuffling is not the identity");
      }
      return s;
    }
    byte[] sg = new byte[size * n];
    for (int k = 0; k < size; k++) {
      for (int i = 0; i < n; i++) {
        int v = rows[k][i];
        if (v != 1 && v != -1) {
          throw new IllegalArgumentException("sign flip " + k + " has a sign " + v);
        }
        sg[k * n + i] = (byte) v;
      }
    }
    ShufflingSet s = new ShufflingSet(kind, n, size, null, sg, false);
    if (!s.isIdentity(0)) {
      throw new IllegalArgumentException("the first shuffling is not the identity");
    }
    return s;
  }

  /** Number of distinct shufflings the design allows (Π (block size)! or 2ⁿ). */
  public static BigInteger possible(ShufflingKind kind, int n, int[] blocks) {
    return possible(kind, n, kind == ShufflingKind.PERMUTATION ? blockMembers(n, blocks) : null);
  }

  private static BigInteger possible(ShufflingKind kind, int n, int[][] members) {
    if (kind == ShufflingKind.SIGN_FLIP) {
      return BigInteger.TWO.pow(n);
    }
    BigInteger total = BigInteger.ONE;
    for (int[] b : members) {
      for (int i = 2; i <= b.length; i++) {
        total = total.multiply(BigInteger.valueOf(i));
      }
    }
    return total;
  }

  private static int[][] blockMembers(int n, int[] blocks) {
    if (blocks == null) {
      return new int[][] {identity(n)};
    }
    List<Integer> ids = new ArrayList<>();
    for (int b : blocks) {
      if (!ids.contains(b)) {
        ids.add(b);
      }
    }
    int[][] out = new int[ids.size()][];
    for (int t = 0; t < ids.size(); t++) {
      int id = ids.get(t);
      out[t] = java.util.stream.IntStream.range(0, n).filter(i -> blocks[i] == id).toArray();
    }
    return out;
  }

  private static ShufflingSet enumerate(ShufflingKind kind, int n, int total, int[][] members) {
    if (kind == ShufflingKind.SIGN_FLIP) {
      byte[] sg = new byte[total * n];
      for (int k = 0; k < total; k++) {
        for (int i = 0; i < n; i++) {
          sg[k * n + i] = ((k >>> i) & 1) == 0 ? (byte) 1 : (byte) -1;
        }
      }
      return new ShufflingSet(kind, n, total, null, sg, true);
    }
    // odometer over the blocks' lexicographic permutations; each starts at the identity
    int[] src = new int[total * n];
    int[][] state = new int[members.length][];
    for (int b = 0; b < members.length; b++) {
      state[b] = identity(members[b].length);
    }
    for (int k = 0; k < total; k++) {
      int o = k * n;
      for (int b = 0; b < members.length; b++) {
        int[] mem = members[b];
        for (int t = 0; t < mem.length; t++) {
          src[o + mem[t]] = mem[state[b][t]];
        }
      }
      for (int b = 0; b < members.length; b++) {
        if (nextPermutation(state[b])) {
          break;
        }
        state[b] = identity(state[b].length);
      }
    }
    return new ShufflingSet(kind, n, total, src, null, true);
  }

  private static boolean nextPermutation(int[] a) {
    int i = a.length - 2;
    while (i >= 0 && a[i] >= a[i + 1]) {
      i--;
    }
    if (i < 0) {
      return false;
    }
    int j = a.length - 1;
    while (a[j] <= a[i]) {
      j--;
    }
    int t = a[i];
    a[i] = a[j];
    a[j] = t;
    for (int l = i + 1, r = a.length - 1; l < r; l++, r--) {
      t = a[l];
      a[l] = a[r];
      a[r] = t;
    }
    return true;
  }

  private static int[] identity(int n) {
    int[] a = new int[n];
    for (int i = 0; i < n; i++) {
      a[i] = i;
    }
    return a;
  }

  private record Key(int[] perm, byte[] signs) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && Arrays.equals(perm, k.perm) && Arrays.equals(signs, k.signs);
    }

    @Override
    public int hashCode() {
      return 31 * Arrays.hashCode(perm) + Arrays.hashCode(signs);
    }
  }

  /** Permutations or sign flips. */
  public ShufflingKind kind() {
    return kind;
  }

  /** Number of subjects n. */
  public int subjects() {
    return n;
  }

  /** Number of shufflings K (including the identity). */
  public int size() {
    return size;
  }

  /** True when the set is every possible shuffling (an exact test). */
  public boolean isExhaustive() {
    return exhaustive;
  }

  /** For a permutation: the subject whose value goes to data row i in shuffling k. */
  public int source(int k, int i) {
    if (kind != ShufflingKind.PERMUTATION) {
      throw new IllegalStateException("a sign-flip set has no source index");
    }
    return source[k * n + i];
  }

  /** For a sign flip: the sign (±1) of subject i in shuffling k; 1 for a permutation set. */
  public int sign(int k, int i) {
    return kind == ShufflingKind.SIGN_FLIP ? signs[k * n + i] : 1;
  }

  /** True when shuffling k leaves the data unchanged. */
  public boolean isIdentity(int k) {
    for (int i = 0; i < n; i++) {
      if (kind == ShufflingKind.PERMUTATION ? source[k * n + i] != i : signs[k * n + i] != 1) {
        return false;
      }
    }
    return true;
  }

  /**
   * Writes the weights with which each subject's (unshuffled) value enters {@code qᵀ·y*} for the
   * shuffled data y* of shuffling k: {@code out[m]} such that {@code Σ_i q[i]·y*[i] = Σ_m out[m]·y[m]}.
   * For a permutation {@code out[source(k,i)] = q[i]}; for a sign flip {@code out[m] = sign(k,m)·q[m]}.
   */
  public void weights(int k, double[] q, int qOffset, double[] out, int outOffset) {
    int o = k * n;
    if (kind == ShufflingKind.PERMUTATION) {
      for (int i = 0; i < n; i++) {
        out[outOffset + source[o + i]] = q[qOffset + i];
      }
    } else {
      for (int i = 0; i < n; i++) {
        out[outOffset + i] = signs[o + i] * q[qOffset + i];
      }
    }
  }

  /**
   * The shufflings induced on the subjects in {@code keep} (voxels where the others are missing).
   * A sign flip keeps its signs. A permutation keeps, within each exchangeability block, the order
   * in which it sends the kept subjects to the block's kept rows: in block b, the kept rows (in
   * index order) receive the kept subjects in the order they appear in {@code source(k, row)} over
   * the block's rows. A uniform random within-block permutation induces a uniform one on the kept
   * subjects, the identity induces the identity, and the set keeps its size and order (an induced
   * shuffling may repeat another).
   *
   * @param keep which subjects remain (length n)
   * @param blocks the blocks the set was generated with (null: one block)
   */
  public ShufflingSet restrict(boolean[] keep, int[] blocks) {
    int m = 0;
    int[] rank = new int[n];
    for (int i = 0; i < n; i++) {
      rank[i] = keep[i] ? m++ : -1;
    }
    if (kind == ShufflingKind.SIGN_FLIP) {
      byte[] sg = new byte[size * m];
      for (int k = 0; k < size; k++) {
        for (int i = 0; i < n; i++) {
          if (keep[i]) {
            sg[k * m + rank[i]] = signs[k * n + i];
          }
        }
      }
      return new ShufflingSet(kind, m, size, null, sg, false);
    }
    int[][] members = blockMembers(n, blocks);
    int[] src = new int[size * m];
    for (int k = 0; k < size; k++) {
      for (int[] block : members) {
        int pos = 0;
        int[] rows = new int[block.length];
        int nr = 0;
        for (int i : block) {
          if (keep[i]) {
            rows[nr++] = i;
          }
        }
        for (int i : block) {
          int s = source[k * n + i];
          if (keep[s]) {
            src[k * m + rank[rows[pos++]]] = rank[s];
          }
        }
      }
    }
    return new ShufflingSet(kind, m, size, src, null, false);
  }
}
