package org.voxelspark.stats.perm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.voxelspark.error.UserInputException;

class ShufflingSetTest {
  static int[] row(ShufflingSet s, int k) {
    int[] r = new int[s.subjects()];
    for (int i = 0; i < r.length; i++) {
      r[i] = s.kind() == ShufflingKind.PERMUTATION ? s.source(k, i) : s.sign(k, i);
    }
    return r;
  }

  @Test
  void randomSetsAreSeededDistinctAndStartWithTheIdentity() {
    int[] blocks = {0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 2};
    ShufflingSet a = ShufflingSet.generate(ShufflingKind.PERMUTATION, 12, 1000, 42, blocks);
    ShufflingSet b = ShufflingSet.generate(ShufflingKind.PERMUTATION, 12, 1000, 42, blocks);
    ShufflingSet c = ShufflingSet.generate(ShufflingKind.PERMUTATION, 12, 1000, 43, blocks);
    assertEquals(1000, a.size());
    assertFalse(a.isExhaustive());
    assertTrue(a.isIdentity(0));
    Set<String> seen = new HashSet<>();
    boolean differs = false;
    for (int k = 0; k < 1000; k++) {
      assertArrayEquals(row(a, k), row(b, k), "same seed, same set");
      differs |= !Arrays.equals(row(a, k), row(c, k));
      assertTrue(seen.add(Arrays.toString(row(a, k))), "shuffling " + k + " repeats");
      boolean[] hit = new boolean[12];
      for (int i = 0; i < 12; i++) {
        int s = a.source(k, i);
        assertEquals(blocks[i], blocks[s], "within-block");
        hit[s] = true;
      }
      for (boolean h : hit) {
        assertTrue(h, "a permutation");
      }
    }
    assertTrue(differs, "another seed gives another set");

    ShufflingSet flips = ShufflingSet.generate(ShufflingKind.SIGN_FLIP, 20, 500, 1, null);
    assertTrue(flips.isIdentity(0));
    Set<String> fs = new HashSet<>();
    int minus = 0;
    for (int k = 0; k < 500; k++) {
      assertTrue(fs.add(Arrays.toString(row(flips, k))));
      for (int i = 0; i < 20; i++) {
        minus += flips.sign(k, i) < 0 ? 1 : 0;
      }
    }
    // fair signs: 499·20 draws, mean 4990 minus signs, SD ≈ 50
    assertTrue(Math.abs(minus - 4990) < 250, "fair signs: " + minus);
  }

  @Test
  void smallDesignsAreEnumeratedExhaustively() {
    ShufflingSet all = ShufflingSet.generate(ShufflingKind.PERMUTATION, 5, 1000, 7, null);
    assertEquals(120, all.size());
    assertTrue(all.isExhaustive());
    assertTrue(all.isIdentity(0));
    Set<String> seen = new HashSet<>();
    for (int k = 0; k < 120; k++) {
      assertTrue(seen.add(Arrays.toString(row(all, k))));
    }
    ShufflingSet blocked = ShufflingSet.generate(ShufflingKind.PERMUTATION, 5, 1000, 7, new int[] {4, 4, 9, 9, 9});
    assertEquals(12, blocked.size());
    assertEquals(BigInteger.valueOf(12), ShufflingSet.possible(ShufflingKind.PERMUTATION, 5, new int[] {4, 4, 9, 9, 9}));
    ShufflingSet flips = ShufflingSet.generate(ShufflingKind.SIGN_FLIP, 4, 1000, 7, null);
    assertEquals(16, flips.size());
    assertTrue(flips.isIdentity(0));
    UserInputException e = assertThrows(UserInputException.class,
        () -> ShufflingSet.generate(ShufflingKind.PERMUTATION, 4, 100, 1, new int[] {0, 1, 2, 3}));
    assertTrue(e.getMessage().contains("only 1 distinct shuffling"), e.getMessage());
  }

  @Test
  void palmIndicesAreInverted() {
    ShufflingSet s = ShufflingSet.fromPalmIndices(new int[][] {{1, 2, 3}, {2, 3, 1}});
    // PALM applies the inverse of idx = [2 3 1]: y*[idx[i]] = y[i], so y* = [y3 y1 y2]
    assertArrayEquals(new int[] {2, 0, 1}, row(s, 1));
    assertThrows(IllegalArgumentException.class, () -> ShufflingSet.fromPalmIndices(new int[][] {{2, 1, 3}}));
  }

  @Test
  void weightsReproduceTheShuffledProduct() {
    double[] y = {3, -1, 4, 1.5, -9, 2.6};
    double[] q = {0.1, 0.7, -0.2, 0.4, 1.1, -0.3};
    for (ShufflingKind kind : ShufflingKind.values()) {
      ShufflingSet s = ShufflingSet.generate(kind, 6, 20, 5, null);
      for (int k = 0; k < s.size(); k++) {
        double direct = 0;
        for (int i = 0; i < 6; i++) {
          double yi = kind == ShufflingKind.PERMUTATION ? y[s.source(k, i)] : s.sign(k, i) * y[i];
          direct += q[i] * yi;
        }
        double[] w = new double[6];
        s.weights(k, q, 0, w, 0);
        double viaWeights = 0;
        for (int m = 0; m < 6; m++) {
          viaWeights += w[m] * y[m];
        }
        assertEquals(direct, viaWeights, 1e-14, kind + " shuffling " + k);
      }
    }
  }

  @Test
  void restrictionInducesUniformWithinBlockShufflings() {
    int[] blocks = {0, 0, 0, 0, 1, 1};
    ShufflingSet all = ShufflingSet.generate(ShufflingKind.PERMUTATION, 6, 10_000, 1, blocks);
    assertEquals(48, all.size());
    boolean[] keep = {true, false, true, true, true, true};
    ShufflingSet r = all.restrict(keep, blocks);
    assertEquals(5, r.subjects());
    assertEquals(48, r.size());
    assertTrue(r.isIdentity(0));
    int[] kept = {0, 0, 0, 1, 1};
    Map<String, Integer> freq = new HashMap<>();
    for (int k = 0; k < r.size(); k++) {
      int[] src = row(r, k);
      boolean[] hit = new boolean[5];
      for (int i = 0; i < 5; i++) {
        assertEquals(kept[i], kept[src[i]], "stays within its block");
        hit[src[i]] = true;
      }
      for (boolean h : hit) {
        assertTrue(h);
      }
      freq.merge(Arrays.toString(src), 1, Integer::sum);
    }
    // 3!·2! = 12 induced shufflings, each from 48/12 = 4 of the full ones
    assertEquals(12, freq.size());
    for (int c : freq.values()) {
      assertEquals(4, c);
    }
    ShufflingSet flips = ShufflingSet.generate(ShufflingKind.SIGN_FLIP, 6, 30, 2, null);
    ShufflingSet rf = flips.restrict(keep, null);
    for (int k = 0; k < 30; k++) {
      assertEquals(flips.sign(k, 2), rf.sign(k, 1));
    }
  }
}
