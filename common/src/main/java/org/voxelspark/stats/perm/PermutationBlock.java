package org.voxelspark.stats.perm;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.apache.commons.statistics.distribution.FDistribution;
import org.apache.commons.statistics.distribution.TDistribution;
import org.voxelspark.stats.glm.Distributions;
import org.voxelspark.stats.glm.VoxelGroups;
import org.voxelspark.stats.inference.ExceedanceCounts;
import org.voxelspark.stats.inference.MaxDistribution;
import org.voxelspark.stats.linalg.PackedGemm;

/**
 * Freedman–Lane permutation statistics of one test on one block of voxels: the block is
 * residualised and packed once ({@link #prepare}), then any chunk of shufflings can be evaluated
 * ({@link #accumulate} into the mergeable accumulators, or {@link #evaluate} into whole maps).
 *
 * <p><b>Input layout.</b> {@code y[s*v + j]}: subject s (design row order), voxel j; NaN = missing.
 *
 * <p><b>Statistic.</b> For each shuffling k and voxel j: t (or F) of the test for the shuffled
 * residuals ({@link FreedmanLane}); the compared value s is t, |t| ({@link Tail#TWO_SIDED}) or F.
 * The observed values are those of shuffling 0, which must be the identity, computed by the same
 * code path as every other shuffling, so shuffling 0 always counts for itself.
 *
 * <p><b>Voxels with missing subjects</b> are grouped by pattern ({@link VoxelGroups}); a group uses
 * the test restricted to its N subjects ({@link FreedmanLane#restrict}, ν = N − p) and the
 * shufflings induced on those subjects ({@link ShufflingSet#restrict}). Their statistics have other
 * degrees of freedom than the complete voxels', so the FWE maximum is taken over z-scores
 * (PALM's convention): per shuffling the maximum s of each group is converted to z with the group's
 * ν (z is increasing in s at fixed ν, so this equals the maximum of the voxels' z-scores) and the
 * largest z over the groups goes to the {@link MaxDistribution}; {@link #observedZ()} is what the
 * FWE p-values are read at.
 *
 * <p><b>Degenerate voxels.</b> A voxel whose data lie in the nuisance space
 * ({@code |E|² ≤ }{@value #NUISANCE_ONLY}{@code ·|y|²}, e.g. constant), without subjects, or whose
 * restricted design is not estimable has NaN statistics for every shuffling, NaN p-values and takes
 * no part in the maxima. A shuffled fit with {@code RSS ≤ }{@value #EXACT_FIT}{@code ·|E|²} is exact:
 * t = ±∞ (F = +∞), or NaN when the effect's share is also below that level.
 *
 * <p><b>Reproducibility.</b> Each voxel's statistic depends only on its own data, the test and the
 * shuffling (the product's arithmetic is fixed, {@link PackedGemm}): any split of the voxels into
 * blocks and of the shufflings into chunks gives bit-identical statistics, counts and maxima.
 *
 * <p>Not thread-safe; one per task. Memory: the residualised block (n·v doubles) plus small
 * workspace.
 */
public final class PermutationBlock {
  /** Relative |E|² (to |y|²) at or below which a voxel is explained by the nuisance alone. */
  public static final double NUISANCE_ONLY = 1e-20;
  /** Relative RSS (to |E|²) at or below which a shuffled fit counts as exact. */
  public static final double EXACT_FIT = 1e-12;

  /** Voxels per packed tile. */
  static final int TILE = 128;
  /** Shufflings whose shuffled basis rows are built at once. */
  static final int CHUNK = 32;

  /** What {@link #evaluate} writes per voxel and shuffling. */
  public enum Scale {
    /** the signed t, or F */
    STATISTIC,
    /** the compared value: t, |t| or F */
    TAILED,
    /** the z-score of the compared value at the voxel's ν (PALM feeds these to TFCE and clusters) */
    Z
  }

  private final FreedmanLane test;
  private final Tail tail;
  private final int v;
  private final int shufflings;
  private final Group[] groups;
  private final double[] observed;
  private final double[] observedZ;
  private final double[] dof;
  private final int[] subjects;

