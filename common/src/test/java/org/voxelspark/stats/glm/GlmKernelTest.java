package org.voxelspark.stats.glm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.stat.regression.OLSMultipleLinearRegression;
import org.junit.jupiter.api.Test;
import org.voxelspark.stats.design.Contrast;
import org.voxelspark.stats.design.Design;
import org.voxelspark.stats.design.FTest;

/**
 * The voxelwise GLM against analytic truth and an independent implementation (commons-math3's
 * {@link OLSMultipleLinearRegression}, t/F from explicit covariance matrices and commons-math3's
 * distributions). Tolerances are relative 1e-10 for estimates and statistics (both double
 * precision), 1e-9 for p-values and z.
 */
class GlmKernelTest {
  static final int N = 30;

  /** intercept, group (0/1 alternating), age (centred), a continuous score. */
  static Design design(int n, SplittableRandom rnd) {
    int p = 4;
    double[] x = new double[n * p];
    for (int s = 0; s < n; s++) {
      x[s * p] = 1;
      x[s * p + 1] = s % 2;
      x[s * p + 2] = 20 * rnd.nextGaussian();
      x[s * p + 3] = rnd.nextGaussian();
    }
    String[] ids = new String[n];
    for (int s = 0; s < n; s++) {
      ids[s] = "s" + s;
    }
    return Design.numeric("test", ids, x, new String[] {"intercept", "group", "age", "score"},
        List.of(new Contrast("g", "group", new double[] {0, 1, 0, 0}, true),
            new Contrast("age", "age", new double[] {0, 0, 1, 0}, false),
            new Contrast("mix", "group - 2 score", new double[] {0, 1, 0, -2}, false)),
        List.of(new FTest("f", "group, score", new double[][] {{0, 1, 0, 0}, {0, 0, 0, 1}})), null);
  }

  static double rel(double a, double b) {
    return Math.abs(a - b) / Math.max(1e-300, Math.max(Math.abs(a), Math.abs(b)));
  }

  @Test
  void noiseFreeDataRecoverTheCoefficientsExactly() {
    SplittableRandom rnd = new SplittableRandom(3);
    Design d = design(N, rnd);
    int v = 300;
    double[] beta = new double[4 * v];
    double[] y = new double[N * v];
    for (int j = 0; j < v; j++) {
      for (int c = 0; c < 4; c++) {
        beta[c * v + j] = rnd.nextGaussian() * (c + 1);
      }
      for (int s = 0; s < N; s++) {
        double val = 0;
        for (int c = 0; c < 4; c++) {
          val += d.get(s, c) * beta[c * v + j];
        }
        y[s * v + j] = val;
      }
    }
    GlmMaps m = new GlmKernel(GlmModel.of(d)).fit(y, v);
    for (int j = 0; j < v; j++) {
      for (int c = 0; c < 4; c++) {
        assertEquals(beta[c * v + j], m.get(GlmOutput.BETA, c, j), 1e-12 * (1 + Math.abs(beta[c * v + j])), "beta " + c);
      }
      assertEquals(0.0, m.get(GlmOutput.RESIDUAL_SD, 0, j), 0.0, "an exact fit has σ̂ = 0");
      double t = m.get(GlmOutput.T, 0, j);
      assertEquals(Math.copySign(Double.POSITIVE_INFINITY, beta[v + j]), t, "exact fit: t = ±∞ with the effect's sign");
      assertEquals(Math.signum(beta[v + j]), m.get(GlmOutput.PARTIAL_R, 0, j));
      assertEquals(Double.POSITIVE_INFINITY, m.get(GlmOutput.F, 0, j));
    }
  }

