package org.voxelspark.geometry;

/**
 * Resamples a 3-D map from its grid onto another grid of the same world space, through the two
 * voxel-to-world affines: target voxel {@code (i, j, k)} → world → fractional source index
 * {@code (x, y, z) = A_src⁻¹ · A_dst · (i, j, k)}.
 *
 * <p><b>Interpolation</b> ({@link Interpolation}):
 * <ul>
 *   <li>{@code NEAREST} (label images and masks): the value of the source voxel nearest to
 *       {@code (x, y, z)} (each coordinate rounded half up), or the fill value outside the source grid.
 *   <li>{@code TRILINEAR} (continuous maps): the weighted mean of the 8 source voxels around
 *       {@code (x, y, z)} with the usual trilinear weights, <em>over the neighbours that are inside the
 *       source grid and not NaN</em> (NaN marks "no data", e.g. outside the subject's brain mask):
 *       Σ wᵥ·vᵥ / Σ wᵥ over valid neighbours, provided their total weight Σ wᵥ ≥ ½; otherwise NaN. So a
 *       target voxel is defined when it lies mostly over defined source voxels, and a mask edge is
 *       neither eroded nor dilated by more than half a voxel.
 * </ul>
 * Fractional coordinates within {@value #SNAP} of an integer are snapped to it, so grids that differ
 * only by a permutation or flip of axes or a whole-voxel shift (for example LAS and RAS storage of the
 * same voxels) resample <em>exactly</em>, without rounding noise from the affine products.
 *
 * <p>Allocation-free per voxel; stateless and thread-safe.
 */
public final class Resampler {
  /** Distance from an integer index under which a fractional index is taken as that integer. */
  public static final double SNAP = 1e-6;

  private Resampler() {}

  /** How values between source voxel centres are obtained. */
  public enum Interpolation {
    /** Nearest source voxel: for labels and masks. */
    NEAREST,
    /** Trilinear over the valid (finite, in-grid) neighbours: for continuous maps. */
    TRILINEAR
  }

  /**
   * Resamples {@code values} (one volume on {@code from}, NIfTI order) onto {@code to}.
   *
   * @param fill value of target voxels that fall outside the source grid (NEAREST) — TRILINEAR gives
   *     NaN there
   * @return a new array of {@code to.voxelCount()} values
   */
  public static float[] resample(float[] values, VolumeGeometry from, VolumeGeometry to, Interpolation interpolation,
      float fill) {
    if (values.length != from.voxelCount()) {
      throw new IllegalArgumentException("values has " + values.length + " voxels, grid " + from.dimsString() + " has "
          + from.voxelCount());
    }
    Affine m = to.affine().then(from.affine().inverse());
    double[][] a = m.toArray();
    int nx = from.nx();
    int ny = from.ny();
    int nz = from.nz();
    float[] out = new float[to.voxelCount()];
    int t = 0;
    for (int k = 0; k < to.nz(); k++) {
      for (int j = 0; j < to.ny(); j++) {
        for (int i = 0; i < to.nx(); i++, t++) {
          double x = snap(a[0][0] * i + a[0][1] * j + a[0][2] * k + a[0][3]);
          double y = snap(a[1][0] * i + a[1][1] * j + a[1][2] * k + a[1][3]);
          double z = snap(a[2][0] * i + a[2][1] * j + a[2][2] * k + a[2][3]);
          out[t] = interpolation == Interpolation.NEAREST ? nearest(values, nx, ny, nz, x, y, z, fill)
              : trilinear(values, nx, ny, nz, x, y, z);
        }
      }
    }
    return out;
  }

  /** Whether resampling from {@code from} to {@code to} is needed (false when they are the same grid). */
  public static boolean needed(VolumeGeometry from, VolumeGeometry to) {
    return !from.sameGrid(to, VolumeGeometry.DEFAULT_AFFINE_TOLERANCE_MM);
  }

  private static double snap(double c) {
    double r = Math.rint(c);
    return Math.abs(c - r) < SNAP ? r : c;
  }

  private static float nearest(float[] v, int nx, int ny, int nz, double x, double y, double z, float fill) {
    long i = (long) Math.floor(x + 0.5);
    long j = (long) Math.floor(y + 0.5);
    long k = (long) Math.floor(z + 0.5);
    if (i < 0 || j < 0 || k < 0 || i >= nx || j >= ny || k >= nz) {
      return fill;
    }
    return v[(int) (i + (long) nx * (j + (long) ny * k))];
  }

  private static float trilinear(float[] v, int nx, int ny, int nz, double x, double y, double z) {
    double fx = Math.floor(x);
    double fy = Math.floor(y);
    double fz = Math.floor(z);
    int i0 = (int) fx;
    int j0 = (int) fy;
    int k0 = (int) fz;
    double dx = x - fx;
    double dy = y - fy;
    double dz = z - fz;
    double sum = 0;
    double weight = 0;
    for (int c = 0; c < 8; c++) {
      int di = c & 1;
      int dj = (c >> 1) & 1;
      int dk = (c >> 2) & 1;
      double w = (di == 1 ? dx : 1 - dx) * (dj == 1 ? dy : 1 - dy) * (dk == 1 ? dz : 1 - dz);
      if (w == 0) {
        continue;
      }
      int i = i0 + di;
      int j = j0 + dj;
      int k = k0 + dk;
      if (i < 0 || j < 0 || k < 0 || i >= nx || j >= ny || k >= nz) {
        continue;
      }
      float s = v[i + nx * (j + ny * k)];
      if (Float.isNaN(s)) {
        continue;
      }
      sum += w * s;
      weight += w;
    }
    return weight >= 0.5 ? (float) (sum / weight) : Float.NaN;
  }
}