  /** Workspace. */
  private final double[][] w;
  private final double[] ssm = new double[TILE];
  private final double[] sBuf = new double[TILE];
  private final double[] fBuf = new double[TILE];
  private final double[] rssBuf = new double[TILE];

  private static final class Group {
    final int[] voxels;
    final int m;
    final FreedmanLane test;
    final ShufflingSet shufflings;
    final double[][][] tiles;
    final double[] eePrime;
    final double[] eeTol;
    final boolean[] degenerate;
    final TDistribution tDist;
    final FDistribution fDist;
    final double fMedian;
    final double[] a;

    Group(int[] voxels, int m, FreedmanLane test, ShufflingSet shufflings, int tilesCount) {
      this.voxels = voxels;
      this.m = m;
      this.test = test;
      this.shufflings = shufflings;
      this.tiles = new double[tilesCount][][];
      this.eePrime = new double[voxels.length];
      this.eeTol = new double[voxels.length];
      this.degenerate = new boolean[voxels.length];
      boolean ok = test != null && test.estimable();
      this.tDist = ok && test.isT() ? Distributions.t(test.dof()) : null;
      this.fDist = ok && !test.isT() ? Distributions.f(test.rank(), test.dof()) : null;
      this.fMedian = fDist == null ? Double.NaN : Distributions.fMedian(fDist);
      this.a = ok ? new double[CHUNK * test.statRows() * m] : null;
    }

    boolean active() {
      return test != null && test.estimable() && voxels.length > 0 && m > 0;
    }

    double toZ(double s) {
      if (Double.isNaN(s) || s == Double.NEGATIVE_INFINITY) {
        return s;
      }
      return tDist != null ? Distributions.tToZ(tDist, s) : Distributions.fToZ(fDist, fMedian, s);
    }
  }

  private PermutationBlock(FreedmanLane test, Tail tail, int v, int shufflings, Group[] groups, int maxRows) {
    this.test = test;
    this.tail = tail;
    this.v = v;
    this.shufflings = shufflings;
    this.groups = groups;
    this.observed = new double[v];
    this.observedZ = new double[v];
    this.dof = new double[v];
    this.subjects = new int[v];
    this.w = new double[Math.max(1, maxRows)][TILE];
  }

  /**
   * Residualises and packs a block for one test.
   *
   * @param test the test (t-contrast or F-test), built for the full design
   * @param tail which t values are extreme (ignored for F)
   * @param shufflings the shuffling set; shuffling 0 must be the identity
   * @param y the subject-major n×v block
   * @param v number of voxels
   */
  public static PermutationBlock prepare(FreedmanLane test, Tail tail, ShufflingSet shufflings, double[] y, int v) {
    int n = test.subjects();
    if (shufflings.subjects() != n) {
      throw new IllegalArgumentException("shufflings of " + shufflings.subjects() + " subjects for a test of " + n);
    }
    if (shufflings.kind() != test.kind()) {
      throw new IllegalArgumentException("the test was built for " + test.kind() + " but the shufflings are " + shufflings.kind());
    }
    if (!shufflings.isIdentity(0)) {
      throw new IllegalArgumentException("shuffling 0 must be the identity");
    }
    int[] blocks = test.blocks();
    if (blocks != null && shufflings.kind() == ShufflingKind.PERMUTATION) {
      for (int k = 0; k < shufflings.size(); k++) {
        for (int i = 0; i < n; i++) {
          if (blocks[shufflings.source(k, i)] != blocks[i]) {
            throw new IllegalArgumentException("shuffling " + k + " moves subject " + shufflings.source(k, i)
                + " out of its exchangeability block: the set was not generated with the design's blocks");
          }
        }
      }
    }
    VoxelGroups vg = VoxelGroups.of(y, n, v);
    Group[] groups = new Group[vg.count()];
    int maxRows = test.statRows();
    Map<String, FreedmanLane> cache = new HashMap<>();
    for (int g = 0; g < vg.count(); g++) {
      int[] idx = vg.voxels(g);
      boolean[] avail = vg.available(g);
      int m = vg.subjects(g);
      FreedmanLane t;
      ShufflingSet s;
      if (g == 0) {
        t = test;
        s = shufflings;
      } else if (m == 0) {
        t = null;
        s = null;
      } else {
        t = cache.computeIfAbsent(Arrays.toString(avail), k -> test.restrict(avail));
        s = t.estimable() ? shufflings.restrict(avail, test.blocks()) : null;
      }
      int tilesCount = (idx.length + TILE - 1) / TILE;
      Group gr = new Group(idx, m, t, s, t != null && t.estimable() ? tilesCount : 0);
      groups[g] = gr;
      if (gr.active()) {
        maxRows = Math.max(maxRows, t.statRows());
        residualise(gr, y, v, avail);
      }
    }
    PermutationBlock b = new PermutationBlock(test, tail, v, shufflings.size(), groups, maxRows);
    Arrays.fill(b.observed, Double.NaN);
    Arrays.fill(b.observedZ, Double.NaN);
    Arrays.fill(b.dof, Double.NaN);
    for (int g = 0; g < groups.length; g++) {
      Group gr = groups[g];
      for (int j : gr.voxels) {
        b.subjects[j] = gr.m;
      }
      if (!gr.active()) {
        continue;
      }
      buildA(gr, 0, 1);
      for (int t = 0; t < gr.tiles.length; t++) {
        int from = t * TILE;
        int width = Math.min(TILE, gr.voxels.length - from);
        b.statistics(gr, t, 0, width, true);
        for (int q = 0; q < width; q++) {
          int j = gr.voxels[from + q];
          b.observed[j] = b.sBuf[q];
          b.observedZ[j] = gr.toZ(b.sBuf[q]);
          b.dof[j] = gr.test.dof();
        }
      }
    }
    return b;
  }

