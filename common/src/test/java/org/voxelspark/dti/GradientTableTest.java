package org.voxelspark.dti;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.voxelspark.error.UserInputException;
import org.voxelspark.geometry.Affine;
import org.voxelspark.nifti.NiftiReader;
import org.voxelspark.testing.SharedData;

class GradientTableTest {
  private static final String BVAL = "5 1000 1000 0\n";
  private static final String BVEC = "0 2 0 0\n0 0 0.6 0\n0 0 0.8 0\n";

  @Test
  void parsesRowsNormalisesAndAppliesTheB0Threshold() {
    GradientTable g = GradientTable.parse(BVAL, "x.bval", BVEC, "x.bvec", 4, 50);
    assertArrayEquals(new int[] {0, 3}, g.b0Volumes(), "b = 5 is a b0 volume");
    assertEquals(1000, g.bval(1));
    assertEquals(1.0, g.bvec(1, 0), 1e-12, "normalised");
    assertEquals(0.6, g.bvec(2, 1), 1e-12);
    assertEquals(4000, g.effectiveBval(1), 1e-9, "b scaled by |g|^2 = 4 (the stored vector (2,0,0))");
    assertEquals(1000, g.effectiveBval(2), 1e-9);
    assertEquals(0, g.effectiveBval(0), "b0");
    GradientTable columns = GradientTable.parse("5\n1000\n1000\n0", "x.bval", "0 0 0\n2 0 0\n0 .6 .8\n0 0 0", "x.bvec", 4, 50);
    for (int q = 0; q < 4; q++) {
      for (int c = 0; c < 3; c++) {
        assertEquals(g.bvec(q, c), columns.bvec(q, c), 1e-12, "N rows of 3 read as 3 rows of N");
      }
    }
    assertArrayEquals(new int[] {3},
        GradientTable.parse(BVAL, "x.bval", "1 2 0 0\n0 0 0.6 0\n0 0 0.8 0\n", "x.bvec", 4, 1).b0Volumes(), "threshold 1");
  }

  @Test
  void worldFrameFlipsXForPositiveDeterminant() {
    GradientTable g = GradientTable.parse("0 1000", "b", "0 1\n0 0\n0 0", "v", 2, 50);
    double[] las = g.worldDirections(Affine.scaling(-2, 2, 2, 0, 0, 0));
    double[] ras = g.worldDirections(Affine.scaling(2, 2, 2, 0, 0, 0));
    assertEquals(-1, las[3], 1e-12, "LAS: x axis points left, the vector as given points left");
    assertEquals(-1, ras[3], 1e-12, "RAS: FSL's x flip makes the same stored vector point left too");
  }

  @Test
  void userErrorsNameTheFileAndTheField() {
    assertProblem(() -> GradientTable.parse("0 1000 1000", "a.bval", BVEC, "a.bvec", 4, 50), "a.bval", "count");
    assertProblem(() -> GradientTable.parse(BVAL, "a.bval", "0 1 0\n0 0 1\n", "a.bvec", 4, 50), "a.bvec", "count");
    assertProblem(() -> GradientTable.parse(BVAL, "a.bval", "0 1 0 0\n0 0 1\n0 0 0 0", "a.bvec", 4, 50), "a.bvec", "shape");
    assertProblem(() -> GradientTable.parse("0 nan 1000 0", "a.bval", BVEC, "a.bvec", 4, 50), "a.bval", "value 2");
    assertProblem(() -> GradientTable.parse("0 1000 1000 0", "a.bval", "0 0 0 0\n0 0 1 0\n0 0 0 0", "a.bvec", 4, 50), "a.bvec", "volume 1");
    assertProblem(() -> GradientTable.parse("1000 1000 1000 1000", "a.bval", BVEC.replace("0 2", "1 2"), "a.bvec", 4, 50), "a.bval", "b0");
    assertProblem(() -> GradientTable.parse("", "a.bval", BVEC, "a.bvec", 4, 50), "a.bval", "");
  }

  private static void assertProblem(Runnable r, String source, String field) {
    UserInputException e = assertThrows(UserInputException.class, r::run);
    assertTrue(e.problems().stream().anyMatch(p -> p.source().equals(source) && p.field().equals(field)), e.getMessage());
  }

  @Test
  void readsTheReferenceScansTables() throws IOException {
    for (String ds : new String[] {"dipy_small25", "dipy_small64D", "canon_ax_ortho", "canon_ax_oblique"}) {
      Path dir = SharedData.require("dwi/" + ds);
      int nt = NiftiReader.readHeader(dir.resolve("dwi.nii.gz")).nt();
      GradientTable g = GradientTable.parse(Files.readString(dir.resolve("dwi.bval")), "bval",
          Files.readString(dir.resolve("dwi.bvec")), "bvec", nt, GradientTable.DEFAULT_B0_THRESHOLD);
      assertTrue(g.b0Volumes().length >= 1, ds);
      assertEquals(nt, g.volumes(), ds);
    }
  }
}
