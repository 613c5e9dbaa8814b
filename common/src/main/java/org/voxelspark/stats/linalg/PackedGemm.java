package org.voxelspark.stats.linalg;

/**
 * The dense product at the heart of the group statistics: {@code W = A·T} where A is a small
 * rows×n matrix (basis vectors of the design, shuffled) and T is an n×width tile of a
 * subject-major data block, packed one subject per array.
 *
 * <p><b>Arithmetic contract.</b> Every output element is computed as the fused multiply-add chain
 * {@code w = fma(a[n−1], t[n−1][j], … fma(a[1], t[1][j], fma(a[0], t[0][j], 0)))}, over the subjects
 * in ascending order, whatever the tile width, the number of rows, the position of the tile in the
 * block or the implementation. A voxel's result therefore depends only on its own data and the row
 * of A, bit for bit: splitting voxels into blocks, or shufflings into chunks, never changes a
 * statistic, and every executor computes the same numbers.
 *
 * <p><b>Implementations.</b> {@link #implementation()} is chosen once per JVM: the Vector API
 * micro-kernel ({@code VectorGemm}: registers hold 4 rows × 2 vectors of accumulators) when the JVM
 * runs with {@code --add-modules jdk.incubator.vector}, else a plain loop that HotSpot C2
 * auto-vectorises (four subjects per pass over the voxels). Both follow the contract, so results
 * do not depend on the choice; only the speed does (see {@code docs/benchmarks.md}). The system
 * property {@code voxelspark.gemm=plain} forces the plain loop (for benchmarks). Stateless;
 * thread-safe.
 */
public final class PackedGemm {
  /** A product implementation. */
  public interface Kernel {
    /** A short description for logs. */
    String name();

    /** {@code w[r][j] = Σ_s a[aOffset + r*n + s]·tile[s][j]} for r &lt; rows, j &lt; width. */
    void multiply(double[] a, int aOffset, int rows, int n, double[][] tile, int width, double[][] w);
  }

  private static final Kernel PLAIN = new Plain();
  private static final Kernel VECTOR = loadVector();
  private static final Kernel KERNEL =
      VECTOR != null && !"plain".equals(System.getProperty("voxelspark.gemm")) ? VECTOR : PLAIN;

  private PackedGemm() {}

  private static Kernel loadVector() {
    return org.voxelspark.math.VectorApi.instance("org.voxelspark.stats.linalg.VectorGemm", Kernel.class);
  }

  /** The implementation in use, e.g. "Vector API, 512-bit" or "plain loop (C2 auto-vectorised)". */
  public static String implementation() {
    return KERNEL.name();
  }

  /** The plain-loop implementation (always available). */
  public static Kernel plain() {
    return PLAIN;
  }

  /** The Vector API implementation, or null when the JVM lacks {@code jdk.incubator.vector}. */
  public static Kernel vector() {
    return VECTOR;
  }

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
   * {@code w[r][j] = Σ_s a[aOffset + r*n + s]·tile[s][j]} for r &lt; rows, j &lt; width, in the order
   * of the arithmetic contract above.
   */
  public static void multiply(double[] a, int aOffset, int rows, int n, double[][] tile, int width, double[][] w) {
    KERNEL.multiply(a, aOffset, rows, n, tile, width, w);
  }

  private static final class Plain implements Kernel {
    @Override
    public String name() {
      return "plain loop (C2 auto-vectorised)";
    }

    @Override
    public void multiply(double[] a, int aOffset, int rows, int n, double[][] tile, int width, double[][] w) {
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
}
