package org.voxelspark.stats.perm;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.voxelspark.stats.design.Contrast;
import org.voxelspark.stats.design.Design;
import org.voxelspark.stats.design.FTest;
import org.voxelspark.stats.glm.VoxelGroups;
import org.voxelspark.stats.linalg.ThinQr;

/**
 * One test (a t-contrast or an F-test) of a design, factored once for Freedman–Lane permutation
 * inference (Freedman and Lane 1983; Winkler et al. 2014, NeuroImage 92:381, Table 2).
 *
 * <p><b>Method.</b> With the nuisance space Z of the test ({@link Partition}), the data are
 * residualised once, {@code E = R_Z·y} ({@code R_Z = I − H_Z}); each shuffling P_k gives the
 * statistic of the test in the full model M for the data {@code P_k·E}. (Freedman–Lane adds
 * {@code H_Z·y} back before fitting; since Z lies in the span of M this changes neither the
 * contrast estimate nor the residuals, so, as PALM, we leave it out.)
 *
 * <p><b>Closed form.</b> Let U (q vectors) be an orthonormal basis of the tested effect (the part
 * of span(M) orthogonal to the test's Ridgway nuisance; for a t-contrast the single vector
 * {@code u = M(MᵀM)⁻¹c / |M(MᵀM)⁻¹c|}, oriented with cᵀβ), and V an orthonormal basis of the rest
 * of span(M). With {@code w = [U V]ᵀ·P_k·E} (a dense product, {@link PermutationBlock}):
 * <pre>
 *   RSS_k = |E|² − |w|²            (shuffling preserves |E|)
 *   t_k   = w₀ / √(RSS_k / ν)       (q = 1),     F_k = (|w_U|² / q) / (RSS_k / ν),     ν = N − p.
 * </pre>
 * Directions of V that every shuffling leaves unchanged (the intercept under permutation;
 * block indicators under within-block permutation) contribute the same term to every shuffling;
 * they are folded into |E|² once, so the product has q + (p − q − {@link #invariantRows()}) rows.
 *
 * <p>Build it on the driver ({@link #forContrast}, {@link #forFTest}) and broadcast it; it is a few
 * n-vectors. Immutable; thread-safe.
 */
