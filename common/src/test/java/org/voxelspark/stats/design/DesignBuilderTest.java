package org.voxelspark.stats.design;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.voxelspark.error.UserInputException;

class DesignBuilderTest {
  private static final String TABLE = "participants.tsv";

  /** 12 subjects: group HC/HFS alternating, sites A, B, C (4 each), age, sex, severity for patients. */
  static List<Map<String, String>> cohort() {
    String[] sex = {"F", "M", "M", "F", "F", "M", "M", "F", "F", "M", "F", "M"};
    double[] age = {41, 55, 38, 62, 47, 51, 36, 58, 44, 49, 60, 39};
    List<Map<String, String>> rows = new ArrayList<>();
    for (int s = 0; s < 12; s++) {
      Map<String, String> r = new LinkedHashMap<>();
      r.put("participant_id", String.format("sub-%02d", s + 1));
      r.put("group", s % 2 == 0 ? "HC" : "HFS");
      r.put("site", String.valueOf((char) ('A' + s / 4)));
      r.put("site_code", String.valueOf(1 + s / 4));
      r.put("age", String.valueOf(age[s]));
      r.put("sex", sex[s]);
      r.put("severity", s % 2 == 0 ? "n/a" : String.valueOf(1 + (s / 2) % 4));
      rows.add(r);
    }
    return rows;
  }

  static Design build(String model, String... contrasts) {
    List<ContrastSpec> cs = new ArrayList<>();
    for (int i = 0; i < contrasts.length; i++) {
      cs.add(new ContrastSpec("c" + (i + 1), contrasts[i]));
    }
    return DesignBuilder.build(cohort(), TABLE, ModelSpec.parse(model), cs, List.of());
  }

  static UserInputException.Problem only(UserInputException e) {
    assertEquals(1, e.problems().size(), e.getMessage());
    return e.problems().get(0);
  }

  @Test
  void codesTermsWithTreatmentCodingAndDemeaning() {
    Design d = build("group + age + sex + site", "group[HFS] - group[HC]", "age", "site[C] - site[B]",
        "0.5*site[B] + 0.5*site[C]", "-group[HFS]");
    assertEquals(List.of("intercept", "group[HFS]", "age", "sex[M]", "site[B]", "site[C]"), d.columnNames());
    assertEquals(12, d.subjects());
    assertEquals(6, d.residualDof());
    double mean = 0;
    for (int s = 0; s < 12; s++) {
      assertEquals(1.0, d.get(s, 0));
      assertEquals(s % 2 == 0 ? 0.0 : 1.0, d.get(s, 1));
      mean += d.get(s, 2);
      assertEquals(s / 4 == 1 ? 1.0 : 0.0, d.get(s, 4));
      assertEquals(s / 4 == 2 ? 1.0 : 0.0, d.get(s, 5));
    }
    assertEquals(0.0, mean, 1e-12, "age is centred");
    Term age = d.terms().get(2);
    assertEquals(ColumnType.NUMERIC, age.type());
    assertEquals(48.333333333333336, age.mean(), 1e-12);
    Term group = d.terms().get(1);
    assertEquals("HC", group.reference());
    assertEquals(List.of("HC", "HFS"), group.levels());
    assertEquals("A", d.terms().get(4).reference());
    List<Contrast> c = d.contrasts();
    assertArrayEquals(new double[] {0, 1, 0, 0, 0, 0}, c.get(0).weights());
    assertTrue(c.get(0).isGroupDifference());
    assertArrayEquals(new double[] {0, 0, 1, 0, 0, 0}, c.get(1).weights());
    assertFalse(c.get(1).isGroupDifference());
    assertArrayEquals(new double[] {0, 0, 0, 0, -1, 1}, c.get(2).weights());
    assertTrue(c.get(2).isGroupDifference());
    assertArrayEquals(new double[] {0, 0, 0, 0, 0.5, 0.5}, c.get(3).weights());
    assertFalse(c.get(3).isGroupDifference());
    assertArrayEquals(new double[] {0, -1, 0, 0, 0, 0}, c.get(4).weights());
    assertTrue(c.get(4).isGroupDifference(), "HC − HFS is a group difference too");
    assertNull(d.blocks());
    assertFalse(d.isOneSample());
  }

