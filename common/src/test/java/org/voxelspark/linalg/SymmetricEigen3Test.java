package org.voxelspark.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.junit.jupiter.api.Test;

/**
 * {@link SymmetricEigen3} against Commons Math's decomposition and its own residuals, on both of its
 * paths (closed form and Jacobi fall-back). Tolerances: eigenvalues 1e-12 relative to the largest
 * |λ|; residual |Av − λv| 1e-12 relative to max|a| on any matrix and 5e-14 across the switch
 * (the closed form's conditioning next to it, measured 1.6e-14); orthonormality 1e-12. Its batch
 * forms against it, bit for bit.
 */
class SymmetricEigen3Test {
  private static int jacobiCases;
  private static int closedFormCases;

  /** Checks one matrix (m in xx, xy, yy, xz, yz, zz order); returns the max residual relative to max|a|. */
  private static double check(SymmetricEigen3 e, double[] m, String what) {
    return check(e, m, null, what);
  }

  /** As {@link #check(SymmetricEigen3, double[], String)}, against known eigenvalues if given. */
  private static double check(SymmetricEigen3 e, double[] m, double[] known, String what) {
    e.decompose(m[0], m[1], m[2], m[3], m[4], m[5]);
    if (e.usedJacobi()) {
      jacobiCases++;
    } else {
      closedFormCases++;
    }
    double[][] a = {{m[0], m[1], m[3]}, {m[1], m[2], m[4]}, {m[3], m[4], m[5]}};
    double scale = 0;
    for (double x : m) {
      scale = Math.max(scale, Math.abs(x));
    }
    assertTrue(e.value(0) >= e.value(1) && e.value(1) >= e.value(2), "sorted: " + what);
    double worst = 0;
    for (int i = 0; i < 3; i++) {
      for (int r = 0; r < 3; r++) {
        double av = a[r][0] * e.vector(i, 0) + a[r][1] * e.vector(i, 1) + a[r][2] * e.vector(i, 2);
        worst = Math.max(worst, Math.abs(av - e.value(i) * e.vector(i, r)) / scale);
      }
      for (int j = 0; j < 3; j++) {
        double dot = e.vector(i, 0) * e.vector(j, 0) + e.vector(i, 1) * e.vector(j, 1) + e.vector(i, 2) * e.vector(j, 2);
        assertEquals(i == j ? 1 : 0, dot, 1e-12, "orthonormal vectors " + i + "," + j + ": " + what);
      }
    }
    assertTrue(worst <= 1e-12, "residual " + worst + " relative: " + what);
    double[] ref = known != null ? known.clone() : new EigenDecomposition(new Array2DRowRealMatrix(a)).getRealEigenvalues();
    java.util.Arrays.sort(ref);
    double big = Math.max(Math.abs(ref[0]), Math.abs(ref[2]));
    for (int i = 0; i < 3; i++) {
      assertEquals(ref[2 - i], e.value(i), 1e-12 * big + Double.MIN_NORMAL, "eigenvalue " + i + ": " + what);
    }
    return worst;
  }

  @Test
  void randomTensorLikeAndDegenerateMatrices() {
    SplittableRandom rnd = new SplittableRandom(9);
    SymmetricEigen3 e = new SymmetricEigen3();
    jacobiCases = 0;
    closedFormCases = 0;
    for (int c = 0; c < 4000; c++) {
      double[] m = new double[6];
      for (int q = 0; q < 6; q++) {
        m[q] = rnd.nextGaussian() * 1e-3;
      }
      switch (c % 5) {
        case 1 -> m = spectral(1.7e-3, 0.3e-3, 0.3e-3, rnd); // cylinder: λ2 = λ3
        case 2 -> m = spectral(1.2e-3, 1.2e-3, 0.2e-3, rnd); // oblate: λ1 = λ2
        case 3 -> m = spectral(1.5e-3, 0.5e-3 + 0.4e-3 * rnd.nextDouble(), 0.2e-3, rnd); // white-matter-like
        default -> { }
      }
      check(e, m, "case " + c);
    }
    assertTrue(jacobiCases >= 1000 && closedFormCases >= 2000, "both paths exercised: jacobi " + jacobiCases
        + ", closed form " + closedFormCases);
  }

