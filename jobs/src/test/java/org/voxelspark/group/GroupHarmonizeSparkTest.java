package org.voxelspark.group;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.voxelspark.cohort.Cohort;
import org.voxelspark.error.UserInputException;
import org.voxelspark.harmonize.ComBat;
import org.voxelspark.harmonize.ComBatOptions;
import org.voxelspark.meta.MetaOptions;
import org.voxelspark.meta.MetaOutput;
import org.voxelspark.meta.SiteMeta;
import org.voxelspark.spark.SparkTestSession;
import org.voxelspark.stats.design.ContrastSpec;
import org.voxelspark.stats.design.Design;
import org.voxelspark.stats.design.FTestSpec;
import org.voxelspark.stats.design.ModelSpec;
import org.voxelspark.stats.glm.GlmOutput;
import org.voxelspark.stats.perm.Partition;
import org.voxelspark.stats.perm.Tail;

/**
 * ComBat and the multi-centre meta-analysis in the group stage, on a cohort with planted scanner
 * effects (site B shifted and noisier, site C shifted) and a planted group effect: ComBat on Spark
 * equals the one-process kernel, removes the site effect and keeps the group effect; a model saved
 * from controls re-applies exactly; the meta-analysis equals {@link SiteMeta} on the whole matrix
 * and finds the group effect.
 */
class GroupHarmonizeSparkTest {
  @TempDir static Path tmp;
  static Cohort cohort;
  static final int N = 24;
  static final ModelSpec MODEL = ModelSpec.parse("group + age + site");
  static final List<ContrastSpec> CONTRASTS = List.of(new ContrastSpec("HCgtHFS", "-group[HFS]"));
  static final List<FTestSpec> SITE_F = List.of(new FTestSpec("site", List.of("site")));

  @BeforeAll
  static void write() throws Exception {
    cohort = SyntheticDerivatives.write(tmp, N, 0.12, 21, true);
  }

  static GroupSettings settings(GroupSettings.Harmonization h, MetaOptions meta, String atlas) {
    return new GroupSettings("fa", MODEL, CONTRASTS, SITE_F, 1, 1, Tail.ONE_SIDED, Partition.RIDGWAY, null, null, 1, 5, 32, atlas,
        null, false, Map.of(), h, meta, org.voxelspark.group.GroupSource.MAPS);
  }

  static double fractionSignificant(double[] p) {
    int s = 0;
    for (double x : p) {
      s += x < 0.05 ? 1 : 0;
    }
    return s / (double) p.length;
  }

  @Test
  void combatOnSparkEqualsTheKernelRemovesTheSiteEffectAndKeepsTheGroupEffect() {
    GroupStage.Result before = GroupStage.analyse(SparkTestSession.get(), cohort, tmp.toString(), settings(null, null, null));
    GroupStage.Result after = GroupStage.analyse(SparkTestSession.get(), cohort, tmp.toString(),
        settings(new GroupSettings.Harmonization(ComBatOptions.defaults(), Map.of(), null), null, null));
    // the site F-test: nearly every voxel before, about the nominal 5 % after
    double[] siteBefore = before.glm().get(GlmOutput.F_P);
    double[] siteAfter = after.glm().get(GlmOutput.F_P);
    assertTrue(fractionSignificant(siteBefore) > 0.9, "planted site effect: " + fractionSignificant(siteBefore));
    assertTrue(fractionSignificant(siteAfter) < 0.1, "gone after ComBat: " + fractionSignificant(siteAfter));
    // the group effect in the planted box is kept (mean t within 25 %)
    double tBefore = 0;
    double tAfter = 0;
    int box = 0;
    for (int c = 0; c < before.voxels(); c++) {
      int[] ijk = before.grid().ijk(c);
      if (SyntheticDerivatives.inEffect(ijk[0], ijk[1], ijk[2])) {
        tBefore += before.glm().get(GlmOutput.T)[c];
        tAfter += after.glm().get(GlmOutput.T)[c];
        box++;
      }
    }
    assertTrue(box > 0 && tBefore / box > 3, "group effect found before: " + tBefore / box);
    assertEquals(tBefore / box, tAfter / box, 0.25 * tBefore / box, "group effect kept");

    // Spark = the one-process kernel on the same voxels in the same (block) order
    GroupInputs in = after.inputs();
    List<GroupBlock> blocks = GroupTranspose.wholeVolume(in.maps(), in.reference(), null, 5, N, new Configuration());
    int v = blocks.stream().mapToInt(GroupBlock::voxelCount).sum();
    double[] y = new double[N * v];
    int[] order = new int[v];
    int at = 0;
    for (GroupBlock b : blocks) {
      for (int q = 0; q < b.voxelCount(); q++, at++) {
        order[at] = b.voxels()[q];
        for (int s = 0; s < N; s++) {
          y[s * v + at] = b.y()[s * b.voxelCount() + q];
        }
      }
    }
    Design d = after.design();
    int[] covCols = GroupHarmonize.covariateColumns(d, "site");
    double[] cov = new double[N * covCols.length];
    String[] names = new String[covCols.length];
    for (int j = 0; j < covCols.length; j++) {
      names[j] = d.columnNames().get(covCols[j]);
      for (int s = 0; s < N; s++) {
        cov[s * covCols.length + j] = d.get(s, covCols[j]);
      }
    }
    assertEquals(List.of("group[HFS]", "age"), List.of(names), "protected: group and age, not the site columns");
    String[] sites = in.maps().stream().map(SubjectMap::site).toArray(String[]::new);
    ComBat.Result kernel = ComBat.of("t", d.subjectIds().toArray(new String[0]), sites, names, cov, ComBatOptions.defaults())
        .harmonize(y, v, v);
    // compare the GLM's residual SD maps: a function of the harmonised data only
    double[] expectedSd = new org.voxelspark.stats.glm.GlmKernel(org.voxelspark.stats.glm.GlmModel.of(d)).fit(kernel.harmonized(), v)
        .values(GlmOutput.RESIDUAL_SD);
    for (int q = 0; q < v; q++) {
      int c = after.grid().compact(order[q]);
      assertEquals(expectedSd[q], after.glm().get(GlmOutput.RESIDUAL_SD)[c], 1e-12 * expectedSd[q], "voxel " + order[q]);
    }
    assertEquals(v, after.combat().statusCounts()[0], "every voxel harmonised");
  }