  @Test
  void referenceLevelTypesBlocksAndNoIntercept() {
    ModelSpec m = ModelSpec.parse("group + C(site_code)").withReference("group", "HFS").withBlocks("site");
    Design d = DesignBuilder.build(cohort(), TABLE, m, List.of(new ContrastSpec("hc", "group[HC] - group[HFS]")),
        List.of(new FTestSpec("sites", List.of("site_code"))));
    assertEquals(List.of("intercept", "group[HC]", "site_code[2]", "site_code[3]"), d.columnNames());
    assertArrayEquals(new double[] {0, 1, 0, 0}, d.contrasts().get(0).weights());
    assertEquals(2, d.fTests().get(0).rank());
    assertArrayEquals(new double[] {0, 0, 1, 0}, d.fTests().get(0).row(0));
    assertArrayEquals(new int[] {0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2}, d.blocks());
    assertEquals(List.of("A", "B", "C"), d.blockLevels());

    Design numericSite = DesignBuilder.build(cohort(), TABLE, ModelSpec.parse("group + site_code"), List.of(), List.of());
    assertEquals(List.of("intercept", "group[HFS]", "site_code"), numericSite.columnNames(), "numbers are numeric by default");

    Design cells = DesignBuilder.build(cohort(), TABLE, ModelSpec.parse("0 + group + age").withDemean(false),
        List.of(new ContrastSpec("d", "group[HFS] - group[HC]")), List.of());
    assertEquals(List.of("group[HC]", "group[HFS]", "age"), cells.columnNames());
    assertArrayEquals(new double[] {-1, 1, 0}, cells.contrasts().get(0).weights());
    assertTrue(cells.contrasts().get(0).isGroupDifference());
    assertEquals(41.0, cells.get(0, 2), "not demeaned");
    assertEquals(ModelSpec.parse("group + age - 1").intercept(), false);
  }

  @Test
  void oneSampleDesign() {
    Design d = DesignBuilder.build(cohort(), TABLE, ModelSpec.parse("1"), List.of(new ContrastSpec("mean", "intercept")), List.of());
    assertEquals(List.of("intercept"), d.columnNames());
    assertTrue(d.isOneSample());
  }

  @Test
  void missingValuesNameTheRowsAndSubjects() {
    UserInputException e = assertThrows(UserInputException.class, () -> build("group + severity"));
    UserInputException.Problem p = only(e);
    assertEquals(TABLE, p.source());
    assertEquals("severity", p.field());
    assertTrue(p.message().contains("rows 1 (sub-01), 3 (sub-03), 5 (sub-05)"), p.message());
  }

  @Test
  void nonNumericValueInANumericColumn() {
    List<Map<String, String>> rows = cohort();
    rows.get(4).put("age", "forty");
    UserInputException e = assertThrows(UserInputException.class, () -> DesignBuilder.build(rows, TABLE,
        ModelSpec.parse("group + age").withType("age", ColumnType.NUMERIC), List.of(), List.of()));
    UserInputException.Problem p = only(e);
    assertEquals("age", p.field());
    assertTrue(p.message().contains("'forty'") && p.message().contains("row 5 (sub-05)"), p.message());
  }

  @Test
  void unknownColumnsLevelsAndTerms() {
    UserInputException e = assertThrows(UserInputException.class, () -> build("group + weight"));
    assertEquals("weight", only(e).field());
    assertEquals(TABLE, only(e).source());

    e = assertThrows(UserInputException.class, () -> build("group + age", "group[HFX] - group[HC]"));
    assertEquals(DesignBuilder.CONTRAST_OPTION, only(e).source());
    assertEquals("c1", only(e).field());
    assertTrue(only(e).message().contains("unknown level 'HFX'") && only(e).message().contains("HC, HFS"), only(e).message());

    e = assertThrows(UserInputException.class, () -> build("group + age", "sex[M]"));
    assertTrue(only(e).message().contains("unknown term 'sex'"), only(e).message());

    e = assertThrows(UserInputException.class, () -> build("group + age", "group"));
    assertTrue(only(e).message().contains("is categorical: name a level"), only(e).message());

    e = assertThrows(UserInputException.class, () -> build("group + age", "group[HC]"));
    assertTrue(only(e).message().contains("is zero on every design column"), only(e).message());

    e = assertThrows(UserInputException.class, () -> build("group + age", "age[3]"));
    assertTrue(only(e).message().contains("is numeric"), only(e).message());
  }

  @Test
  void rankDeficiencyNamesTheAliasedColumns() {
    List<Map<String, String>> rows = cohort();
    for (Map<String, String> r : rows) {
      r.put("age_months", String.valueOf(12 * Double.parseDouble(r.get("age"))));
      r.put("scanner", r.get("site").equals("A") ? "X" : "Y");
    }
    UserInputException e = assertThrows(UserInputException.class,
        () -> DesignBuilder.build(rows, TABLE, ModelSpec.parse("group + age + age_months"), List.of(), List.of()));
    UserInputException.Problem p = only(e);
    assertEquals(ModelSpec.OPTION, p.source());
    assertEquals("age_months", p.field());
    assertTrue(p.message().contains("12.0000·'age'") && p.message().contains("rank deficient"), p.message());

    e = assertThrows(UserInputException.class,
        () -> DesignBuilder.build(rows, TABLE, ModelSpec.parse("site + scanner"), List.of(), List.of()));
    p = only(e);
    assertEquals("scanner[Y]", p.field());
    assertTrue(p.message().contains("1.00000·'site[B]' + 1.00000·'site[C]'"), p.message());

    List<Map<String, String>> constant = cohort();
    for (Map<String, String> r : constant) {
      r.put("age", "50");
    }
    e = assertThrows(UserInputException.class,
        () -> DesignBuilder.build(constant, TABLE, ModelSpec.parse("group + age"), List.of(), List.of()));
    assertTrue(only(e).message().contains("zero for every subject"), only(e).message());
  }

