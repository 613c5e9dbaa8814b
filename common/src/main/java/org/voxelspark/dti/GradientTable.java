package org.voxelspark.dti;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.voxelspark.error.UserInputException;
import org.voxelspark.error.UserInputException.Problem;
import org.voxelspark.geometry.Affine;

/**
 * The b-values and gradient directions of a diffusion run, from FSL {@code .bval}/{@code .bvec}
 * files.
 *
 * <p><b>Format.</b> {@code .bval}: N numbers (b in s/mm²) separated by any whitespace, on one row or
 * one per line. {@code .bvec}: 3 rows of N numbers (FSL's layout) or N rows of 3 (accepted too).
 * N must equal the number of volumes of the image.
 *
 * <p><b>b = 0 volumes.</b> Volumes with {@code b ≤ b0Threshold} (default
 * {@value #DEFAULT_B0_THRESHOLD} s/mm²; some scanners write b = 5 for their b = 0 volumes) are
 * b0 volumes: their b-value is taken as 0 and their direction ignored. At least one is required.
 *
 * <p><b>Directions.</b> Directions of diffusion-weighted volumes are normalised to unit length; a
 * (near-)zero vector at b &gt; threshold is an error. The vector's squared norm scales the b-value:
 * {@link #effectiveBval(int)} = b·|g|², as MRtrix3 does by default ({@code -bvalue_scaling}) and as
 * DIPY does implicitly by using the vectors as stored; text files with 6 decimals leave norms of
 * 1 ± 1e-5, which would otherwise shift diffusivities by as much. They are stored as given, in FSL's image frame:
 * the frame of the voxel axes, with x flipped when the image's affine has a positive determinant
 * (FSL's radiological convention). {@link #worldDirections(Affine)} gives them in world (RAS+)
 * space: {@code g_world = R·F·v}, R the affine's linear part with unit columns, F = diag(−1, 1, 1)
 * when {@code det(affine) > 0} and the identity otherwise (as MRtrix3 does when importing FSL
 * gradients).
 *
 * <p>Errors are {@link UserInputException}s naming the .bval or .bvec file: wrong count, wrong shape,
 * a value that is not a finite number, a negative b-value, a zero-norm vector at b &gt; threshold,
 * no b0 volume. All problems are reported together. Immutable.
 */
public final class GradientTable implements Serializable {
  private static final long serialVersionUID = 1L;
  /** Default largest b-value (s/mm²) still treated as b = 0. */
  public static final double DEFAULT_B0_THRESHOLD = 50;
  private static final double MIN_NORM = 1e-3;

  private final double[] bvals;
  private final double[] bvecs; // 3 per volume, unit (0 for b0)
  private final double[] normSquared; // |g|² as stored (0 for b0)
  private final double b0Threshold;

  private GradientTable(double[] bvals, double[] bvecs, double[] normSquared, double b0Threshold) {
    this.bvals = bvals;
    this.bvecs = bvecs;
    this.normSquared = normSquared;
    this.b0Threshold = b0Threshold;
  }

  /**
   * Parses and validates a gradient table.
   *
   * @param volumes the number of volumes of the image (its 4th dimension)
   */
  public static GradientTable parse(String bvalText, String bvalSource, String bvecText, String bvecSource,
      int volumes, double b0Threshold) {
    List<Problem> problems = new ArrayList<>();
    double[] b = numbers(bvalText, bvalSource, problems);
    List<double[]> rows = rows(bvecText, bvecSource, problems);
    UserInputException.throwIfAny(problems);
    if (b.length != volumes) {
      problems.add(new Problem(bvalSource, "count", "has " + b.length + " b-values; the image has " + volumes + " volumes"));
    }
    double[] v = null;
    if (rows.size() == 3 && rows.stream().allMatch(r -> r.length == rows.get(0).length)) {
      int n = rows.get(0).length;
      v = new double[3 * n];
      for (int q = 0; q < n; q++) {
        for (int c = 0; c < 3; c++) {
          v[3 * q + c] = rows.get(c)[q];
        }
      }
    } else if (!rows.isEmpty() && rows.stream().allMatch(r -> r.length == 3)) {
      v = new double[3 * rows.size()];
      for (int q = 0; q < rows.size(); q++) {
        System.arraycopy(rows.get(q), 0, v, 3 * q, 3);
      }
    } else {
      problems.add(new Problem(bvecSource, "shape", "must be 3 rows of N values (FSL) or N rows of 3; found "
          + rows.size() + " rows of " + rows.stream().map(r -> String.valueOf(r.length)).distinct().toList() + " values"));
    }
    if (v != null && v.length / 3 != volumes) {
      problems.add(new Problem(bvecSource, "count", "has " + v.length / 3 + " vectors; the image has " + volumes + " volumes"));
    }
    UserInputException.throwIfAny(problems);
    double[] bv = b.clone();
    double[] norm2 = new double[volumes];
    int b0 = 0;
    for (int q = 0; q < volumes; q++) {
      if (bv[q] < 0) {
        problems.add(new Problem(bvalSource, "volume " + q, "negative b-value " + bv[q]));
      }
      if (bv[q] <= b0Threshold) {
        bv[q] = 0;
        v[3 * q] = v[3 * q + 1] = v[3 * q + 2] = 0;
        b0++;
        continue;
      }
      double n = Math.sqrt(v[3 * q] * v[3 * q] + v[3 * q + 1] * v[3 * q + 1] + v[3 * q + 2] * v[3 * q + 2]);
      if (n < MIN_NORM) {
        problems.add(new Problem(bvecSource, "volume " + q, "zero-length gradient vector at b = " + b[q] + " s/mm²"));
        continue;
      }
      for (int c = 0; c < 3; c++) {
        v[3 * q + c] /= n;
      }
      norm2[q] = n * n;
    }
    if (b0 == 0) {
      problems.add(new Problem(bvalSource, "b0", "no b = 0 volume (no b-value ≤ " + b0Threshold + " s/mm²): the signal cannot be normalised"));
    }
    UserInputException.throwIfAny(problems);
    return new GradientTable(bv, v, norm2, b0Threshold);
  }

