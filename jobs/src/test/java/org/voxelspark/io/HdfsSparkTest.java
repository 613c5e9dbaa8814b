package org.voxelspark.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivilegedExceptionAction;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.hdfs.DistributedFileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.hdfs.protocol.HdfsConstants;
import org.apache.hadoop.security.UserGroupInformation;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.voxelspark.cohort.BidsCohortReader;
import org.voxelspark.cohort.Cohort;
import org.voxelspark.cohort.CohortOptions;
import org.voxelspark.error.UserInputException;
import org.voxelspark.geometry.VoxelLayout;
import org.voxelspark.nifti.NiftiImage;
import org.voxelspark.nifti.NiftiReader;
import org.voxelspark.ops.IncrementalOptions;
import org.voxelspark.ops.RunManifest;
import org.voxelspark.participant.ParticipantKernels;
import org.voxelspark.participant.ParticipantStage;
import org.voxelspark.participant.RunKind;
import org.voxelspark.sample.SampleCohortGenerator;
import org.voxelspark.sample.SampleCohortSpec;
import org.voxelspark.spark.SparkTestSession;

/**
 * voxelspark on a real HDFS (a MiniDFSCluster on 127.0.0.1, one per class): the sample cohort is
 * copied to HDFS (one subject's images uncompressed, so they are read by positioned reads), the
 * participant stage reads it and writes its outputs there through the Hadoop FileSystem API, and
 * every output equals the local run's (NIfTI maps byte for byte; sidecars and tables equal but for
 * the input URIs they name); a second run on HDFS computes nothing. Write errors: an exceeded HDFS
 * space quota and a missing permission are UserInputExceptions naming the path.
 */
class HdfsSparkTest {
  @TempDir static Path tmp;
  static MiniDFSCluster dfs;
  static String hdfs;
  static Path localCohort;
  static SparkSession spark;
  static final ParticipantKernels KERNELS = ParticipantKernels.defaults();

  @BeforeAll
  static void start() throws IOException {
    Configuration conf = new Configuration();
    conf.set("dfs.namenode.rpc-address", "127.0.0.1:0");
    conf.set("dfs.namenode.http-address", "127.0.0.1:0");
    conf.set("dfs.datanode.address", "127.0.0.1:0");
    conf.set("dfs.datanode.http.address", "127.0.0.1:0");
    conf.set("dfs.datanode.ipc.address", "127.0.0.1:0");
    conf.setBoolean("dfs.permissions.enabled", true);
    // let a file close once its last block is committed, without waiting for the datanode's block
    // report (a test cluster writes many small files; this does not change what is written)
    conf.setInt("dfs.namenode.file.close.num-committed-allowed", 1);
    dfs = new MiniDFSCluster.Builder(conf, tmp.resolve("dfs").toFile()).numDataNodes(1).build();
    dfs.waitActive();
    hdfs = "hdfs://127.0.0.1:" + dfs.getNameNodePort();
    spark = SparkTestSession.get();
    // the client side of the same: poll for a file's completion after 20 ms rather than 400 ms
    conf().setInt("dfs.client.block.write.locateFollowingBlock.initial.delay.ms", 20);
    localCohort = tmp.resolve("cohort");
    SampleCohortGenerator.generate(localCohort, new SampleCohortSpec(9,
        List.of(new SampleCohortSpec.SiteSpec("A", 2), new SampleCohortSpec.SiteSpec("B", 1)), SampleCohortSpec.Scale.TINY));
  }

  @AfterAll
  static void stop() {
    if (dfs != null) {
      dfs.shutdown();
    }
  }

  static Configuration conf() {
    return spark.sparkContext().hadoopConfiguration();
  }

  /** Copies the local cohort to HDFS, sub-02's images as uncompressed .nii. */
  static String copyToHdfs(String dir) throws IOException {
    FileSystem fs = new org.apache.hadoop.fs.Path(hdfs + "/").getFileSystem(conf());
    List<Path> files;
    try (Stream<Path> s = Files.walk(localCohort)) {
      files = s.filter(Files::isRegularFile).toList();
    }
    for (Path f : files) {
      String rel = localCohort.relativize(f).toString();
      boolean uncompress = rel.startsWith("sub-02/") && rel.endsWith(".nii.gz");
      org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(hdfs + dir + "/"
          + (uncompress ? rel.substring(0, rel.length() - 3) : rel));
      try (InputStream in = uncompress ? new GZIPInputStream(Files.newInputStream(f)) : Files.newInputStream(f);
           OutputStream out = fs.create(target, true)) {
        in.transferTo(out);
      }
    }
    return hdfs + dir;
  }

