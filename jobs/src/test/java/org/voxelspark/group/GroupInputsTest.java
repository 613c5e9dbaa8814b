package org.voxelspark.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.voxelspark.cohort.Cohort;
import org.voxelspark.cohort.DwiRun;
import org.voxelspark.cohort.ParticipantsTable;
import org.voxelspark.cohort.Subject;
import org.voxelspark.error.UserInputException;
import org.voxelspark.geometry.Affine;
import org.voxelspark.geometry.VolumeGeometry;
import org.voxelspark.io.HadoopFiles;
import org.voxelspark.nifti.NiftiHeader;
import org.voxelspark.participant.DerivativeNames;
import org.voxelspark.participant.ParticipantStage;

/** Which subjects' maps the group stage takes, and the user errors when it cannot. */
class GroupInputsTest {
  @TempDir Path out;
  final Configuration conf = new Configuration();
  final List<Subject> subjects = new ArrayList<>();
  final StringBuilder runs = new StringBuilder("subject\tsite\tkind\trun\tstatus\tblocks\toutputs\n");

  static final VolumeGeometry LAS = new VolumeGeometry(4, 4, 4, Affine.scaling(-2, 2, 2, 6, -3, -3));
  static final VolumeGeometry RAS = new VolumeGeometry(4, 4, 4, Affine.scaling(2, 2, 2, 0, -3, -3));

  void subject(String label, String site, String status, VolumeGeometry grid, int sformCode) {
    String run = "sub-" + label + "_dwi";
    subjects.add(new Subject(label, null, site, Map.of("group", label.startsWith("p") ? "HFS" : "HC", "age", "50"),
        List.of(new DwiRun(run, "in.nii.gz", "b", "v", null)), List.of(), List.of()));
    runs.append("sub-").append(label).append('\t').append(site).append("\tDWI\t").append(run).append('\t').append(status)
        .append("\t1\t3\n");
    if (status.equals("ok")) {
      String dir = out.resolve("sub-" + label + "/dwi").toString();
      NiftiHeader h = NiftiHeader.builder(grid, 1).affine(grid.affine(), sformCode).build();
      float[] ones = new float[grid.voxelCount()];
      java.util.Arrays.fill(ones, 1);
      HadoopFiles.writeNifti(dir + "/" + DerivativeNames.FA.fileName(run), conf, h, ones);
      HadoopFiles.writeNifti(dir + "/" + DerivativeNames.DWI_MASK.fileName(run), conf, h, ones);
      float[] evals = new float[3 * grid.voxelCount()];
      HadoopFiles.writeNifti(dir + "/" + DerivativeNames.EVALS.fileName(run), conf,
          NiftiHeader.builder(grid, 3).affine(grid.affine(), sformCode).build(), evals);
    }
  }

  Cohort cohort() throws IOException {
    Files.writeString(out.resolve(ParticipantStage.RUNS_TSV), runs.toString());
    return new Cohort(out.toString(), "site", ParticipantsTable.empty("participants.tsv"), subjects);
  }

  @BeforeEach
  void twoGoodSubjects() {
    subject("p01", "A", "ok", LAS, 1);
    subject("c01", "B", "ok", RAS, 1);
  }

  @Test
  void takesEachSubjectsMapAndMaskInDesignRowOrderAndListsResampledOnes() throws IOException {
    GroupInputs in = GroupInputs.select(cohort(), out.toString(), "fa", null, false, java.util.Map.of(), conf);
    assertEquals(2, in.maps().size());
    assertEquals(0, in.maps().get(0).row());
    assertEquals("sub-p01", in.maps().get(0).subjectKey());
    assertTrue(in.maps().get(0).map().endsWith("sub-p01/dwi/sub-p01_dwi_model-tensor_param-fa_dwimap.nii.gz"));
    assertTrue(in.maps().get(1).mask().endsWith("sub-c01/dwi/sub-c01_dwi_desc-brain_mask.nii.gz"));
    assertEquals("HFS", in.rows().get(0).get("group"));
    assertEquals("sub-c01", in.rows().get(1).get("participant_id"));
    assertEquals(LAS, in.reference(), "the first subject's grid");
    assertEquals(List.of("sub-c01"), in.resampled());
    assertEquals(2, GroupInputs.select(cohort(), out.toString(), "l2", null, false, java.util.Map.of(), conf).maps().get(0).volume() + 1,
        "l2 is the second volume of the eigenvalue map");
  }

  @Test
  void failedSubjectsAreRefusedUnlessExcludedAndThenListed() throws IOException {
    subject("p02", "A", "failed", LAS, 1);
    Cohort c = cohort();
    UserInputException e = assertThrows(UserInputException.class, () -> GroupInputs.select(c, out.toString(), "fa", null,
        false, java.util.Map.of(), conf));
    assertTrue(e.getMessage().contains("sub-p02: its DWI run sub-p02_dwi failed in the participant stage"), e.getMessage());
    assertTrue(e.getMessage().contains("--exclude-failed"), e.getMessage());
    GroupInputs in = GroupInputs.select(c, out.toString(), "fa", null, true, java.util.Map.of(), conf);
    assertEquals(2, in.maps().size());
    assertEquals(List.of("sub-p02"), List.copyOf(in.excluded().keySet()));
  }

  @Test
  void mapsInAnotherSpaceAnUnknownMetricOrNoParticipantStageAreUserErrors() throws IOException {
    subject("p03", "C", "ok", LAS, 4);
    Cohort c = cohort();
    UserInputException e = assertThrows(UserInputException.class, () -> GroupInputs.select(c, out.toString(), "fa", null,
        false, java.util.Map.of(), conf));
    assertTrue(e.getMessage().contains("sub-p03_dwi_model-tensor_param-fa_dwimap.nii.gz: sform_code/qform_code: is in space MNI-152 but the analysis is in scanner"),
        e.getMessage());
    e = assertThrows(UserInputException.class, () -> GroupInputs.select(c, out.toString(), "fractional", null, false, java.util.Map.of(), conf));
    assertTrue(e.getMessage().contains("unknown metric 'fractional'; one of mean_b0, fa"), e.getMessage());
    Files.delete(out.resolve(ParticipantStage.RUNS_TSV));
    e = assertThrows(UserInputException.class, () -> GroupInputs.select(c, out.toString(), "fa", null, false, java.util.Map.of(), conf));
    assertTrue(e.getMessage().contains("participant_runs.tsv: missing: run the participant stage"), e.getMessage());
  }
}
