package org.voxelspark.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.voxelspark.error.UserInputException;
import org.voxelspark.testing.PageParts;

/** Escaping, the markup contract tests rely on, and TSV tables. */
class HtmlPageTest {
  @Test
  void everythingIsEscaped() {
    assertEquals("a &lt;b&gt; &amp; &quot;c&quot; &#39;d&#39;", HtmlPage.escape("a <b> & \"c\" 'd'"));
    String html = new HtmlPage("<t>").header("<h>", "&").paragraph("<script>x</script>").render();
    assertTrue(html.contains("<title>&lt;t&gt;</title>") && html.contains("&lt;script&gt;") && !html.contains("<script>"));
  }

  @Test
  void tablesAndRangeTablesReadBack() {
    TsvTable t = TsvTable.parse("x.tsv", "a\tb\n1\t<2>\n3\t&\n");
    String html = new HtmlPage("p").table("data", t.source(), t.header(), t.rows())
        .rangeTable("q.tsv", 4, List.of(new HtmlPage.RangeRow("m", "M", "mm", "1.5", "1", "2", "3", 0.25, "def"))).render();
    assertEquals(t.rows(), PageParts.table(html, "x.tsv"));
    assertEquals(List.of("a", "b"), PageParts.tableHeader(html, "x.tsv"));
    String range = PageParts.rangeTables(html).get(0);
    assertEquals("q.tsv", PageParts.source(range));
    assertEquals("1.5", PageParts.rangeCell(range, "m", "value"));
    assertEquals("3", PageParts.rangeCell(range, "m", "max"));
    assertTrue(range.contains("left:calc(25.0% - 2px)"), "the marker at a quarter of the range");
    assertEquals(List.of("x.tsv", "q.tsv"), PageParts.links(html));
  }

  @Test
  void numbersAreShownToFourSignificantDigitsWithTheFilesTextKept() {
    assertEquals("0.08713", HtmlPage.displayNumber("0.08713268601105667"));
    assertEquals("70.8", HtmlPage.displayNumber("70.80089990666829"));
    assertEquals("4.708e-14", HtmlPage.displayNumber("4.708238573859421E-14"));
    assertEquals("1e-5", HtmlPage.displayNumber("1.0E-5"));
    assertEquals("-2.448e-4", HtmlPage.displayNumber("-2.4479142741863393E-4"));
    assertEquals("1.235e5", HtmlPage.displayNumber("123456.7"));
    assertEquals("0", HtmlPage.displayNumber("0.0"));
    for (String kept : List.of("63", "cst_left", "NaN", "n/a", "", "Infinity", "1.2.3")) {
      assertEquals(null, HtmlPage.displayNumber(kept), kept + " is shown as it is");
    }
    TsvTable t = TsvTable.parse("n.tsv", "p\tname\n4.708238573859421E-14\tbox\n");
    String html = new HtmlPage("p").table("data", t.source(), t.header(), t.rows()).render();
    assertTrue(html.contains(">4.708e-14</td>"), "shown rounded");
    assertEquals(t.rows(), PageParts.table(html, "n.tsv"), "the file's text read back from the page");
  }

  @Test
  void tsvParsingReportsBadRowsWithTheirLine() {
    UserInputException e = assertThrows(UserInputException.class, () -> TsvTable.parse("c.tsv", "a\tb\n1\n2\t3\n4\t5\t6\n"));
    assertEquals(2, e.problems().size());
    assertEquals("c.tsv: line 2: 1 cells where the header has 2", e.problems().get(0).render());
    assertEquals("line 4", e.problems().get(1).field());
    assertThrows(UserInputException.class, () -> TsvTable.parse("e.tsv", ""));
    TsvTable t = TsvTable.parse("c.tsv", "a\tb\n\t2\n");
    assertEquals(List.of("", "2"), t.rows().get(0), "empty cells kept");
    assertEquals("a\tb\n\t2\n", t.toTsv());
    assertEquals(List.of("2"), t.values("b"));
    assertThrows(UserInputException.class, () -> t.values("z"));
  }
}
