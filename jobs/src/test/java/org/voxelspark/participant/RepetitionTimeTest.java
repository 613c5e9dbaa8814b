package org.voxelspark.participant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.voxelspark.error.UserInputException;
import org.voxelspark.nifti.NiftiHeader;

/**
 * The BOLD repetition time (docs/cohort-input.md): the JSON sidecar's, else the header's
 * {@code pixdim[4]}; neither is a user error, and both must agree within
 * {@link ParticipantKernels#TR_RELATIVE_TOLERANCE}.
 */
class RepetitionTimeTest {
  private static RunTask task(Double sidecar) {
    return new RunTask("sub-01", "A", RunKind.BOLD, "sub-01_task-rest", "bold.nii.gz", null, null, sidecar, "out");
  }

  private static NiftiHeader header(double pixdim4) {
    return NiftiHeader.builder(4, 4, 4, 20).repetitionTimeSeconds(pixdim4).build();
  }

  @Test
  void sidecarElseHeaderAndNeitherIsAUserError() {
    assertEquals(2.0, ParticipantKernels.repetitionTimeSeconds(task(2.0), header(0)), "the sidecar alone");
    assertEquals(1.5, ParticipantKernels.repetitionTimeSeconds(task(null), header(1.5)), "the header alone");
    assertEquals(2.0, ParticipantKernels.repetitionTimeSeconds(task(2.0), header(2.01)), "agreeing within 1 %");
    UserInputException missing = assertThrows(UserInputException.class,
        () -> ParticipantKernels.repetitionTimeSeconds(task(null), header(0)));
    assertEquals("bold.nii.gz", missing.problems().get(0).source());
    assertEquals("RepetitionTime", missing.problems().get(0).field());
    assertTrue(missing.getMessage().contains("missing"), missing.getMessage());
    UserInputException disagree = assertThrows(UserInputException.class,
        () -> ParticipantKernels.repetitionTimeSeconds(task(2.0), header(2.5)));
    assertTrue(disagree.getMessage().contains("the JSON sidecar says 2.0 s but the NIfTI header says 2.5 s"), disagree.getMessage());
    UserInputException nan = assertThrows(UserInputException.class,
        () -> ParticipantKernels.repetitionTimeSeconds(task(null), header(Double.NaN)));
    assertEquals("RepetitionTime", nan.problems().get(0).field(), "a NaN pixdim[4] is no TR");
  }
}
