package org.voxelspark.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.apache.commons.math3.stat.correlation.PearsonsCorrelation;
import org.junit.jupiter.api.Test;
import org.voxelspark.testing.PageParts;

/** Number formatting, ticks, PNG encoding, and the statistics and drawing of the plot figures. */
class FiguresAndPlotsTest {
  @Test
  void numbersAreWrittenWithThreeSignificantDigits() {
    assertEquals("0.000123", Figures.format(0.00012345));
    assertEquals("1230", Figures.format(1234.5));
    assertEquals("0.5", Figures.format(0.5));
    assertEquals("−2.5", Figures.format(-2.5));
    assertEquals("0", Figures.format(0));
    assertEquals("n/a", Figures.format(Double.NaN));
    assertEquals("p = 0.027", Figures.pValue(0.0271));
    assertEquals("p = 0.0042", Figures.pValue(0.00423));
    assertEquals("p < 0.001", Figures.pValue(0.0004));
    assertEquals("−0.62", Figures.fixed(-0.6249, 2));
    assertEquals("0.00", Figures.fixed(-0.001, 2), "no negative zero");
    assertEquals(-3, Figures.scaleExponent(0, 0.003));
    assertEquals(0, Figures.scaleExponent(0, 1));
    assertEquals(4, Figures.scaleExponent(0, 25000));
    assertEquals("×10⁻³ ", Figures.scaleLabel(-3));
  }

  @Test
  void ticksAreNiceAndInside() {
    assertArrayEquals(new double[] {0, 0.2, 0.4, 0.6, 0.8, 1.0}, Figures.ticks(0, 1, 6), 1e-12);
    assertArrayEquals(new double[] {-10, -5, 0, 5}, Figures.ticks(-12, 7, 5), 1e-12);
    for (double t : Figures.ticks(0.0123, 0.0987, 6)) {
      assertTrue(t >= 0.0123 && t <= 0.0987, "inside: " + t);
    }
  }

  @Test
  void pngRoundTripsAndHeadlessIsSet() throws Exception {
    BufferedImage img = Figures.newImage(17, 9, java.awt.Color.ORANGE);
    assertEquals("true", System.getProperty("java.awt.headless"));
    BufferedImage back = ImageIO.read(new ByteArrayInputStream(Figures.png(img)));
    assertEquals(17, back.getWidth());
    assertEquals(java.awt.Color.ORANGE.getRGB(), back.getRGB(3, 4));
    assertTrue(Figures.dataUri(img).startsWith("data:image/png;base64,iVBORw0KGgo"), "PNG signature");
  }

  @Test
  void pearsonMatchesCommonsMath() {
    SplittableRandom rnd = new SplittableRandom(5);
    for (int n : new int[] {5, 30, 200}) {
      double[] x = new double[n];
      double[] y = new double[n];
      for (int q = 0; q < n; q++) {
        x[q] = rnd.nextGaussian();
        y[q] = 0.4 * x[q] + rnd.nextGaussian();
      }
      Correlation c = Correlation.pearson(x, y);
      PearsonsCorrelation ref = new PearsonsCorrelation(new org.apache.commons.math3.linear.Array2DRowRealMatrix(
          new double[][] {x, y}).transpose());
      assertEquals(ref.getCorrelationMatrix().getEntry(0, 1), c.r(), 1e-12, "r, n = " + n);
      assertEquals(ref.getCorrelationPValues().getEntry(0, 1), c.p(), 1e-9, "p, n = " + n);
      assertEquals(n, c.n());
    }
    Correlation withNan = Correlation.pearson(new double[] {1, 2, Double.NaN, 4, 5}, new double[] {2, 4, 1, 8, 10});
    assertEquals(4, withNan.n(), "pairs with a NaN are left out");
    assertEquals(1.0, withNan.r(), 1e-12);
    assertEquals(0.0, withNan.p());
    assertTrue(Double.isNaN(Correlation.pearson(new double[] {1, 2, 3}, new double[] {5, 5, 5}).r()), "constant y");
    assertTrue(Double.isNaN(Correlation.pearson(new double[] {1, 2}, new double[] {1, 2}).p()), "n < 3");
  }

  @Test
  void scatterFitsTheLineAndDraws() {
    double[] x = {0, 1, 2, 3, 4};
    double[] y = {1, 3.1, 4.9, 7.0, 9.0};
    ScatterPlot s = new ScatterPlot("t", "x (a.u.)", "y (a.u.)", x, y, new String[] {"a", "a", "b", "b", "b"}, null);
    double[] f = s.fit();
    // x̄ = 2, ȳ = 5, Sxy = 19.9, Sxx = 10: slope 1.99, intercept 5 − 2·1.99
    assertEquals(1.02, f[0], 1e-9, "intercept");
    assertEquals(1.99, f[1], 1e-9, "slope");
    BufferedImage img = s.render();
    assertEquals(560, img.getWidth());
    assertTrue(PageParts.distinctColours(img) > 20);
    assertEquals("partial r | age", new ScatterPlot("t", "x", "y", x, y, null, new Correlation(0.4, 0.03, 5, "partial r | age"))
        .reported().label(), "a given statistic is reported as given");
    assertThrows(IllegalArgumentException.class, () -> new ScatterPlot("t", "x", "y", x, new double[] {1}, null, null));
  }

