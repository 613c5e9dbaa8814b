package org.voxelspark.stats.linalg;

/**
 * The dense product at the heart of the group statistics: {@code W = A·T} where A is a small
 * rows×n matrix (basis vectors of the design, shuffled) and T is an n×width tile of a
 * subject-major data block, packed one subject per array.
 *
 * <p><b>Arithmetic contract.</b> Every output element is computed as the fused multiply-add chain
 * {@code w = fma(a[n−1], t[n−1][j], … fma(a[1], t[1][j], fma(a[0], t[0][j], 0)))}, over the subjects
 * in ascending order, whatever the tile width, the number of rows or the position of the tile in
 * the block. A voxel's result therefore depends only on its own data and the row of A, bit for
 * bit: splitting voxels into blocks, or shufflings into chunks, never changes a statistic.
 *
 * <p><b>Speed.</b> The inner loop runs over voxels with four subjects per pass and simple array
 * indexing, the form HotSpot C2 vectorises (AVX2/AVX-512 FMA); see {@code docs/benchmarks.md}.
 * Stateless; thread-safe.
 */
public final class PackedGemm {
  private PackedGemm() {}

  /**
   * Copies columns {@code [j0, j0+width)} of the subject-major n×v block {@code y}
   * ({@code y[s*v + j]}) into {@code tile[s][0..width)}.
   */
  public static void pack(double[] y, int v, int j0, int width, double[][] tile, int n) {
    for (int s = 0; s < n; s++) {
      System.arraycopy(y, s * v + j0, tile[s], 0, width);
    }
  }

  /**
   * {@code w[r][j] = Σ_s a[aOffset + r*n + s]·tile[s][j]} for r < rows, j < width, in the order
   * of the arithmetic contract above.
   */
  public static void multiply(double[] a, int aOffset, int rows, int n, double[][] tile, int width, double[][] w) {
    for (int r = 0; r < rows; r++) {
      double[] out = w[r];
      java.util.Arrays.fill(out, 0, width, 0.0);
      int ao = aOffset + r * n;
      int s = 0;
      for (; s + 3 < n; s += 4) {
        accumulate4(a[ao + s], a[ao + s + 1], a[ao + s + 2], a[ao + s + 3],
            tile[s], tile[s + 1], tile[s + 2], tile[s + 3], out, width);
      }
      for (; s < n; s++) {
        accumulate1(a[ao + s], tile[s], out, width);
      }
    }
  }

  private static void accumulate4(double a0, double a1, double a2, double a3,
      double[] t0, double[] t1, double[] t2, double[] t3, double[] w, int width) {
    for (int j = 0; j < width; j++) {
      w[j] = Math.fma(a3, t3[j], Math.fma(a2, t2[j], Math.fma(a1, t1[j], Math.fma(a0, t0[j], w[j]))));
    }
  }

  private static void accumulate1(double a0, double[] t0, double[] w, int width) {
    for (int j = 0; j < width; j++) {
      w[j] = Math.fma(a0, t0[j], w[j]);
    }
  }
}