  static ParticipantStage.Summary run(String cohort, String out) {
    Cohort c = BidsCohortReader.read(cohort, conf(), CohortOptions.defaults());
    return ParticipantStage.run(spark, c, out, KERNELS, 8, false, "test", EnumSet.allOf(RunKind.class),
        IncrementalOptions.defaults());
  }

  @Test
  void participantStageOnHdfsEqualsTheLocalRun() throws IOException {
    String cohort = copyToHdfs("/data/cohort");
    assertTrue(BidsCohortReader.read(cohort, conf(), CohortOptions.defaults()).subjects().get(1).dwi().get(0).nifti()
        .endsWith("sub-02_dwi.nii"), "sub-02 is stored uncompressed");
    ParticipantStage.Summary onHdfs = run(cohort, hdfs + "/derivatives");
    Path local = tmp.resolve("local-out");
    ParticipantStage.Summary onLocal = run(localCohort.toString(), local.toString());
    assertEquals(6, onHdfs.succeededRuns(), onHdfs.failures().toString());
    assertEquals(6, onLocal.succeededRuns());

    Map<String, byte[]> remote = readTree(hdfs + "/derivatives");
    Map<String, byte[]> here = readTree(local.toUri().toString());
    assertEquals(here.keySet(), remote.keySet(), "the same files");
    int maps = 0;
    int tables = 0;
    for (String f : here.keySet()) {
      if (f.endsWith(".nii.gz") || f.endsWith(".tsv")) {
        assertArrayEquals(here.get(f), remote.get(f), f);
        maps += f.endsWith(".nii.gz") ? 1 : 0;
      } else if (f.endsWith(".json")) {
        assertEquals(withoutInputNames(here.get(f)), withoutInputNames(remote.get(f)), f);
      } else if (f.endsWith(".parquet")) {
        // the voxel-table files record their source image's URI: compare their rows (and the failures table's)
        assertEquals(spark.read().parquet(local.toUri() + "/" + f).collectAsList(),
            spark.read().parquet(hdfs + "/derivatives/" + f).collectAsList(), f);
        tables += f.startsWith("voxels/") ? 1 : 0;
      } else {
        throw new AssertionError("unexpected output " + f);
      }
    }
    assertEquals(3 * (KERNELS.maps(RunKind.DWI).size() + KERNELS.maps(RunKind.BOLD).size()), maps);
    assertEquals(6, tables, "one voxel-table file per run");

    // the .nii of sub-02 read by slabs through HDFS equals the local .nii.gz read as a stream
    String nii = hdfs + "/data/cohort/sub-02/dwi/sub-02_dwi.nii";
    NiftiImage fromHdfs = HadoopFiles.readNifti(nii, conf(), VoxelLayout.VOXEL_MAJOR);
    NiftiImage fromLocal = NiftiReader.read(localCohort.resolve("sub-02/dwi/sub-02_dwi.nii.gz"), VoxelLayout.VOXEL_MAJOR);
    assertArrayEquals(fromLocal.data(), fromHdfs.data());

    // a second run on HDFS computes nothing and keeps every file
    Map<String, Long> mtimes = modificationTimes(hdfs + "/derivatives/sub-01");
    ParticipantStage.Summary again = run(cohort, hdfs + "/derivatives");
    assertEquals(6, again.keptRuns());
    assertEquals(mtimes, modificationTimes(hdfs + "/derivatives/sub-01"));
    assertEquals(6, RunManifest.load(hdfs + "/derivatives", conf()).entries().size());
  }