  @Test
  void nearDegenerateOnBothSidesOfTheSwitch() {
    SplittableRandom rnd = new SplittableRandom(10);
    SymmetricEigen3 e = new SymmetricEigen3();
    jacobiCases = 0;
    closedFormCases = 0;
    double worst = 0;
    for (double gap = 1e-1; gap >= 1e-9; gap /= 3) {
      for (int c = 0; c < 50; c++) {
        worst = Math.max(worst, check(e, spectral(1e-3, 0.3e-3 * (1 + gap), 0.3e-3, rnd), "prolate gap " + gap));
        worst = Math.max(worst, check(e, spectral(1e-3 * (1 + gap), 1e-3, 0.3e-3, rnd), "oblate gap " + gap));
      }
    }
    assertTrue(jacobiCases > 100 && closedFormCases > 100, "switch crossed: jacobi " + jacobiCases + ", closed form "
        + closedFormCases);
    assertTrue(worst <= 5e-14, "worst residual " + worst);
  }

  @Test
  void principalVectorOfAWellSeparatedTensorIsExact() {
    SymmetricEigen3 e = new SymmetricEigen3();
    double[] axis = {0.6, 0.0, 0.8};
    double d = 1.7e-3 - 0.3e-3;
    e.decompose(0.3e-3 + d * 0.36, 0, 0.3e-3 + 0.2e-3, d * 0.48, 0, 0.3e-3 + d * 0.64);
    assertFalse(e.usedJacobi(), "three distinct eigenvalues: closed form");
    double dot = Math.abs(e.vector(0, 0) * axis[0] + e.vector(0, 1) * axis[1] + e.vector(0, 2) * axis[2]);
    assertEquals(1, dot, 1e-15);
    assertEquals(1.7e-3, e.value(0), 1e-18);
    assertEquals(0.5e-3, e.value(1), 1e-18);
    assertEquals(0.3e-3, e.value(2), 1e-18);
  }

  @Test
  void extremeScalesDiagonalZeroAndNonFinite() {
    SymmetricEigen3 e = new SymmetricEigen3();
    SplittableRandom rnd = new SplittableRandom(4);
    for (double scale : new double[] {1e-300, 1e-160, 1, 1e160, 1e300}) {
      // Commons Math underflows at 1e-300: compare with the spectrum the matrix was built from
      double[] m = spectral(3 * scale, 2 * scale, -1 * scale, rnd);
      check(e, m, new double[] {3 * scale, 2 * scale, -scale}, "scale " + scale);
    }
    check(e, new double[] {3, 0, 2, 0, 0, 1}, "diagonal");
    check(e, new double[] {1, 0, 3, 0, 0, 2}, "diagonal, unsorted");
    check(e, new double[] {Double.MIN_VALUE, 0, 0, 0, 0, -Double.MIN_VALUE}, "subnormal");
    e.decompose(0, 0, 0, 0, 0, 0);
    assertEquals(0, e.value(0));
    assertEquals(1, e.vector(0, 0));
    e.decompose(2, 0, 2, 0, 0, 2);
    assertEquals(2, e.value(2), 1e-15, "isotropic");
    e.decompose(Double.NaN, 0, 0, 0, 0, 0);
    assertTrue(Double.isNaN(e.value(0)) && Double.isNaN(e.vector(0, 0)));
    e.decompose(Double.POSITIVE_INFINITY, 0, 0, 0, 0, 0);
    assertTrue(Double.isNaN(e.value(0)));
  }

