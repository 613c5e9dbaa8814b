package org.voxelspark.sample;

import java.util.Locale;
import org.voxelspark.geometry.Affine;

/**
 * The diffusion acquisition scheme: {@code b0Count} b = 0 volumes interleaved evenly among
 * {@code directions} diffusion-weighted volumes at one b-value, with directions spread over the
 * upper hemisphere by a Fibonacci (golden-angle) spiral, defined in world space (RAS+).
 */
final class GradientScheme {
  final double[] bvals;
  /** Unit world-frame directions, 3 per volume (0 for b = 0 volumes). */
  final double[] worldDirections;
  final int volumes;

  private GradientScheme(double[] bvals, double[] dirs) {
    this.bvals = bvals;
    this.worldDirections = dirs;
    this.volumes = bvals.length;
  }

  static GradientScheme create(int directions, int b0Count, double b) {
    int n = directions + b0Count;
    double[] bvals = new double[n];
    double[] dirs = new double[3 * n];
    boolean[] isB0 = new boolean[n];
    for (int q = 0; q < b0Count; q++) {
      isB0[(int) Math.round((double) q * n / b0Count)] = true;
    }
    double golden = Math.PI * (3 - Math.sqrt(5));
    int d = 0;
    for (int v = 0; v < n; v++) {
      if (isB0[v]) {
        continue;
      }
      double z = 1 - (d + 0.5) / directions; // (0, 1]: upper hemisphere
      double r = Math.sqrt(1 - z * z);
      double phi = golden * d;
      bvals[v] = b;
      dirs[3 * v] = r * Math.cos(phi);
      dirs[3 * v + 1] = r * Math.sin(phi);
      dirs[3 * v + 2] = z;
      d++;
    }
    return new GradientScheme(bvals, dirs);
  }

  boolean isB0(int v) {
    return bvals[v] == 0;
  }

  /** The .bval text: one row, b0 volumes written as {@code b0Value}. */
  String bvalText(double b0Value) {
    StringBuilder sb = new StringBuilder();
    for (int v = 0; v < volumes; v++) {
      sb.append(v == 0 ? "" : " ").append(format(isB0(v) ? b0Value : bvals[v]));
    }
    return sb.append('\n').toString();
  }

  /**
   * The .bvec text: 3 rows, the directions in the FSL image frame of {@code affine}:
   * {@code v = F·Rᵀ·g} with R the affine's unit columns and F = diag(−1, 1, 1) when det > 0.
   */
  String bvecText(Affine affine) {
    double[][] r = affine.unitColumns();
    double flip = affine.determinant() > 0 ? -1 : 1;
    StringBuilder[] rows = {new StringBuilder(), new StringBuilder(), new StringBuilder()};
    for (int v = 0; v < volumes; v++) {
      double gx = worldDirections[3 * v];
      double gy = worldDirections[3 * v + 1];
      double gz = worldDirections[3 * v + 2];
      for (int c = 0; c < 3; c++) {
        double val = r[0][c] * gx + r[1][c] * gy + r[2][c] * gz;
        if (c == 0) {
          val *= flip;
        }
        rows[c].append(v == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.6f", val == 0 ? 0.0 : val));
      }
    }
    return rows[0] + "\n" + rows[1] + "\n" + rows[2] + "\n";
  }

  private static String format(double b) {
    return b == Math.rint(b) ? Long.toString((long) b) : Double.toString(b);
  }
}