  @Test
  void tooFewDegreesOfFreedom() {
    List<Map<String, String>> rows = cohort().subList(0, 5);
    UserInputException e = assertThrows(UserInputException.class,
        () -> DesignBuilder.build(rows, TABLE, ModelSpec.parse("group + age + sex + site"), List.of(), List.of()));
    UserInputException.Problem p = only(e);
    assertEquals(ModelSpec.OPTION, p.source());
    assertTrue(p.message().contains("5 subjects and 5 design columns leave 0 residual degrees of freedom"), p.message());
  }

  @Test
  void formulaErrors() {
    UserInputException e = assertThrows(UserInputException.class, () -> ModelSpec.parse("group * age"));
    assertTrue(only(e).message().contains("interactions"), only(e).message());
    assertEquals(ModelSpec.OPTION, only(e).source());
    e = assertThrows(UserInputException.class, () -> ModelSpec.parse("group + age + group"));
    assertEquals("group", only(e).field());
    e = assertThrows(UserInputException.class, () -> ModelSpec.parse("group - age"));
    assertTrue(only(e).message().contains("only the intercept can be removed"), only(e).message());
    e = assertThrows(UserInputException.class, () -> ModelSpec.parse("  "));
    assertTrue(only(e).message().contains("no terms"), only(e).message());
    e = assertThrows(UserInputException.class, () -> ModelSpec.parse("group +"));
    assertTrue(only(e).message().contains("ends with"), only(e).message());
    assertEquals(List.of("age at scan", "group"), ModelSpec.parse("`age at scan` + group").terms());
  }

  @Test
  void fTestErrorsAndSingleLevelFactor() {
    UserInputException e = assertThrows(UserInputException.class, () -> DesignBuilder.build(cohort(), TABLE,
        ModelSpec.parse("group + age"), List.of(new ContrastSpec("a", "age"), new ContrastSpec("b", "2*age")),
        List.of(new FTestSpec("f", List.of("a", "b")))));
    UserInputException.Problem p = only(e);
    assertEquals(DesignBuilder.FTEST_OPTION, p.source());
    assertTrue(p.message().contains("only 1 are linearly independent"), p.message());

    List<Map<String, String>> patients = new ArrayList<>();
    for (Map<String, String> r : cohort()) {
      if (r.get("group").equals("HFS")) {
        patients.add(r);
      }
    }
    e = assertThrows(UserInputException.class,
        () -> DesignBuilder.build(patients, TABLE, ModelSpec.parse("group + severity"), List.of(), List.of()));
    assertTrue(only(e).message().contains("single level"), only(e).message());
    Design sev = DesignBuilder.build(patients, TABLE, ModelSpec.parse("severity + age"),
        List.of(new ContrastSpec("sev", "severity")), List.of());
    assertEquals(6, sev.subjects());
  }

  @Test
  void duplicateSubjectsAreReported() {
    List<Map<String, String>> rows = cohort();
    rows.get(3).put("participant_id", "sub-01");
    UserInputException e = assertThrows(UserInputException.class, () -> DesignBuilder.build(rows, TABLE,
        ModelSpec.parse("group"), List.of(), List.of()));
    assertTrue(only(e).message().contains("rows 1 and 4"), only(e).message());
  }

  @Test
  void serializesAndWritesTsv() throws Exception {
    Design d = build("group + age + site", "group[HFS] - group[HC]");
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bos)) {
      out.writeObject(d);
    }
    Design back;
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bos.toByteArray()))) {
      back = (Design) in.readObject();
    }
    assertArrayEquals(d.matrix(), back.matrix());
    assertEquals(d.columnNames(), back.columnNames());
    assertArrayEquals(d.contrasts().get(0).weights(), back.contrasts().get(0).weights());
    assertTrue(bos.size() < 4096, "the broadcast design is small: " + bos.size() + " bytes");
    String[] lines = d.toTsv().split("\n");
    assertEquals(13, lines.length);
    assertEquals("participant_id\tintercept\tgroup[HFS]\tage\tsite[B]\tsite[C]", lines[0]);
    assertTrue(lines[1].startsWith("sub-01\t1.0\t0.0\t"), lines[1]);
    assertEquals("group: HC (reference), HFS", DesignBuilder.describe(d).split("; ")[1]);
  }
}
