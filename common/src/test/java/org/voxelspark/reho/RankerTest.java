package org.voxelspark.reho;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The counting path (integer series with a small span) and the radix-sort path give exactly the
 * ranks and ΣT of the definition, computed the slow way: rank = (number of values below) + the
 * rule's share of the tie group.
 */
class RankerTest {
  private static float definition(float[] x, int t, TieRanking rule) {
    int below = 0;
    int equal = 0;
    for (float y : x) {
      boolean same = y == x[t] || Float.isNaN(y) && Float.isNaN(x[t]);
      boolean less = Float.isNaN(x[t]) ? !Float.isNaN(y) : y < x[t];
      below += less ? 1 : 0;
      equal += same ? 1 : 0;
    }
    return rule == TieRanking.MEAN_RANK ? (float) (below + 1 + (equal - 1) / 2.0) : below + equal / 2;
  }

  private static double tieSum(float[] x) {
    double s = 0;
    boolean[] seen = new boolean[x.length];
    for (int i = 0; i < x.length; i++) {
      if (seen[i]) {
        continue;
      }
      int t = 0;
      for (int j = i; j < x.length; j++) {
        if (x[j] == x[i] || Float.isNaN(x[j]) && Float.isNaN(x[i])) {
          seen[j] = true;
          t++;
        }
      }
      s += (double) t * t * t - t;
    }
    return s;
  }

  @Test
  void bothPathsEqualTheDefinition() {
    SplittableRandom rnd = new SplittableRandom(9);
    int n = 156;
    for (TieRanking rule : new TieRanking[] {TieRanking.MEAN_RANK, TieRanking.CEIL_MEAN_ZERO_BASED}) {
      Ranker ranker = new Ranker(n, rule);
      float[] ranks = new float[n];
      for (int kind = 0; kind < 6; kind++) {
        for (int rep = 0; rep < 50; rep++) {
          float[] x = new float[n];
          for (int t = 0; t < n; t++) {
            x[t] = switch (kind) {
              case 0 -> (float) (500 + rnd.nextInt(25)); // int16 BOLD: few distinct values (counting path)
              case 1 -> (float) (rnd.nextInt(2_000_000) - 1_000_000); // integers, span too wide: sorted
              case 2 -> (float) rnd.nextGaussian(); // floats, no ties: sorted
              case 3 -> (float) Math.rint(4 * rnd.nextGaussian()) / 4; // floats with ties, negatives
              case 4 -> t % 7 == 0 ? (rnd.nextBoolean() ? -0f : 0f) : (float) (rnd.nextInt(5) - 2); // ±0 tie
              default -> t % 11 == 0 ? Float.NaN : t % 13 == 0 ? Float.NEGATIVE_INFINITY : (float) rnd.nextInt(9); // NaN, −∞
            };
          }
          double ts = ranker.rank(x, 0, ranks, 0);
          for (int t = 0; t < n; t++) {
            assertEquals(definition(x, t, rule), ranks[t], rule + " kind " + kind + " t " + t);
          }
          assertEquals(tieSum(x), ts, rule + " kind " + kind + " ΣT");
        }
      }
    }
  }
}