  @Test
  void matchesAnIndependentRegression() {
    SplittableRandom rnd = new SplittableRandom(11);
    Design d = design(N, rnd);
    int v = 40;
    double[] y = new double[N * v];
    for (int j = 0; j < v; j++) {
      for (int s = 0; s < N; s++) {
        y[s * v + j] = 5 + 0.3 * j * d.get(s, 1) + 0.02 * d.get(s, 2) + rnd.nextGaussian() * (1 + j % 3);
      }
    }
    GlmMaps m = new GlmKernel(GlmModel.of(d)).fit(y, v);
    double[][] xs = new double[N][3];
    for (int s = 0; s < N; s++) {
      for (int c = 1; c < 4; c++) {
        xs[s][c - 1] = d.get(s, c);
      }
    }
    RealMatrix xm = new Array2DRowRealMatrix(d.subjects(), 4);
    for (int s = 0; s < N; s++) {
      for (int c = 0; c < 4; c++) {
        xm.setEntry(s, c, d.get(s, c));
      }
    }
    RealMatrix xtxInv = new LUDecomposition(xm.transpose().multiply(xm)).getSolver().getInverse();
    org.apache.commons.math3.distribution.TDistribution td = new org.apache.commons.math3.distribution.TDistribution(N - 4);
    org.apache.commons.math3.distribution.FDistribution fd = new org.apache.commons.math3.distribution.FDistribution(2, N - 4);
    for (int j = 0; j < v; j++) {
      double[] yj = new double[N];
      for (int s = 0; s < N; s++) {
        yj[s] = y[s * v + j];
      }
      OLSMultipleLinearRegression ols = new OLSMultipleLinearRegression();
      ols.newSampleData(yj, xs);
      double[] b = ols.estimateRegressionParameters();
      double sigma = Math.sqrt(ols.estimateErrorVariance());
      for (int c = 0; c < 4; c++) {
        assertTrue(rel(b[c], m.get(GlmOutput.BETA, c, j)) < 1e-10, "beta");
      }
      assertTrue(rel(sigma, m.get(GlmOutput.RESIDUAL_SD, 0, j)) < 1e-10, "sigma");
      for (int k = 0; k < 3; k++) {
        double[] w = d.contrasts().get(k).weights();
        double cope = 0;
        double var = 0;
        for (int a = 0; a < 4; a++) {
          cope += w[a] * b[a];
          for (int c = 0; c < 4; c++) {
            var += w[a] * xtxInv.getEntry(a, c) * w[c];
          }
        }
        double t = cope / (sigma * Math.sqrt(var));
        assertTrue(rel(cope, m.get(GlmOutput.COPE, k, j)) < 1e-10, "cope");
        assertTrue(rel(t, m.get(GlmOutput.T, k, j)) < 1e-10, "t " + k + ": " + t + " vs " + m.get(GlmOutput.T, k, j));
        assertEquals(1 - td.cumulativeProbability(t), m.get(GlmOutput.T_P, k, j), 1e-9, "p");
        assertEquals(2 * (1 - td.cumulativeProbability(Math.abs(t))), m.get(GlmOutput.T_P_TWO_TAILED, k, j), 1e-9, "p2");
        // each tail computed in its own tail, as PALM's palm_gtoz does (the CDF near 1 loses digits)
        org.apache.commons.math3.distribution.NormalDistribution nd = new org.apache.commons.math3.distribution.NormalDistribution();
        double z = t > 0 ? -nd.inverseCumulativeProbability(td.cumulativeProbability(-t))
            : nd.inverseCumulativeProbability(td.cumulativeProbability(t));
        if (Math.abs(z) < 5) {
          // commons-math3's inverse normal (via erfInv(2p − 1)) loses digits beyond |z| ≈ 5; the far
          // tail is checked against SciPy in DistributionsTest
          assertEquals(z, m.get(GlmOutput.T_Z, k, j), 1e-7, "z");
        }
      }
      // F over (group, score) by the extra sum of squares of the reduced model (intercept, age)
      double[][] xr = new double[N][1];
      for (int s = 0; s < N; s++) {
        xr[s][0] = d.get(s, 2);
      }
      OLSMultipleLinearRegression red = new OLSMultipleLinearRegression();
      red.newSampleData(yj, xr);
      double f = ((red.calculateResidualSumOfSquares() - ols.calculateResidualSumOfSquares()) / 2)
          / (ols.calculateResidualSumOfSquares() / (N - 4));
      assertTrue(rel(f, m.get(GlmOutput.F, 0, j)) < 1e-9, "F " + f + " vs " + m.get(GlmOutput.F, 0, j));
      assertEquals(1 - fd.cumulativeProbability(f), m.get(GlmOutput.F_P, 0, j), 1e-9, "F p");
      assertEquals(N - 4, m.get(GlmOutput.DOF, 0, j));
      assertEquals(N, m.get(GlmOutput.SUBJECTS, 0, j));
    }
  }