  private static void residualise(Group gr, double[] y, int v, boolean[] avail) {
    FreedmanLane t = gr.test;
    int m = gr.m;
    int nz = t.nuisanceRank();
    double[] zr = t.nuisanceRows();
    int ni = t.invariantRows();
    double[] inv = t.invariantRowData();
    double[][] wz = new double[Math.max(1, Math.max(nz, ni))][TILE];
    for (int ti = 0; ti < gr.tiles.length; ti++) {
      int from = ti * TILE;
      int width = Math.min(TILE, gr.voxels.length - from);
      double[][] tile = new double[m][TILE];
      VoxelGroups.gather(y, v, gr.voxels, from, width, avail, tile);
      double[] yy = new double[width];
      for (int s = 0; s < m; s++) {
        for (int q = 0; q < width; q++) {
          yy[q] += tile[s][q] * tile[s][q];
        }
      }
      if (nz > 0) {
        PackedGemm.multiply(zr, 0, nz, m, tile, width, wz);
        for (int s = 0; s < m; s++) {
          double[] row = tile[s];
          for (int r = 0; r < nz; r++) {
            double c = zr[r * m + s];
            double[] wr = wz[r];
            for (int q = 0; q < width; q++) {
              row[q] -= c * wr[q];
            }
          }
        }
      }
      double[] ee = new double[width];
      for (int s = 0; s < m; s++) {
        for (int q = 0; q < width; q++) {
          ee[q] += tile[s][q] * tile[s][q];
        }
      }
      double[] fold = new double[width];
      if (ni > 0) {
        PackedGemm.multiply(inv, 0, ni, m, tile, width, wz);
        for (int r = 0; r < ni; r++) {
          for (int q = 0; q < width; q++) {
            fold[q] += wz[r][q] * wz[r][q];
          }
        }
      }
      for (int q = 0; q < width; q++) {
        int at = from + q;
        gr.eePrime[at] = ee[q] - fold[q];
        gr.eeTol[at] = EXACT_FIT * ee[q];
        gr.degenerate[at] = !(ee[q] > NUISANCE_ONLY * yy[q]) || !Double.isFinite(ee[q]);
      }
      gr.tiles[ti] = tile;
    }
  }

