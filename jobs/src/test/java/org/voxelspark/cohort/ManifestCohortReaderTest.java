package org.voxelspark.cohort;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.voxelspark.error.UserInputException;

class ManifestCohortReaderTest {
  @TempDir Path dir;
  private final Configuration conf = new Configuration();

  @Test
  void readsRowsWithRelativePathsAndCovariates() throws IOException {
    for (String f : new String[] {"d1.nii.gz", "d1.bval", "d1.bvec", "b1.nii.gz", "b2.nii"}) {
      Files.writeString(dir.resolve(f), "x");
    }
    Files.writeString(dir.resolve("m.csv"), "participant_id,session,site,group,age,dwi,bval,bvec,bold,repetition_time\n"
        + "p1,1,X,HFS,50,d1.nii.gz,d1.bval,d1.bvec,b1.nii.gz,2.0\n"
        + "p1,2,X,HFS,50,,,,b2.nii,n/a\n");
    Cohort c = ManifestCohortReader.read(dir.resolve("m.csv").toString(), conf, CohortOptions.defaults());
    assertEquals(2, c.subjects().size());
    Subject s = c.subjects().get(0);
    assertTrue(s.isValid(), s.problems().toString());
    assertEquals("sub-p1_ses-1", s.key());
    assertEquals("X", s.site());
    assertTrue(s.dwi().get(0).nifti().endsWith("/d1.nii.gz"));
    assertEquals(2.0, s.bold().get(0).repetitionTimeSeconds());
    assertEquals(null, c.subjects().get(1).bold().get(0).repetitionTimeSeconds());
    assertEquals("50", c.participants().row("p1").get("age"));
    assertEquals(List.of("participant_id", "site", "group", "age"), c.participants().columns());
  }

  @Test
  void reportsMissingFilesAndBadValuesPerRow() throws IOException {
    Files.writeString(dir.resolve("m.csv"), "participant_id,site,bold,repetition_time\n"
        + "p1,X,absent.nii.gz,2\n"
        + "p2,,absent2.nii.gz,-1\n"
        + "p../3,X,x.nii,2\n");
    Cohort c = ManifestCohortReader.read(dir.resolve("m.csv").toString(), conf, CohortOptions.defaults());
    assertEquals(3, c.subjects().size());
    java.util.Map<String, Subject> byLabel = c.subjects().stream()
        .collect(java.util.stream.Collectors.toMap(Subject::label, s -> s));
    assertTrue(byLabel.get("p1").problems().get(0).message().contains("does not exist"));
    List<String> fields = byLabel.get("p2").problems().stream().map(UserInputException.Problem::field).toList();
    assertTrue(fields.contains("line 3 site") && fields.contains("line 3 repetition_time"), fields.toString());
    assertTrue(c.subjects().stream().anyMatch(s -> s.problems().stream().anyMatch(p -> p.field().equals("line 4 participant_id"))));
  }

  @Test
  void missingColumnsAndDuplicatesStopTheRun() throws IOException {
    Files.writeString(dir.resolve("m.csv"), "participant_id,group\np1,HC\n");
    UserInputException e = assertThrows(UserInputException.class,
        () -> ManifestCohortReader.read(dir.resolve("m.csv").toString(), conf, CohortOptions.defaults()));
    assertEquals(2, e.problems().size(), e.getMessage());
    Files.writeString(dir.resolve("x.nii"), "x");
    Files.writeString(dir.resolve("m2.csv"), "participant_id,site,bold\np1,X,x.nii\np1,X,x.nii\n");
    e = assertThrows(UserInputException.class,
        () -> ManifestCohortReader.read(dir.resolve("m2.csv").toString(), conf, CohortOptions.defaults()));
    assertTrue(e.getMessage().contains("listed twice"), e.getMessage());
  }

  @Test
  void confoundsColumnNamesEachBoldRunsTable() throws IOException {
    for (String f : new String[] {"b1.nii.gz", "b2.nii.gz", "c1.tsv"}) {
      Files.writeString(dir.resolve(f), "x");
    }
    Files.writeString(dir.resolve("m.csv"), "participant_id,site,bold,confounds\n"
        + "p1,X,b1.nii.gz,c1.tsv\n"
        + "p2,X,b2.nii.gz,n/a\n");
    CohortOptions withConfounds = new CohortOptions(List.of(), "site", "rest", true, null);
    Cohort c = ManifestCohortReader.read(dir.resolve("m.csv").toString(), conf, withConfounds);
    assertTrue(c.subjects().get(0).isValid(), c.subjects().get(0).problems().toString());
    assertTrue(c.subjects().get(0).bold().get(0).confounds().endsWith("/c1.tsv"));
    assertEquals("line 3 confounds", c.subjects().get(1).problems().get(0).field(), "--confounds needs a table for every run");
    Cohort without = ManifestCohortReader.read(dir.resolve("m.csv").toString(), conf, CohortOptions.defaults());
    assertTrue(without.subjects().get(1).isValid(), "without --confounds a missing table is fine");
    assertEquals(List.of("participant_id", "site"), without.participants().columns(), "confounds is not a covariate");
  }
}
