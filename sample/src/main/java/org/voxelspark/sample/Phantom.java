package org.voxelspark.sample;

/**
 * The anatomy of the sample cohort's head, defined in world space (RAS+, mm, origin near the centre
 * of the brain), so that every site's grid and both modalities sample the same anatomy.
 *
 * <p>Structures (label codes in {@link #label}):
 * <ul>
 *   <li>0 background (air), 1 scalp: an ellipsoidal shell around the brain;
 *   <li>2 CSF: two lateral ventricles;
 *   <li>3 grey matter: the outer ribbon of the brain and everything not otherwise labelled;
 *   <li>4 white matter: the deep brain, fibres pointing radially outward;
 *   <li>5 corpus callosum: an arch crossing left–right above the ventricles, fibres along the arch;
 *   <li>6 left and 7 right corticospinal tract: vertical tubes, fibres inferior–superior;
 *   <li>8 brainstem: an ellipsoid below the brain's centre, fibres inferior–superior;
 *   <li>9 precuneus: a posterior-superior grey-matter sphere (a region of coherent BOLD).
 * </ul>
 * Stateless and thread-safe.
 */
public final class Phantom {
  public static final int BACKGROUND = 0;
  public static final int SCALP = 1;
  public static final int CSF = 2;
  public static final int GREY_MATTER = 3;
  public static final int WHITE_MATTER = 4;
  public static final int CORPUS_CALLOSUM = 5;
  public static final int CST_LEFT = 6;
  public static final int CST_RIGHT = 7;
  public static final int BRAINSTEM = 8;
  public static final int PRECUNEUS = 9;

  /** Names of the labels, indexed by code (for the truth files). */
  public static final String[] LABEL_NAMES = {
    "background", "scalp", "csf", "grey_matter", "white_matter", "corpus_callosum",
    "cst_left", "cst_right", "brainstem", "precuneus"
  };

  /** Brain ellipsoid semi-axes (mm). */
  static final double BRAIN_A = 42;
  static final double BRAIN_B = 52;
  static final double BRAIN_C = 30;
  /** Scalp thickness (mm). */
  static final double SCALP_MM = 4;

  private Phantom() {}

  /** The label at world point (x, y, z) mm. */
  public static int label(double x, double y, double z) {
    double rb = Math.sqrt(sq(x / BRAIN_A) + sq(y / BRAIN_B) + sq(z / BRAIN_C));
    double rs = Math.sqrt(sq(x / (BRAIN_A + SCALP_MM)) + sq(y / (BRAIN_B + SCALP_MM)) + sq(z / (BRAIN_C + SCALP_MM)));
    if (rb > 1) {
      return rs <= 1 ? SCALP : BACKGROUND;
    }
    if (sq((x - 10) / 5) + sq(y / 15) + sq((z - 4) / 6) <= 1 || sq((x + 10) / 5) + sq(y / 15) + sq((z - 4) / 6) <= 1) {
      return CSF;
    }
    if (sq(x / 9) + sq((y + 8) / 9) + sq((z + 20) / 9) <= 1) {
      return BRAINSTEM;
    }
    if (Math.abs(x) <= 30 && Math.abs(y) <= 16 && Math.abs(z - callosumZ(x)) <= 3) {
      return CORPUS_CALLOSUM;
    }
    if (z >= -12 && z <= 22 && sq(y + 4) + sq(x + 17) <= 16) {
      return CST_LEFT;
    }
    if (z >= -12 && z <= 22 && sq(y + 4) + sq(x - 17) <= 16) {
      return CST_RIGHT;
    }
    if (sq(x) + sq(y + 36) + sq(z - 14) <= 64) {
      return PRECUNEUS;
    }
    return rb > 0.78 ? GREY_MATTER : WHITE_MATTER;
  }

  /** Height of the callosal arch at x: a parabola peaking at z = 15 mm on the midline. */
  static double callosumZ(double x) {
    return 15 - 0.012 * x * x;
  }

  /**
   * Unit fibre direction (world frame) of a white-matter label at (x, y, z), written to {@code e};
   * an arbitrary unit vector for isotropic tissue.
   */
  public static void fibreDirection(int label, double x, double y, double z, double[] e) {
    switch (label) {
      case CORPUS_CALLOSUM -> set(e, 1, 0, -0.024 * x);
      case CST_LEFT, CST_RIGHT, BRAINSTEM -> set(e, 0, 0, 1);
      case WHITE_MATTER -> {
        double nx = x / (BRAIN_A * BRAIN_A);
        double ny = y / (BRAIN_B * BRAIN_B);
        double nz = z / (BRAIN_C * BRAIN_C);
        if (nx == 0 && ny == 0 && nz == 0) {
          set(e, 0, 0, 1);
        } else {
          set(e, nx, ny, nz);
        }
      }
      default -> set(e, 1, 0, 0);
    }
  }

  /** True for labels inside the brain (the truth brain mask). */
  public static boolean inBrain(int label) {
    return label >= CSF;
  }

  private static void set(double[] e, double a, double b, double c) {
    double n = Math.sqrt(a * a + b * b + c * c);
    e[0] = a / n;
    e[1] = b / n;
    e[2] = c / n;
  }

  private static double sq(double v) {
    return v * v;
  }
}
