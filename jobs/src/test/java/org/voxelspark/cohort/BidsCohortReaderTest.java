package org.voxelspark.cohort;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.voxelspark.error.UserInputException;

/** BIDS trees built by the tests (placeholder image files: the reader only pairs files here). */
class BidsCohortReaderTest {
  @TempDir Path root;
  private final Configuration conf = new Configuration();

  private void touch(String relative, String content) throws IOException {
    Path p = root.resolve(relative);
    Files.createDirectories(p.getParent());
    Files.writeString(p, content);
  }

  private void dwi(String sub, String ses) throws IOException {
    String dir = "sub-" + sub + (ses == null ? "" : "/ses-" + ses) + "/dwi/";
    String stem = "sub-" + sub + (ses == null ? "" : "_ses-" + ses) + "_dwi";
    touch(dir + stem + ".nii.gz", "x");
    touch(dir + stem + ".bval", "0 1000");
    touch(dir + stem + ".bvec", "0 1\n0 0\n0 0");
  }

  private void bold(String sub, String json) throws IOException {
    touch("sub-" + sub + "/func/sub-" + sub + "_task-rest_bold.nii.gz", "x");
    if (json != null) {
      touch("sub-" + sub + "/func/sub-" + sub + "_task-rest_bold.json", json);
    }
  }

  @Test
  void readsAGoodDatasetWithInheritedRepetitionTime() throws IOException {
    touch("participants.tsv", "participant_id\tgroup\tsite\tage\nsub-01\tHFS\tA\t50.5\nsub-02\tHC\tB\tn/a\n");
    touch("task-rest_bold.json", "{\"RepetitionTime\": 2.0}");
    dwi("01", null);
    bold("01", "{\"RepetitionTime\": 1.5}");
    dwi("02", null);
    bold("02", null);
    touch("sub-02/func/sub-02_task-motor_bold.nii.gz", "x"); // another task: ignored
    Cohort c = BidsCohortReader.read(root.toString(), conf, CohortOptions.defaults());
    assertEquals(2, c.subjects().size());
    Subject s1 = c.subjects().get(0);
    assertEquals("01", s1.label());
    assertEquals("A", s1.site());
    assertTrue(s1.isValid(), s1.problems().toString());
    assertEquals("sub-01", s1.dwi().get(0).name());
    assertTrue(s1.dwi().get(0).bval().endsWith("sub-01_dwi.bval"));
    assertEquals(1.5, s1.bold().get(0).repetitionTimeSeconds(), "the run's own sidecar wins");
    Subject s2 = c.subjects().get(1);
    assertEquals(2.0, s2.bold().get(0).repetitionTimeSeconds(), "dataset-level task-rest_bold.json inherited");
    assertEquals(1, s2.bold().size());
    assertEquals("sub-02_task-rest", s2.bold().get(0).name());
    assertNull(s2.attributes().get("age"), "n/a is missing");
    assertEquals("50.5", s1.attributes().get("age"));
    assertTrue(c.describe().contains("subjects=2"), c.describe());
  }

  @Test
  void sessionsAndParticipantFilterAndFileUris() throws IOException {
    touch("participants.tsv", "participant_id\tsite\nsub-01\tA\nsub-02\tA\nsub-03\tB\n");
    dwi("01", "1");
    dwi("01", "2");
    dwi("02", null);
    dwi("03", null);
    Cohort c = BidsCohortReader.read(root.toUri().toString(), conf,
        new CohortOptions(List.of("sub-01,03"), "site", "rest"));
    assertEquals(List.of("sub-01_ses-1", "sub-01_ses-2", "sub-03"),
        c.subjects().stream().map(Subject::key).collect(Collectors.toList()));
    assertTrue(c.root().startsWith("file:"), c.root());
  }

  @Test
  void reportsEverySubjectProblemAtOnce() throws IOException {
    touch("participants.tsv", "participant_id\tsite\nsub-01\tA\nsub-02\tn/a\nsub-04\tB\n");
    dwi("01", null);
    Files.delete(root.resolve("sub-01/dwi/sub-01_dwi.bvec"));
    dwi("02", null);
    dwi("03", null);
    bold("03", "{not json");
    Cohort c = BidsCohortReader.read(root.toString(), conf, CohortOptions.defaults());
    assertEquals(4, c.subjects().size());
    assertTrue(c.validSubjects().isEmpty(), "every subject has a problem");
    assertProblem(c.subjects().get(0), "bvec", "sub-01_dwi.nii.gz");
    assertProblem(c.subjects().get(1), "sub-02 site", "participants.tsv");
    assertProblem(c.subjects().get(2), "participant_id", "participants.tsv");
    assertProblem(c.subjects().get(2), "", "sub-03_task-rest_bold.json");
    assertProblem(c.subjects().get(3), "", "sub-04");
  }

  private static void assertProblem(Subject s, String field, String sourceEnd) {
    assertTrue(s.problems().stream().anyMatch(p -> p.field().equals(field) && p.source().endsWith(sourceEnd)),
        s.key() + ": expected a problem in " + sourceEnd + " field '" + field + "', got " + s.problems());
  }

