package org.voxelspark.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.voxelspark.cohort.Cohort;
import org.voxelspark.io.HadoopFiles;
import org.voxelspark.nifti.NiftiDatatype;
import org.voxelspark.nifti.NiftiHeader;
import org.voxelspark.nifti.NiftiImage;
import org.voxelspark.nifti.NiftiReader;
import org.voxelspark.spark.SparkTestSession;
import org.voxelspark.stats.design.ContrastSpec;
import org.voxelspark.stats.design.ModelSpec;
import org.voxelspark.stats.glm.GlmOutput;
import org.voxelspark.stats.inference.SpatialInference;
import org.voxelspark.stats.perm.Partition;
import org.voxelspark.stats.perm.Tail;

/**
 * What the group stage writes: maps that hold the computed values on the reference grid, tables
 * whose TSV and Parquet forms agree (read back by Spark), the ROI analysis of an atlas, and a
 * subject selection.
 */
class GroupOutputsSparkTest {
  @TempDir static Path tmp;
  static GroupStage.Summary summary;
  static GroupSettings settings;
  static String dir;

  @BeforeAll
  static void run() throws Exception {
    Cohort cohort = SyntheticDerivatives.write(tmp, 16, 0.12, 9);
    // atlas: 1 = the planted box, 2 = the rest of the volume, on the LAS grid
    float[] atlas = new float[SyntheticDerivatives.LAS.voxelCount()];
    for (int k = 0; k < SyntheticDerivatives.NZ; k++) {
      for (int j = 0; j < SyntheticDerivatives.NY; j++) {
        for (int i = 0; i < SyntheticDerivatives.NX; i++) {
          atlas[SyntheticDerivatives.LAS.index(i, j, k)] = SyntheticDerivatives.inEffect(i, j, k) ? 1 : 2;
        }
      }
    }
    Configuration conf = new Configuration();
    String atlasFile = tmp.resolve("atlas.nii.gz").toString();
    HadoopFiles.writeNifti(atlasFile, conf, NiftiHeader.builder(SyntheticDerivatives.LAS, 1).datatype(NiftiDatatype.UINT8).build(),
        atlas);
    Files.writeString(tmp.resolve("atlas.tsv"), "index\tname\n1\tbox\n2\trest\n");
    // ComBat and the meta-analysis on too, so that every kind of output is written (and documented)
    settings = new GroupSettings("fa", ModelSpec.parse("group + age"), List.of(new ContrastSpec("HC-HFS", "-group[HFS]")),
        List.of(), 100, 3, Tail.ONE_SIDED, Partition.RIDGWAY, SpatialInference.Settings.palm(false, 2.3), null, 1, 8, 32,
        atlasFile, tmp.resolve("atlas.tsv").toString(), false, Map.of(),
        new GroupSettings.Harmonization(org.voxelspark.harmonize.ComBatOptions.defaults(), Map.of(), null),
        org.voxelspark.meta.MetaOptions.defaults(), org.voxelspark.group.GroupSource.MAPS);
    summary = GroupStage.run(SparkTestSession.get(), cohort, tmp.toString(), settings, "test", true);
    dir = GroupOutputs.directory(tmp.toString(), "fa");
  }

  @Test
  void mapsHoldTheComputedValuesOnTheReferenceGrid() {
    GroupStage.Result r = summary.result();
    NiftiImage t = NiftiReader.read(Path.of(dir, GroupOutputs.mapName("fa", "HCHFS", "t", null, null)));
    NiftiImage fwe = NiftiReader.read(Path.of(dir, GroupOutputs.mapName("fa", "HCHFS", "p", "FWE", "permutation")));
    NiftiImage mask = NiftiReader.read(Path.of(dir, "desc-fa_mask.nii.gz"));
    assertTrue(t.header().affine().approximatelyEquals(SyntheticDerivatives.LAS.affine(), 1e-6));
    assertEquals(NiftiHeader.INTENT_TTEST, t.header().intentCode());
    int inMask = 0;
    for (int v = 0; v < mask.data().length; v++) {
      int c = r.grid().compact(v);
      if (c < 0) {
        assertEquals(0f, mask.data()[v]);
        assertEquals(0f, t.data()[v], "0 outside the mask");
        assertEquals(1f, fwe.data()[v], "p = 1 outside the mask");
        continue;
      }
      inMask++;
      assertEquals((float) r.glm().get(GlmOutput.T)[c], t.data()[v]);
      assertEquals((float) r.tests().get(0).fweP()[c], fwe.data()[v]);
    }
    assertEquals(r.voxels(), inMask);
    for (String name : List.of(GroupOutputs.mapName("fa", "HCHFS", "cohend", null, null),
        GroupOutputs.mapName("fa", "HCHFS", "p", "FWE", "clusterextent"), GroupOutputs.mapName("fa", null, "beta2", null, null),
        "desc-fa_design.tsv", "desc-fa_group.json", "desc-fa_subjects.parquet", "desc-fa_contrast-HCHFS_nulldist.tsv")) {
      assertTrue(Files.isRegularFile(Path.of(dir, name)), name);
    }
  }

