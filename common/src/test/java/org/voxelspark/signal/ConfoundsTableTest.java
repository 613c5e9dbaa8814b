package org.voxelspark.signal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.voxelspark.error.UserInputException;

/** fMRIPrep confounds tables: column selection by names and globs, leading n/a, and every kind of bad input. */
class ConfoundsTableTest {
  /** fMRIPrep's layout: derivative columns and framewise_displacement start with n/a. */
  static final String TSV = String.join("\n",
      "global_signal\tcsf\twhite_matter\ttrans_x\ttrans_x_derivative1\ttrans_y\trot_x\tframewise_displacement",
      "100.5\t80.1\t90.2\t0.01\tn/a\t-0.02\t0.001\tn/a",
      "101.0\t80.4\t90.0\t0.03\t0.02\t-0.01\t0.002\t0.05",
      "99.8\t79.9\t90.3\t0.02\t-0.01\t0.00\t0.000\t0.04",
      "100.1\t80.0\t90.1\t0.05\t0.03\t0.01\t-0.001\t0.07") + "\n";

  @Test
  void selectsByNameAndGlobInPatternOrder() {
    ConfoundsTable t = ConfoundsTable.parse(TSV, "conf.tsv");
    assertEquals(4, t.rows());
    assertEquals(List.of("csf", "white_matter", "trans_x", "trans_x_derivative1", "trans_y", "rot_x"),
        t.select(List.of("csf", "white_matter", "trans_*", "rot_*")));
    assertEquals(List.of("trans_x", "trans_y", "rot_x"), t.select(List.of("trans_?", "rot_?", "trans_x")),
        "? matches one character; a column selected twice is kept once");
  }

  @Test
  void leadingMissingValuesTakeTheFirstPresentValue() {
    ConfoundsTable t = ConfoundsTable.parse(TSV.replace("\n", "\r\n"), "conf.tsv"); // Windows line ends too
    List<double[]> v = t.values(List.of("trans_x_derivative1", "framewise_displacement", "csf"), 4);
    assertArrayEquals(new double[] {0.02, 0.02, -0.01, 0.03}, v.get(0));
    assertArrayEquals(new double[] {0.05, 0.05, 0.04, 0.07}, v.get(1));
    assertArrayEquals(new double[] {80.1, 80.4, 79.9, 80.0}, v.get(2));
  }

  @Test
  void aMissingColumnNamesThePatternAndTheFile() {
    ConfoundsTable t = ConfoundsTable.parse(TSV, "sub-01_task-rest_desc-confounds_timeseries.tsv");
    UserInputException e = assertThrows(UserInputException.class, () -> t.select(List.of("csf", "a_comp_cor_*", "wm")));
    assertEquals(2, e.problems().size(), e.getMessage());
    assertTrue(e.problems().get(0).source().endsWith("desc-confounds_timeseries.tsv"));
    assertTrue(e.getMessage().contains("no column matches 'a_comp_cor_*'"), e.getMessage());
    assertTrue(e.getMessage().contains("no column is named 'wm'") && e.getMessage().contains("white_matter"), e.getMessage());
  }

  @Test
  void rowCountMustEqualTheVolumes() {
    ConfoundsTable t = ConfoundsTable.parse(TSV, "conf.tsv");
    UserInputException e = assertThrows(UserInputException.class, () -> t.values(List.of("csf"), 156));
    assertEquals("rows", e.problems().get(0).field());
    assertTrue(e.getMessage().contains("has 4 rows") && e.getMessage().contains("156 volumes"), e.getMessage());
  }

  @Test
  void nonNumericLateMissingAndAllMissingAreReportedTogether() {
    String bad = String.join("\n",
        "csf\ttrans_x_derivative1\tframewise_displacement\tempty",
        "80.1\tn/a\tInfinity\tn/a",
        "eighty\t0.02\t0.05\tn/a",
        "79.9\tn/a\t0.04\t",
        "80.0\t0.03\t0.07\tNaN");
    ConfoundsTable t = ConfoundsTable.parse(bad, "conf.tsv");
    UserInputException e = assertThrows(UserInputException.class,
        () -> t.values(List.of("csf", "trans_x_derivative1", "framewise_displacement", "empty"), 4));
    String m = e.getMessage();
    assertEquals(4, e.problems().size(), m);
    assertTrue(m.contains("line 3 column csf") && m.contains("\"eighty\" is not a number"), m);
    assertTrue(m.contains("line 4 column trans_x_derivative1") && m.contains("after present values"), m);
    assertTrue(m.contains("line 2 column framewise_displacement") && m.contains("not a finite number"), m);
    assertTrue(m.contains("column empty") && m.contains("all n/a"), m);
  }

  @Test
  void malformedFilesAreRefused() {
    assertThrows(UserInputException.class, () -> ConfoundsTable.parse("", "conf.tsv"));
    UserInputException e = assertThrows(UserInputException.class,
        () -> ConfoundsTable.parse("a\tb\tb\n1\t2\n", "conf.tsv"));
    assertTrue(e.getMessage().contains("names column 'b' twice") && e.getMessage().contains("line 2"), e.getMessage());
  }
}
