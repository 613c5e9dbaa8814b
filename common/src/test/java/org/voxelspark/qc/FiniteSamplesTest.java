package org.voxelspark.qc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Non-finite samples: which voxels, how many, and why a NaN must be kept out of the median_otsu reference. */
class FiniteSamplesTest {
  @Test
  void aVoxelWithAnyNaNOrInfiniteSampleIsNotFinite() {
    // 4 voxels × 3 samples, voxel-major
    float[] s = {1, 2, 3, 4, Float.NaN, 6, 7, 8, Float.POSITIVE_INFINITY, -1, Float.NEGATIVE_INFINITY, 0};
    boolean[] finite = FiniteSamples.finiteVoxels(s, 4, 3);
    assertArrayEquals(new boolean[] {true, false, false, false}, finite);
    assertEquals(3, FiniteSamples.nonFiniteCount(finite));
    assertArrayEquals(new float[] {5, 0, 0, 0}, FiniteSamples.fillNonFinite(new float[] {5, Float.NaN, 1, 2}, finite, 0));
    boolean[] mask = {true, true, false, true};
    assertArrayEquals(new boolean[] {true, false, false, false}, FiniteSamples.excludeNonFinite(mask, finite));
    assertTrue(FiniteSamples.finiteVoxels(new float[] {Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_VALUE}, 3, 1)[0]);
    assertThrows(IllegalArgumentException.class, () -> FiniteSamples.finiteVoxels(s, 5, 3));
  }

  /**
   * Why the stage fills non-finite voxels before thresholding and leaves them out of the mask.
   * median_otsu ranks NaN above every number ({@link MedianOtsu#medianFilter}): a small NaN block
   * never reaches a window's median, so it is filtered away and its voxels end up inside the mask
   * (they must be excluded); a NaN region covering half a window survives the filter, makes Otsu's
   * threshold NaN ({@code x > NaN} is false everywhere) and empties the mask, so every tensor map of
   * the run would be silently 0 unless the reference is filled first.
   */
  @Test
  void nanVoxelsEnterOrEmptyTheMedianOtsuMaskUnlessFilledAndExcluded() {
    int n = 16;
    float[] ref = brain(n);
    boolean[] finite = new boolean[ref.length];
    java.util.Arrays.fill(finite, true);
    for (int k = 6; k < 10; k++) {
      for (int j = 6; j < 10; j++) {
        for (int i = 6; i < 10; i++) {
          ref[i + n * (j + n * k)] = Float.NaN; // a 4×4×4 block inside the brain
          finite[i + n * (j + n * k)] = false;
        }
      }
    }
    boolean[] raw = MedianOtsu.mask(ref, n, n, n, 4, 4);
    assertTrue(raw[7 + n * (7 + n * 7)], "the small NaN block is filtered away: its voxels are in the raw mask");
    boolean[] mask = FiniteSamples.excludeNonFinite(
        MedianOtsu.mask(FiniteSamples.fillNonFinite(ref, finite, 0), n, n, n, 4, 4), finite);
    int inMask = 0;
    for (int v = 0; v < mask.length; v++) {
      inMask += mask[v] ? 1 : 0;
      assertFalse(mask[v] && !finite[v], "no non-finite voxel in the mask");
    }
    // median_otsu's 9^3 median on a 16^3 volume widens the 10^3 "brain": a mask neither empty nor everything
    assertTrue(inMask > 900 && inMask < ref.length / 2, "the filled reference gives a real mask: " + inMask);
    assertTrue(mask[5 + n * (7 + n * 7)], "brain next to the NaN block stays in the mask");

    float[] slab = brain(n);
    boolean[] slabFinite = new boolean[slab.length];
    java.util.Arrays.fill(slabFinite, true);
    for (int v = n * n * 11; v < slab.length; v++) { // k = 11..15: the top windows are more than half NaN
      slab[v] = Float.NaN;
      slabFinite[v] = false;
    }
    int poisoned = count(MedianOtsu.mask(slab, n, n, n, 4, 4));
    assertEquals(0, poisoned, "a NaN region covering half a window gives an empty mask");
    int filled = count(FiniteSamples.excludeNonFinite(MedianOtsu.mask(FiniteSamples.fillNonFinite(slab, slabFinite, 0), n, n,
        n, 4, 4), slabFinite));
    assertTrue(filled > 300, "the filled reference gives a real mask: " + filled);
  }

  /** A 10³ "brain" of ~1000 in a 16³ volume of ~20 (Gaussian noise, SD 10). */
  private static float[] brain(int n) {
    float[] ref = new float[n * n * n];
    SplittableRandom rnd = new SplittableRandom(4);
    for (int k = 0; k < n; k++) {
      for (int j = 0; j < n; j++) {
        for (int i = 0; i < n; i++) {
          boolean brain = Math.abs(i - 7.5) < 5 && Math.abs(j - 7.5) < 5 && Math.abs(k - 7.5) < 5;
          ref[i + n * (j + n * k)] = (float) ((brain ? 1000 : 20) + rnd.nextGaussian() * 10);
        }
      }
    }
    return ref;
  }

  private static int count(boolean[] mask) {
    int c = 0;
    for (boolean b : mask) {
      c += b ? 1 : 0;
    }
    return c;
  }
}
