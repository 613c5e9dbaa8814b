package org.voxelspark.stats.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AccumulatorsTest {
  @Test
  void benjaminiHochbergByHand() {
    // sorted p: .01 .02 .03 .04 .2 ; V = 5: p·V/i = .05 .05 .05 .05 .2, then the running minimum from the top
    double[] p = {0.04, 0.2, 0.01, Double.NaN, 0.03, 0.02};
    double[] q = Fdr.benjaminiHochberg(p);
    assertArrayEquals(new double[] {0.05, 0.2, 0.05, Double.NaN, 0.05, 0.05}, q, 1e-15);
    double[] q2 = Fdr.benjaminiHochberg(new double[] {0.5, 0.9, 0.6});
    assertArrayEquals(new double[] {0.9, 0.9, 0.9}, q2, 1e-15, "monotone and capped at 1");
    assertEquals(1.0, Fdr.benjaminiHochberg(new double[] {1.0, 1.0})[0], 0.0);
  }

  @Test
  void countsIncludeTheIdentityAndRefuseMisuse() {
    double[] obs = {1.0, 2.0, Double.NaN};
    ExceedanceCounts c = new ExceedanceCounts(obs, 4);
    c.accept(0, obs, 0);
    c.accept(1, new double[] {1.5, 1.0, 9}, 0);
    assertThrows(IllegalStateException.class, () -> c.accept(1, obs, 0), "a shuffling counted twice");
    assertThrows(IllegalStateException.class, c::finish, "not all shufflings counted");
    ExceedanceCounts d = new ExceedanceCounts(obs, 4);
    d.acceptCounts(2, 4, new int[] {0, 2, 0});
    c.combine(d);
    assertArrayEquals(new double[] {0.5, 0.75, Double.NaN}, c.finish(), 0.0);
    ExceedanceCounts other = new ExceedanceCounts(new double[] {1.0, 2.5, 0}, 4);
    assertThrows(IllegalStateException.class, () -> c.combine(other), "different voxels");
  }

  @Test
  void maxDistributionPValues() {
    MaxDistribution a = new MaxDistribution(4);
    MaxDistribution b = new MaxDistribution(4);
    a.accept(0, 3.0);
    a.accept(1, 1.0);
    b.accept(1, 2.0);
    b.accept(2, Double.NaN);
    b.accept(3, 5.0);
    assertTrue(!a.complete());
    a.combine(b);
    assertArrayEquals(new double[] {3.0, 2.0, Double.NEGATIVE_INFINITY, 5.0}, a.finish(), 0.0);
    assertArrayEquals(new double[] {0.5, 0.25, 0.75, 0.75, Double.NaN}, a.pValues(new double[] {3.0, 4.0, -7, 2.0, Double.NaN}), 0.0);
    assertThrows(IllegalStateException.class, () -> new MaxDistribution(3).finish());
  }
}
