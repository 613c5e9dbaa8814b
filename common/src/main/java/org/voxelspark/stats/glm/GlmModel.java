package org.voxelspark.stats.glm;

import java.io.Serializable;
import org.voxelspark.stats.design.Contrast;
import org.voxelspark.stats.design.Design;
import org.voxelspark.stats.design.FTest;
import org.voxelspark.stats.linalg.ThinQr;

/**
 * A design factored once for the voxelwise GLM: the thin QR {@code M = Q·R} and, in the
 * coordinates {@code w = Qᵀy} of the data on the orthonormal basis of the design, everything a
 * voxel needs: {@code β = R⁻¹w}, each contrast's {@code cᵀβ = αᵀw} with {@code α = R⁻ᵀc} and
 * {@code cᵀ(MᵀM)⁻¹c = |α|²}, each F-test's numerator sum of squares {@code |Uᵀw|²} with U an
 * orthonormal basis of {@code R⁻ᵀC}.
 *
 * <p>Build it on the driver ({@link #of(Design)}) and broadcast it: it is {@code (2n + q + 2)·p}
 * doubles. A model of a design restricted to some subjects (voxels with missing subjects) is built
 * with {@link #restrict}; when that restriction is rank deficient or leaves no residual degree of
 * freedom the model is not {@link #estimable()} and the kernel writes NaN for those voxels.
 *
 * <p>Immutable; thread-safe.
 */
public final class GlmModel implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int n;
  private final int p;
  private final double[] x;
  private final boolean estimable;
  private final double[] qt;
  private final double[] rinv;
  private final double[][] contrastWeights;
  private final boolean[] groupDifference;
  private final double[][] alpha;
  private final double[] cc;
  private final double[][][] fRows;
  private final double[][] fBasis;
  private final int[] fRank;

  private GlmModel(int n, int p, double[] x, double[][] contrastWeights, boolean[] groupDifference, double[][][] fRows) {
    this.n = n;
    this.p = p;
    this.x = x;
    this.contrastWeights = contrastWeights;
    this.groupDifference = groupDifference;
    this.fRows = fRows;
    ThinQr qr = ThinQr.of(x, n, p);
    this.estimable = qr.rank() == p && n - p >= 1;
    int nc = contrastWeights.length;
    int nf = fRows.length;
    alpha = new double[nc][];
    cc = new double[nc];
    fBasis = new double[nf][];
    fRank = new int[nf];
    if (!estimable) {
      qt = null;
      rinv = null;
      return;
    }
    qt = qr.basis();
    rinv = qr.rInverse();
    for (int k = 0; k < nc; k++) {
      alpha[k] = rInverseTransposeTimes(contrastWeights[k]);
      double s = 0;
      for (double a : alpha[k]) {
        s += a * a;
      }
      cc[k] = s;
    }
    for (int f = 0; f < nf; f++) {
      int q = fRows[f].length;
      double[] g = new double[p * q];
      for (int r = 0; r < q; r++) {
        double[] a = rInverseTransposeTimes(fRows[f][r]);
        for (int c = 0; c < p; c++) {
          g[c * q + r] = a[c];
        }
      }
      ThinQr gq = ThinQr.of(g, p, q);
      fBasis[f] = gq.basis();
      fRank[f] = gq.rank();
    }
  }

  /** Factors the design of a group analysis with its contrasts and F-tests. */
  public static GlmModel of(Design design) {
    int nc = design.contrasts().size();
    double[][] cw = new double[nc][];
    boolean[] gd = new boolean[nc];
    for (int k = 0; k < nc; k++) {
      Contrast c = design.contrasts().get(k);
      cw[k] = c.weights();
      gd[k] = c.isGroupDifference();
    }
    int nf = design.fTests().size();
    double[][][] fr = new double[nf][][];
    for (int f = 0; f < nf; f++) {
      FTest t = design.fTests().get(f);
      fr[f] = new double[t.rank()][];
      for (int r = 0; r < t.rank(); r++) {
        fr[f][r] = t.row(r);
      }
    }
    return new GlmModel(design.subjects(), design.columns(), design.matrix(), cw, gd, fr);
  }

  /** The same model for the subjects in {@code keep} only (length n). */
  public GlmModel restrict(boolean[] keep) {
    int m = 0;
    for (boolean b : keep) {
      if (b) {
        m++;
      }
    }
    return new GlmModel(m, p, VoxelGroups.restrictRows(x, n, p, keep), contrastWeights, groupDifference, fRows);
  }

  private double[] rInverseTransposeTimes(double[] c) {
    double[] a = new double[p];
    for (int i = 0; i < p; i++) {
      double s = 0;
      for (int k = 0; k < p; k++) {
        s += rinv[k * p + i] * c[k];
      }
      a[i] = s;
    }
    return a;
  }

  /** Number of subjects. */
  public int subjects() {
    return n;
  }

  /** Number of design columns. */
  public int columns() {
    return p;
  }

  /** Residual degrees of freedom N − p. */
  public int dof() {
    return n - p;
  }

  /** False when the design (restricted to a voxel's subjects) is rank deficient or has ν &lt; 1. */
  public boolean estimable() {
    return estimable;
  }

  /** Number of t-contrasts. */
  public int contrasts() {
    return contrastWeights.length;
  }

  /** Number of F-tests. */
  public int fTests() {
    return fRows.length;
  }

  /** Rows of the orthonormal basis Qᵀ (p×n, row-major). Not a copy. */
  double[] basisRows() {
    return qt;
  }

  /** R⁻¹ (p×p, row-major). Not a copy. */
  double[] rInverse() {
    return rinv;
  }

  double[] alpha(int k) {
    return alpha[k];
  }

  double contrastVariance(int k) {
    return cc[k];
  }

  boolean groupDifference(int k) {
    return groupDifference[k];
  }

  double[] fBasis(int f) {
    return fBasis[f];
  }

  int fRank(int f) {
    return fRank[f];
  }
}