  @Test
  void partialCorrelationIsTheCorrelationOfResiduals() {
    SplittableRandom rnd = new SplittableRandom(5);
    Design d = design(N, rnd);
    int v = 10;
    double[] y = new double[N * v];
    for (int j = 0; j < v; j++) {
      for (int s = 0; s < N; s++) {
        y[s * v + j] = 0.4 * j * d.get(s, 3) + 0.05 * d.get(s, 2) + rnd.nextGaussian();
      }
    }
    Design withScore = Design.numeric("test", d.subjectIds().toArray(new String[0]), d.matrix(),
        d.columnNames().toArray(new String[0]), List.of(new Contrast("score", "score", new double[] {0, 0, 0, 1}, false)),
        List.of(), null);
    GlmMaps m = new GlmKernel(GlmModel.of(withScore)).fit(y, v);
    // residualise y and the score on (intercept, group, age)
    double[][] others = new double[N][2];
    double[] score = new double[N];
    for (int s = 0; s < N; s++) {
      others[s][0] = d.get(s, 1);
      others[s][1] = d.get(s, 2);
      score[s] = d.get(s, 3);
    }
    OLSMultipleLinearRegression rs = new OLSMultipleLinearRegression();
    rs.newSampleData(score, others);
    double[] es = rs.estimateResiduals();
    for (int j = 0; j < v; j++) {
      double[] yj = new double[N];
      for (int s = 0; s < N; s++) {
        yj[s] = y[s * v + j];
      }
      OLSMultipleLinearRegression ry = new OLSMultipleLinearRegression();
      ry.newSampleData(yj, others);
      double r = new org.apache.commons.math3.stat.correlation.PearsonsCorrelation().correlation(ry.estimateResiduals(), es);
      assertEquals(r, m.get(GlmOutput.PARTIAL_R, 0, j), 1e-12, "partial r");
      assertEquals(0.5 * Math.log((1 + r) / (1 - r)), m.get(GlmOutput.FISHER_Z, 0, j), 1e-11, "Fisher z");
      assertTrue(Double.isNaN(m.get(GlmOutput.COHEN_D, 0, j)), "no Cohen's d for a covariate");
    }
  }

  @Test
  void cohensDWithoutCovariatesIsThePooledSdDifference() {
    int n1 = 9;
    int n2 = 13;
    int n = n1 + n2;
    double[] x = new double[n * 2];
    String[] ids = new String[n];
    for (int s = 0; s < n; s++) {
      x[2 * s] = 1;
      x[2 * s + 1] = s < n1 ? 1 : 0;
      ids[s] = "s" + s;
    }
    Design d = Design.numeric("t", ids, x, new String[] {"intercept", "g"},
        List.of(new Contrast("d", "g", new double[] {0, 1}, true)), List.of(), null);
    SplittableRandom rnd = new SplittableRandom(8);
    double[] y = new double[n];
    for (int s = 0; s < n; s++) {
      y[s] = (s < n1 ? 1.2 : 0) + rnd.nextGaussian() * 2;
    }
    GlmMaps m = new GlmKernel(GlmModel.of(d)).fit(y, 1);
    double m1 = 0;
    double m2 = 0;
    for (int s = 0; s < n; s++) {
      if (s < n1) {
        m1 += y[s] / n1;
      } else {
        m2 += y[s] / n2;
      }
    }
    double ss = 0;
    for (int s = 0; s < n; s++) {
      double dd = y[s] - (s < n1 ? m1 : m2);
      ss += dd * dd;
    }
    double pooled = Math.sqrt(ss / (n - 2));
    double cohen = (m1 - m2) / pooled;
    assertEquals(cohen, m.get(GlmOutput.COHEN_D, 0, 0), 1e-12);
    double nu = n - 2;
    double j = org.apache.commons.math3.special.Gamma.gamma(nu / 2)
        / (Math.sqrt(nu / 2) * org.apache.commons.math3.special.Gamma.gamma((nu - 1) / 2));
    assertEquals(j * cohen, m.get(GlmOutput.HEDGES_G, 0, 0), 1e-12);
    assertEquals(1 - 3 / (4 * nu - 1), j, 1e-3, "Hedges' approximation");
    double t = cohen / Math.sqrt(1.0 / n1 + 1.0 / n2);
    assertEquals(t, m.get(GlmOutput.T, 0, 0), 1e-12);
  }

