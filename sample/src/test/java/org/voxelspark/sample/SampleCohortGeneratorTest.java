package org.voxelspark.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.QRDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.voxelspark.geometry.Affine;
import org.voxelspark.geometry.VoxelLayout;
import org.voxelspark.nifti.NiftiImage;
import org.voxelspark.nifti.NiftiReader;

/** The sample cohort at TINY scale: determinism, BIDS completeness, and the planted effects. */
class SampleCohortGeneratorTest {
  private static final List<SampleCohortSpec.SiteSpec> SITES =
      List.of(new SampleCohortSpec.SiteSpec("A", 4), new SampleCohortSpec.SiteSpec("B", 2), new SampleCohortSpec.SiteSpec("C", 4));
  @TempDir static Path tmp;
  static Path cohort;

  @BeforeAll
  static void generate() {
    cohort = tmp.resolve("cohort");
    SampleCohortGenerator.generate(cohort, new SampleCohortSpec(11, SITES, SampleCohortSpec.Scale.TINY));
  }

  @Test
  void cohortsOfAnySizeSpreadOverTheThreeSitesAndTwentyEightIsTheDemo() {
    assertEquals(SampleCohortSpec.demo(1).sites(), SampleCohortSpec.of(1, 28, SampleCohortSpec.Scale.DEMO).sites());
    for (int n : new int[] {3, 4, 5, 7, 16, 64, 1000}) {
      List<SampleCohortSpec.SiteSpec> sites = SampleCohortSpec.of(1, n, SampleCohortSpec.Scale.TINY).sites();
      assertEquals(n, sites.stream().mapToInt(SampleCohortSpec.SiteSpec::subjects).sum(), "n = " + n);
      assertTrue(sites.stream().allMatch(x -> x.subjects() >= 1), "every site has a subject: " + sites);
      assertTrue(sites.stream().mapToInt(SampleCohortSpec.SiteSpec::subjects).max().getAsInt()
          - sites.stream().mapToInt(SampleCohortSpec.SiteSpec::subjects).min().getAsInt() <= Math.max(2, n / 10), "even: " + sites);
    }
  }

  @Test
  void sameSeedSameBytesOtherSeedOtherBytes() throws Exception {
    Path again = tmp.resolve("again");
    SampleCohortGenerator.generate(again, new SampleCohortSpec(11, SITES, SampleCohortSpec.Scale.TINY));
    Map<String, String> a = hashes(cohort);
    Map<String, String> b = hashes(again);
    assertEquals(a, b, "same seed: byte-identical files");
    Path other = tmp.resolve("other");
    SampleCohortGenerator.generate(other, new SampleCohortSpec(12, SITES, SampleCohortSpec.Scale.TINY));
    assertNotEquals(a.get("sub-01/dwi/sub-01_dwi.nii.gz"), hashes(other).get("sub-01/dwi/sub-01_dwi.nii.gz"));
    assertThrows(IllegalArgumentException.class,
        () -> SampleCohortGenerator.generate(cohort, new SampleCohortSpec(11, SITES, SampleCohortSpec.Scale.TINY)),
        "refuses a non-empty directory");
  }

  @Test
  void bidsTreeAndParticipantsTableAreComplete() throws IOException {
    for (String f : new String[] {"dataset_description.json", "participants.tsv", "participants.json", "README", "truth/truth.json"}) {
      assertTrue(Files.isRegularFile(cohort.resolve(f)), f);
    }
    List<String> lines = Files.readAllLines(cohort.resolve("participants.tsv"));
    assertEquals("participant_id\tgroup\tsite\tage\tsex\teducation\tseverity\tduration", lines.get(0));
    assertEquals(11, lines.size());
    int patients = 0;
    for (String line : lines.subList(1, lines.size())) {
      String[] c = line.split("\t", -1);
      assertEquals(8, c.length, line);
      String id = c[0];
      boolean hfs = c[1].equals("HFS");
      patients += hfs ? 1 : 0;
      assertTrue(c[1].equals("HFS") || c[1].equals("HC"), line);
      assertTrue(List.of("A", "B", "C").contains(c[2]), line);
      double age = Double.parseDouble(c[3]);
      assertTrue(age >= 25 && age <= 78, line);
      if (hfs) {
        int sev = Integer.parseInt(c[6]);
        assertTrue(sev >= 1 && sev <= 4, line);
        assertTrue(Double.parseDouble(c[7]) > 0, line);
      } else {
        assertEquals("n/a", c[6]);
        assertEquals("n/a", c[7]);
      }
      Path dwi = cohort.resolve(id).resolve("dwi");
      NiftiImage img = NiftiReader.read(dwi.resolve(id + "_dwi.nii.gz"));
      int nt = img.header().nt();
      assertEquals(5 + 12, nt);
      assertEquals(nt, Files.readString(dwi.resolve(id + "_dwi.bval")).trim().split("\\s+").length);
      List<String> bvec = Files.readAllLines(dwi.resolve(id + "_dwi.bvec"));
      assertEquals(3, bvec.size());
      for (String row : bvec) {
        assertEquals(nt, row.trim().split("\\s+").length);
      }
      NiftiImage bold = NiftiReader.read(cohort.resolve(id).resolve("func").resolve(id + "_task-rest_bold.nii.gz"));
      assertEquals(60, bold.header().nt());
      assertEquals(2.0, bold.header().repetitionTimeSeconds(), 1e-6);
      assertTrue(Files.readString(cohort.resolve(id).resolve("func").resolve(id + "_task-rest_bold.json")).contains("\"RepetitionTime\": 2.0"));
      assertEquals(c[2].equals("C"), img.header().affine().determinant() > 0, "site C stores RAS");
    }
    assertEquals(5, patients, "half of each site are patients");
  }

