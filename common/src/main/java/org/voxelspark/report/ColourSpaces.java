package org.voxelspark.report;

/**
 * The colour-space conversions behind voxelspark's colour maps: sRGB, CIE XYZ, CIELAB, Moreland's
 * Msh, and CIECAM02 / CAM02-UCS. All colours are triples of doubles; sRGB components are in
 * [0, 1] (gamma-encoded), unclipped on output so callers can detect out-of-gamut colours.
 *
 * <p><b>sRGB</b> (IEC 61966-2-1): linear {@code c ≤ 0.04045 ? c/12.92 : ((c+0.055)/1.055)^2.4};
 * XYZ (Y = 1 for white) from linear RGB by the matrix {@link #SRGB_TO_XYZ}.
 *
 * <p><b>CIELAB</b> (CIE 15) relative to the D65 white {@link #D65_XYZ100} (Y = 100);
 * <b>Msh</b> (Moreland 2009, "Diverging Color Maps for Scientific Visualization", ISVC):
 * {@code M = |Lab|}, {@code s = acos(L/M)}, {@code h = atan2(b, a)} in radians.
 *
 * <p><b>CIECAM02</b> (CIE 159:2004) with the CAM02-UCS lightness/colourfulness compression of Luo,
 * Cui and Li (2006): {@code J' = 1.7J/(1 + 0.007J)}, {@code M' = ln(1 + 0.0228M)/0.0228},
 * {@code a' = M' cos h}, {@code b' = M' sin h}. Viewing conditions are a {@link Viewing} record;
 * {@link Viewing#SRGB} is the sRGB standard's (D65 white, L_A = 64/(5π) cd/m², Y_b = 20, average
 * surround).
 *
 * <p>Stateless and thread-safe.
 */
public final class ColourSpaces {
  private ColourSpaces() {}

  /** D65 white, CIE XYZ scaled to Y = 100 (the white of sRGB). */
  public static final double[] D65_XYZ100 = {95.047, 100.0, 108.883};

  /** Linear sRGB → XYZ (Y = 1 for white), IEC 61966-2-1; row-major. */
  public static final double[][] SRGB_TO_XYZ = {
    {0.4124, 0.3576, 0.1805},
    {0.2126, 0.7152, 0.0722},
    {0.0193, 0.1192, 0.9505}
  };
  private static final double[][] XYZ_TO_SRGB = invert(SRGB_TO_XYZ);

  /** CAT02 chromatic adaptation matrix (CIECAM02). */
  private static final double[][] M_CAT02 = {
    {0.7328, 0.4296, -0.1624},
    {-0.7036, 1.6975, 0.0061},
    {0.0030, 0.0136, 0.9834}
  };
  /** Hunt–Pointer–Estévez cone space (CIECAM02). */
  private static final double[][] M_HPE = {
    {0.38971, 0.68898, -0.07868},
    {-0.22981, 1.18340, 0.04641},
    {0.0, 0.0, 1.0}
  };
  private static final double[][] M_CAT02_INV = invert(M_CAT02);
  private static final double[][] HPE_FROM_CAT02 = multiply(M_HPE, M_CAT02_INV);
  private static final double[][] CAT02_FROM_HPE = invert(HPE_FROM_CAT02);

  /**
   * CIECAM02 viewing conditions.
   *
   * @param adaptingLuminance L_A, cd/m²
   * @param backgroundLuminance Y_b, relative to the white's Y = 100
   * @param f surround factor F (average: 1.0)
   * @param c surround impact c (average: 0.69)
   * @param nc chromatic induction N_c (average: 1.0)
   */
  public record Viewing(double adaptingLuminance, double backgroundLuminance, double f, double c, double nc) {
    /** The sRGB standard's conditions: L_A = 64/(5π) cd/m², Y_b = 20, average surround, D65 white. */
    public static final Viewing SRGB = new Viewing(64 / Math.PI / 5, 20, 1.0, 0.69, 1.0);
    /**
     * The conditions viridis was designed under: as {@link #SRGB} but L_A = 5·64/π cd/m² (the
     * design tool's first release multiplied by 5 where the standard divides; colorspacious 1.0
     * release notes). Needed to reproduce viridis from its control points exactly.
     */
    public static final Viewing VIRIDIS_DESIGN = new Viewing(64 / Math.PI * 5, 20, 1.0, 0.69, 1.0);
  }