  @Test
  void missingSubjectsUseTheVoxelsOwnDesign() {
    SplittableRandom rnd = new SplittableRandom(21);
    Design d = design(N, rnd);
    int v = 5;
    double[] y = new double[N * v];
    for (int i = 0; i < y.length; i++) {
      y[i] = rnd.nextGaussian();
    }
    // voxel 1 misses subjects 3 and 7; voxel 3 misses subject 3 and 7 too; voxel 4 misses all
    // patients (group column then constant 0: not estimable)
    for (int j : new int[] {1, 3}) {
      y[3 * v + j] = Double.NaN;
      y[7 * v + j] = Double.NaN;
    }
    for (int s = 1; s < N; s += 2) {
      y[s * v + 4] = Double.NaN;
    }
    GlmMaps m = new GlmKernel(GlmModel.of(d)).fit(y, v);
    boolean[] keep = new boolean[N];
    java.util.Arrays.fill(keep, true);
    keep[3] = false;
    keep[7] = false;
    List<String> ids = new ArrayList<>(d.subjectIds());
    ids.remove(7);
    ids.remove(3);
    Design reduced = Design.numeric("reduced", ids.toArray(new String[0]), VoxelGroups.restrictRows(d.matrix(), N, 4, keep),
        d.columnNames().toArray(new String[0]), d.contrasts(), d.fTests(), null);
    double[] yr = new double[(N - 2) * 2];
    int r = 0;
    for (int s = 0; s < N; s++) {
      if (keep[s]) {
        yr[r * 2] = y[s * v + 1];
        yr[r * 2 + 1] = y[s * v + 3];
        r++;
      }
    }
    GlmMaps mr = new GlmKernel(GlmModel.of(reduced)).fit(yr, 2);
    for (GlmOutput o : GlmOutput.values()) {
      for (int i = 0; i < m.count(o); i++) {
        assertEquals(mr.get(o, i, 0), m.get(o, i, 1), 0.0, o + " voxel 1");
        assertEquals(mr.get(o, i, 1), m.get(o, i, 3), 0.0, o + " voxel 3");
      }
    }
    assertEquals(N - 2, m.get(GlmOutput.SUBJECTS, 0, 1));
    assertEquals(N - 6, m.get(GlmOutput.DOF, 0, 3));
    assertEquals(N / 2, m.get(GlmOutput.SUBJECTS, 0, 4));
    for (GlmOutput o : GlmOutput.values()) {
      if (o != GlmOutput.SUBJECTS) {
        assertTrue(Double.isNaN(m.get(o, 0, 4)), o + " is NaN where the design is not estimable");
      }
    }
    assertEquals(N - 4, m.get(GlmOutput.DOF, 0, 0));
  }

  @Test
  void degenerateVoxelsHaveDocumentedOutputs() {
    SplittableRandom rnd = new SplittableRandom(2);
    Design d = design(N, rnd);
    int v = 4;
    double[] y = new double[N * v];
    for (int s = 0; s < N; s++) {
      y[s * v] = 7.25;          // constant
      y[s * v + 1] = 0;         // all zero
      y[s * v + 2] = Double.NaN; // no subject
      y[s * v + 3] = rnd.nextGaussian();
    }
    GlmMaps m = new GlmKernel(GlmModel.of(d)).fit(y, v);
    assertEquals(7.25, m.get(GlmOutput.BETA, 0, 0), 1e-12);
    for (int c = 1; c < 4; c++) {
      assertEquals(0.0, m.get(GlmOutput.BETA, c, 0), 1e-12);
      assertEquals(0.0, m.get(GlmOutput.BETA, c, 1), 0.0);
    }
    for (int k = 0; k < 3; k++) {
      for (int j = 0; j < 3; j++) {
        assertTrue(Double.isNaN(m.get(GlmOutput.T, k, j)), "t NaN at voxel " + j);
        assertTrue(Double.isNaN(m.get(GlmOutput.T_P, k, j)));
        assertTrue(Double.isNaN(m.get(GlmOutput.PARTIAL_R, k, j)));
      }
      assertTrue(Double.isFinite(m.get(GlmOutput.T, k, 3)));
    }
    assertTrue(Double.isNaN(m.get(GlmOutput.F, 0, 0)));
    assertEquals(0.0, m.get(GlmOutput.RESIDUAL_SD, 0, 0));
    assertEquals(0, m.get(GlmOutput.SUBJECTS, 0, 2));
    assertTrue(Double.isNaN(m.get(GlmOutput.BETA, 0, 2)));
  }

  @Test
  void blocksGiveBitIdenticalMaps() {
    SplittableRandom rnd = new SplittableRandom(4);
    Design d = design(N, rnd);
    int v = 700;
    double[] y = new double[N * v];
    for (int i = 0; i < y.length; i++) {
      y[i] = rnd.nextGaussian();
    }
    y[5 * v + 300] = Double.NaN;
    GlmKernel kernel = new GlmKernel(GlmModel.of(d));
    GlmMaps whole = kernel.fit(y, v);
    int[] cuts = {0, 1, 257, 300, 301, 650, 700};
    for (int b = 0; b + 1 < cuts.length; b++) {
      int from = cuts[b];
      int width = cuts[b + 1] - from;
      double[] yb = new double[N * width];
      for (int s = 0; s < N; s++) {
        System.arraycopy(y, s * v + from, yb, s * width, width);
      }
      GlmMaps part = kernel.fit(yb, width);
      for (GlmOutput o : GlmOutput.values()) {
        for (int i = 0; i < whole.count(o); i++) {
          for (int j = 0; j < width; j++) {
            assertEquals(Double.doubleToLongBits(whole.get(o, i, from + j)), Double.doubleToLongBits(part.get(o, i, j)),
                o + " map " + i + " voxel " + (from + j));
          }
        }
      }
    }
  }
}
