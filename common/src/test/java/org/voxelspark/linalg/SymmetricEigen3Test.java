package org.voxelspark.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.junit.jupiter.api.Test;

class SymmetricEigen3Test {
  @Test
  void reconstructsRandomAndDegenerateMatrices() {
    SplittableRandom rnd = new SplittableRandom(9);
    SymmetricEigen3 e = new SymmetricEigen3();
    for (int c = 0; c < 2000; c++) {
      double[] m = new double[6];
      for (int q = 0; q < 6; q++) {
        m[q] = rnd.nextGaussian() * 1e-3;
      }
      if (c % 4 == 0) { // repeated eigenvalues: cylindrically symmetric tensors
        m = cylinder(1.7e-3, 0.3e-3, rnd);
      }
      e.decompose(m[0], m[1], m[2], m[3], m[4], m[5]);
      double[][] a = {{m[0], m[1], m[3]}, {m[1], m[2], m[4]}, {m[3], m[4], m[5]}};
      assertTrue(e.value(0) >= e.value(1) && e.value(1) >= e.value(2), "sorted");
      for (int i = 0; i < 3; i++) {
        double norm = 0;
        for (int r = 0; r < 3; r++) {
          double av = a[r][0] * e.vector(i, 0) + a[r][1] * e.vector(i, 1) + a[r][2] * e.vector(i, 2);
          assertEquals(e.value(i) * e.vector(i, r), av, 1e-15, "A v = λ v, case " + c);
          norm += e.vector(i, r) * e.vector(i, r);
        }
        assertEquals(1, norm, 1e-14, "unit vector");
      }
      double[] ref = new EigenDecomposition(new Array2DRowRealMatrix(a)).getRealEigenvalues();
      java.util.Arrays.sort(ref);
      assertEquals(ref[2], e.value(0), 1e-17 + 1e-12 * Math.abs(ref[2]));
      assertEquals(ref[0], e.value(2), 1e-17 + 1e-12 * Math.abs(ref[0]));
    }
  }

  private static double[] cylinder(double axial, double radial, SplittableRandom rnd) {
    double x = rnd.nextGaussian();
    double y = rnd.nextGaussian();
    double z = rnd.nextGaussian();
    double n = Math.sqrt(x * x + y * y + z * z);
    x /= n;
    y /= n;
    z /= n;
    double d = axial - radial;
    return new double[] {radial + d * x * x, d * x * y, radial + d * y * y, d * x * z, d * y * z, radial + d * z * z};
  }

  @Test
  void zeroAndNonFiniteMatrices() {
    SymmetricEigen3 e = new SymmetricEigen3();
    e.decompose(0, 0, 0, 0, 0, 0);
    assertEquals(0, e.value(0));
    e.decompose(Double.NaN, 0, 0, 0, 0, 0);
    assertTrue(Double.isNaN(e.value(0)));
  }
}
