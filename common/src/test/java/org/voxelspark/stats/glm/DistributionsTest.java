package org.voxelspark.stats.glm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.distribution.TDistribution;
import org.junit.jupiter.api.Test;

/** z and p conversions against commons-math3 (an independent implementation) and identities. */
class DistributionsTest {
  @Test
  void tToZAgainstCommonsMathAndSymmetry() {
    NormalDistribution nd = new NormalDistribution();
    for (int dof : new int[] {3, 12, 100}) {
      TDistribution td = new TDistribution(dof);
      for (double t = -6; t <= 6; t += 0.37) {
        double z = Distributions.tToZ(t, dof);
        assertEquals(nd.inverseCumulativeProbability(td.cumulativeProbability(t)), z, 1e-7 * (1 + Math.abs(z)), "t=" + t);
        assertEquals(-z, Distributions.tToZ(-t, dof), 0.0, "z(−t) = −z(t) exactly");
      }
    }
    assertEquals(0.0, Distributions.tToZ(0.0, 7), 0.0);
    // far tails against SciPy 1.17.1: stats.norm.isf(stats.t.sf(t, dof)), stats.norm.isf(stats.f.sf(30, 2, 12))
    assertEquals(7.565922048530685, Distributions.tToZ(40, 12), 1e-9);
    assertEquals(4.965147719047187, Distributions.tToZ(6.5, 26), 1e-9);
    assertEquals(3.758481645925263, Distributions.tToZ(10, 5), 1e-9);
    assertEquals(1.925614790386016e-14, Distributions.tUpperP(Distributions.t(12), 40), 1e-22);
    assertEquals(4.091458096787831, Distributions.fToZ(30, 2, 12), 1e-9);
    assertEquals(Double.POSITIVE_INFINITY, Distributions.tToZ(Double.POSITIVE_INFINITY, 12));
    assertTrue(Double.isNaN(Distributions.tToZ(Double.NaN, 12)));
    assertTrue(Double.isNaN(Distributions.tToZ(1.0, 0)));
  }

  @Test
  void fOfOneDegreeIsTSquared() {
    org.apache.commons.statistics.distribution.TDistribution t = Distributions.t(15);
    org.apache.commons.statistics.distribution.FDistribution f = Distributions.f(1, 15);
    for (double x = 0.05; x < 5; x += 0.3) {
      assertEquals(Distributions.tTwoTailedP(t, x), Distributions.fP(f, x * x), 1e-12);
    }
    double med = Distributions.fMedian(Distributions.f(2, 12));
    assertEquals(0.5, Distributions.f(2, 12).cumulativeProbability(med), 1e-12);
    assertEquals(0.0, Distributions.fToZ(med, 2, 12), 1e-9);
    assertTrue(Distributions.fToZ(0.1, 2, 12) < 0, "F below its median has negative z");
  }

  @Test
  void hedgesCorrection() {
    assertEquals(1 - 3.0 / (4 * 40 - 1), Distributions.hedgesJ(40), 1e-4);
    assertTrue(Double.isNaN(Distributions.hedgesJ(1)));
  }
}