  @Test
  void bvecsGiveTheSameWorldDirectionsAtEverySite() throws IOException {
    // sub-01 (site A, LAS) and sub-07 (site C, RAS): world = R·F·v must agree
    double[][] a = worldDirections("sub-01");
    double[][] c = worldDirections("sub-07");
    for (int v = 0; v < a.length; v++) {
      for (int q = 0; q < 3; q++) {
        assertEquals(a[v][q], c[v][q], 1e-5, "volume " + v);
      }
    }
  }

  private double[][] worldDirections(String id) throws IOException {
    Path dwi = cohort.resolve(id).resolve("dwi");
    Affine affine = NiftiReader.readHeader(dwi.resolve(id + "_dwi.nii.gz")).affine();
    List<String> rows = Files.readAllLines(dwi.resolve(id + "_dwi.bvec"));
    String[][] cells = new String[3][];
    for (int r = 0; r < 3; r++) {
      cells[r] = rows.get(r).trim().split("\\s+");
    }
    double[][] rot = affine.unitColumns();
    double flip = affine.determinant() > 0 ? -1 : 1;
    double[][] out = new double[cells[0].length][3];
    for (int v = 0; v < out.length; v++) {
      double[] f = {flip * Double.parseDouble(cells[0][v]), Double.parseDouble(cells[1][v]), Double.parseDouble(cells[2][v])};
      for (int r = 0; r < 3; r++) {
        out[v][r] = rot[r][0] * f[0] + rot[r][1] * f[1] + rot[r][2] * f[2];
      }
    }
    return out;
  }

  @Test
  void patientsHaveLowerFaInTheLeftCorticospinalTract() throws IOException {
    // fit one tensor (OLS on log signal) to the mean signal of the tract in each subject
    double patients = 0;
    double controls = 0;
    int np = 0;
    int nc = 0;
    for (String line : Files.readAllLines(cohort.resolve("participants.tsv")).subList(1, 11)) {
      String[] c = line.split("\t");
      double fa = tractFa(c[0], c[2], Phantom.CST_LEFT);
      double faRight = tractFa(c[0], c[2], Phantom.CST_RIGHT);
      if (c[1].equals("HFS")) {
        patients += fa;
        np++;
        assertTrue(fa < faRight - 0.04, c[0] + ": left " + fa + " vs right " + faRight);
      } else {
        controls += fa;
        nc++;
        assertEquals(faRight, fa, 0.04, c[0] + ": left and right tracts alike in controls");
      }
    }
    double drop = controls / nc - patients / np;
    double planted = DwiSimulator.TissueTensor.CST.fa(1.0) - DwiSimulator.TissueTensor.CST.fa(SampleCohortGenerator.PATIENT_RADIAL_FACTOR);
    assertEquals(planted, drop, 0.04, "group difference in FA ≈ the planted " + planted);
  }

