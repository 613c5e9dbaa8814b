package org.voxelspark.stats;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.voxelspark.stats.design.Contrast;
import org.voxelspark.stats.design.Design;
import org.voxelspark.stats.inference.ExceedanceCounts;
import org.voxelspark.stats.inference.MaxDistribution;
import org.voxelspark.stats.perm.FreedmanLane;
import org.voxelspark.stats.perm.Partition;
import org.voxelspark.stats.perm.PermutationBlock;
import org.voxelspark.stats.perm.ShufflingKind;
import org.voxelspark.stats.perm.ShufflingSet;
import org.voxelspark.stats.perm.Tail;

/**
 * Family-wise error control under the null, by simulation: {@value #SEEDS} independent null
 * datasets per scenario (group effect absent; strong nuisance effects of age and site present, so
 * Freedman–Lane's handling of nuisance matters), 40 voxels each, K = 100 shufflings; a dataset is a
 * family-wise false positive when any voxel has FWE p ≤ 0.05.
 *
 * <p>Acceptance: the observed rate must be within binomial error of the nominal 5%: at most
 * 0.05 + 2.5·√(0.05·0.95/{@value #SEEDS}) (= 0.074) and, so that a test that never rejects cannot
 * pass, at least 0.05 − 2.5·√(…) (= 0.026). Scenarios: free permutation with age and site as
 * nuisance (one- and two-sided), within-site permutation, and a one-sample design with sign
 * flips. Tagged slow (runs in CI; exclude locally with {@code -DexcludedGroups=slow}); about 4 s.
 */
@Tag("slow")
class NullFwerSimulationTest {
  static final int SEEDS = 400;
  static final int N = 24;
  static final int V = 40;
  static final int K = 100;

  static Design twoGroup(SplittableRandom rnd, boolean blocks) {
    int p = 5;
    double[] x = new double[N * p];
    int[] eb = new int[N];
    String[] ids = new String[N];
    for (int s = 0; s < N; s++) {
      int site = s % 3;
      eb[s] = site;
      ids[s] = "s" + s;
      x[s * p] = 1;
      x[s * p + 1] = (s / 3) % 2;
      x[s * p + 2] = 12 * rnd.nextGaussian();
      x[s * p + 3] = site == 1 ? 1 : 0;
      x[s * p + 4] = site == 2 ? 1 : 0;
    }
    return Design.numeric("sim", ids, x, new String[] {"intercept", "group", "age", "siteB", "siteC"},
        List.of(new Contrast("group", "group", new double[] {0, 1, 0, 0, 0}, true)), List.of(), blocks ? eb : null);
  }

  static double rate(String scenario, long salt) {
    int rejections = 0;
    for (int seed = 0; seed < SEEDS; seed++) {
      SplittableRandom rnd = new SplittableRandom(salt * 1_000_003L + seed);
      Design d;
      ShufflingKind kind;
      Tail tail = scenario.equals("two-sided") ? Tail.TWO_SIDED : Tail.ONE_SIDED;
      if (scenario.equals("one-sample")) {
        double[] x = new double[N];
        String[] ids = new String[N];
        for (int s = 0; s < N; s++) {
          x[s] = 1;
          ids[s] = "s" + s;
        }
        d = Design.numeric("sim", ids, x, new String[] {"intercept"},
            List.of(new Contrast("mean", "intercept", new double[] {1}, false)), List.of(), null);
        kind = ShufflingKind.SIGN_FLIP;
      } else {
        d = twoGroup(rnd, scenario.equals("within-site"));
        kind = ShufflingKind.PERMUTATION;
      }
      double[] y = new double[N * V];
      for (int s = 0; s < N; s++) {
        for (int j = 0; j < V; j++) {
          double nuisance = d.columns() > 1 ? 0.08 * d.get(s, 2) + 1.5 * d.get(s, 3) - 2.0 * d.get(s, 4) + 10 : 0;
          y[s * V + j] = nuisance + rnd.nextGaussian() * (1 + 0.02 * j);
        }
      }
      ShufflingSet set = ShufflingSet.generate(kind, N, K, rnd.nextLong(), d.blocks());
      FreedmanLane test = FreedmanLane.forContrast(d, 0, Partition.RIDGWAY, kind);
      PermutationBlock b = PermutationBlock.prepare(test, tail, set, y, V);
      ExceedanceCounts c = b.newCounts();
      MaxDistribution max = new MaxDistribution(set.size());
      b.accumulate(0, set.size(), c, max);
      double[] fwe = max.pValues(b.observedZ());
      boolean any = false;
      for (double p : fwe) {
        any |= p <= 0.05;
      }
      rejections += any ? 1 : 0;
    }
    return (double) rejections / SEEDS;
  }

  @Test
  void familyWiseErrorRateIsNominalUnderTheNull() {
    double se = Math.sqrt(0.05 * 0.95 / SEEDS);
    StringBuilder report = new StringBuilder();
    boolean ok = true;
    long salt = 1;
    for (String scenario : new String[] {"one-sided", "two-sided", "within-site", "one-sample"}) {
      double r = rate(scenario, salt++);
      report.append(String.format(java.util.Locale.ROOT, "%s %.4f; ", scenario, r));
      ok &= r <= 0.05 + 2.5 * se && r >= 0.05 - 2.5 * se;
    }
    System.out.println("FWER over " + SEEDS + " null datasets: " + report);
    assertTrue(ok, "FWER outside 0.05 ± 2.5 SE (" + (2.5 * se) + "): " + report);
  }
}
