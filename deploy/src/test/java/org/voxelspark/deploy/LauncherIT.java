package org.voxelspark.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end through the launcher the README uses ({@code deploy/bin/voxelspark}) on the packaged
 * application jar and Spark's jars: generate the sample cohort, run the participant stage in local
 * mode, and check the outputs; then a cohort with a broken subject: exit code 1, one error line,
 * the other subjects done; the report pages written by default, not with --no-reports, and by the
 * report command. Also checks the shaded jar for cluster use.
 */
class LauncherIT {
  private static final Path ROOT = Path.of(System.getProperty("voxelspark.repo.root", "..")).toAbsolutePath().normalize();
  @TempDir Path tmp;

  record Run(int code, String out, String err) {}

  private Run voxelspark(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(ROOT.resolve("deploy/bin/voxelspark").toString());
    cmd.addAll(Arrays.asList(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    pb.environment().put("VOXELSPARK_DRIVER_MEMORY", "2g");
    File out = tmp.resolve("stdout-" + System.nanoTime()).toFile();
    File err = tmp.resolve("stderr-" + System.nanoTime()).toFile();
    pb.redirectOutput(out).redirectError(err);
    Process p = pb.start();
    if (!p.waitFor(300, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("voxelspark " + String.join(" ", args) + " did not finish in 300 s");
    }
    return new Run(p.exitValue(), Files.readString(out.toPath(), StandardCharsets.UTF_8), Files.readString(err.toPath(), StandardCharsets.UTF_8));
  }

  @Test
  void sampleCohortThroughTheParticipantStage() throws Exception {
    Path cohort = tmp.resolve("cohort");
    Run sample = voxelspark("sample", cohort.toString(), "--scale", "tiny");
    assertEquals(0, sample.code(), sample.err());
    Path out = tmp.resolve("derivatives");
    Run participant = voxelspark(cohort.toString(), out.toString(), "participant", "--block-size", "8", "--", "--master", "local[2]");
    assertEquals(0, participant.code(), participant.err());
    assertTrue(participant.out().contains("participant stage: 56 of 56 runs of 28 subjects done"), participant.out());
    assertTrue(participant.err().contains("--block-size             = 8"), "effective configuration logged: " + participant.err());
    assertTrue(participant.err().contains("participant: read + blocks + write 56/56 tasks"), "progress shown: " + participant.err());
    assertFalse(participant.err().contains("WARN  org.apache.spark") || participant.err().contains(" INFO  org.apache"),
        "Spark's own logging is quiet: " + participant.err());
    for (String f : new String[] {"dataset_description.json", "failures.tsv", "participant_runs.tsv",
        "sub-01/dwi/sub-01_desc-meanb0_dwiref.nii.gz", "sub-01/dwi/sub-01_desc-meanb0_dwiref.json",
        "sub-01/dwi/sub-01_desc-brain_mask.nii.gz", "sub-01/dwi/sub-01_model-tensor_param-fa_dwimap.nii.gz",
        "sub-01/dwi/sub-01_model-tensor_param-fa_dwimap.json", "sub-01/dwi/sub-01_model-tensor_param-v1_dwimap.nii.gz",
        "sub-01/dwi/sub-01_model-tensor_param-tensor_dwimap.nii.gz", "sub-28/func/sub-28_task-rest_boldref.nii.gz",
        "sub-28/func/sub-28_task-rest_desc-tsnr_boldmap.nii.gz", "sub-28/func/sub-28_task-rest_desc-reho_boldmap.nii.gz",
        "sub-28/func/sub-28_task-rest_desc-reho_boldmap.json", "sub-28/func/sub-28_task-rest_desc-alff_boldmap.nii.gz",
        "sub-28/func/sub-28_task-rest_desc-falff_boldmap.nii.gz", "sub-28/func/sub-28_task-rest_desc-brain_mask.nii.gz"}) {
      assertTrue(Files.isRegularFile(out.resolve(f)), f);
    }
    assertEquals(1, Files.readAllLines(out.resolve("failures.tsv")).size(), "header only: nothing failed");
    // the report pages, on by default
    assertTrue(participant.out().contains("reports: 28 subject pages"), participant.out());
    for (String f : new String[] {"sub-01.html", "sub-28.html", "participant_qc_dwi.tsv", "participant_qc_bold.tsv"}) {
      assertTrue(Files.isRegularFile(out.resolve(f)), f);
    }
    assertEquals(29, Files.readAllLines(out.resolve("participant_qc_dwi.tsv")).size(), "header and 28 runs");
    assertTrue(Files.readString(out.resolve("sub-01.html")).contains("data:image/png;base64,"), "figures embedded");

    // the group stage on the participant maps: the planted FA drop of the patients' left corticospinal tract
    // (after ComBat across the three sites, with the multi-centre meta-analysis beside it)
    Run group = voxelspark(cohort.toString(), out.toString(), "group", "--metric", "fa", "--contrast", "HCgtHFS=-group[HFS]",
        "--ftest", "site=site", "--permutations", "200", "--cluster-threshold-z", "3.1", "--harmonize", "combat", "--meta", "re",
        "--atlas", cohort.resolve("truth/site-A_dwi_labels.nii.gz").toString(),
        "--atlas-labels", cohort.resolve("truth/labels.tsv").toString(), "--", "--master", "local[2]");
    assertEquals(0, group.code(), group.err());
    assertTrue(group.out().contains("group stage: fa of 28 subjects"), group.out());
    Path groupDir = out.resolve("group/fa");
    for (String f : new String[] {"desc-fa_contrast-HCgtHFS_stat-t_statmap.nii.gz",
        "desc-fa_contrast-HCgtHFS_stat-p_corr-FWE_method-permutation_statmap.nii.gz", "desc-fa_contrast-HCgtHFS_clusters.tsv",
        "desc-fa_contrast-HCgtHFS_clusters.parquet", "desc-fa_design.tsv", "desc-fa_roistats.tsv", "desc-fa_group.json"}) {
      assertTrue(Files.isRegularFile(groupDir.resolve(f)), f);
    }
    String cst = Files.readAllLines(groupDir.resolve("desc-fa_roistats.tsv")).stream().filter(l -> l.contains("\tcst_left\t"))
        .findFirst().orElseThrow();
    assertTrue(Double.parseDouble(cst.split("\t")[9]) < 0.05, "left CST FA lower in patients, FWE over the ROIs: " + cst);
    // the sample cohort's planted scanner effects are gone after ComBat: the site F-test is null almost everywhere
    float[] mask = org.voxelspark.nifti.NiftiReader.read(groupDir.resolve("desc-fa_mask.nii.gz")).data();
    float[] siteP = org.voxelspark.nifti.NiftiReader.read(groupDir.resolve("desc-fa_contrast-site_stat-p_statmap.nii.gz")).data();
    int inMask = 0;
    int siteEffect = 0;
    for (int v = 0; v < mask.length; v++) {
      if (mask[v] != 0) {
        inMask++;
        siteEffect += siteP[v] < 0.05 ? 1 : 0;
      }
    }
    assertTrue(siteEffect < 0.05 * inMask, "site effect after ComBat in " + siteEffect + " of " + inMask + " voxels");
    String megameta = Files.readAllLines(groupDir.resolve("desc-fa_contrast-HCgtHFS_megameta.tsv")).stream()
        .filter(l -> l.contains("\tcst_left\t")).findFirst().orElseThrow();
    assertTrue(Double.parseDouble(megameta.split("\t")[10]) < 0.05, "and the meta-analysis over sites agrees: " + megameta);
    List<String> clusterMeta = Files.readAllLines(groupDir.resolve("desc-fa_contrast-HCgtHFS_clustermegameta.tsv"));
    assertEquals(Files.readAllLines(groupDir.resolve("desc-fa_contrast-HCgtHFS_clusters.tsv")).size(), clusterMeta.size(),
        "mega vs meta for every cluster");
    assertEquals("3", clusterMeta.get(1).split("\t")[13], "the largest cluster pooled over the three sites: " + clusterMeta.get(1));

    // one subject's BOLD is truncated: reported, the others finish, exit code 1, no stack trace
    Path bold = cohort.resolve("sub-05/func/sub-05_task-rest_bold.nii.gz");
    byte[] b = Files.readAllBytes(bold);
    Files.write(bold, Arrays.copyOf(b, b.length - 100));
    Path out2 = tmp.resolve("derivatives2");
    Run broken = voxelspark(cohort.toString(), out2.toString(), "participant", "--participant-label", "04,05,06");
    assertEquals(1, broken.code(), broken.err());
    assertTrue(broken.err().contains("error: sub-05 (participant:bold): " + bold.toUri().toString().replace("file:///", "file:/")),
        broken.err());
    assertFalse(broken.err().contains("\tat "), "no stack trace without --debug");
    assertTrue(broken.out().contains("participant stage: 5 of 6 runs of 3 subjects done"), broken.out());
    assertTrue(Files.readString(out2.resolve("sub-05.html")).contains("truncated"), "the failed run's reason on its page");
    // --fail-fast: the task's user error stops the job; printed as one error line, no stack trace (Spark's included)
    Run fast = voxelspark(cohort.toString(), tmp.resolve("derivatives-fast").toString(), "participant", "--participant-label", "05",
        "--fail-fast");
    assertEquals(1, fast.code(), fast.err());
    assertTrue(fast.err().lines().anyMatch(l -> l.startsWith("error: " + bold.toUri().toString().replace("file:///", "file:/") + ": ")),
        fast.err());
    assertFalse(fast.err().contains("\tat ") || fast.err().contains("internal error"), "a user error, no stack trace: " + fast.err());

    // the single-stage command: diffusion runs only
    Path out3 = tmp.resolve("derivatives3");
    Run dti = voxelspark("dti", cohort.toString(), out3.toString(), "--participant-label", "01", "--dti-method", "ols",
        "--no-reports");
    assertEquals(0, dti.code(), dti.err());
    assertFalse(Files.exists(out3.resolve("sub-01.html")), "--no-reports: no page");
    Run report = voxelspark("report", out3.toString());
    assertEquals(0, report.code(), report.err());
    assertTrue(Files.isRegularFile(out3.resolve("sub-01.html")), "'voxelspark report' writes the pages afterwards");
    assertTrue(Files.isRegularFile(out3.resolve("sub-01/dwi/sub-01_model-tensor_param-fa_dwimap.nii.gz")));
    assertFalse(Files.exists(out3.resolve("sub-01/func")), "no BOLD output from 'dti'");
    assertTrue(Files.readString(out3.resolve("sub-01/dwi/sub-01_model-tensor_param-fa_dwimap.json")).contains("\"OLS\""));
  }

  @Test
  void shadedApplicationJarIsFitForSparkSubmit() throws IOException {
    Path jar;
    try (Stream<Path> s = Files.list(ROOT.resolve("deploy/target"))) {
      jar = s.filter(p -> p.getFileName().toString().startsWith("voxelspark-app-")).findFirst().orElseThrow();
    }
    try (JarFile j = new JarFile(jar.toFile())) {
      assertEquals("org.voxelspark.cli.Main", j.getManifest().getMainAttributes().getValue("Main-Class"));
      assertTrue(j.getEntry("org/voxelspark/cli/Main.class") != null);
      assertTrue(j.getEntry("org/voxelspark/nifti/NiftiReader.class") != null);
      assertTrue(j.getEntry("org/apache/commons/math3/linear/RealMatrix.class") != null, "compile dependencies shaded in");
      assertTrue(j.stream().noneMatch(e -> e.getName().startsWith("org/apache/spark/")), "Spark is provided, not shaded");
      assertTrue(j.stream().noneMatch(e -> e.getName().startsWith("org/apache/hadoop/")), "Hadoop is provided, not shaded");
      assertTrue(j.stream().noneMatch(e -> e.getName().matches("META-INF/[^/]+\\.(SF|DSA|RSA)")), "no signature files");
      assertTrue(j.stream().noneMatch(e -> e.getName().endsWith("module-info.class")), "no module-info");
    }
  }

  @Test
  void submitWrapperNeedsSparkHomeAndTheTemplatesCarryTheJvmOptions() throws Exception {
    ProcessBuilder pb = new ProcessBuilder(ROOT.resolve("deploy/bin/voxelspark-submit").toString(), "--master", "local[1]", "--",
        "version");
    pb.environment().remove("SPARK_HOME");
    File err = tmp.resolve("submit-err").toFile();
    pb.redirectError(err).redirectOutput(tmp.resolve("submit-out").toFile());
    Process p = pb.start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(1, p.exitValue());
    assertTrue(Files.readString(err.toPath()).startsWith("voxelspark-submit: SPARK_HOME is not set"), Files.readString(err.toPath()));

    // the cluster templates carry exactly the launchers' JVM options for the driver and the executors
    String opens = "-Djava.awt.headless=true " + String.join(" ", StandaloneCluster.jvmOpens(ROOT));
    for (String template : new String[] {"conf/spark-defaults.conf.template", "conf/spark-defaults-yarn.conf.template"}) {
      List<String> lines = Files.readAllLines(ROOT.resolve(template));
      for (String key : new String[] {"spark.driver.extraJavaOptions", "spark.executor.extraJavaOptions"}) {
        String line = lines.stream().filter(l -> l.startsWith(key + " ")).findFirst().orElseThrow(() -> new AssertionError(key));
        assertEquals(opens, line.substring(key.length()).trim(), template + " " + key);
      }
      assertTrue(lines.contains("spark.kryo.registrator             org.voxelspark.spark.VoxelsparkKryoRegistrator"), template);
    }
  }
}
