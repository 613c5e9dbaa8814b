package org.voxelspark.report;

import java.util.function.DoubleFunction;

/**
 * A colour map: {@value #SIZE} sRGB colours for the values {@code t ∈ [0, 1]}, generated at class
 * load from each map's published definition (no table is copied from elsewhere).
 *
 * <p><b>Lookup.</b> {@link #argb(double)} takes entry {@code min(255, floor(t·256))} for {@code t}
 * clamped to [0, 1] (matplotlib's rule for a 256-entry map); NaN is {@link #TRANSPARENT}.
 *
 * <p><b>Maps.</b>
 * <ul>
 *   <li>{@link #VIRIDIS}, perceptually uniform, for continuous maps (van der Walt and Smith 2015,
 *       matplotlib's default): a quintic Bézier curve through 6 control points in the (a', b')
 *       plane of CAM02-UCS ({@link #VIRIDIS_AP}, {@link #VIRIDIS_BP}), traversed at constant
 *       arc length (1000-point lookup, as the design tool viscm does), with lightness J' rising
 *       linearly from {@value #VIRIDIS_MIN_JP} to {@value #VIRIDIS_MAX_JP}; converted to sRGB
 *       under the viewing conditions it was designed in ({@link ColourSpaces.Viewing#VIRIDIS_DESIGN})
 *       and clipped to [0, 1]. Its endpoints are #440154 and #FDE725.
 *   <li>{@link #COOL_WARM}, diverging, for signed unthresholded maps (Moreland 2009): blue
 *       (59, 76, 192) to red (180, 4, 38) through a neutral white of Msh magnitude 88, interpolated
 *       linearly in Msh with Moreland's hue adjustment near the white point. Mid-point ≈ (221, 221, 221).
 *   <li>{@link #GREY}: linear sRGB grey from black to white, for anatomical backgrounds.
 *   <li>{@link #RED_YELLOW} and {@link #BLUE_CYAN}: the thresholded positive and negative overlays
 *       of FSL (red (1,0,0) → yellow (1,1,0); blue (0,0,1) → cyan (0,1,1), linear in sRGB), whose
 *       lightness rises monotonically from the threshold to the maximum.
 * </ul>
 *
 * <p>Immutable and thread-safe.
 */
public final class ColourMap {
  /** Entries per map. */
  public static final int SIZE = 256;
  /** ARGB of fully transparent black: NaN values and "no overlay". */
  public static final int TRANSPARENT = 0;

  /** viridis control points, a' coordinates (CAM02-UCS), from the published definition (BIDS/colormap option_d). */
  static final double[] VIRIDIS_AP = {22.674387857633945, 11.221508276482126, -14.356589454756971, -47.18817758739222,
    -34.59001004812521, -6.0516291196352654};
  /** viridis control points, b' coordinates (CAM02-UCS). */
  static final double[] VIRIDIS_BP = {-20.102530541012214, -33.08246073298429, -42.24476439790574, -5.595549738219887,
    42.5065445026178, 40.13395157135497};
  /** viridis lightness J' at t = 0 and t = 1. */
  static final double VIRIDIS_MIN_JP = 18.8671875;
  static final double VIRIDIS_MAX_JP = 92.5;
  /** Points of the arc-length lookup of the Bézier curve (viscm's grid). */
  static final int ARC_LENGTH_GRID = 1000;

  /** Moreland's cool-warm endpoints (sRGB 0..255) and white-point magnitude. */
  static final int[] COOL_WARM_BLUE = {59, 76, 192};
  static final int[] COOL_WARM_RED = {180, 4, 38};
  static final double COOL_WARM_WHITE_M = 88;

  public static final ColourMap VIRIDIS = new ColourMap("viridis", viridis());
  public static final ColourMap COOL_WARM = new ColourMap("cool-warm", coolWarm());
  public static final ColourMap GREY = new ColourMap("grey", sample(t -> new double[] {t, t, t}));
  public static final ColourMap RED_YELLOW = new ColourMap("red-yellow", sample(t -> new double[] {1, t, 0}));
  public static final ColourMap BLUE_CYAN = new ColourMap("blue-cyan", sample(t -> new double[] {0, t, 1}));

  private final String name;
  private final int[] argb;

  private ColourMap(String name, double[][] srgb) {
    this.name = name;
    this.argb = new int[SIZE];
    for (int q = 0; q < SIZE; q++) {
      argb[q] = pack(srgb[q]);
    }
  }

  public String name() {
    return name;
  }

  /** Opaque ARGB of {@code t} (clamped to [0, 1]); {@link #TRANSPARENT} for NaN. */
  public int argb(double t) {
    if (Double.isNaN(t)) {
      return TRANSPARENT;
    }
    int q = (int) Math.floor(Math.max(0, Math.min(1, t)) * SIZE);
    return argb[Math.min(SIZE - 1, q)];
  }

  /** ARGB of entry {@code q} (0..{@value #SIZE}−1). */
  public int entry(int q) {
    return argb[q];
  }

  /** Opaque ARGB of {@code value} on the range {@code [min, max]} (values outside clamp). */
  public int argb(double value, double min, double max) {
    return argb(max > min ? (value - min) / (max - min) : 0.5);
  }