  /** Fills the group's A with the shuffled stat rows of shufflings [from, to) (to − from ≤ CHUNK). */
  private static void buildA(Group gr, int from, int to) {
    int rows = gr.test.statRows();
    int m = gr.m;
    double[] basis = gr.test.statRowData();
    for (int k = from; k < to; k++) {
      int off = (k - from) * rows * m;
      for (int r = 0; r < rows; r++) {
        gr.shufflings.weights(k, basis, r * m, gr.a, off + r * m);
      }
    }
  }

  /**
   * The compared value (tailed) or the raw statistic of shuffling {@code local} (index into the
   * current A) for tile {@code ti} of group gr, into sBuf[0..width).
   */
  private void statistics(Group gr, int ti, int local, int width, boolean tailed) {
    FreedmanLane t = gr.test;
    int rows = t.statRows();
    int m = gr.m;
    PackedGemm.multiply(gr.a, local * rows * m, rows, m, gr.tiles[ti], width, w);
    double[] ss = ssm;
    double[] s = sBuf;
    double[] w0 = w[0];
    for (int q = 0; q < width; q++) {
      ss[q] = w0[q] * w0[q];
    }
    for (int r = 1; r < rows; r++) {
      double[] wr = w[r];
      for (int q = 0; q < width; q++) {
        ss[q] = Math.fma(wr[q], wr[q], ss[q]);
      }
    }
    int base = ti * TILE;
    double dofD = t.dof();
    double[] ee = gr.eePrime;
    if (t.isT()) {
      // the regular case, in a loop C2 vectorises; exact fits and degenerate voxels are fixed after
      double[] rs = rssBuf;
      for (int q = 0; q < width; q++) {
        double rss = ee[base + q] - ss[q];
        rs[q] = rss;
        s[q] = w0[q] / Math.sqrt(rss / dofD);
      }
      boolean abs = tailed && tail == Tail.TWO_SIDED;
      double[] tol = gr.eeTol;
      boolean[] degenerate = gr.degenerate;
      for (int q = 0; q < width; q++) {
        int at = base + q;
        double sq = s[q];
        if (!(rs[q] > tol[at]) || degenerate[at]) {
          double num = w0[q];
          sq = degenerate[at] || num * num <= tol[at] ? Double.NaN : Math.copySign(Double.POSITIVE_INFINITY, num);
        }
        s[q] = abs ? Math.abs(sq) : sq;
      }
    } else {
      int qn = t.rank();
      double[] eff = fBuf;
      for (int q = 0; q < width; q++) {
        eff[q] = w0[q] * w0[q];
      }
      for (int r = 1; r < qn; r++) {
        double[] wr = w[r];
        for (int q = 0; q < width; q++) {
          eff[q] = Math.fma(wr[q], wr[q], eff[q]);
        }
      }
      for (int q = 0; q < width; q++) {
        s[q] = (eff[q] / qn) / ((ee[base + q] - ss[q]) / dofD);
      }
      for (int q = 0; q < width; q++) {
        int at = base + q;
        double rss = ee[at] - ss[q];
        if (gr.degenerate[at]) {
          s[q] = Double.NaN;
        } else if (rss <= gr.eeTol[at]) {
          s[q] = eff[q] <= gr.eeTol[at] ? Double.NaN : Double.POSITIVE_INFINITY;
        }
      }
    }
  }

  /** Number of voxels v. */
  public int voxels() {
    return v;
  }

  /** K, the size of the shuffling set. */
  public int shufflings() {
    return shufflings;
  }

  /** The test. */
  public FreedmanLane test() {
    return test;
  }

  /** The compared value s (t, |t| or F) of the identity per voxel; NaN where undefined. Not a copy. */
  public double[] observed() {
    return observed;
  }

  /** z-score of {@link #observed()} at each voxel's ν (the value FWE p-values are read at). Not a copy. */
  public double[] observedZ() {
    return observedZ;
  }

  /** Each voxel's ν (NaN where not estimable). Not a copy. */
  public double[] dof() {
    return dof;
  }

  /** Each voxel's number of subjects. Not a copy. */
  public int[] subjects() {
    return subjects;
  }

  /** A fresh per-voxel counter for this block's observed values. */
  public ExceedanceCounts newCounts() {
    return new ExceedanceCounts(observed, shufflings);
  }

