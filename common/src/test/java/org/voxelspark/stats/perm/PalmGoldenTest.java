package org.voxelspark.stats.perm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.voxelspark.stats.design.Contrast;
import org.voxelspark.stats.design.Design;
import org.voxelspark.stats.design.FTest;
import org.voxelspark.stats.glm.Distributions;
import org.voxelspark.stats.glm.GlmKernel;
import org.voxelspark.stats.glm.GlmMaps;
import org.voxelspark.stats.glm.GlmModel;
import org.voxelspark.stats.glm.GlmOutput;
import org.voxelspark.stats.inference.ExceedanceCounts;
import org.voxelspark.stats.inference.Fdr;
import org.voxelspark.stats.inference.MaxDistribution;
import org.voxelspark.testing.SharedData;

/**
 * Freedman–Lane against PALM ({@code ../shared/data/golden/glm_perm}: PALM @04095fe under Octave
 * 7.3; 16 subjects × 25 voxels, design intercept + group + age + sex, t-contrasts c1 HFS&gt;HC, c2
 * HC&gt;HFS, c3 age+, F-test c4 over c1 and c3; 500 shufflings with seed 42, saved; runs {@code fl}
 * (one-tailed), {@code fl_twotail} ({@code -twotail -zstat}) and {@code eb_within} (site blocks,
 * {@code -within})). PALM's saved shufflings are replayed (PALM applies the inverse of each saved
 * index vector: {@link ShufflingSet#fromPalmIndices}).
 *
 * <p>Tolerances: statistics of every shuffling and parametric p-values 5.01e-5 (PALM writes CSV
 * rounded to 4 decimals); permutation p-values (multiples of 1/500) exact to 1e-12; FDR-adjusted
 * p-values 5.01e-5 (rounded); the max-statistic null distribution, which PALM writes at full
 * precision, 1e-9.
 */
class PalmGoldenTest {
  private static final String DIR = "golden/glm_perm/";
  private static final double ROUNDED = 5.01e-5;
  private static final int N = 16;
  private static final int V = 25;

