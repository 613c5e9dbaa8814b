package org.voxelspark.qc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Masked medians, quantiles (type 7, as NumPy's default) and fractions, with their edge cases. */
class MaskedStatisticsTest {
  @Test
  void quantilesOverTheMaskIgnoringNonFiniteValues() {
    float[] x = {5, 1, Float.NaN, 3, 100, 2, 4};
    boolean[] m = {true, true, true, true, false, true, true};
    assertEquals(3.0, MaskedStatistics.median(x, m), 1e-12, "median of 1..5");
    assertEquals(2.0, MaskedStatistics.quantile(x, m, 0.25), 1e-12, "numpy.percentile([1,2,3,4,5], 25) = 2");
    assertEquals(4.8, MaskedStatistics.quantile(x, m, 0.95), 1e-6, "numpy.percentile([1,2,3,4,5], 95) = 4.8");
    assertEquals(4.75, MaskedStatistics.quantile(x, null, 0.75), 1e-12, "no mask: [1,2,3,4,5,100], h = 3.75: 4 + 0.75");
    assertEquals(6, MaskedStatistics.count(m, 7));
    assertEquals(7, MaskedStatistics.count(null, 7));
    assertTrue(Double.isNaN(MaskedStatistics.median(x, new boolean[7])), "empty mask");
    assertThrows(IllegalArgumentException.class, () -> MaskedStatistics.quantile(x, m, 1.5));
    assertThrows(IllegalArgumentException.class, () -> MaskedStatistics.median(x, new boolean[3]));
  }

  @Test
  void fractionBelowCountsNonFiniteValues() {
    float[] l3 = {1e-9f, 5e-4f, Float.NaN, -2e-4f, 7e-4f};
    assertEquals(0.6, MaskedStatistics.fractionBelowOrInvalid(l3, null, 1e-6), 1e-12);
    assertEquals(0.5, MaskedStatistics.fractionBelowOrInvalid(l3, new boolean[] {true, true, false, false, false}, 1e-6), 1e-12);
    assertTrue(Double.isNaN(MaskedStatistics.fractionBelowOrInvalid(l3, new boolean[5], 1e-6)));
  }
}