  private static double[] numbers(String text, String source, List<Problem> problems) {
    String t = text.trim();
    if (t.isEmpty()) {
      problems.add(new Problem(source, "", "is empty"));
      return new double[0];
    }
    String[] tokens = t.split("\\s+");
    double[] out = new double[tokens.length];
    for (int q = 0; q < tokens.length; q++) {
      out[q] = number(tokens[q], source, "value " + (q + 1), problems);
    }
    return out;
  }

  private static List<double[]> rows(String text, String source, List<Problem> problems) {
    List<double[]> rows = new ArrayList<>();
    String[] lines = text.trim().split("\\R");
    for (int l = 0; l < lines.length; l++) {
      String line = lines[l].trim();
      if (line.isEmpty()) {
        continue;
      }
      String[] tokens = line.split("\\s+");
      double[] r = new double[tokens.length];
      for (int q = 0; q < tokens.length; q++) {
        r[q] = number(tokens[q], source, "row " + (l + 1) + " value " + (q + 1), problems);
      }
      rows.add(r);
    }
    if (rows.isEmpty()) {
      problems.add(new Problem(source, "", "is empty"));
    }
    return rows;
  }

  private static double number(String token, String source, String field, List<Problem> problems) {
    try {
      double d = Double.parseDouble(token);
      if (!Double.isFinite(d)) {
        throw new NumberFormatException();
      }
      return d;
    } catch (NumberFormatException e) {
      problems.add(new Problem(source, field, "\"" + token + "\" is not a finite number"));
      return Double.NaN;
    }
  }

  public int volumes() {
    return bvals.length;
  }

  /** b-value of volume q in s/mm² (0 for b0 volumes). */
  public double bval(int q) {
    return bvals[q];
  }

  /** The b-value the signal model uses: b·|g|² with g as stored (0 for b0 volumes), s/mm². */
  public double effectiveBval(int q) {
    return bvals[q] * normSquared[q];
  }

  public boolean isB0(int q) {
    return bvals[q] == 0;
  }

  /** Component c (0..2) of the unit direction of volume q, FSL image frame (0 for b0 volumes). */
  public double bvec(int q, int c) {
    return bvecs[3 * q + c];
  }

  public double b0Threshold() {
    return b0Threshold;
  }

  /** Indices of the b0 volumes, ascending. */
  public int[] b0Volumes() {
    int n = 0;
    for (double b : bvals) {
      n += b == 0 ? 1 : 0;
    }
    int[] out = new int[n];
    int k = 0;
    for (int q = 0; q < bvals.length; q++) {
      if (bvals[q] == 0) {
        out[k++] = q;
      }
    }
    return out;
  }

  /**
   * A vector of the FSL image frame in world (RAS+) space: {@code R·F·v} (see class doc), written
   * to {@code out[0..2]}. The same rule takes gradient directions and tensor eigenvectors to world.
   */
  public static void fslToWorld(double[][] unitColumns, boolean positiveDeterminant, double vx, double vy, double vz,
      double[] out) {
    double fx = positiveDeterminant ? -vx : vx;
    for (int row = 0; row < 3; row++) {
      out[row] = unitColumns[row][0] * fx + unitColumns[row][1] * vy + unitColumns[row][2] * vz;
    }
  }

  /** The unit directions in world (RAS+) space, 3 per volume: {@code R·F·v} (see class doc). */
  public double[] worldDirections(Affine affine) {
    double[][] r = affine.unitColumns();
    double flip = affine.determinant() > 0 ? -1 : 1;
    double[] out = new double[bvecs.length];
    for (int q = 0; q < bvals.length; q++) {
      double fx = flip * bvecs[3 * q];
      double fy = bvecs[3 * q + 1];
      double fz = bvecs[3 * q + 2];
      for (int row = 0; row < 3; row++) {
        out[3 * q + row] = r[row][0] * fx + r[row][1] * fy + r[row][2] * fz;
      }
    }
    return out;
  }
}
