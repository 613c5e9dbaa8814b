package org.voxelspark.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.voxelspark.testing.PythonTools;

/**
 * The colour maps against their published definitions: viridis's endpoints and mid-point
 * (#440154, #21918C, #FDE725, the values matplotlib documents), Moreland's cool-warm endpoints and
 * neutral mid-point, and the whole viridis and cool-warm tables against matplotlib's own (when a
 * python3 with matplotlib is present: Debian python3-matplotlib, installed by deploy/bin/run-tests).
 */
class ColourMapTest {
  private static int[] rgb(int argb) {
    return new int[] {(argb >> 16) & 0xFF, (argb >> 8) & 0xFF, argb & 0xFF};
  }

  @Test
  void viridisHasItsPublishedEndpointsAndMidpoint() {
    assertEquals(0xFF440154, ColourMap.VIRIDIS.argb(0.0));
    assertEquals(0xFF21918C, ColourMap.VIRIDIS.argb(0.5));
    assertEquals(0xFFFDE725, ColourMap.VIRIDIS.argb(1.0));
  }

  @Test
  void viridisLightnessRisesLinearlyInCam02Ucs() {
    // the design: J' linear from 18.87 to 92.5; 8-bit rounding moves J' by < 0.5
    for (int q = 0; q < ColourMap.SIZE; q++) {
      int[] c = rgb(ColourMap.VIRIDIS.entry(q));
      double[] jab = ColourSpaces.srgbToCam02Ucs(new double[] {c[0] / 255.0, c[1] / 255.0, c[2] / 255.0},
          ColourSpaces.Viewing.VIRIDIS_DESIGN);
      double expected = ColourMap.VIRIDIS_MIN_JP + (ColourMap.VIRIDIS_MAX_JP - ColourMap.VIRIDIS_MIN_JP) * q / 255.0;
      assertEquals(expected, jab[0], 0.5, "J' of entry " + q);
    }
  }

  @Test
  void coolWarmHasMorelandsEndpointsAndANeutralMiddle() {
    assertEquals(0xFF3B4CC0, ColourMap.COOL_WARM.argb(0.0), "(59, 76, 192)");
    assertEquals(0xFFB40426, ColourMap.COOL_WARM.argb(1.0), "(180, 4, 38)");
    for (double t : new double[] {0.499, 0.5}) {
      int[] mid = rgb(ColourMap.COOL_WARM.argb(t));
      for (int ch : mid) {
        assertEquals(221, ch, 1, "near-white mid-point (221, 221, 221): " + java.util.Arrays.toString(mid));
      }
    }
  }

  @Test
  void overlayMapsAndLookupRules() {
    assertEquals(0xFFFF0000, ColourMap.RED_YELLOW.argb(0.0));
    assertEquals(0xFFFFFF00, ColourMap.RED_YELLOW.argb(1.0));
    assertEquals(0xFF0000FF, ColourMap.BLUE_CYAN.argb(0.0));
    assertEquals(0xFF00FFFF, ColourMap.BLUE_CYAN.argb(1.0));
    assertEquals(0xFF000000, ColourMap.GREY.argb(-3.0), "clamped below");
    assertEquals(0xFFFFFFFF, ColourMap.GREY.argb(7.0), "clamped above");
    assertEquals(ColourMap.TRANSPARENT, ColourMap.VIRIDIS.argb(Double.NaN));
    assertEquals(ColourMap.GREY.argb(0.25), ColourMap.GREY.argb(15, 10, 30), "value on a range");
    assertEquals(ColourMap.VIRIDIS.entry(63), ColourMap.VIRIDIS.argb(0.249), "floor(t * 256)");
    assertEquals(ColourMap.VIRIDIS.entry(64), ColourMap.VIRIDIS.argb(0.25));
  }

  @Test
  void cam02UcsRoundTripsAndLabMshToo() {
    SplittableRandom rnd = new SplittableRandom(7);
    for (int q = 0; q < 500; q++) {
      double[] c = {rnd.nextDouble(), rnd.nextDouble(), rnd.nextDouble()};
      for (ColourSpaces.Viewing v : new ColourSpaces.Viewing[] {ColourSpaces.Viewing.SRGB, ColourSpaces.Viewing.VIRIDIS_DESIGN}) {
        double[] back = ColourSpaces.cam02UcsToSrgb(ColourSpaces.srgbToCam02Ucs(c, v), v);
        for (int k = 0; k < 3; k++) {
          assertEquals(c[k], back[k], 1e-9, "CAM02-UCS round trip");
        }
      }
      double[] back = ColourSpaces.mshToSrgb(ColourSpaces.srgbToMsh(c));
      for (int k = 0; k < 3; k++) {
        assertEquals(c[k], back[k], 1e-9, "Msh round trip");
      }
    }
    double[] white = ColourSpaces.srgbToCam02Ucs(new double[] {1, 1, 1}, ColourSpaces.Viewing.SRGB);
    // the sRGB matrix's white (95.05, 100, 108.90) differs from D65 (95.047, 100, 108.883) in the 4th digit
    assertEquals(100, white[0], 1e-3, "J' of the adopted white");
  }

  /**
   * Every entry of our viridis and cool-warm against matplotlib 3.x's. viridis is generated from the
   * same definition, so it agrees to 8-bit rounding (1/255). matplotlib's coolwarm is a piecewise
   * linear interpolation in sRGB of the 33 samples of Moreland's table; ours is Moreland's continuous
   * Msh interpolation, which lies up to 5/255 from the chords between those samples.
   */
  @Test
  void tablesAgreeWithMatplotlib() throws Exception {
    String python = PythonTools.pythonWith("matplotlib", "python3-matplotlib");
    Process p = new ProcessBuilder(python, "-c",
        "import numpy as np\nfrom matplotlib import cm\n"
            + "for name in ['viridis', 'coolwarm']:\n"
            + "    c = np.round(cm.get_cmap(name)(np.linspace(0, 1, 256))[:, :3] * 255).astype(int)\n"
            + "    print(name, ' '.join(str(v) for v in c.ravel()))\n").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    for (String line : out.lines().filter(l -> l.startsWith("viridis ") || l.startsWith("coolwarm ")).toList()) {
      String[] f = line.split(" ");
      ColourMap ours = f[0].equals("viridis") ? ColourMap.VIRIDIS : ColourMap.COOL_WARM;
      int tolerance = f[0].equals("viridis") ? 1 : 5;
      int worst = 0;
      for (int q = 0; q < ColourMap.SIZE; q++) {
        int[] c = rgb(ours.entry(q));
        for (int k = 0; k < 3; k++) {
          worst = Math.max(worst, Math.abs(c[k] - Integer.parseInt(f[1 + 3 * q + k])));
        }
      }
      assertTrue(worst <= tolerance, f[0] + ": largest difference " + worst + "/255 exceeds " + tolerance);
    }
    assertEquals(2, out.lines().filter(l -> l.startsWith("viridis ") || l.startsWith("coolwarm ")).count(), out);
  }
}
