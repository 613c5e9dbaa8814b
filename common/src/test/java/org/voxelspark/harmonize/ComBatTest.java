package org.voxelspark.harmonize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.voxelspark.error.UserInputException;

/** ComBat on synthetic cohorts with known truth, degenerate features, the protocol's invariants. */
class ComBatTest {
  static final int[] PER_SITE = {40, 30, 50, 35};

  /** Column f (feature f over all n subjects) of a subject-major n × v matrix. */
  static double[] column(double[] data, int n, int v, int f) {
    double[] y = new double[n];
    for (int s = 0; s < n; s++) {
      y[s] = data[s * v + f];
    }
    return y;
  }

  /** Columns [from, from + w) of a subject-major n × v matrix, as an n × w matrix. */
  static double[] columns(double[] data, int n, int v, int from, int w) {
    double[] out = new double[n * w];
    for (int s = 0; s < n; s++) {
      System.arraycopy(data, s * v + from, out, s * w, w);
    }
    return out;
  }

  /** Least-squares residual sum of squares of y on the columns of x (n × p, row-major). */
  static double rss(double[] y, double[] x, int n, int p) {
    double[] a = new double[p * p];
    double[] c = new double[p];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < p; j++) {
        c[j] += x[i * p + j] * y[i];
        for (int k = 0; k < p; k++) {
          a[j * p + k] += x[i * p + j] * x[i * p + k];
        }
      }
    }
    double[] beta = solve(a, c, p);
    double r = 0;
    for (int i = 0; i < n; i++) {
      double fit = 0;
      for (int j = 0; j < p; j++) {
        fit += x[i * p + j] * beta[j];
      }
      r += (y[i] - fit) * (y[i] - fit);
    }
    return r;
  }

  /** Gaussian elimination with partial pivoting (independent of the engine's Cholesky). */
  static double[] solve(double[] a0, double[] c0, int p) {
    double[] a = a0.clone();
    double[] c = c0.clone();
    for (int k = 0; k < p; k++) {
      int piv = k;
      for (int i = k + 1; i < p; i++) {
        if (Math.abs(a[i * p + k]) > Math.abs(a[piv * p + k])) {
          piv = i;
        }
      }
      for (int j = 0; j < p; j++) {
        double t = a[k * p + j];
        a[k * p + j] = a[piv * p + j];
        a[piv * p + j] = t;
      }
      double t = c[k];
      c[k] = c[piv];
      c[piv] = t;
      for (int i = k + 1; i < p; i++) {
        double m = a[i * p + k] / a[k * p + k];
        for (int j = k; j < p; j++) {
          a[i * p + j] -= m * a[k * p + j];
        }
        c[i] -= m * c[k];
      }
    }
    double[] x = new double[p];
    for (int i = p - 1; i >= 0; i--) {
      double s = c[i];
      for (int j = i + 1; j < p; j++) {
        s -= a[i * p + j] * x[j];
      }
      x[i] = s / a[i * p + i];
    }
    return x;
  }

  /** Design [1, patient, age] (+ site dummies for sites 1..B−1 if {@code sites}). */
  static double[] design(SyntheticSites c, boolean sites) {
    int nb = PER_SITE.length;
    int p = 3 + (sites ? nb - 1 : 0);
    double[] x = new double[c.n * p];
    for (int i = 0; i < c.n; i++) {
      x[i * p] = 1;
      x[i * p + 1] = c.patient[i];
      x[i * p + 2] = c.age[i];
      if (sites) {
        for (int b = 1; b < nb; b++) {
          x[i * p + 2 + b] = c.siteOf[i] == b ? 1 : 0;
        }
      }
    }
    return x;
  }

  /** Mean over features of the partial R² of site given the covariates. */
  static double siteR2(SyntheticSites c, double[] data) {
    double[] full = design(c, true);
    double[] reduced = design(c, false);
    double sum = 0;
    for (int f = 0; f < c.features; f++) {
      double[] y = column(data, c.n, c.features, f);
      double r0 = rss(y, reduced, c.n, 3);
      double r1 = rss(y, full, c.n, 3 + PER_SITE.length - 1);
      sum += (r0 - r1) / r0;
    }
    return sum / c.features;
  }

  /** Mean over features of log(largest / smallest within-site residual variance). */
  static double scaleSpread(SyntheticSites c, double[] data) {
    double[] full = design(c, true);
    int p = 3 + PER_SITE.length - 1;
    double sum = 0;
    for (int f = 0; f < c.features; f++) {
      double[] y = column(data, c.n, c.features, f);
      double[] a = new double[p * p];
      double[] rhs = new double[p];
      for (int i = 0; i < c.n; i++) {
        for (int j = 0; j < p; j++) {
          rhs[j] += full[i * p + j] * y[i];
          for (int k = 0; k < p; k++) {
            a[j * p + k] += full[i * p + j] * full[i * p + k];
          }
        }
      }
      double[] beta = solve(a, rhs, p);
      double[] ss = new double[PER_SITE.length];
      for (int i = 0; i < c.n; i++) {
        double fit = 0;
        for (int j = 0; j < p; j++) {
          fit += full[i * p + j] * beta[j];
        }
        ss[c.siteOf[i]] += (y[i] - fit) * (y[i] - fit) / PER_SITE[c.siteOf[i]];
      }
      sum += Math.log(Arrays.stream(ss).max().getAsDouble() / Arrays.stream(ss).min().getAsDouble());
    }
    return sum / c.features;
  }

  /** Mean over features of the patient coefficient of y ~ 1 + patient + age (no site term: mega-analysis). */
  static double pooledGroupEffect(SyntheticSites c, double[] data) {
    double[] x = design(c, false);
    double sum = 0;
    for (int f = 0; f < c.features; f++) {
      double[] a = new double[9];
      double[] rhs = new double[3];
      for (int i = 0; i < c.n; i++) {
        double y = data[i * c.features + f];
        for (int j = 0; j < 3; j++) {
          rhs[j] += x[i * 3 + j] * y;
          for (int k = 0; k < 3; k++) {
            a[j * 3 + k] += x[i * 3 + j] * x[i * 3 + k];
          }
        }
      }
      sum += solve(a, rhs, 3)[1];
    }
    return sum / c.features / c.sigma;
  }

  @ParameterizedTest
  @EnumSource(EmpiricalBayes.class)
  void plantedSiteEffectsAreRemovedAndTheGroupEffectIsPreserved(EmpiricalBayes eb) {
    SyntheticSites c = new SyntheticSites(11, 300, PER_SITE, 1.0);
    ComBat.Result r = c.combat(ComBatOptions.defaults().withEmpiricalBayes(eb)).harmonize(c.data, c.features, 64);
    double nullR2 = (PER_SITE.length - 1.0) / (c.n - 3);
    double r2Before = siteR2(c, c.data);
    double r2After = siteR2(c, r.harmonized());
    double r2Clean = siteR2(c, c.clean);
    double spreadBefore = scaleSpread(c, c.data);
    double spreadAfter = scaleSpread(c, r.harmonized());
    double spreadClean = scaleSpread(c, c.clean);
    double groupBefore = pooledGroupEffect(c, c.data);
    double groupAfter = pooledGroupEffect(c, r.harmonized());
    double groupClean = pooledGroupEffect(c, c.clean);
    String msg = String.format(Locale.ROOT, "%s: site partial R² %.3f → %.4f (clean data %.4f, null expectation "
        + "%.4f); log scale spread %.3f → %.3f (clean %.3f); pooled group effect (planted 1.0 σ) %.3f → %.3f "
        + "(clean %.3f)", eb, r2Before, r2After, r2Clean, nullR2, spreadBefore, spreadAfter, spreadClean,
        groupBefore, groupAfter, groupClean);
    System.out.println(msg);
    // site explains ≈ 0 variance: less than a quarter of what independent noise would explain (EB
    // shrinkage leaves a little of each site's mean; without EB it is removed exactly); the planted
    // sites explained > 40 %
    assertTrue(r2Before > 0.4, msg);
    assertTrue(r2After < 0.25 * nullR2, msg);
    // scales equalised to what noise alone gives (clean data), within 25 %
    assertTrue(spreadBefore > 3 * spreadClean, msg);
    assertTrue(spreadAfter < 1.25 * spreadClean, msg);
    // group effect confounded with site before, recovered after: within 0.1 σ of the clean estimate
    assertTrue(Math.abs(groupBefore - groupClean) > 0.2, msg);
    assertEquals(groupClean, groupAfter, 0.1, msg);
  }

  @Test
  void blockSizeDoesNotChangeTheResult() {
    // more features than one vectorised tile, with features on the general path (missing values, a
    // site missing) inside and across tiles
    SyntheticSites c = new SyntheticSites(5, TileKernels.TILE + 41, PER_SITE, 0.5);
    double[] data = c.data.clone();
    for (int s = 0; s < c.n; s++) {
      if (s % 11 == 0) {
        data[s * c.features + 3] = Double.NaN;
      }
      if (c.siteOf[s] == 1) {
        data[s * c.features + TileKernels.TILE + 7] = Double.NaN;
      }
    }
    for (EmpiricalBayes eb : EmpiricalBayes.values()) {
      for (ComBatConvention conv : ComBatConvention.values()) {
        ComBat combat = c.combat(ComBatOptions.defaults().withEmpiricalBayes(eb).withConvention(conv));
        ComBat.Result whole = combat.harmonize(data, c.features, c.features);
        assertEquals(ComBatFeatureStatus.PARTIAL, whole.model().status(TileKernels.TILE + 7));
        for (int bs : new int[] {1, 10, 33}) {
          ComBat.Result split = combat.harmonize(data, c.features, bs);
          double worst = 0;
          for (int i = 0; i < data.length; i++) {
            if (Double.isNaN(data[i])) {
              assertTrue(Double.isNaN(split.harmonized()[i]));
              continue;
            }
            worst = Math.max(worst, Math.abs(whole.harmonized()[i] - split.harmonized()[i]));
          }
          assertTrue(worst < 1e-15, eb + "/" + conv + " block size " + bs + ": max |Δ| " + worst);
          assertArrayEquals(whole.model().statusCodes(), split.model().statusCodes());
          assertArrayEquals(whole.priors().iterationCounts(), split.priors().iterationCounts());
        }
      }
    }
  }

  @Test
  void accumulatorSplitAndCombineEqualsOnePass() {
    SyntheticSites c = new SyntheticSites(8, 120, PER_SITE, 0.5);
    for (EmpiricalBayes eb : EmpiricalBayes.values()) {
      ComBat combat = c.combat(ComBatOptions.defaults().withEmpiricalBayes(eb)
          .withConvention(ComBatConvention.NEUROCOMBAT_COMPATIBLE));
      ComBatBlockFit whole = combat.fitBlock(0, c.features, c.data);
      ComBatPriors one = combat.newPriorAccumulator().accept(whole).finish();
      List<ComBatBlockFit> blocks = new ArrayList<>();
      for (int start = 0; start < c.features; start += 13) {
        int v = Math.min(13, c.features - start);
        blocks.add(combat.fitBlock(start, v, columns(c.data, c.n, c.features, start, v)));
      }
      Collections.shuffle(blocks, new Random(3));
      // a tree of partial accumulators, as Spark's treeAggregate builds
      List<ComBatPriorAccumulator> level = new ArrayList<>();
      for (ComBatBlockFit b : blocks) {
        level.add(combat.newPriorAccumulator().accept(b));
      }
      while (level.size() > 1) {
        List<ComBatPriorAccumulator> next = new ArrayList<>();
        for (int i = 0; i < level.size(); i += 2) {
          next.add(i + 1 < level.size() ? level.get(i).combine(level.get(i + 1)) : level.get(i));
        }
        level = next;
      }
      ComBatPriors split = level.get(0).finish();
      assertClose(one.gammaBar(), split.gammaBar(), 1e-13, eb + " γ̄");
      assertClose(one.tau2(), split.tau2(), 1e-13, eb + " τ̄²");
      if (eb != EmpiricalBayes.NONE) {
        assertClose(one.aPrior(), split.aPrior(), 1e-12, eb + " a");
        assertClose(one.bPrior(), split.bPrior(), 1e-12, eb + " b");
      }
      assertArrayEquals(one.featureCounts(), split.featureCounts());
      assertArrayEquals(one.statusCounts(), split.statusCounts());
      assertArrayEquals(one.batchStateCounts(), split.batchStateCounts());
      if (eb == EmpiricalBayes.NON_PARAMETRIC) {
        for (int b = 0; b < PER_SITE.length; b++) {
          assertArrayEquals(one.npIds[b], split.npIds[b]);
          assertArrayEquals(one.npGamma[b], split.npGamma[b]);
          assertArrayEquals(one.npDelta[b], split.npDelta[b]);
        }
      }
      if (combat.needsIterationPass()) {
        int[] t1 = combat.newIterationAccumulator(one).accept(whole).finish();
        EbIterationAccumulator acc = combat.newIterationAccumulator(one);
        for (ComBatBlockFit b : blocks) {
          acc.combine(combat.newIterationAccumulator(one).accept(b));
        }
        assertArrayEquals(t1, acc.finish());
        assertArrayEquals(neuroCombatIterations(whole, one, combat), t1, "same T as neuroCombat's loop");
      }
    }
  }

  /** neuroCombat's {@code it_sol} loop over all features of each site at once, for comparison. */
  static int[] neuroCombatIterations(ComBatBlockFit fit, ComBatPriors p, ComBat combat) {
    int v = fit.featureCount();
    int[] out = new int[p.batchNames.length];
    for (int b = 0; b < out.length; b++) {
      double[] g = new double[v];
      double[] d = new double[v];
      for (int f = 0; f < v; f++) {
        g[f] = fit.gammaHat(b, f);
        d[f] = fit.deltaHat(b, f);
      }
      double change = 1;
      int count = 0;
      while (change > ComBatOptions.NEUROCOMBAT_EB_TOLERANCE) {
        double gmax = Double.NEGATIVE_INFINITY;
        double dmax = Double.NEGATIVE_INFINITY;
        for (int f = 0; f < v; f++) {
          int i = b * v + f;
          double n = fit.finiteCount[i];
          double gNew = (p.tau2[b] * n * fit.gammaHat[i] + d[f] * p.gammaBar[b]) / (p.tau2[b] * n + d[f]);
          double sum2 = fit.withinSs[i] + n * (fit.batchMean[i] - gNew) * (fit.batchMean[i] - gNew);
          double dNew = (0.5 * sum2 + p.bPrior[b]) / (n / 2.0 + p.aPrior[b] - 1.0);
          gmax = Math.max(gmax, Math.abs(gNew - g[f]) / g[f]);
          dmax = Math.max(dmax, Math.abs(dNew - d[f]) / d[f]);
          g[f] = gNew;
          d[f] = dNew;
        }
        change = Math.max(gmax, dmax);
        count++;
      }
      out[b] = count;
    }
    return out;
  }

  static void assertClose(double[] a, double[] b, double rel, String what) {
    for (int i = 0; i < a.length; i++) {
      assertTrue(Math.abs(a[i] - b[i]) <= rel * Math.max(1e-300, Math.abs(a[i])),
          what + "[" + i + "]: " + a[i] + " vs " + b[i]);
    }
  }

  @Test
  void degenerateFeaturesAreHandledAndReported() {
    SyntheticSites c = new SyntheticSites(21, 60, PER_SITE, 0.5);
    double[] data = c.data.clone();
    int n = c.n;
    int fc = c.features;
    // 0: constant everywhere; 1: siteB missing (NaN); 2: siteC all zeros; 3: siteD a single value;
    // 4: a few NaN in siteA; 5: constant in every site
    for (int s = 0; s < n; s++) {
      data[s * fc] = 0.5;
      if (c.siteOf[s] == 1) {
        data[s * fc + 1] = Double.NaN;
      }
      if (c.siteOf[s] == 2) {
        data[s * fc + 2] = 0;
      }
      if (c.siteOf[s] == 3) {
        data[s * fc + 3] = s == n - 1 ? data[s * fc + 3] : Double.NaN;
      }
      data[s * fc + 5] = 0.1 * c.siteOf[s];
    }
    int[] nanSubjects = {0, 5, 17};
    for (int s : nanSubjects) {
      data[s * fc + 4] = Double.NaN;
    }
    ComBat combat = c.combat(ComBatOptions.defaults());
    ComBat.Result r = combat.harmonize(data, c.features, 16);
    ComBatModel m = r.model();
    assertEquals(ComBatFeatureStatus.CONSTANT, m.status(0));
    assertEquals(ComBatFeatureStatus.PARTIAL, m.status(1));
    assertEquals(ComBatBatchState.NO_DATA, m.batchState(1, 1));
    assertEquals(ComBatFeatureStatus.PARTIAL, m.status(2));
    assertEquals(ComBatBatchState.CONSTANT, m.batchState(2, 2));
    assertEquals(ComBatFeatureStatus.PARTIAL, m.status(3));
    assertEquals(ComBatBatchState.ONE_VALUE, m.batchState(3, 3));
    assertEquals(ComBatFeatureStatus.HARMONIZED, m.status(4));
    assertEquals(ComBatFeatureStatus.CONSTANT, m.status(5));
    for (int f = 6; f < c.features; f++) {
      assertEquals(ComBatFeatureStatus.HARMONIZED, m.status(f));
    }
    long[] counts = m.statusCounts();
    assertEquals(c.features - 5, counts[ComBatFeatureStatus.HARMONIZED.code()]);
    assertEquals(3, counts[ComBatFeatureStatus.PARTIAL.code()]);
    assertEquals(2, counts[ComBatFeatureStatus.CONSTANT.code()]);
    assertArrayEquals(counts, r.priors().statusCounts(), "pass 1 reports the same counts");
    assertEquals(c.features - 2 - 1, r.priors().featureCounts()[1], "siteB used by all but 2 constant + 1 missing");
    double[] out = r.harmonized();
    for (int s = 0; s < n; s++) {
      // unchanged: constant features, the unusable sites' subjects, missing values
      assertEquals(data[s * fc], out[s * fc]);
      assertEquals(data[s * fc + 5], out[s * fc + 5]);
      if (c.siteOf[s] == 1) {
        assertTrue(Double.isNaN(out[s * fc + 1]));
      } else {
        assertNotEquals(data[s * fc + 1], out[s * fc + 1], "other sites harmonised");
      }
      if (c.siteOf[s] == 2) {
        assertEquals(0.0, out[s * fc + 2]);
      }
      if (c.siteOf[s] == 3) {
        assertEquals(data[s * fc + 3], out[s * fc + 3], 0.0);
      }
    }
    for (int s : nanSubjects) {
      assertTrue(Double.isNaN(out[s * fc + 4]));
    }
    for (int f = 0; f < c.features; f++) {
      for (int s = 0; s < n; s++) {
        if (Double.isFinite(data[s * fc + f])) {
          assertTrue(Double.isFinite(out[s * fc + f]), "no finite input becomes NaN: feature " + f);
        }
      }
    }
  }

  /**
   * Without EB a feature's result depends on its own data only, so a feature with a missing site or
   * missing values must equal ComBat run on just the subjects that have values.
   */
  @Test
  void missingValuesEqualFittingTheSubjectsThatHaveThem() {
    SyntheticSites c = new SyntheticSites(31, 4, PER_SITE, 0.5);
    int n = c.n;
    int fc = c.features;
    double[] data = c.data.clone();
    boolean[] keep = new boolean[n];
    for (int s = 0; s < n; s++) {
      keep[s] = c.siteOf[s] != 2 && s % 7 != 3;
    }
    for (int f = 0; f < c.features; f++) {
      for (int s = 0; s < n; s++) {
        if (!keep[s]) {
          data[s * fc + f] = Double.NaN;
        }
      }
    }
    ComBatOptions o = ComBatOptions.defaults().withEmpiricalBayes(EmpiricalBayes.NONE);
    double[] out = c.combat(o).harmonize(data, c.features, 2).harmonized();
    int m = 0;
    for (boolean k : keep) {
      m += k ? 1 : 0;
    }
    String[] ids = new String[m];
    String[] sites = new String[m];
    double[] cov = new double[2 * m];
    double[] sub = new double[c.features * m];
    double[] cv = c.covariates();
    for (int s = 0, j = 0; s < n; s++) {
      if (keep[s]) {
        ids[j] = c.ids[s];
        sites[j] = c.sites[s];
        cov[2 * j] = cv[2 * s];
        cov[2 * j + 1] = cv[2 * s + 1];
        for (int f = 0; f < c.features; f++) {
          sub[j * fc + f] = data[s * fc + f];
        }
        j++;
      }
    }
    double[] expected = ComBat.of("subset", ids, sites, SyntheticSites.COVARIATE_NAMES, cov, o)
        .harmonize(sub, c.features, c.features).harmonized();
    for (int f = 0; f < c.features; f++) {
      for (int s = 0, j = 0; s < n; s++) {
        if (keep[s]) {
          assertEquals(expected[j * fc + f], out[s * fc + f], 1e-12);
          j++;
        } else {
          assertTrue(Double.isNaN(out[s * fc + f]));
        }
      }
    }
  }

  @Test
  void referenceSiteIsUnchangedAndTheOthersAreMappedOntoIt() {
    SyntheticSites c = new SyntheticSites(41, 100, PER_SITE, 0.5);
    ComBat.Result r = c.combat(ComBatOptions.defaults().withReferenceBatch("siteC")).harmonize(c.data, c.features, 30);
    for (int f = 0; f < c.features; f++) {
      for (int s = 0; s < c.n; s++) {
        if (c.siteOf[s] == 2) {
          assertEquals(c.data[s * c.features + f], r.harmonized()[s * c.features + f], 0.0);
        }
      }
    }
    assertTrue(siteR2(c, r.harmonized()) < 0.01, "site effect removed relative to the reference");
    // a feature where the reference site has no data is left unchanged
    double[] data = c.data.clone();
    for (int s = 0; s < c.n; s++) {
      if (c.siteOf[s] == 2) {
        data[s * c.features] = Double.NaN;
      }
    }
    ComBat.Result r2 = c.combat(ComBatOptions.defaults().withReferenceBatch("siteC")).harmonize(data, c.features, 30);
    assertEquals(ComBatFeatureStatus.REFERENCE_UNUSABLE, r2.model().status(0));
    for (int s = 0; s < c.n; s++) {
      assertEquals(data[s * c.features], r2.harmonized()[s * c.features], 0.0);
    }
  }

  @Test
  void estimateOnControlsAndApplyToPatients() throws Exception {
    // scanner scale acting on the whole deviation, disease effect included (the realistic case when
    // the disease is not in the model)
    SyntheticSites c = new SyntheticSites(51, 150, PER_SITE, 1.5, true);
    int n = c.n;
    List<Integer> controls = new ArrayList<>();
    List<Integer> patients = new ArrayList<>();
    for (int s = 0; s < n; s++) {
      (c.patient[s] == 0 ? controls : patients).add(s);
    }
    Subset ctl = Subset.of(c, controls);
    Subset pat = Subset.of(c, patients);
    ComBat combat = ComBat.of("controls.tsv", ctl.ids, ctl.sites, new String[] {"age"}, ctl.age, ComBatOptions.defaults());
    ComBat.Result fit = combat.harmonize(ctl.data, c.features, 50);
    ComBatModel model = fit.model();
    // applying the model to its own estimation data reproduces the fit exactly
    double[] again = new double[ctl.data.length];
    model.apply("controls.tsv", ctl.ids, ctl.sites, ctl.age, ctl.data, again);
    assertArrayEquals(fit.harmonized(), again);
    // rebuilt from its arrays, and after Java serialization: the same output
    ComBatModel rebuilt = new ComBatModel(model.batchNames(), model.referenceIndex(), model.covariateNames(),
        model.convention(), model.firstFeature(), model.featureCount(), model.grandMean(), model.varPooled(),
        model.beta(), model.gammaStar(), model.deltaStar(), model.statusCodes(), model.batchStateCodes(),
        model.gammaBar(), model.tau2(), model.aPrior(), model.bPrior());
    double[] outPatients = new double[pat.data.length];
    model.apply("patients.tsv", pat.ids, pat.sites, pat.age, pat.data, outPatients);
    double[] viaRebuilt = new double[pat.data.length];
    rebuilt.apply("patients.tsv", pat.ids, pat.sites, pat.age, pat.data, viaRebuilt);
    assertArrayEquals(outPatients, viaRebuilt);
    double[] viaSerialized = new double[pat.data.length];
    roundTrip(model).apply("patients.tsv", pat.ids, pat.sites, pat.age, pat.data, viaSerialized);
    assertArrayEquals(outPatients, viaSerialized);
    // a slice applies like the whole to its features
    double[] sliceOut = new double[10 * pat.n];
    model.slice(20, 10).apply("patients.tsv", pat.ids, pat.sites, pat.age,
        columns(pat.data, pat.n, c.features, 20, 10), sliceOut);
    assertArrayEquals(columns(outPatients, pat.n, c.features, 20, 10), sliceOut);
    // the patients' site effects are removed with the controls' estimates and the disease effect stays:
    // the standardised (patient − control) difference, harmonised (in units of the pooled SD onto
    // which ComBat maps every site, √varPooled) vs clean data (units of σ)
    double diffHarmonised = 0;
    double diffClean = 0;
    double siteSpreadBefore = 0;
    double siteSpreadAfter = 0;
    double[] vp = model.varPooled();
    for (int f = 0; f < c.features; f++) {
      diffHarmonised += (mean(outPatients, f, pat.n) - mean(fit.harmonized(), f, ctl.n)) / Math.sqrt(vp[f]);
      diffClean += (mean(pat.clean, f, pat.n) - mean(ctl.clean, f, ctl.n)) / c.sigma;
      siteSpreadBefore += siteMeanSpread(pat.data, f, pat) / c.sigma;
      siteSpreadAfter += siteMeanSpread(outPatients, f, pat) / Math.sqrt(vp[f]);
    }
    diffHarmonised /= c.features;
    diffClean /= c.features;
    String msg = String.format(Locale.ROOT, "patients − controls: %.3f SD harmonised, %.3f SD clean; spread of "
        + "patients' site means %.3f → %.3f SD", diffHarmonised, diffClean, siteSpreadBefore / c.features,
        siteSpreadAfter / c.features);
    System.out.println(msg);
    assertEquals(diffClean, diffHarmonised, 0.1, msg);
    assertTrue(siteSpreadAfter < 0.25 * siteSpreadBefore, msg);
    // a site never seen
    String[] unknown = pat.sites.clone();
    unknown[3] = "siteZ";
    UserInputException e = assertThrows(UserInputException.class,
        () -> model.apply("patients.tsv", pat.ids, unknown, pat.age, pat.data, new double[pat.data.length]));
    assertTrue(e.getMessage().contains("patients.tsv") && e.getMessage().contains("siteZ")
        && e.getMessage().contains(pat.ids[3]), e.getMessage());
    UserInputException wrongCovariates = assertThrows(UserInputException.class,
        () -> model.apply("patients.tsv", pat.ids, pat.sites, new double[2 * pat.n], pat.data, new double[pat.data.length]));
    assertTrue(wrongCovariates.getMessage().contains("age"), wrongCovariates.getMessage());
  }

  /** Mean of feature f of a subject-major n × (data.length / n) matrix. */
  static double mean(double[] data, int f, int n) {
    int v = data.length / n;
    double s = 0;
    for (int i = 0; i < n; i++) {
      s += data[i * v + f];
    }
    return s / n;
  }

  static double siteMeanSpread(double[] data, int f, Subset sub) {
    double[] sum = new double[PER_SITE.length];
    int[] cnt = new int[PER_SITE.length];
    for (int i = 0; i < sub.n; i++) {
      int b = sub.sites[i].charAt(4) - 'A';
      sum[b] += data[i * (data.length / sub.n) + f] + 0.001 * sub.age[i];
      cnt[b]++;
    }
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (int b = 0; b < sum.length; b++) {
      lo = Math.min(lo, sum[b] / cnt[b]);
      hi = Math.max(hi, sum[b] / cnt[b]);
    }
    return hi - lo;
  }

  record Subset(int n, String[] ids, String[] sites, double[] age, double[] data, double[] clean) {
    static Subset of(SyntheticSites c, List<Integer> who) {
      int m = who.size();
      String[] ids = new String[m];
      String[] sites = new String[m];
      double[] age = new double[m];
      double[] data = new double[c.features * m];
      double[] clean = new double[c.features * m];
      for (int j = 0; j < m; j++) {
        int s = who.get(j);
        ids[j] = c.ids[s];
        sites[j] = c.sites[s];
        age[j] = c.age[s];
        for (int f = 0; f < c.features; f++) {
          data[j * c.features + f] = c.data[s * c.features + f];
          clean[j * c.features + f] = c.clean[s * c.features + f];
        }
      }
      return new Subset(m, ids, sites, age, data, clean);
    }
  }

  static ComBatModel roundTrip(ComBatModel m) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(m);
    }
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return (ComBatModel) in.readObject();
    }
  }

  @Test
  void badDesignsAreRefusedWithTheReason() {
    String[] ids = {"a", "b", "c", "d", "e", "f"};
    String[] sites = {"X", "X", "X", "Y", "Y", "Z"};
    UserInputException one = assertThrows(UserInputException.class,
        () -> ComBat.of("p.tsv", ids, sites, null, null, ComBatOptions.defaults()));
    assertTrue(one.getMessage().contains("site Z has 1 subject"), one.getMessage());
    String[] sites2 = {"X", "X", "X", "Y", "Y", "Y"};
    // group constant within each site: confounded with site
    double[] confounded = {1, 1, 1, 0, 0, 0};
    UserInputException col = assertThrows(UserInputException.class,
        () -> ComBat.of("p.tsv", ids, sites2, new String[] {"group"}, confounded, ComBatOptions.defaults()));
    assertTrue(col.getMessage().contains("p.tsv: group: covariate is constant within every site"), col.getMessage());
    double[] nan = {1, 0, Double.NaN, 0, 1, 0};
    UserInputException missing = assertThrows(UserInputException.class,
        () -> ComBat.of("p.tsv", ids, sites2, new String[] {"age"}, nan, ComBatOptions.defaults()));
    assertTrue(missing.getMessage().contains("age") && missing.getMessage().contains("subject c"), missing.getMessage());
    UserInputException ref = assertThrows(UserInputException.class,
        () -> ComBat.of("p.tsv", ids, sites2, null, null, ComBatOptions.defaults().withReferenceBatch("W")));
    assertTrue(ref.getMessage().contains("reference site W"), ref.getMessage());
    double[] two = {1, 0, 1, 0, 1, 0, 2, 3, 4, 5, 6, 8};
    UserInputException df = assertThrows(UserInputException.class, () -> ComBat.of("p.tsv", new String[] {"a", "b",
        "c", "d"}, new String[] {"X", "X", "Y", "Y"}, new String[] {"g", "age"}, Arrays.copyOf(two, 8),
        ComBatOptions.defaults()));
    assertTrue(df.getMessage().contains("residual degree of freedom"), df.getMessage());
  }

  @Test
  void nonConvergenceIsReportedNotHidden() {
    SyntheticSites c = new SyntheticSites(61, 40, PER_SITE, 0.5);
    ComBat.Result r = c.combat(ComBatOptions.defaults().withEbMaxIterations(1)).harmonize(c.data, c.features, 40);
    assertEquals(c.features, r.model().statusCounts()[ComBatFeatureStatus.NOT_CONVERGED.code()]);
    ComBat.Result ok = c.combat(ComBatOptions.defaults()).harmonize(c.data, c.features, 40);
    assertEquals(c.features, ok.model().statusCounts()[ComBatFeatureStatus.HARMONIZED.code()]);
  }

  /** A site larger than neuroCombat's non-parametric EB can handle (its density product underflows). */
  @Test
  void nonParametricEbWithALargeSiteStaysFinite() {
    SyntheticSites c = new SyntheticSites(71, 30, new int[] {700, 20}, 0.5);
    ComBat.Result r = c.combat(ComBatOptions.defaults().withEmpiricalBayes(EmpiricalBayes.NON_PARAMETRIC))
        .harmonize(c.data, c.features, 30);
    for (double g : r.model().gammaStar()) {
      assertTrue(Double.isFinite(g));
    }
    for (double d : r.model().deltaStar()) {
      assertTrue(Double.isFinite(d) && d > 0);
    }
    // neuroCombat's int_eprior likelihood (2π δ²)^(−n/2) exp(−Σ(z − γ)²/(2δ²)) is about
    // (2π)^(−n/2) e^(−n/2) for a typical prior feature: it underflows a double at n = 700
    assertEquals(0.0, Math.pow(2 * Math.PI, -700 / 2.0) * Math.exp(-700 / 2.0));
  }
}