  /** Packs sRGB in [0, 1] (clipped) as opaque ARGB, rounding to 8 bits. */
  static int pack(double[] rgb) {
    int r = (int) Math.round(Math.max(0, Math.min(1, rgb[0])) * 255);
    int g = (int) Math.round(Math.max(0, Math.min(1, rgb[1])) * 255);
    int b = (int) Math.round(Math.max(0, Math.min(1, rgb[2])) * 255);
    return 0xFF000000 | (r << 16) | (g << 8) | b;
  }

  private static double[][] sample(DoubleFunction<double[]> f) {
    double[][] out = new double[SIZE][];
    for (int q = 0; q < SIZE; q++) {
      out[q] = f.apply(q / (double) (SIZE - 1));
    }
    return out;
  }

  /** viridis from its definition (class doc). */
  static double[][] viridis() {
    int n = VIRIDIS_AP.length - 1;
    // arc length of the Bézier curve in the (a', b') plane, on a regular grid of its parameter
    double[] u = new double[ARC_LENGTH_GRID];
    double[] arc = new double[ARC_LENGTH_GRID];
    double[] prev = null;
    for (int g = 0; g < ARC_LENGTH_GRID; g++) {
      u[g] = g / (double) (ARC_LENGTH_GRID - 1);
      double[] p = bezier(u[g], n);
      arc[g] = prev == null ? 0 : arc[g - 1] + Math.hypot(p[0] - prev[0], p[1] - prev[1]);
      prev = p;
    }
    for (int g = 0; g < ARC_LENGTH_GRID; g++) {
      arc[g] /= arc[ARC_LENGTH_GRID - 1];
    }
    return sample(t -> {
      double param = interpolate(t, arc, u);
      double[] ab = bezier(param, n);
      double jp = VIRIDIS_MIN_JP + (VIRIDIS_MAX_JP - VIRIDIS_MIN_JP) * t;
      return ColourSpaces.cam02UcsToSrgb(new double[] {jp, ab[0], ab[1]}, ColourSpaces.Viewing.VIRIDIS_DESIGN);
    });
  }

  /** The Bézier curve of degree {@code n} through the viridis control points at parameter {@code u}. */
  private static double[] bezier(double u, int n) {
    double x = 0;
    double y = 0;
    for (int k = 0; k <= n; k++) {
      double w = binomial(n, k) * Math.pow(u, k) * Math.pow(1 - u, n - k);
      x += w * VIRIDIS_AP[k];
      y += w * VIRIDIS_BP[k];
    }
    return new double[] {x, y};
  }

  private static double binomial(int n, int k) {
    double b = 1;
    for (int q = 1; q <= k; q++) {
      b = b * (n - k + q) / q;
    }
    return b;
  }

  /** Piecewise-linear interpolation of (xs, ys) at x; xs ascending. */
  private static double interpolate(double x, double[] xs, double[] ys) {
    if (x <= xs[0]) {
      return ys[0];
    }
    int last = xs.length - 1;
    if (x >= xs[last]) {
      return ys[last];
    }
    int lo = 0;
    int hi = last;
    while (hi - lo > 1) {
      int mid = (lo + hi) >>> 1;
      if (xs[mid] <= x) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    double f = (x - xs[lo]) / (xs[hi] - xs[lo]);
    return ys[lo] + f * (ys[hi] - ys[lo]);
  }

  /** Moreland's cool-warm (class doc). */
  static double[][] coolWarm() {
    double[] blue = ColourSpaces.srgbToMsh(unit(COOL_WARM_BLUE));
    double[] red = ColourSpaces.srgbToMsh(unit(COOL_WARM_RED));
    double mid = Math.max(COOL_WARM_WHITE_M, Math.max(blue[0], red[0]));
    return sample(t -> {
      double[] from;
      double[] to;
      double f;
      if (t < 0.5) {
        from = blue.clone();
        to = new double[] {mid, 0, adjustHue(blue, mid)};
        f = 2 * t;
      } else {
        from = new double[] {mid, 0, adjustHue(red, mid)};
        to = red.clone();
        f = 2 * t - 1;
      }
      double[] msh = new double[3];
      for (int q = 0; q < 3; q++) {
        msh[q] = (1 - f) * from[q] + f * to[q];
      }
      return ColourSpaces.mshToSrgb(msh);
    });
  }

  /** Moreland's hue of an unsaturated colour of magnitude {@code m} next to the saturated {@code sat}. */
  private static double adjustHue(double[] sat, double m) {
    if (sat[0] >= m) {
      return sat[2];
    }
    double spin = sat[1] * Math.sqrt(m * m - sat[0] * sat[0]) / (sat[0] * Math.sin(sat[1]));
    return sat[2] > -Math.PI / 3 ? sat[2] + spin : sat[2] - spin;
  }

  private static double[] unit(int[] rgb255) {
    return new double[] {rgb255[0] / 255.0, rgb255[1] / 255.0, rgb255[2] / 255.0};
  }

  @Override
  public String toString() {
    return "ColourMap[" + name + "]";
  }
}