  @Test
  void tablesAgreeBetweenTsvAndParquetAndTheRoiAnalysisFindsThePlantedBox() throws Exception {
    Dataset<Row> clusters = SparkTestSession.get().read().parquet(dir + "/desc-fa_contrast-HCHFS_clusters.parquet");
    List<String> tsv = Files.readAllLines(Path.of(dir, "desc-fa_contrast-HCHFS_clusters.tsv"));
    assertEquals(tsv.size() - 1, clusters.count());
    assertTrue(clusters.count() >= 1, "the planted box forms a cluster");
    Row top = clusters.orderBy("cluster").first();
    String[] first = tsv.get(1).split("\t");
    assertEquals(Integer.parseInt(first[1]), top.getInt(top.fieldIndex("extent_voxels")));
    assertEquals(Double.parseDouble(first[4]), top.getDouble(top.fieldIndex("peak_z")));
    assertEquals("box", top.getString(top.fieldIndex("atlas_label")), "the top cluster's peak is in the box");
    assertTrue(top.getDouble(top.fieldIndex("p_fwe_extent")) < 0.05);

    List<String> roi = Files.readAllLines(Path.of(dir, "desc-fa_roistats.tsv"));
    assertEquals("roi\tname\ttest\teffect\tstatistic\tz\tp_parametric\tr\tp_permutation\tp_fwe\tp_fdr", roi.get(0));
    String[] box = roi.get(1).split("\t");
    String[] rest = roi.get(2).split("\t");
    assertEquals("box", box[1]);
    assertTrue(Double.parseDouble(box[9]) < 0.05, "box ROI FWE-significant: " + roi.get(1));
    assertTrue(Double.parseDouble(rest[9]) > 0.05, "the rest is not: " + roi.get(2));
    List<String> means = Files.readAllLines(Path.of(dir, "desc-fa_roimeans.tsv"));
    assertEquals("subject\tbox\trest", means.get(0));
    assertEquals(17, means.size(), "16 subjects");

    List<String> megameta = Files.readAllLines(Path.of(dir, "desc-fa_contrast-HCHFS_megameta.tsv"));
    assertEquals("roi\tname\tmega_effect\tmega_t\tmega_p_fwe\tmeta_effect_size\tmeta_estimate\tmeta_se\tmeta_ci_lower"
        + "\tmeta_ci_upper\tmeta_p\tmeta_i2\tmeta_tau2\tmeta_k", megameta.get(0));
    String[] boxRow = megameta.get(1).split("\t");
    assertEquals("hedges_g", boxRow[5]);
    assertTrue(Double.parseDouble(boxRow[6]) > 0 && Double.parseDouble(boxRow[10]) < 0.05, "pooled g in the box: " + megameta.get(1));
    assertEquals(3, Integer.parseInt(boxRow[13]), "three sites pooled");
    List<String> perSite = Files.readAllLines(Path.of(dir, "desc-fa_contrast-HCHFS_roisites.tsv"));
    assertEquals(1 + 2 * 3, perSite.size(), "2 ROIs x 3 sites");

    // mega vs meta per cluster: the clusters of the pooled analysis as ROIs
    List<String> clusterMeta = Files.readAllLines(Path.of(dir, "desc-fa_contrast-HCHFS_clustermegameta.tsv"));
    assertEquals(megameta.get(0).replaceFirst("^roi", "cluster"), clusterMeta.get(0));
    assertEquals(tsv.size(), clusterMeta.size(), "a row per cluster of the cluster table");
    for (int c = 1; c < tsv.size(); c++) {
      String[] cluster = tsv.get(c).split("\t");
      String[] row = clusterMeta.get(c).split("\t");
      assertEquals(cluster[0], row[0]);
      // the contrast is linear in the data and every subject covers every voxel: the GLM on the
      // cluster means has the mean of the voxels' contrast estimates as its effect
      assertEquals(Double.parseDouble(cluster[14]), Double.parseDouble(row[2]), 1e-9 * (1 + Math.abs(Double.parseDouble(row[2]))),
          "cluster " + cluster[0] + ": mega effect = mean voxel effect");
      assertEquals(cluster[15], row[4], "mega FWE p = the cluster's extent FWE p");
    }
    String[] topCluster = clusterMeta.get(1).split("\t");
    assertTrue(Double.parseDouble(topCluster[6]) > 0 && Double.parseDouble(topCluster[10]) < 0.05,
        "the sites agree on the box cluster: " + clusterMeta.get(1));
    assertEquals(3, Integer.parseInt(topCluster[13]));
    assertEquals(1 + 3 * (tsv.size() - 1), Files.readAllLines(Path.of(dir, "desc-fa_contrast-HCHFS_clustersites.tsv")).size(),
        "clusters x 3 sites");
  }