  @Test
  void cohortLevelProblemsAreThrownTogether() throws IOException {
    touch("participants.tsv", "participant_id\tgroup\nsub-01\tHC\nsub-01\tHC\nsub-../x\tHC\nsub-02\tHC\textra\n");
    dwi("01", null);
    UserInputException e = assertThrows(UserInputException.class,
        () -> BidsCohortReader.read(root.toString(), conf, new CohortOptions(List.of("sub-09"), "site", "rest")));
    List<String> fields = e.problems().stream().map(UserInputException.Problem::field).toList();
    assertTrue(fields.contains("line 3 participant_id"), "duplicate row: " + e.getMessage());
    assertTrue(fields.contains("line 4 participant_id"), "path traversal in a label: " + e.getMessage());
    assertTrue(fields.contains("line 5"), "ragged row: " + e.getMessage());
    assertTrue(fields.contains("site"), "no site column: " + e.getMessage());
    assertTrue(fields.contains("--participant-label"), "unknown filter label: " + e.getMessage());
    assertEquals(5, e.problems().size(), e.getMessage());
  }

  @Test
  void missingDatasetOrParticipantsFile() throws IOException {
    UserInputException e = assertThrows(UserInputException.class,
        () -> BidsCohortReader.read(root.resolve("absent").toString(), conf, CohortOptions.defaults()));
    assertTrue(e.getMessage().contains("does not exist"));
    dwi("01", null);
    e = assertThrows(UserInputException.class, () -> BidsCohortReader.read(root.toString(), conf, CohortOptions.defaults()));
    assertTrue(e.problems().get(0).source().endsWith("participants.tsv"), e.getMessage());
  }

  @Test
  void labelsRejectPathTricks() {
    for (String bad : new String[] {"..", "a/b", "a\\b", "a b", "a-b", "a_b", "", "é"}) {
      assertFalse(Labels.isValid(bad), bad);
      assertThrows(UserInputException.class, () -> Labels.requireSafe(bad, "src", "field"));
    }
    assertEquals("01", Labels.requireSafe("01", "src", "field"));
    assertEquals("01", Labels.stripPrefix("sub-01", "sub"));
  }

  @Test
  void bidsFilenames() {
    BidsFilename f = BidsFilename.parse("sub-01_ses-2_task-rest_run-1_bold.nii.gz");
    assertEquals("bold", f.suffix());
    assertEquals(".nii.gz", f.extension());
    assertEquals("rest", f.get("task"));
    assertEquals("sub-01_ses-2_task-rest_run-1", f.entityPrefix());
    assertNull(BidsFilename.parse("sub-01_task-re_st_bold.nii.gz"));
    assertNull(BidsFilename.parse("notbids.nii.gz"));
    assertNull(BidsFilename.parse("sub-01_sub-02_dwi.nii"));
  }

  @Test
  void confoundsTablesAreFoundAsFmriprepNamesThem() throws IOException {
    touch("participants.tsv", "participant_id\tsite\nsub-01\tA\nsub-02\tA\nsub-03\tB\n");
    // sub-01: fMRIPrep output as the input: space/desc entities are not in the confounds name
    touch("sub-01/func/sub-01_task-rest_run-1_space-MNI152NLin2009cAsym_desc-preproc_bold.nii.gz", "x");
    touch("sub-01/func/sub-01_task-rest_run-1_desc-confounds_timeseries.tsv", "a\n1\n");
    // sub-02: fMRIPrep < 20.2 name
    bold("02", null);
    touch("sub-02/func/sub-02_task-rest_desc-confounds_regressors.tsv", "a\n1\n");
    // sub-03: none
    bold("03", null);
    CohortOptions options = new CohortOptions(List.of(), "site", "rest", true, null);
    Cohort c = BidsCohortReader.read(root.toString(), conf, options);
    Subject s1 = c.subjects().get(0);
    assertTrue(s1.isValid(), s1.problems().toString());
    assertTrue(s1.bold().get(0).confounds().endsWith("sub-01/func/sub-01_task-rest_run-1_desc-confounds_timeseries.tsv"));
    assertTrue(c.subjects().get(1).bold().get(0).confounds().endsWith("sub-02_task-rest_desc-confounds_regressors.tsv"));
    Subject s3 = c.subjects().get(2);
    assertFalse(s3.isValid());
    assertProblem(s3, "confounds", "sub-03_task-rest_bold.nii.gz");
    assertTrue(s3.problems().get(0).message().contains("sub-03_task-rest_desc-confounds_timeseries.tsv")
        && s3.problems().get(0).message().contains("--confounds-dir"), s3.problems().toString());
    assertNull(BidsCohortReader.read(root.toString(), conf, CohortOptions.defaults()).subjects().get(0).bold().get(0).confounds(),
        "not looked for without --confounds");
  }

  @Test
  void confoundsDirIsAnFmriprepTreeWithSessions(@TempDir Path fmriprep) throws IOException {
    touch("participants.tsv", "participant_id\tsite\nsub-01\tA\n");
    touch("sub-01/ses-1/func/sub-01_ses-1_task-rest_bold.nii.gz", "x");
    Path table = fmriprep.resolve("sub-01/ses-1/func/sub-01_ses-1_task-rest_desc-confounds_timeseries.tsv");
    Files.createDirectories(table.getParent());
    Files.writeString(table, "a\n1\n");
    Cohort c = BidsCohortReader.read(root.toString(), conf, new CohortOptions(List.of(), "site", "rest", true, fmriprep.toString()));
    Subject s = c.subjects().get(0);
    assertTrue(s.isValid(), s.problems().toString());
    assertTrue(s.bold().get(0).confounds().endsWith("ses-1/func/sub-01_ses-1_task-rest_desc-confounds_timeseries.tsv"));
    UserInputException e = assertThrows(UserInputException.class, () -> BidsCohortReader.read(root.toString(), conf,
        new CohortOptions(List.of(), "site", "rest", true, fmriprep.resolve("absent").toString())));
    assertEquals("--confounds-dir", e.problems().get(0).field());
  }
}