  /** sRGB (gamma-encoded, [0,1]) → linear. */
  public static double srgbToLinear(double c) {
    return c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
  }

  /** Linear → sRGB (gamma-encoded); negative input keeps its sign, so out-of-gamut stays detectable. */
  public static double linearToSrgb(double l) {
    return l <= 0.0031308 ? 12.92 * l : 1.055 * Math.pow(l, 1 / 2.4) - 0.055;
  }

  /** sRGB → XYZ with Y = 100 for white. */
  public static double[] srgbToXyz100(double[] rgb) {
    double[] lin = {srgbToLinear(rgb[0]), srgbToLinear(rgb[1]), srgbToLinear(rgb[2])};
    double[] xyz = apply(SRGB_TO_XYZ, lin);
    return new double[] {100 * xyz[0], 100 * xyz[1], 100 * xyz[2]};
  }

  /** XYZ (Y = 100 for white) → sRGB, unclipped. */
  public static double[] xyz100ToSrgb(double[] xyz) {
    double[] lin = apply(XYZ_TO_SRGB, new double[] {xyz[0] / 100, xyz[1] / 100, xyz[2] / 100});
    return new double[] {linearToSrgb(lin[0]), linearToSrgb(lin[1]), linearToSrgb(lin[2])};
  }

  /** sRGB → CIELAB (D65). */
  public static double[] srgbToLab(double[] rgb) {
    double[] xyz = srgbToXyz100(rgb);
    double fx = labF(xyz[0] / D65_XYZ100[0]);
    double fy = labF(xyz[1] / D65_XYZ100[1]);
    double fz = labF(xyz[2] / D65_XYZ100[2]);
    return new double[] {116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)};
  }

  /** CIELAB (D65) → sRGB, unclipped. */
  public static double[] labToSrgb(double[] lab) {
    double fy = (lab[0] + 16) / 116;
    double fx = fy + lab[1] / 500;
    double fz = fy - lab[2] / 200;
    return xyz100ToSrgb(new double[] {D65_XYZ100[0] * labFInverse(fx), D65_XYZ100[1] * labFInverse(fy),
      D65_XYZ100[2] * labFInverse(fz)});
  }

  /** sRGB → Msh (Moreland 2009): magnitude, saturation angle and hue angle (radians) of CIELAB. */
  public static double[] srgbToMsh(double[] rgb) {
    double[] lab = srgbToLab(rgb);
    double m = Math.sqrt(lab[0] * lab[0] + lab[1] * lab[1] + lab[2] * lab[2]);
    return new double[] {m, m == 0 ? 0 : Math.acos(lab[0] / m), Math.atan2(lab[2], lab[1])};
  }

  /** Msh → sRGB, unclipped. */
  public static double[] mshToSrgb(double[] msh) {
    double l = msh[0] * Math.cos(msh[1]);
    double a = msh[0] * Math.sin(msh[1]) * Math.cos(msh[2]);
    double b = msh[0] * Math.sin(msh[1]) * Math.sin(msh[2]);
    return labToSrgb(new double[] {l, a, b});
  }

  private static double labF(double t) {
    double d = 6.0 / 29;
    return t > d * d * d ? Math.cbrt(t) : t / (3 * d * d) + 4.0 / 29;
  }

  private static double labFInverse(double t) {
    double d = 6.0 / 29;
    return t > d ? t * t * t : 3 * d * d * (t - 4.0 / 29);
  }

  /** The quantities of CIECAM02 that depend only on the viewing conditions (D65 white). */
  private record Adapted(double[] dRgb, double fl, double n, double z, double nbb, double aw, Viewing v) {
    static Adapted of(Viewing v) {
      double[] rgbW = apply(M_CAT02, D65_XYZ100);
      double la = v.adaptingLuminance();
      double d = Math.max(0, Math.min(1, v.f() * (1 - (1 / 3.6) * Math.exp((-la - 42) / 92))));
      double[] dRgb = new double[3];
      double[] rgbWc = new double[3];
      for (int q = 0; q < 3; q++) {
        dRgb[q] = d * D65_XYZ100[1] / rgbW[q] + 1 - d;
        rgbWc[q] = dRgb[q] * rgbW[q];
      }
      double k = 1 / (5 * la + 1);
      double k4 = k * k * k * k;
      double fl = 0.2 * k4 * (5 * la) + 0.1 * (1 - k4) * (1 - k4) * Math.cbrt(5 * la);
      double n = v.backgroundLuminance() / D65_XYZ100[1];
      double z = 1.48 + Math.sqrt(n);
      double nbb = 0.725 * Math.pow(1 / n, 0.2);
      double[] pw = apply(HPE_FROM_CAT02, rgbWc);
      double[] aw3 = new double[3];
      for (int q = 0; q < 3; q++) {
        aw3[q] = compress(pw[q], fl);
      }
      double aw = (2 * aw3[0] + aw3[1] + aw3[2] / 20 - 0.305) * nbb;
      return new Adapted(dRgb, fl, n, z, nbb, aw, v);
    }
  }

  private static double compress(double x, double fl) {
    double t = Math.pow(fl * Math.abs(x) / 100, 0.42);
    return Math.signum(x) * 400 * t / (t + 27.13) + 0.1;
  }

  private static double decompress(double xa, double fl) {
    double x = xa - 0.1;
    return Math.signum(x) * (100 / fl) * Math.pow(27.13 * Math.abs(x) / (400 - Math.abs(x)), 1 / 0.42);
  }

  /** sRGB → CAM02-UCS (J', a', b') under {@code viewing}. */
  public static double[] srgbToCam02Ucs(double[] rgb, Viewing viewing) {
    Adapted ad = Adapted.of(viewing);
    double[] rgbC = apply(M_CAT02, srgbToXyz100(rgb));
    for (int q = 0; q < 3; q++) {
      rgbC[q] *= ad.dRgb()[q];
    }
    double[] p = apply(HPE_FROM_CAT02, rgbC);
    double ra = compress(p[0], ad.fl());
    double ga = compress(p[1], ad.fl());
    double ba = compress(p[2], ad.fl());
    double a = ra - 12 * ga / 11 + ba / 11;
    double b = (ra + ga - 2 * ba) / 9;
    double h = Math.atan2(b, a);
    double et = 0.25 * (Math.cos(h + 2) + 3.8);
    double achromatic = (2 * ra + ga + ba / 20 - 0.305) * ad.nbb();
    double j = 100 * Math.pow(achromatic / ad.aw(), viewing.c() * ad.z());
    double t = (50000.0 / 13 * viewing.nc() * ad.nbb() * et * Math.hypot(a, b)) / (ra + ga + 21.0 / 20 * ba);
    double chroma = Math.pow(t, 0.9) * Math.sqrt(j / 100) * Math.pow(1.64 - Math.pow(0.29, ad.n()), 0.73);
    double m = chroma * Math.pow(ad.fl(), 0.25);
    double jp = 1.7 * j / (1 + 0.007 * j);
    double mp = Math.log(1 + 0.0228 * m) / 0.0228;
    return new double[] {jp, mp * Math.cos(h), mp * Math.sin(h)};
  }

  /** CAM02-UCS (J', a', b') under {@code viewing} → sRGB, unclipped (CIECAM02's inverse model). */
  public static double[] cam02UcsToSrgb(double[] jab, Viewing viewing) {
    Adapted ad = Adapted.of(viewing);
    double jp = jab[0];
    double j = jp / (1.7 - 0.007 * jp);
    double mp = Math.hypot(jab[1], jab[2]);
    double m = (Math.exp(0.0228 * mp) - 1) / 0.0228;
    double h = Math.atan2(jab[2], jab[1]);
    double chroma = m / Math.pow(ad.fl(), 0.25);
    double t = j <= 0 ? 0 : Math.pow(chroma / (Math.sqrt(j / 100) * Math.pow(1.64 - Math.pow(0.29, ad.n()), 0.73)), 1 / 0.9);
    double et = 0.25 * (Math.cos(h + 2) + 3.8);
    double achromatic = ad.aw() * Math.pow(Math.max(j, 0) / 100, 1 / (viewing.c() * ad.z()));
    double p2 = achromatic / ad.nbb() + 0.305;
    double p3 = 21.0 / 20;
    double a = 0;
    double b = 0;
    if (t > 0) {
      double p1 = (50000.0 / 13) * viewing.nc() * ad.nbb() * et / t;
      double sin = Math.sin(h);
      double cos = Math.cos(h);
      if (Math.abs(sin) >= Math.abs(cos)) {
        double p4 = p1 / sin;
        b = p2 * (2 + p3) * (460.0 / 1403) / (p4 + (2 + p3) * (220.0 / 1403) * (cos / sin) - 27.0 / 1403 + p3 * (6300.0 / 1403));
        a = b * cos / sin;
      } else {
        double p5 = p1 / cos;
        a = p2 * (2 + p3) * (460.0 / 1403) / (p5 + (2 + p3) * (220.0 / 1403) - (27.0 / 1403 - p3 * (6300.0 / 1403)) * (sin / cos));
        b = a * sin / cos;
      }
    }
    double[] pa = {
      (460 * p2 + 451 * a + 288 * b) / 1403,
      (460 * p2 - 891 * a - 261 * b) / 1403,
      (460 * p2 - 220 * a - 6300 * b) / 1403
    };
    double[] p = {decompress(pa[0], ad.fl()), decompress(pa[1], ad.fl()), decompress(pa[2], ad.fl())};
    double[] rgbC = apply(CAT02_FROM_HPE, p);
    for (int q = 0; q < 3; q++) {
      rgbC[q] /= ad.dRgb()[q];
    }
    return xyz100ToSrgb(apply(M_CAT02_INV, rgbC));
  }

  static double[] apply(double[][] m, double[] v) {
    return new double[] {
      m[0][0] * v[0] + m[0][1] * v[1] + m[0][2] * v[2],
      m[1][0] * v[0] + m[1][1] * v[1] + m[1][2] * v[2],
      m[2][0] * v[0] + m[2][1] * v[1] + m[2][2] * v[2]
    };
  }

  private static double[][] multiply(double[][] a, double[][] b) {
    double[][] c = new double[3][3];
    for (int r = 0; r < 3; r++) {
      for (int col = 0; col < 3; col++) {
        c[r][col] = a[r][0] * b[0][col] + a[r][1] * b[1][col] + a[r][2] * b[2][col];
      }
    }
    return c;
  }

  private static double[][] invert(double[][] m) {
    double det = m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
        - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
        + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
    double[][] inv = new double[3][3];
    inv[0][0] = (m[1][1] * m[2][2] - m[1][2] * m[2][1]) / det;
    inv[0][1] = (m[0][2] * m[2][1] - m[0][1] * m[2][2]) / det;
    inv[0][2] = (m[0][1] * m[1][2] - m[0][2] * m[1][1]) / det;
    inv[1][0] = (m[1][2] * m[2][0] - m[1][0] * m[2][2]) / det;
    inv[1][1] = (m[0][0] * m[2][2] - m[0][2] * m[2][0]) / det;
    inv[1][2] = (m[0][2] * m[1][0] - m[0][0] * m[1][2]) / det;
    inv[2][0] = (m[1][0] * m[2][1] - m[1][1] * m[2][0]) / det;
    inv[2][1] = (m[0][1] * m[2][0] - m[0][0] * m[2][1]) / det;
    inv[2][2] = (m[0][0] * m[1][1] - m[0][1] * m[1][0]) / det;
    return inv;
  }
}