  /**
   * Evaluates shufflings {@code [from, to)}: adds their exceedances to {@code counts} (which must be
   * this block's, {@link #newCounts()}) and each shuffling's maximum z over this block's voxels to
   * {@code max} (either may be null).
   */
  public void accumulate(int from, int to, ExceedanceCounts counts, MaxDistribution max) {
    checkRange(from, to);
    if (counts != null && counts.observed() != observed) {
      throw new IllegalArgumentException("counts belong to another block");
    }
    int[] delta = new int[v];
    double[] maxZ = new double[to - from];
    Arrays.fill(maxZ, Double.NEGATIVE_INFINITY);
    double[] maxS = new double[CHUNK];
    for (Group gr : groups) {
      if (!gr.active()) {
        continue;
      }
      for (int c0 = from; c0 < to; c0 += CHUNK) {
        int c1 = Math.min(to, c0 + CHUNK);
        buildA(gr, c0, c1);
        Arrays.fill(maxS, Double.NEGATIVE_INFINITY);
        for (int ti = 0; ti < gr.tiles.length; ti++) {
          int base = ti * TILE;
          int width = Math.min(TILE, gr.voxels.length - base);
          int first = gr.voxels[base];
          boolean contiguous = gr.voxels[base + width - 1] == first + width - 1;
          for (int k = c0; k < c1; k++) {
            statistics(gr, ti, k - c0, width, true);
            double mx = maxS[k - c0];
            double[] sb = sBuf;
            if (contiguous) {
              for (int q = 0; q < width; q++) {
                double s = sb[q];
                delta[first + q] += s >= observed[first + q] ? 1 : 0;
                mx = s > mx ? s : mx;
              }
            } else {
              for (int q = 0; q < width; q++) {
                int j = gr.voxels[base + q];
                double s = sb[q];
                if (s >= observed[j]) {
                  delta[j]++;
                }
                if (s > mx) {
                  mx = s;
                }
              }
            }
            maxS[k - c0] = mx;
          }
        }
        for (int k = c0; k < c1; k++) {
          double z = gr.toZ(maxS[k - c0]);
          if (z > maxZ[k - from]) {
            maxZ[k - from] = z;
          }
        }
      }
    }
    if (counts != null) {
      counts.acceptCounts(from, to, delta);
    }
    if (max != null) {
      for (int k = from; k < to; k++) {
        max.accept(k, maxZ[k - from]);
      }
    }
  }

  /**
   * Writes the statistic of shufflings {@code [from, to)} for every voxel:
   * {@code out[(k − from)·v + j]} (NaN where undefined), on the given scale. For TFCE and cluster
   * inference, which need the whole image of each shuffling.
   */
  public void evaluate(int from, int to, double[] out, Scale scale) {
    checkRange(from, to);
    if (out.length < (long) (to - from) * v) {
      throw new IllegalArgumentException("output holds " + out.length + " values, need " + (long) (to - from) * v);
    }
    for (int k = from; k < to; k++) {
      Arrays.fill(out, (k - from) * v, (k - from + 1) * v, Double.NaN);
    }
    for (Group gr : groups) {
      if (!gr.active()) {
        continue;
      }
      for (int c0 = from; c0 < to; c0 += CHUNK) {
        int c1 = Math.min(to, c0 + CHUNK);
        buildA(gr, c0, c1);
        for (int ti = 0; ti < gr.tiles.length; ti++) {
          int base = ti * TILE;
          int width = Math.min(TILE, gr.voxels.length - base);
          for (int k = c0; k < c1; k++) {
            statistics(gr, ti, k - c0, width, scale != Scale.STATISTIC);
            int o = (k - from) * v;
            for (int q = 0; q < width; q++) {
              double s = sBuf[q];
              out[o + gr.voxels[base + q]] = scale == Scale.Z ? gr.toZ(s) : s;
            }
          }
        }
      }
    }
  }

  private void checkRange(int from, int to) {
    if (from < 0 || to > shufflings || from >= to) {
      throw new IllegalArgumentException("shufflings [" + from + ", " + to + ") outside [0, " + shufflings + ")");
    }
  }
}