  @Test
  void aModelEstimatedOnControlsIsSavedAndReappliedExactlyAndAnUnknownSiteIsRefused() throws Exception {
    Path out = tmp.resolve("saved");
    Files.createDirectories(out);
    Cohort c = SyntheticDerivatives.write(out, N, 0.12, 21, true);
    GroupSettings estimate = settings(new GroupSettings.Harmonization(ComBatOptions.defaults(), Map.of("group", Set.of("HC")),
        null), null, null);
    GroupStage.Summary first = GroupStage.run(SparkTestSession.get(), c, out.toString(), estimate, "test", true);
    assertEquals(N / 2, first.result().combat().estimationSubjects());
    assertEquals(List.of("age"), first.result().combat().covariateNames(), "group is constant among controls");
    String model = first.outputs().stream().filter(u -> u.endsWith("/group/fa/desc-fa_combat.parquet")).findFirst()
        .orElseThrow();
    GroupStage.Result again = GroupStage.analyse(SparkTestSession.get(), c, out.toString(),
        settings(new GroupSettings.Harmonization(ComBatOptions.defaults(), Map.of(), model), null, null));
    assertArrayEquals(first.result().glm().get(GlmOutput.T), again.glm().get(GlmOutput.T), 0.0, "the saved model re-applies exactly");
    assertTrue(fractionSignificant(again.glm().get(GlmOutput.F_P)) < 0.15, "site effect removed by the controls' model");

    // a subject of a site the model never saw
    Path other = tmp.resolve("other");
    Files.createDirectories(other);
    Cohort four = SyntheticDerivatives.write(other, N, 0.12, 5, true);
    List<org.voxelspark.cohort.Subject> renamed = new java.util.ArrayList<>();
    for (org.voxelspark.cohort.Subject s : four.subjects()) {
      Map<String, String> row = new java.util.LinkedHashMap<>(s.attributes());
      String site = s.label().equals("01") ? "D" : s.site();
      row.put("site", site);
      renamed.add(new org.voxelspark.cohort.Subject(s.label(), s.session(), site, row, s.dwi(), s.bold(), s.problems()));
    }
    Cohort withD = new Cohort(four.root(), four.siteColumn(), four.participants(), renamed);
    UserInputException e = assertThrows(UserInputException.class, () -> GroupStage.analyse(SparkTestSession.get(), withD,
        other.toString(), settings(new GroupSettings.Harmonization(ComBatOptions.defaults(), Map.of(), model), null, null)));
    assertTrue(e.getMessage().contains("site 'D' is not one the saved ComBat model was estimated on [A, B, C]"), e.getMessage());
  }

  @Test
  void theMetaAnalysisOnSparkEqualsSiteMetaOnTheWholeMatrixAndFindsTheGroupEffect() {
    GroupStage.Result r = GroupStage.analyse(SparkTestSession.get(), cohort, tmp.toString(),
        settings(null, MetaOptions.defaults(), null));
    GroupInputs in = r.inputs();
    List<GroupBlock> blocks = GroupTranspose.wholeVolume(in.maps(), in.reference(), null, 5, N, new Configuration());
    int[] voxels = blocks.stream().flatMapToInt(b -> Arrays.stream(b.voxels())).sorted().toArray();
    double[] y = SyntheticDerivatives.wholeMatrix(blocks, voxels, N);
    String[] sites = in.maps().stream().map(SubjectMap::site).toArray(String[]::new);
    SiteMeta meta = SiteMeta.of(in.rows(), sites, "t", GroupMeta.perSiteModel(MODEL, "site"), CONTRASTS, MetaOptions.defaults());
    SiteMeta.ContrastResult expected = meta.pool(y, voxels.length).get(0);
    GroupMeta.Result actual = r.meta().get(0);
    for (MetaOutput o : MetaOutput.values()) {
      assertArrayEquals(expected.pooled().get(o), actual.pooled().get(o), 0.0, o.name());
    }
    assertArrayEquals(expected.stouffer().p(), actual.stoufferP(), 0.0);
    assertArrayEquals(expected.fisher().p(), actual.fisherP(), 0.0);
    assertEquals(List.of("A", "B", "C"), r.metaSites().sites());
    int box = 0;
    int significant = 0;
    for (int c = 0; c < r.voxels(); c++) {
      int[] ijk = r.grid().ijk(c);
      if (SyntheticDerivatives.inEffect(ijk[0], ijk[1], ijk[2])) {
        box++;
        significant += actual.pooled().get(MetaOutput.P)[c] < 0.05 && actual.pooled().get(MetaOutput.ESTIMATE)[c] > 0 ? 1 : 0;
        assertEquals(3, actual.k()[c]);
      }
    }
    assertTrue(significant > box / 2, "the planted group effect, pooled over sites: " + significant + " of " + box);
  }
}
