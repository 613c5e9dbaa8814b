package org.voxelspark.stats.linalg;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The {@link PackedGemm} product with the JDK's (incubating) Vector API: a register-blocked
 * micro-kernel (4 rows × 2 vectors of accumulators, the tile streamed once per group of 4 rows).
 * It performs exactly the arithmetic of the contract in {@link PackedGemm} (per element, the fused
 * multiply-add chain over the subjects in ascending order, from 0), so its results are bit-identical
 * to the plain loop's.
 *
 * <p>Loaded only when the module {@code jdk.incubator.vector} is present (the JVM option
 * {@code --add-modules jdk.incubator.vector}); never referenced directly, see
 * {@link PackedGemm#implementation()}.
 */
final class VectorGemm implements PackedGemm.Kernel {
  private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
  private static final int L = S.length();

  @Override
  public String name() {
    return "Vector API, " + S.vectorBitSize() + "-bit";
  }

  @Override
  public void multiply(double[] a, int aOffset, int rows, int n, double[][] tile, int width, double[][] w) {
    int r = 0;
    for (; r + 3 < rows; r += 4) {
      rows4(a, aOffset + r * n, n, tile, width, w[r], w[r + 1], w[r + 2], w[r + 3]);
    }
    for (; r < rows; r++) {
      rows1(a, aOffset + r * n, n, tile, width, w[r]);
    }
  }

  private static void rows4(double[] a, int ao, int n, double[][] tile, int width, double[] w0, double[] w1,
      double[] w2, double[] w3) {
    int j = 0;
    int a1 = ao + n;
    int a2 = a1 + n;
    int a3 = a2 + n;
    for (; j + 2 * L <= width; j += 2 * L) {
      DoubleVector c00 = DoubleVector.zero(S);
      DoubleVector c01 = c00;
      DoubleVector c10 = c00;
      DoubleVector c11 = c00;
      DoubleVector c20 = c00;
      DoubleVector c21 = c00;
      DoubleVector c30 = c00;
      DoubleVector c31 = c00;
      for (int s = 0; s < n; s++) {
        double[] t = tile[s];
        DoubleVector x0 = DoubleVector.fromArray(S, t, j);
        DoubleVector x1 = DoubleVector.fromArray(S, t, j + L);
        DoubleVector b0 = DoubleVector.broadcast(S, a[ao + s]);
        DoubleVector b1 = DoubleVector.broadcast(S, a[a1 + s]);
        DoubleVector b2 = DoubleVector.broadcast(S, a[a2 + s]);
        DoubleVector b3 = DoubleVector.broadcast(S, a[a3 + s]);
        c00 = b0.fma(x0, c00);
        c01 = b0.fma(x1, c01);
        c10 = b1.fma(x0, c10);
        c11 = b1.fma(x1, c11);
        c20 = b2.fma(x0, c20);
        c21 = b2.fma(x1, c21);
        c30 = b3.fma(x0, c30);
        c31 = b3.fma(x1, c31);
      }
      c00.intoArray(w0, j);
      c01.intoArray(w0, j + L);
      c10.intoArray(w1, j);
      c11.intoArray(w1, j + L);
      c20.intoArray(w2, j);
      c21.intoArray(w2, j + L);
      c30.intoArray(w3, j);
      c31.intoArray(w3, j + L);
    }
    if (j < width) {
      scalarRows(a, ao, n, tile, j, width, w0);
      scalarRows(a, a1, n, tile, j, width, w1);
      scalarRows(a, a2, n, tile, j, width, w2);
      scalarRows(a, a3, n, tile, j, width, w3);
    }
  }

  private static void rows1(double[] a, int ao, int n, double[][] tile, int width, double[] w0) {
    int j = 0;
    for (; j + 2 * L <= width; j += 2 * L) {
      DoubleVector c0 = DoubleVector.zero(S);
      DoubleVector c1 = c0;
      for (int s = 0; s < n; s++) {
        double[] t = tile[s];
        DoubleVector b = DoubleVector.broadcast(S, a[ao + s]);
        c0 = b.fma(DoubleVector.fromArray(S, t, j), c0);
        c1 = b.fma(DoubleVector.fromArray(S, t, j + L), c1);
      }
      c0.intoArray(w0, j);
      c1.intoArray(w0, j + L);
    }
    if (j < width) {
      scalarRows(a, ao, n, tile, j, width, w0);
    }
  }

  /** The contract's chain for voxels [from, width) of one row. */
  private static void scalarRows(double[] a, int ao, int n, double[][] tile, int from, int width, double[] w) {
    for (int j = from; j < width; j++) {
      double acc = 0;
      for (int s = 0; s < n; s++) {
        acc = Math.fma(a[ao + s], tile[s][j], acc);
      }
      w[j] = acc;
    }
  }
}