  @Test
  void theResultsPageShowsEveryFigureTheTablesAsWrittenAndRendersInChromium() throws Exception {
    Path page = Path.of(dir, "group.html");
    String html = Files.readString(page);
    List<org.voxelspark.testing.PageParts.Image> images = org.voxelspark.testing.PageParts.images(html);
    // design, harmonisation, 2 maps x (ortho + mosaic), forests of the box ROI and of the largest
    // cluster, null histogram
    assertEquals(9, images.size(), "figures on the page");
    assertTrue(html.contains("cluster 1 ("), "the largest cluster's forest plot");
    for (org.voxelspark.testing.PageParts.Image img : images) {
      java.awt.image.BufferedImage decoded = img.decode();
      assertEquals(img.width(), decoded.getWidth(), img.figure());
      assertTrue(org.voxelspark.testing.PageParts.distinctColours(decoded) > 8, img.figure() + " is not blank");
    }
    List<String> tsv = Files.readAllLines(Path.of(dir, "desc-fa_contrast-HCHFS_clusters.tsv"));
    List<List<String>> shown = org.voxelspark.testing.PageParts.table(html, "desc-fa_contrast-HCHFS_clusters.tsv");
    assertEquals(tsv.size() - 1, shown.size(), "every cluster row on the page");
    assertEquals(List.of(tsv.get(1).split("\t", -1)), shown.get(0), "the cluster table equals its TSV");
    for (String link : org.voxelspark.testing.PageParts.links(html)) {
      assertTrue(Files.exists(Path.of(dir).resolve(link)), "link " + link + " resolves");
    }
    java.awt.image.BufferedImage shot = org.voxelspark.testing.Chromium.screenshot(page, Path.of(dir, "group-screenshot.png"),
        1280, 6000);
    assertTrue(org.voxelspark.testing.PageParts.distinctColours(shot) > 200, "Chromium draws the figures");
  }

  @Test
  void docsListEveryFileTheStageWrites() throws Exception {
    String doc = Files.readString(Path.of(System.getProperty("voxelspark.repo.root", "..")).resolve("docs/outputs.md"));
    for (String uri : summary.outputs()) {
      String name = Path.of(java.net.URI.create(uri)).getFileName().toString().replace("desc-fa", "desc-<metric>")
          .replace("contrast-HCHFS", "contrast-<test>").replaceAll("stat-beta[0-9]+", "stat-beta<i>")
          .replaceAll("method-meta[A-Z]+", "method-meta<M>")
          .replaceAll("_stat-(estimate|se|stat|p|cilower|ciupper|q|pq|i2|h2|tau2)_method-meta<M>",
              "_stat-<estimate\\\\|se\\\\|stat\\\\|p\\\\|cilower\\\\|ciupper\\\\|q\\\\|pq\\\\|i2\\\\|h2\\\\|tau2>_method-meta<M>");
      if (name.equals("group.html")) {
        assertTrue(doc.contains("`group/<metric>/group.html`"), "docs/outputs.md lists the results page");
        continue;
      }
      String stem = name.endsWith(".parquet") ? name.substring(0, name.length() - ".parquet".length()) : null;
      assertTrue(doc.contains("`" + name + "`") || (stem != null && doc.contains("`" + stem + ".tsv`, `.parquet`")),
          "docs/outputs.md lists " + name);
    }
  }

  @Test
  void aPageIsWrittenWhenNothingIsSignificant() throws Exception {
    Path out = tmp.resolve("nothing");
    Cohort cohort = SyntheticDerivatives.write(out, 10, 0, 4);
    // FA falls with age in the synthetic data: the opposite contrast finds nothing
    GroupSettings none = new GroupSettings("fa", ModelSpec.parse("age"), List.of(new ContrastSpec("olderHigher", "age")),
        List.of(), 50, 3, Tail.ONE_SIDED, Partition.RIDGWAY, null, null, 1, 8, 32, null, null, false, Map.of(), null, null, org.voxelspark.group.GroupSource.MAPS);
    GroupStage.Summary s = GroupStage.run(SparkTestSession.get(), cohort, out.toString(), none, "test", true);
    assertTrue(java.util.Arrays.stream(s.result().tests().get(0).fweP()).allMatch(p -> p >= 0.05));
    String html = Files.readString(Path.of(GroupOutputs.directory(out.toString(), "fa"), "group.html"));
    assertTrue(html.contains("no voxel has FWE p &lt; 0.05"), "the page says so");
  }

  @Test
  void aSelectionAnalysesOnlyTheSelectedSubjects() throws Exception {
    Cohort cohort = SyntheticDerivatives.write(tmp.resolve("sel"), 16, 0.12, 9);
    GroupSettings patients = new GroupSettings("fa", ModelSpec.parse("age"), List.of(new ContrastSpec("age", "-age")), List.of(),
        1, 3, Tail.ONE_SIDED, Partition.RIDGWAY, null, null, 1, 8, 32, null, null, false, Map.of("group", Set.of("HFS")), null, null, org.voxelspark.group.GroupSource.MAPS);
    GroupStage.Result r = GroupStage.analyse(SparkTestSession.get(), cohort, tmp.resolve("sel").toString(), patients);
    assertEquals(8, r.design().subjects(), "the 8 patients of 16");
    assertTrue(r.inputs().excluded().isEmpty(), "not selected is not excluded");
    assertEquals(1, r.shufflings().size(), "parametric only");
  }
}
