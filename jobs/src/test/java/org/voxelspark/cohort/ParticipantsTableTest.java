package org.voxelspark.cohort;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.voxelspark.error.UserInputException;

/**
 * Covariate values of participants.tsv as the group stage's design will read them: missing
 * ({@code n/a}, empty, no row) is NaN, a value that is not a finite number is a problem naming the
 * participant and the column; and rows missing or duplicated are problems of the table.
 */
class ParticipantsTableTest {
  private static final String TSV = "participant_id\tsite\tage\tgroup\n"
      + "sub-01\tA\t50.5\tHC\n"
      + "sub-02\tA\tn/a\tHFS\n"
      + "sub-03\tB\t\tHC\n"
      + "sub-04\tB\tfifty\tHC\n"
      + "sub-05\tB\tInfinity\tHC\n";

  @Test
  void missingCovariatesAreNaNAndNonNumericOnesAreProblemsNamingParticipantAndColumn() {
    List<UserInputException.Problem> parse = new ArrayList<>();
    ParticipantsTable t = ParticipantsTable.parse(TSV, "participants.tsv", '\t', parse);
    assertTrue(parse.isEmpty(), parse.toString());
    List<UserInputException.Problem> problems = new ArrayList<>();
    double[] age = t.numeric("age", List.of("01", "02", "03", "04", "05", "99"), problems);
    assertEquals(50.5, age[0]);
    assertTrue(Double.isNaN(age[1]) && Double.isNaN(age[2]), "n/a and empty are missing");
    assertTrue(Double.isNaN(age[5]), "no row: missing");
    assertEquals(2, problems.size(), problems.toString());
    assertEquals(new UserInputException.Problem("participants.tsv", "sub-04 age", "value \"fifty\" is not a finite number"),
        problems.get(0));
    assertEquals("sub-05 age", problems.get(1).field(), "infinity is not a usable covariate");
    List<UserInputException.Problem> unknown = new ArrayList<>();
    t.numeric("weight", List.of("01"), unknown);
    assertEquals("weight", unknown.get(0).field());
    assertTrue(unknown.get(0).message().startsWith("no such column"), unknown.toString());
    assertEquals(List.of("HC", "HFS"), t.levels("group"));
  }

  @Test
  void duplicatedRaggedAndUnsafeRowsAreProblemsAndLeftOut() {
    List<UserInputException.Problem> problems = new ArrayList<>();
    ParticipantsTable t = ParticipantsTable.parse("participant_id\tsite\nsub-01\tA\nsub-01\tB\nsub-../x\tA\nsub-02\n",
        "participants.tsv", '\t', problems);
    assertEquals(List.of("01"), t.labels());
    assertEquals("A", t.row("01").get("site"), "the first row of a duplicate is kept, the second reported");
    assertEquals(List.of("line 3 participant_id", "line 4 participant_id", "line 5"),
        problems.stream().map(UserInputException.Problem::field).toList());
    assertTrue(problems.get(1).message().contains("not a BIDS label"), problems.get(1).message());
  }
}