  static double[][] csv(String file) {
    Path p = SharedData.require(DIR + file);
    try {
      List<double[]> rows = new ArrayList<>();
      for (String line : Files.readAllLines(p)) {
        if (line.isBlank()) {
          continue;
        }
        String[] parts = line.trim().split(",");
        double[] r = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
          r[i] = Double.parseDouble(parts[i]);
        }
        rows.add(r);
      }
      return rows.toArray(new double[0][]);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static double[] vector(String file) {
    double[][] m = csv(file);
    if (m.length == 1) {
      return m[0];
    }
    double[] out = new double[m.length];
    for (int i = 0; i < m.length; i++) {
      out[i] = m[i][0];
    }
    return out;
  }

  static double[] data() {
    double[][] y = csv("data.csv");
    assertEquals(N, y.length);
    double[] out = new double[N * V];
    for (int s = 0; s < N; s++) {
      System.arraycopy(y[s], 0, out, s * V, V);
    }
    return out;
  }

  static Design design(boolean blocks) {
    double[][] d = csv("design.csv");
    double[] x = new double[N * 4];
    for (int s = 0; s < N; s++) {
      System.arraycopy(d[s], 0, x, s * 4, 4);
    }
    double[][] c = csv("contrasts.csv");
    List<Contrast> cons = List.of(
        new Contrast("c1", "HFS > HC", c[0], true),
        new Contrast("c2", "HC > HFS", c[1], true),
        new Contrast("c3", "age +", c[2], false));
    double[][] f = csv("ftests.csv");
    List<double[]> rows = new ArrayList<>();
    for (int k = 0; k < 3; k++) {
      if (f[0][k] != 0) {
        rows.add(c[k]);
      }
    }
    List<FTest> fts = List.of(new FTest("c4", "F over c1, c3", rows.toArray(new double[0][])));
    int[] eb = null;
    if (blocks) {
      double[] e = vector("eb.csv");
      eb = new int[N];
      for (int s = 0; s < N; s++) {
        eb[s] = (int) e[s];
      }
    }
    String[] ids = new String[N];
    for (int s = 0; s < N; s++) {
      ids[s] = "s" + (s + 1);
    }
    return Design.numeric("design.csv", ids, x, new String[] {"intercept", "group", "age", "sex"}, cons, fts, eb);
  }

  static ShufflingSet shufflings(String run, int c) {
    double[][] idx = csv(run + "_c" + c + "_permidx.csv");
    int[][] rows = new int[idx.length][];
    for (int k = 0; k < idx.length; k++) {
      rows[k] = new int[idx[k].length];
      for (int i = 0; i < idx[k].length; i++) {
        rows[k][i] = (int) idx[k][i];
      }
    }
    return ShufflingSet.fromPalmIndices(rows);
  }

  static Stream<Arguments> tContrasts() {
    List<Arguments> out = new ArrayList<>();
    for (String run : new String[] {"fl", "fl_twotail", "eb_within"}) {
      for (int c = 1; c <= 3; c++) {
        out.add(Arguments.of(run, c));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} c{1}")
  @MethodSource("tContrasts")
  void tContrastMatchesPalm(String run, int c) {
    boolean twoTail = run.equals("fl_twotail");
    Design design = design(run.equals("eb_within"));
    ShufflingSet set = shufflings(run, c);
    assertEquals(500, set.size());
    FreedmanLane test = FreedmanLane.forContrast(design, c - 1, Partition.RIDGWAY, ShufflingKind.PERMUTATION);
    Tail tail = twoTail ? Tail.TWO_SIDED : Tail.ONE_SIDED;
    PermutationBlock block = PermutationBlock.prepare(test, tail, set, data(), V);
    String stat = twoTail ? "ztstat" : "tstat";
    String prefix = run + "_dat_" + stat;

    // statistic of every shuffling (PALM saves the signed t, or the signed z with -zstat)
    double[] all = new double[500 * V];
    PermutationBlock signed = twoTail ? PermutationBlock.prepare(test, Tail.ONE_SIDED, set, data(), V) : block;
    signed.evaluate(0, 500, all, twoTail ? PermutationBlock.Scale.Z : PermutationBlock.Scale.STATISTIC);
    double[][] ref = csv(prefix + "_c" + c + "_allperms.csv");
    assertEquals(500, ref.length);
    double worst = 0;
    for (int k = 0; k < 500; k++) {
      for (int j = 0; j < V; j++) {
        worst = Math.max(worst, Math.abs(all[k * V + j] - ref[k][j]));
      }
    }
    assertTrue(worst <= ROUNDED, run + " c" + c + ": max |Δstat| over 500 shufflings = " + worst);
    System.out.println("PALM " + run + " c" + c + ": max |Δ" + stat + "| over 500 shufflings × 25 voxels = " + worst);

    // observed statistic
    double[] obs = vector(prefix + "_c" + c + ".csv");
    for (int j = 0; j < V; j++) {
      double mine = twoTail ? all[j] : block.observed()[j];
      assertEquals(obs[j], mine, ROUNDED, "observed voxel " + j);
    }

    // uncorrected, FWE, FDR
    ExceedanceCounts counts = block.newCounts();
    MaxDistribution max = new MaxDistribution(500);
    block.accumulate(0, 500, counts, max);
    double[] unc = counts.finish();
    double[] fwe = max.pValues(block.observedZ());
    assertArrayEquals(vector(prefix + "_uncp_c" + c + ".csv"), unc, 1e-12, "uncorrected p");
    assertArrayEquals(vector(prefix + "_fwep_c" + c + ".csv"), fwe, 1e-12, "FWE p");
    assertArrayEquals(vector(prefix + "_fdrp_c" + c + ".csv"), Fdr.benjaminiHochberg(unc), ROUNDED, "FDR p");
    assertArrayEquals(vector(prefix + "_max_c" + c + ".csv"), max.finish(), 1e-9, "max-statistic null (z)");
  }

  @Test
  void fTestMatchesPalm() {
    Design design = design(false);
    ShufflingSet set = shufflings("fl", 4);
    FreedmanLane test = FreedmanLane.forFTest(design, 0, Partition.RIDGWAY, ShufflingKind.PERMUTATION);
    PermutationBlock block = PermutationBlock.prepare(test, Tail.ONE_SIDED, set, data(), V);
    double[] all = new double[500 * V];
    block.evaluate(0, 500, all, PermutationBlock.Scale.STATISTIC);
    double[][] ref = csv("fl_dat_fstat_c4_allperms.csv");
    double worst = 0;
    for (int k = 0; k < 500; k++) {
      for (int j = 0; j < V; j++) {
        worst = Math.max(worst, Math.abs(all[k * V + j] - ref[k][j]));
      }
    }
    assertTrue(worst <= ROUNDED, "max |ΔF| = " + worst);
    System.out.println("PALM fl c4: max |ΔF| over 500 shufflings × 25 voxels = " + worst);
    assertEquals(12, test.dof());
    ExceedanceCounts counts = block.newCounts();
    MaxDistribution max = new MaxDistribution(500);
    block.accumulate(0, 500, counts, max);
    double[] unc = counts.finish();
    assertArrayEquals(vector("fl_dat_fstat_uncp_c4.csv"), unc, 1e-12, "uncorrected p");
    assertArrayEquals(vector("fl_dat_fstat_fwep_c4.csv"), max.pValues(block.observedZ()), 1e-12, "FWE p");
    assertArrayEquals(vector("fl_dat_fstat_fdrp_c4.csv"), Fdr.benjaminiHochberg(unc), ROUNDED, "FDR p");
    assertArrayEquals(vector("fl_dat_fstat_max_c4.csv"), max.finish(), 1e-9, "max null (z)");
  }

  /**
   * PALM's {@code -twotail} also applies to F-tests: it compares |z(F)|, so an F below its null
   * median counts as extreme too. voxelspark's F-tests are upper-tailed only; this test reproduces
   * PALM's quirk from our per-shuffling F values to show that is the only difference.
   */
  @Test
  void fTestTwoTailQuirkReproducedFromOurStatistics() {
    Design design = design(false);
    ShufflingSet set = shufflings("fl_twotail", 4);
    FreedmanLane test = FreedmanLane.forFTest(design, 0, Partition.RIDGWAY, ShufflingKind.PERMUTATION);
    PermutationBlock block = PermutationBlock.prepare(test, Tail.TWO_SIDED, set, data(), V);
    double[] z = new double[500 * V];
    block.evaluate(0, 500, z, PermutationBlock.Scale.Z);
    double[][] ref = csv("fl_twotail_dat_zfstat_c4_allperms.csv");
    for (int k = 0; k < 500; k++) {
      for (int j = 0; j < V; j++) {
        assertEquals(ref[k][j], z[k * V + j], ROUNDED, "z(F) shuffling " + k + " voxel " + j);
      }
    }
    double[] absObs = new double[V];
    for (int j = 0; j < V; j++) {
      absObs[j] = Math.abs(z[j]);
    }
    ExceedanceCounts counts = new ExceedanceCounts(absObs, 500);
    MaxDistribution max = new MaxDistribution(500);
    double[] row = new double[V];
    for (int k = 0; k < 500; k++) {
      double mx = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < V; j++) {
        row[j] = Math.abs(z[k * V + j]);
        mx = Math.max(mx, row[j]);
      }
      counts.accept(k, row, 0);
      max.accept(k, mx);
    }
    assertArrayEquals(vector("fl_twotail_dat_zfstat_uncp_c4.csv"), counts.finish(), 1e-12, "uncorrected p");
    assertArrayEquals(vector("fl_twotail_dat_zfstat_fwep_c4.csv"), max.pValues(absObs), 1e-12, "FWE p");
  }

  @Test
  void parametricStatisticsMatchPalm() {
    Design design = design(false);
    GlmMaps maps = new GlmKernel(GlmModel.of(design)).fit(data(), V);
    for (int c = 1; c <= 3; c++) {
      assertArrayEquals(vector("fl_dat_tstat_c" + c + ".csv"), maps.map(GlmOutput.T, c - 1), ROUNDED, "t c" + c);
      assertArrayEquals(vector("fl_twotail_dat_ztstat_c" + c + ".csv"), maps.map(GlmOutput.T_Z, c - 1), ROUNDED, "z c" + c);
      double[] pUpper = maps.map(GlmOutput.T_P, c - 1);
      assertArrayEquals(vector("fl_dat_tstat_uncparap_c" + c + ".csv"), pUpper, ROUNDED, "parametric p c" + c);
      assertArrayEquals(vector("fl_twotail_dat_ztstat_uncparap_c" + c + ".csv"), maps.map(GlmOutput.T_P_TWO_TAILED, c - 1),
          ROUNDED, "two-tailed parametric p c" + c);
      assertArrayEquals(vector("fl_dat_tstat_fdrparap_c" + c + ".csv"), Fdr.benjaminiHochberg(pUpper), ROUNDED,
          "FDR of parametric p c" + c);
      double[] dof = vector("fl_dat_tstat_c" + c + "_dof.txt");
      assertEquals(dof[dof.length - 1], maps.get(GlmOutput.DOF, 0, 0), 0.0);
    }
    assertArrayEquals(vector("fl_dat_fstat_c4.csv"), maps.map(GlmOutput.F, 0), ROUNDED, "F");
    assertArrayEquals(vector("fl_twotail_dat_zfstat_c4.csv"), maps.map(GlmOutput.F_Z, 0), ROUNDED, "z(F)");
    assertArrayEquals(vector("fl_dat_fstat_uncparap_c4.csv"), maps.map(GlmOutput.F_P, 0), ROUNDED, "parametric p F");
    // z from t through the public conversion agrees with the map
    double t = maps.get(GlmOutput.T, 0, 0);
    assertEquals(maps.get(GlmOutput.T_Z, 0, 0), Distributions.tToZ(t, 12), 0.0);
  }

  private static void assertArrayEquals(double[] expected, double[] actual, double tol, String what) {
    assertEquals(expected.length, actual.length, what + ": length");
    double worst = 0;
    int at = -1;
    for (int j = 0; j < expected.length; j++) {
      double d = Math.abs(expected[j] - actual[j]);
      if (!(d <= worst)) {
        worst = d;
        at = j;
      }
    }
    System.out.println("  " + what + ": max |Δ| = " + worst);
    assertTrue(worst <= tol, what + ": max |Δ| = " + worst + " at " + at + " (expected " + (at < 0 ? "" : expected[at])
        + ", got " + (at < 0 ? "" : actual[at]) + "), tolerance " + tol);
  }
}