public final class FreedmanLane implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Eigenvalue above which a block-indicator direction counts as lying in the nuisance space. */
  private static final double INVARIANT_TOLERANCE = 1e-9;

  private final String name;
  private final int n;
  private final int p;
  private final double[] x;
  private final double[][] cRows;
  private final boolean tTest;
  private final Partition partition;
  private final ShufflingKind kind;
  private final int[] blocks;
  private final boolean estimable;
  private final int q;
  private final double[] nuisanceRows;
  private final int nuisance;
  private final double[] statRows;
  private final int statRowCount;
  private final double[] invariantRowsData;
  private final int invariant;

  private FreedmanLane(String name, double[] x, int n, int p, double[][] cRows, boolean tTest, Partition partition,
      ShufflingKind kind, int[] blocks) {
    this.name = name;
    this.n = n;
    this.p = p;
    this.x = x;
    this.cRows = cRows;
    this.tTest = tTest;
    this.partition = partition;
    this.kind = kind;
    this.blocks = blocks;
    this.q = cRows.length;
    ThinQr qr = ThinQr.of(x, n, p);
    this.estimable = qr.rank() == p && n - p >= 1;
    if (!estimable) {
      nuisanceRows = statRows = invariantRowsData = new double[0];
      nuisance = statRowCount = invariant = 0;
      return;
    }
    double[] qt = qr.basis();
    double[] rinv = qr.rInverse();
    // effect directions, in R^n
    double[] gam = new double[p * q];
    for (int r = 0; r < q; r++) {
      for (int i = 0; i < p; i++) {
        double s = 0;
        for (int k = 0; k < p; k++) {
          s += rinv[k * p + i] * cRows[r][k];
        }
        gam[i * q + r] = s;
      }
    }
    double[] effect = new double[q * n];
    if (q == 1) {
      double norm = 0;
      for (int i = 0; i < p; i++) {
        norm += gam[i] * gam[i];
      }
      norm = Math.sqrt(norm);
      for (int s = 0; s < n; s++) {
        double v = 0;
        for (int k = 0; k < p; k++) {
          v += gam[k] / norm * qt[k * n + s];
        }
        effect[s] = v;
      }
    } else {
      ThinQr gq = ThinQr.of(gam, p, q);
      if (gq.rank() < q) {
        throw new IllegalStateException("F-test rows of " + name + " are dependent after factoring the design");
      }
      double[] u = gq.basis();
      for (int r = 0; r < q; r++) {
        for (int s = 0; s < n; s++) {
          double v = 0;
          for (int k = 0; k < p; k++) {
            v += u[r * p + k] * qt[k * n + s];
          }
          effect[r * n + s] = v;
        }
      }
    }
    // the rest of span(M): orthonormal complement of the effect (Ridgway's nuisance space)
    double[] stack = new double[n * (q + p)];
    for (int s = 0; s < n; s++) {
      for (int r = 0; r < q; r++) {
        stack[s * (q + p) + r] = effect[r * n + s];
      }
      for (int k = 0; k < p; k++) {
        stack[s * (q + p) + q + k] = qt[k * n + s];
      }
    }
    ThinQr all = ThinQr.of(stack, n, q + p);
    if (all.rank() != p) {
      throw new IllegalStateException("effect and design of " + name + " do not span " + p + " dimensions");
    }
    double[] allBasis = all.basis();
    int pz = p - q;
    double[] zb = new double[pz * n];
    System.arraycopy(allBasis, q * n, zb, 0, pz * n);
    // residualising space
    if (partition == Partition.GUTTMAN) {
      List<Integer> cols = new ArrayList<>();
      for (int c = 0; c < p; c++) {
        boolean zero = true;
        for (double[] row : cRows) {
          zero &= row[c] == 0;
        }
        if (zero) {
          cols.add(c);
        }
      }
      double[] zg = new double[n * cols.size()];
      for (int s = 0; s < n; s++) {
        for (int t = 0; t < cols.size(); t++) {
          zg[s * cols.size() + t] = x[s * p + cols.get(t)];
        }
      }
      ThinQr gz = ThinQr.of(zg, n, cols.size());
      nuisanceRows = gz.basis();
      nuisance = gz.rank();
    } else {
      nuisanceRows = zb.clone();
      nuisance = pz;
    }
    // directions of Z_b that every shuffling leaves unchanged
    double[] inv = invariantDirections(zb, pz);
    int ni = inv.length / n;
    double[] zOrdered;
    if (ni > 0) {
      double[] st = new double[n * (ni + pz)];
      for (int s = 0; s < n; s++) {
        for (int r = 0; r < ni; r++) {
          st[s * (ni + pz) + r] = inv[r * n + s];
        }
        for (int r = 0; r < pz; r++) {
          st[s * (ni + pz) + ni + r] = zb[r * n + s];
        }
      }
      ThinQr zq = ThinQr.of(st, n, ni + pz);
      if (zq.rank() != pz) {
        throw new IllegalStateException("invariant directions of " + name + " are not inside the nuisance space");
      }
      zOrdered = zq.basis();
    } else {
      zOrdered = zb;
    }
    invariant = ni;
    invariantRowsData = new double[ni * n];
    System.arraycopy(zOrdered, 0, invariantRowsData, 0, ni * n);
    statRowCount = q + pz - ni;
    statRows = new double[statRowCount * n];
    System.arraycopy(effect, 0, statRows, 0, q * n);
    System.arraycopy(zOrdered, ni * n, statRows, q * n, (pz - ni) * n);
  }

  private double[] invariantDirections(double[] zb, int pz) {
    if (kind != ShufflingKind.PERMUTATION || pz == 0) {
      return new double[0];
    }
    List<int[]> groups = new ArrayList<>();
    if (blocks == null) {
      int[] all = new int[n];
      for (int i = 0; i < n; i++) {
        all[i] = i;
      }
      groups.add(all);
    } else {
      List<Integer> ids = new ArrayList<>();
      for (int b : blocks) {
        if (!ids.contains(b)) {
          ids.add(b);
        }
      }
      for (int id : ids) {
        groups.add(java.util.stream.IntStream.range(0, n).filter(i -> blocks[i] == id).toArray());
      }
    }
    int nb = groups.size();
    double[][] b = new double[nb][n];
    for (int t = 0; t < nb; t++) {
      double v = 1.0 / Math.sqrt(groups.get(t).length);
      for (int i : groups.get(t)) {
        b[t][i] = v;
      }
    }
    double[][] g = new double[nb][pz];
    for (int t = 0; t < nb; t++) {
      for (int r = 0; r < pz; r++) {
        double s = 0;
        for (int i = 0; i < n; i++) {
          s += b[t][i] * zb[r * n + i];
        }
        g[t][r] = s;
      }
    }
    double[][] sm = new double[nb][nb];
    for (int a = 0; a < nb; a++) {
      for (int c = 0; c < nb; c++) {
        double s = 0;
        for (int r = 0; r < pz; r++) {
          s += g[a][r] * g[c][r];
        }
        sm[a][c] = s;
      }
    }
    EigenDecomposition eig = new EigenDecomposition(new Array2DRowRealMatrix(sm, false));
    List<double[]> dirs = new ArrayList<>();
    for (int e = 0; e < nb; e++) {
      if (eig.getRealEigenvalue(e) >= 1 - INVARIANT_TOLERANCE) {
        double[] c = eig.getEigenvector(e).toArray();
        double[] d = new double[n];
        for (int t = 0; t < nb; t++) {
          for (int i = 0; i < n; i++) {
            d[i] += c[t] * b[t][i];
          }
        }
        dirs.add(d);
      }
    }
    double[] out = new double[dirs.size() * n];
    for (int r = 0; r < dirs.size(); r++) {
      System.arraycopy(dirs.get(r), 0, out, r * n, n);
    }
    return out;
  }

  /**
   * The Freedman–Lane model of t-contrast {@code index} of the design.
   *
   * @param kind the shuffling kind the test will be run with (it decides which directions are
   *     invariant)
   */
  public static FreedmanLane forContrast(Design design, int index, Partition partition, ShufflingKind kind) {
    Contrast c = design.contrasts().get(index);
    return new FreedmanLane(c.name(), design.matrix(), design.subjects(), design.columns(),
        new double[][] {c.weights()}, true, partition, kind, design.blocks());
  }

  /** The Freedman–Lane model of F-test {@code index} of the design. */
  public static FreedmanLane forFTest(Design design, int index, Partition partition, ShufflingKind kind) {
    FTest f = design.fTests().get(index);
    double[][] rows = new double[f.rank()][];
    for (int r = 0; r < f.rank(); r++) {
      rows[r] = f.row(r);
    }
    return new FreedmanLane(f.name(), design.matrix(), design.subjects(), design.columns(), rows, false, partition,
        kind, design.blocks());
  }

  /** The same test for the subjects in {@code keep} only (a voxel's available subjects). */
  public FreedmanLane restrict(boolean[] keep) {
    int[] b = null;
    if (blocks != null) {
      int m = 0;
      for (boolean k : keep) {
        if (k) {
          m++;
        }
      }
      b = new int[m];
      int t = 0;
      for (int i = 0; i < n; i++) {
        if (keep[i]) {
          b[t++] = blocks[i];
        }
      }
    }
    int m = 0;
    for (boolean k : keep) {
      if (k) {
        m++;
      }
    }
    return new FreedmanLane(name, VoxelGroups.restrictRows(x, n, p, keep), m, p, cRows, tTest, partition, kind, b);
  }

  /** The test's name (contrast or F-test name). */
  public String name() {
    return name;
  }

  /** True for a t-contrast, false for an F-test. */
  public boolean isT() {
    return tTest;
  }

  /** Number of subjects N. */
  public int subjects() {
    return n;
  }

  /** Numerator degrees of freedom q (1 for a t-contrast). */
  public int rank() {
    return q;
  }

  /** Residual degrees of freedom ν = N − p. */
  public int dof() {
    return n - p;
  }

  /** False when the design is rank deficient or leaves no degree of freedom on these subjects. */
  public boolean estimable() {
    return estimable;
  }

  /** The shuffling kind the model was built for. */
  public ShufflingKind kind() {
    return kind;
  }

  /** The partition used. */
  public Partition partition() {
    return partition;
  }

  /** Exchangeability blocks (null: free exchange). */
  int[] blocks() {
    return blocks;
  }

  /** Rank of the residualising nuisance space. */
  int nuisanceRank() {
    return nuisance;
  }

  /** Orthonormal basis of the residualising nuisance space, one n-vector per row. Not a copy. */
  double[] nuisanceRows() {
    return nuisanceRows;
  }

  /** Number of rows of the dense product: q + (p − q − invariant). */
  public int statRows() {
    return statRowCount;
  }

  /** The product's rows (effect first), one n-vector per row. Not a copy. */
  double[] statRowData() {
    return statRows;
  }

  /** Number of nuisance directions folded into |E|² because no shuffling changes them. */
  public int invariantRows() {
    return invariant;
  }

  double[] invariantRowData() {
    return invariantRowsData;
  }
}
