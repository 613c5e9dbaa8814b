package org.voxelspark.nifti;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;
import org.voxelspark.geometry.Affine;

/**
 * The NIfTI-1 qform quaternion representation (method 2 of {@code nifti1.h}) and its conversion to
 * and from an affine.
 *
 * <p>A qform is a rotation given by the unit quaternion {@code (a, b, c, d)} with {@code a ≥ 0}
 * ({@code a} not stored: {@code a = sqrt(1 − b² − c² − d²)}), voxel sizes {@code pixdim[1..3]}, a
 * reflection {@code qfac = ±1} of the third axis ({@code pixdim[0]}) and the offsets
 * {@code qoffset_x,y,z}: {@code x = R · diag(dx, dy, qfac·dz) · (i, j, k) + offset}.
 */
final class Quaternions {
  private Quaternions() {}

  /**
   * The qform affine from {@code (b, c, d, qoffset_x, qoffset_y, qoffset_z)} and {@code pixdim}, as
   * nibabel computes it: {@code a = sqrt(1 − b² − c² − d²)}, or 0 when rounding makes that negative,
   * and the rotation matrix of the quaternion normalised by its squared norm. Non-positive voxel
   * sizes are taken as 1 (as {@code nifti1_io}).
   */
  static Affine qformAffine(double[] q, double[] pixdim) {
    double x = q[0];
    double y = q[1];
    double z = q[2];
    double w2 = 1.0 - (x * x + y * y + z * z);
    double w = w2 > 0 ? Math.sqrt(w2) : 0;
    double norm = w * w + x * x + y * y + z * z;
    double[][] r;
    if (norm < 1e-300) {
      r = new double[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
    } else {
      double s = 2.0 / norm;
      double xs = x * s;
      double ys = y * s;
      double zs = z * s;
      double wx = w * xs;
      double wy = w * ys;
      double wz = w * zs;
      double xx = x * xs;
      double xy = x * ys;
      double xz = x * zs;
      double yy = y * ys;
      double yz = y * zs;
      double zz = z * zs;
      r = new double[][] {
        {1.0 - (yy + zz), xy - wz, xz + wy},
        {xy + wz, 1.0 - (xx + zz), yz - wx},
        {xz - wy, yz + wx, 1.0 - (xx + yy)}
      };
    }
    double dx = pixdim[1] > 0 ? pixdim[1] : 1;
    double dy = pixdim[2] > 0 ? pixdim[2] : 1;
    double dz = pixdim[3] > 0 ? pixdim[3] : 1;
    if (pixdim[0] < 0) {
      dz = -dz;
    }
    return Affine.of(new double[][] {
      {r[0][0] * dx, r[0][1] * dy, r[0][2] * dz, q[3]},
      {r[1][0] * dx, r[1][1] * dy, r[1][2] * dz, q[4]},
      {r[2][0] * dx, r[2][1] * dy, r[2][2] * dz, q[5]}
    });
  }

  /**
   * The qform parameters that best represent {@code affine}: voxel sizes are its column norms, a
   * negative determinant becomes {@code qfac = −1}, and a linear part that is not a pure rotation
   * after removing the sizes (shear, as in some oblique sforms) is replaced by the nearest rotation
   * (polar decomposition). Writes {@code b, c, d, qoffset_x, qoffset_y, qoffset_z, qfac} to
   * {@code out[0..6]}.
   */
  static void fromAffine(Affine affine, double[] out) {
    double[][] r = new double[3][3];
    for (int col = 0; col < 3; col++) {
      double n = affine.columnNorm(col);
      for (int row = 0; row < 3; row++) {
        r[row][col] = n == 0 ? (row == col ? 1 : 0) : affine.get(row, col) / n;
      }
    }
    double det = r[0][0] * (r[1][1] * r[2][2] - r[1][2] * r[2][1])
        - r[0][1] * (r[1][0] * r[2][2] - r[1][2] * r[2][0])
        + r[0][2] * (r[1][0] * r[2][1] - r[1][1] * r[2][0]);
    double qfac = 1;
    if (det < 0) {
      qfac = -1;
      for (int row = 0; row < 3; row++) {
        r[row][2] = -r[row][2];
      }
    }
    if (!isOrthonormal(r)) {
      SingularValueDecomposition svd = new SingularValueDecomposition(new Array2DRowRealMatrix(r));
      RealMatrix rot = svd.getU().multiply(svd.getVT());
      r = rot.getData();
    }
    double r11 = r[0][0];
    double r12 = r[0][1];
    double r13 = r[0][2];
    double r21 = r[1][0];
    double r22 = r[1][1];
    double r23 = r[1][2];
    double r31 = r[2][0];
    double r32 = r[2][1];
    double r33 = r[2][2];
    double a = r11 + r22 + r33 + 1.0;
    double b;
    double c;
    double d;
    if (a > 0.5) {
      a = 0.5 * Math.sqrt(a);
      b = 0.25 * (r32 - r23) / a;
      c = 0.25 * (r13 - r31) / a;
      d = 0.25 * (r21 - r12) / a;
    } else {
      double xd = 1.0 + r11 - (r22 + r33);
      double yd = 1.0 + r22 - (r11 + r33);
      double zd = 1.0 + r33 - (r11 + r22);
      if (xd > 1.0) {
        b = 0.5 * Math.sqrt(xd);
        c = 0.25 * (r12 + r21) / b;
        d = 0.25 * (r13 + r31) / b;
        a = 0.25 * (r32 - r23) / b;
      } else if (yd > 1.0) {
        c = 0.5 * Math.sqrt(yd);
        b = 0.25 * (r12 + r21) / c;
        d = 0.25 * (r23 + r32) / c;
        a = 0.25 * (r13 - r31) / c;
      } else {
        d = 0.5 * Math.sqrt(zd);
        b = 0.25 * (r13 + r31) / d;
        c = 0.25 * (r23 + r32) / d;
        a = 0.25 * (r21 - r12) / d;
      }
      if (a < 0) {
        b = -b;
        c = -c;
        d = -d;
      }
    }
    out[0] = b;
    out[1] = c;
    out[2] = d;
    out[3] = affine.get(0, 3);
    out[4] = affine.get(1, 3);
    out[5] = affine.get(2, 3);
    out[6] = qfac;
  }

  private static boolean isOrthonormal(double[][] r) {
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        double dot = r[0][i] * r[0][j] + r[1][i] * r[1][j] + r[2][i] * r[2][j];
        if (Math.abs(dot - (i == j ? 1 : 0)) > 1e-6) {
          return false;
        }
      }
    }
    return true;
  }
}