  private double tractFa(String id, String site, int label) throws IOException {
    Path dwi = cohort.resolve(id).resolve("dwi");
    NiftiImage img = NiftiReader.read(dwi.resolve(id + "_dwi.nii.gz"), VoxelLayout.VOXEL_MAJOR);
    NiftiImage labels = NiftiReader.read(cohort.resolve("truth").resolve("site-" + site + "_dwi_labels.nii.gz"));
    double[][] g = worldDirections(id);
    String[] bvals = Files.readString(dwi.resolve(id + "_dwi.bval")).trim().split("\\s+");
    int nt = img.header().nt();
    double[] mean = new double[nt];
    int count = 0;
    float[] lab = labels.data();
    for (int v = 0; v < lab.length; v++) {
      if (lab[v] == label) {
        count++;
        for (int t = 0; t < nt; t++) {
          mean[t] += img.data()[v * nt + t];
        }
      }
    }
    assertTrue(count > 0, "tract present");
    SiteProfile sp = SiteProfile.of(site, site.equals("A") ? 0 : site.equals("B") ? 1 : 2);
    RealMatrix x = new Array2DRowRealMatrix(nt, 7);
    double[] y = new double[nt];
    for (int t = 0; t < nt; t++) {
      double b = Double.parseDouble(bvals[t]) <= 50 ? 0 : Double.parseDouble(bvals[t]);
      double[] d = g[t];
      double[] row = {1, -b * d[0] * d[0], -b * d[1] * d[1], -b * d[2] * d[2], -2 * b * d[0] * d[1], -2 * b * d[0] * d[2], -2 * b * d[1] * d[2]};
      x.setRow(t, row);
      y[t] = Math.log((mean[t] / count - sp.offset()) / sp.gain());
    }
    double[] p = new QRDecomposition(x).getSolver().solve(new ArrayRealVector(y)).toArray();
    RealMatrix dt = new Array2DRowRealMatrix(new double[][] {{p[1], p[4], p[5]}, {p[4], p[2], p[6]}, {p[5], p[6], p[3]}});
    double[] ev = new EigenDecomposition(dt).getRealEigenvalues();
    double md = (ev[0] + ev[1] + ev[2]) / 3;
    double num = Math.pow(ev[0] - md, 2) + Math.pow(ev[1] - md, 2) + Math.pow(ev[2] - md, 2);
    double den = ev[0] * ev[0] + ev[1] * ev[1] + ev[2] * ev[2];
    return Math.sqrt(1.5 * num / den);
  }

  @Test
  void brainstemCoherenceRisesWithTheTruthWeight() throws IOException {
    // mean correlation of brainstem voxels with their brainstem face-neighbours, per subject
    List<double[]> pairs = new ArrayList<>();
    for (String line : Files.readAllLines(cohort.resolve("participants.tsv")).subList(1, 11)) {
      String[] c = line.split("\t");
      NiftiImage bold = NiftiReader.read(cohort.resolve(c[0]).resolve("func").resolve(c[0] + "_task-rest_bold.nii.gz"),
          VoxelLayout.VOXEL_MAJOR);
      float[] lab = NiftiReader.read(cohort.resolve("truth").resolve("site-" + c[2] + "_bold_labels.nii.gz")).data();
      int nx = bold.header().nx();
      int nt = bold.header().nt();
      double sum = 0;
      int n = 0;
      for (int v = 0; v + 1 < lab.length; v++) {
        if (lab[v] == Phantom.BRAINSTEM && lab[v + 1] == Phantom.BRAINSTEM && (v + 1) % nx != 0) {
          sum += correlation(bold.data(), v * nt, (v + 1) * nt, nt);
          n++;
        }
      }
      assertTrue(n > 0, "brainstem pairs in " + c[0]);
      double weight = SampleCohortGenerator.BRAINSTEM_WEIGHT_BASE
          + (c[1].equals("HFS") ? SampleCohortGenerator.BRAINSTEM_WEIGHT_PER_GRADE * Integer.parseInt(c[6]) : 0);
      pairs.add(new double[] {weight, sum / n});
    }
    // rank correlation between planted weight and measured coherence must be clearly positive
    double rho = spearman(pairs);
    assertTrue(rho > 0.6, "Spearman rho between planted weight and brainstem coherence = " + rho);
  }

  private static double correlation(float[] d, int a, int b, int n) {
    double ma = 0;
    double mb = 0;
    for (int t = 0; t < n; t++) {
      ma += d[a + t];
      mb += d[b + t];
    }
    ma /= n;
    mb /= n;
    double sab = 0;
    double saa = 0;
    double sbb = 0;
    for (int t = 0; t < n; t++) {
      double x = d[a + t] - ma;
      double y = d[b + t] - mb;
      sab += x * y;
      saa += x * x;
      sbb += y * y;
    }
    return sab / Math.sqrt(saa * sbb);
  }

  private static double spearman(List<double[]> pairs) {
    int n = pairs.size();
    double[] rx = ranks(pairs.stream().mapToDouble(p -> p[0]).toArray());
    double[] ry = ranks(pairs.stream().mapToDouble(p -> p[1]).toArray());
    double mx = (n + 1) / 2.0;
    double sxy = 0;
    double sxx = 0;
    double syy = 0;
    for (int i = 0; i < n; i++) {
      sxy += (rx[i] - mx) * (ry[i] - mx);
      sxx += (rx[i] - mx) * (rx[i] - mx);
      syy += (ry[i] - mx) * (ry[i] - mx);
    }
    return sxy / Math.sqrt(sxx * syy);
  }

  private static double[] ranks(double[] v) {
    double[] r = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      double less = 0;
      double equal = 0;
      for (double w : v) {
        less += w < v[i] ? 1 : 0;
        equal += w == v[i] ? 1 : 0;
      }
      r[i] = less + (equal + 1) / 2;
    }
    return r;
  }

  private static Map<String, String> hashes(Path root) throws Exception {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path p : files.filter(Files::isRegularFile).toList()) {
        byte[] h = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p));
        out.put(root.relativize(p).toString(), HexFormat.of().formatHex(h));
      }
    }
    return out;
  }
}