  /**
   * Both batch forms give every lane exactly {@link SymmetricEigen3#decompose}'s bits, on matrices
   * that take every path of the closed form (plain, refined near the degenerate ends) and every
   * fall-back (Jacobi both sides of the switch, zero, subnormal and huge scales, non-finite),
   * mixed in the same vectors, with a partial last vector.
   */
  @Test
  void batchesAreBitIdenticalToTheScalarDecomposition() {
    SymmetricEigen3.Batch vector = SymmetricEigen3.vectorBatch();
    assertNotNull(vector, "the tests run with jdk.incubator.vector: the Vector API batch must load");
    SplittableRandom rnd = new SplittableRandom(15);
    int count = 4003;
    double[][] a = new double[6][count];
    for (int j = 0; j < count; j++) {
      double[] m = switch (j % 11) {
        case 0 -> spectral(1.7e-3, 0.3e-3, 0.3e-3, rnd); // cylinder: Jacobi
        case 1 -> spectral(1.5e-3, 0.5e-3 + 0.4e-3 * rnd.nextDouble(), 0.2e-3, rnd);
        case 2 -> spectral(1e-3, 0.3e-3 * (1 + Math.pow(10, -1 - 8 * rnd.nextDouble())), 0.3e-3, rnd); // near the switch
        case 3 -> spectral(1e-3 * (1 + Math.pow(10, -1 - 8 * rnd.nextDouble())), 1e-3, 0.3e-3, rnd);
        case 4 -> spectral(2e-3, -0.5e-3, 1e-4, rnd); // not positive definite
        case 5 -> new double[] {rnd.nextGaussian(), 0, rnd.nextGaussian(), 0, 0, rnd.nextGaussian()}; // diagonal
        case 6 -> {
          double s = Math.scalb(1.0, rnd.nextInt(-1074, 1024));
          yield spectral(3 * s, 2 * s, -s, rnd); // every scale, subnormal and near overflow included
        }
        case 7 -> new double[] {0, 0, 0, 0, 0, 0};
        case 8 -> new double[] {Double.NaN, 1, 2, 3, 4, 5};
        case 9 -> new double[] {1, Double.POSITIVE_INFINITY, 2, 3, 4, 5};
        default -> new double[] {rnd.nextGaussian(), rnd.nextGaussian(), rnd.nextGaussian(), rnd.nextGaussian(),
            rnd.nextGaussian(), rnd.nextGaussian()};
      };
      for (int c = 0; c < 6; c++) {
        a[c][j] = m[c];
      }
    }
    // the same matrices in another order, so that each meets other neighbours in its vector
    int[] perm = new int[count];
    for (int j = 0; j < count; j++) {
      perm[j] = j;
    }
    for (int j = count - 1; j > 0; j--) {
      int k = rnd.nextInt(j + 1);
      int tmp = perm[j];
      perm[j] = perm[k];
      perm[k] = tmp;
    }
    double[][] shuffled = new double[6][count];
    for (int c = 0; c < 6; c++) {
      for (int j = 0; j < count; j++) {
        shuffled[c][j] = a[c][perm[j]];
      }
    }
    SymmetricEigen3 e = new SymmetricEigen3();
    for (SymmetricEigen3.Batch batch : new SymmetricEigen3.Batch[] {SymmetricEigen3.plainBatch(), vector}) {
      for (double[][] in : new double[][][] {a, shuffled}) {
        double[][] values = new double[3][count];
        double[][] vectors = new double[9][count];
        batch.decompose(in, count, values, vectors);
        for (int j = 0; j < count; j++) {
          e.decompose(in[0][j], in[1][j], in[2][j], in[3][j], in[4][j], in[5][j]);
          for (int i = 0; i < 3; i++) {
            assertEquals(Double.doubleToLongBits(e.value(i)), Double.doubleToLongBits(values[i][j]), batch.name() + ": value " + i
                + " of matrix " + j);
            for (int c = 0; c < 3; c++) {
              assertEquals(Double.doubleToLongBits(e.vector(i, c)), Double.doubleToLongBits(vectors[3 * i + c][j]),
                  batch.name() + ": vector " + i + " of matrix " + j);
            }
          }
        }
      }
    }
    // the vector form computed most lanes itself, refinement included (else it would test only the fall-back)
    VectorEigen3 v = (VectorEigen3) vector;
    assertTrue(v.fallbackLanes < 0.6 * 2 * count && v.refinedLanes > 50, "fall-back lanes " + v.fallbackLanes
        + ", refined lanes " + v.refinedLanes + " of " + 2 * count);
  }

  /** R·diag(l1, l2, l3)·Rᵀ for a random rotation R, in xx, xy, yy, xz, yz, zz order. */
  private static double[] spectral(double l1, double l2, double l3, SplittableRandom rnd) {
    double[][] q = new double[3][];
    for (int i = 0; i < 3; i++) {
      double[] v = {rnd.nextGaussian(), rnd.nextGaussian(), rnd.nextGaussian()};
      for (int j = 0; j < i; j++) {
        double d = v[0] * q[j][0] + v[1] * q[j][1] + v[2] * q[j][2];
        for (int c = 0; c < 3; c++) {
          v[c] -= d * q[j][c];
        }
      }
      double n = Math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
      q[i] = new double[] {v[0] / n, v[1] / n, v[2] / n};
    }
    double[] l = {l1, l2, l3};
    double[][] m = new double[3][3];
    for (int r = 0; r < 3; r++) {
      for (int c = 0; c < 3; c++) {
        for (int k = 0; k < 3; k++) {
          m[r][c] += l[k] * q[k][r] * q[k][c];
        }
      }
    }
    return new double[] {m[0][0], m[0][1], m[1][1], m[0][2], m[1][2], m[2][2]};
  }
}