  @Test
  void histogramCountsEveryValueOnce() {
    double[] v = {0, 0.1, 0.5, 0.99, 1.0, 1.0, Double.NaN};
    int[] h = NullHistogram.histogram(v, 0, 1, 10);
    assertEquals(6, java.util.Arrays.stream(h).sum(), "NaN left out");
    assertEquals(3, h[9], "1.0 in the last bin");
    assertEquals(10, NullHistogram.bins(50));
    assertEquals(32, NullHistogram.bins(1000));
    assertEquals(60, NullHistogram.bins(100000));
    BufferedImage img = new NullHistogram("null", "max t", new double[] {3, 3.2, 3.1, 3.5, 4.0}, 3.9, "FWE 5%",
        List.of(new NullHistogram.Observed("peak", 5.0, 0.01))).render();
    assertTrue(PageParts.distinctColours(img) > 10);
  }

  @Test
  void quartilesAreType7() {
    assertEquals(1.75, SiteDistributions.quantile(new double[] {4, 1, 3, 2}, 0.25), 1e-12);
    assertEquals(2.5, SiteDistributions.quantile(new double[] {4, 1, 3, 2, Double.NaN}, 0.5), 1e-12);
    assertTrue(Double.isNaN(SiteDistributions.quantile(new double[] {Double.NaN}, 0.5)));
    BufferedImage img = new SiteDistributions("FA", "FA", "before", "after", List.of(
        new SiteDistributions.Site("A", new double[] {0.4, 0.41, 0.43}, new double[] {0.42, 0.42, 0.43}),
        new SiteDistributions.Site("B", new double[] {0.5, 0.52}, new double[] {}))).render();
    assertTrue(PageParts.distinctColours(img) > 10, "a site with no value after is drawn empty, not an error");
  }

  @Test
  void designMatrixAndForestValidateAndDraw() {
    assertThrows(IllegalArgumentException.class, () -> new DesignMatrixPicture("d", List.of("a", "b"),
        new double[][] {{1, 2}, {1}}, null, List.of()));
    assertThrows(IllegalArgumentException.class, () -> new DesignMatrixPicture("d", List.of("a", "b"),
        new double[][] {{1, 2}}, null, List.of(new DesignMatrixPicture.Contrast("c", new double[] {1}))));
    org.voxelspark.stats.design.Design design = org.voxelspark.stats.design.Design.numeric("test", new String[] {"s1", "s2",
        "s3", "s4"}, new double[] {1, 0, 1, 1, 1, 0, 1, 1}, new String[] {"intercept", "group[HFS]"},
        List.of(new org.voxelspark.stats.design.Contrast("HFS > HC", "group[HFS]", new double[] {0, 1}, true)), List.of(), null);
    DesignMatrixPicture fromDesign = DesignMatrixPicture.of("d", design);
    assertEquals(List.of("intercept", "group[HFS]"), fromDesign.columns());
    assertEquals(List.of("s1", "s2", "s3", "s4"), fromDesign.rowLabels());
    assertArrayEquals(new double[] {1, 1}, fromDesign.rows()[1], 0);
    assertArrayEquals(new double[] {0, 1}, fromDesign.contrasts().get(0).weights(), 0);
    double[][] big = new double[1000][3];
    for (int q = 0; q < big.length; q++) {
      big[q] = new double[] {1, q % 2, q};
    }
    BufferedImage img = new DesignMatrixPicture("d", List.of("1", "g", "age"), big, null, List.of()).render();
    assertTrue(img.getHeight() < 700, "1000 subjects fit in " + DesignMatrixPicture.MAX_ROWS_HEIGHT + " px of rows");
    BufferedImage forest = new ForestPlot("f", "Hedges g", List.of(new ForestPlot.Study("A", -0.5, -0.9, -0.1, 60),
        new ForestPlot.Study("B", Double.NaN, Double.NaN, Double.NaN, Double.NaN)), new ForestPlot.Pooled("RE", -0.4, -0.8, 0,
        0.05), new ForestPlot.Heterogeneity(12, 0.01, 1.1, 1, 0.29)).render();
    assertTrue(PageParts.distinctColours(forest) > 10);
    assertEquals("I² = 12%, τ² = 0.01, Q = 1.1 (df = 1), p = 0.290",
        new ForestPlot.Heterogeneity(12, 0.01, 1.1, 1, 0.29).describe());
  }
}