  @Test
  void aFullQuotaFailsTheRunsThatDoNotFitWithThePath() throws IOException {
    String cohort = copyToHdfs("/data/quota-cohort");
    String out = hdfs + "/quota-out";
    DistributedFileSystem fs = dfs.getFileSystem();
    // sub-03's DWI directory may hold 1 KB: its maps cannot be moved there; the other runs complete
    org.apache.hadoop.fs.Path full = new org.apache.hadoop.fs.Path(out + "/sub-03/dwi");
    fs.mkdirs(full);
    fs.setQuota(full, HdfsConstants.QUOTA_DONT_SET, 1024);
    ParticipantStage.Summary s = run(cohort, out);
    assertEquals(5, s.succeededRuns());
    assertEquals(1, s.failures().size(), s.failures().toString());
    ParticipantStage.Failure f = s.failures().get(0);
    assertEquals("sub-03", f.subject());
    assertEquals("UserInputException", f.errorClass());
    assertTrue(f.message().startsWith(out + "/sub-03/dwi: cannot write: the file system's quota or capacity is exhausted"),
        f.message());
    assertEquals(5, RunManifest.load(out, conf()).entries().size(), "the failed run is not committed");

    // an output directory whose quota is exhausted from the start: refused before any work, naming it
    org.apache.hadoop.fs.Path tiny = new org.apache.hadoop.fs.Path(hdfs + "/tiny-out");
    fs.mkdirs(tiny);
    fs.setQuota(tiny, HdfsConstants.QUOTA_DONT_SET, 1);
    UserInputException e = assertThrows(UserInputException.class, () -> run(cohort, tiny.toString()));
    assertEquals(tiny.toString(), e.problems().get(0).source());
    assertTrue(e.getMessage().contains("quota"), e.getMessage());
  }

  @Test
  void anOutputWithoutWritePermissionIsAUserErrorNamingThePath() throws Exception {
    DistributedFileSystem fs = dfs.getFileSystem();
    org.apache.hadoop.fs.Path locked = new org.apache.hadoop.fs.Path(hdfs + "/locked");
    fs.mkdirs(locked);
    fs.setPermission(locked, new FsPermission((short) 0755));
    UserGroupInformation alice = UserGroupInformation.createRemoteUser("alice");
    String target = locked + "/sub-01/dwi/map.json";
    Configuration conf = new Configuration(conf());
    UserInputException e = alice.doAs((PrivilegedExceptionAction<UserInputException>) () ->
        assertThrows(UserInputException.class, () -> HadoopFiles.writeText(target, conf, "{}")));
    assertEquals(target, e.problems().get(0).source());
    assertTrue(e.getMessage().contains("cannot write: permission denied"), e.getMessage());
    UserInputException dir = alice.doAs((PrivilegedExceptionAction<UserInputException>) () ->
        assertThrows(UserInputException.class, () -> HadoopFiles.requireWritableDirectory(locked + "/out", conf)));
    assertTrue(dir.getMessage().startsWith(locked + "/out: the output directory is not writable"), dir.getMessage());
    assertFalse(fs.exists(new org.apache.hadoop.fs.Path(locked, "sub-01")));
  }

  // ---------------------------------------------------------------------------------------------

  /** Every file under {@code root} by relative path (hidden manifest entries included). */
  static Map<String, byte[]> readTree(String root) throws IOException {
    org.apache.hadoop.fs.Path r = new org.apache.hadoop.fs.Path(root);
    FileSystem fs = r.getFileSystem(conf());
    String prefix = fs.makeQualified(r).toString() + "/";
    Map<String, byte[]> m = new TreeMap<>();
    RemoteIterator<LocatedFileStatus> it = fs.listFiles(r, true);
    while (it.hasNext()) {
      LocatedFileStatus st = it.next();
      try (InputStream in = fs.open(st.getPath())) {
        m.put(st.getPath().toString().substring(prefix.length()), in.readAllBytes());
      }
    }
    return m;
  }

  static Map<String, Long> modificationTimes(String root) throws IOException {
    org.apache.hadoop.fs.Path r = new org.apache.hadoop.fs.Path(root);
    FileSystem fs = r.getFileSystem(conf());
    Map<String, Long> m = new TreeMap<>();
    RemoteIterator<LocatedFileStatus> it = fs.listFiles(r, true);
    while (it.hasNext()) {
      FileStatus st = it.next();
      m.put(st.getPath().toString(), st.getModificationTime());
    }
    return m;
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A JSON file without the fields that name input files or times (they differ between the two runs by design). */
  static JsonNode withoutInputNames(byte[] json) throws IOException {
    JsonNode n = JSON.readTree(json);
    strip(n);
    return n;
  }

  private static void strip(JsonNode n) {
    if (n instanceof ObjectNode o) {
      List<String> names = new ArrayList<>();
      o.fieldNames().forEachRemaining(names::add);
      for (String k : names) {
        if (List.of("Sources", "SourceDatasets", "uri", "modified", "committed", "sha256", "inputsSha256", "size")
            .contains(k)) {
          o.remove(k);
        } else {
          strip(o.get(k));
        }
      }
    } else if (n != null && n.isArray()) {
      n.forEach(HdfsSparkTest::strip);
    }
  }
}
