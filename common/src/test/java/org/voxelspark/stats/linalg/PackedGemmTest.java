package org.voxelspark.stats.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Both product implementations follow the arithmetic contract bit for bit: each element is the
 * fused multiply-add chain over the subjects in ascending order. The tests run with
 * {@code --add-modules jdk.incubator.vector} (common/pom.xml), so the Vector API kernel must load.
 */
class PackedGemmTest {
  @Test
  void bothImplementationsComputeTheContractsChainExactly() {
    assertNotNull(PackedGemm.vector(), "the tests run with jdk.incubator.vector: the Vector API kernel must load");
    SplittableRandom rnd = new SplittableRandom(6);
    for (int n : new int[] {1, 3, 4, 5, 13, 100}) {
      for (int rows : new int[] {1, 2, 3, 4, 5, 7, 9}) {
        for (int width : new int[] {1, 7, 15, 16, 17, 33, 128, 300}) {
          double[] a = new double[3 * rows * n + 5];
          for (int i = 0; i < a.length; i++) {
            a[i] = rnd.nextGaussian();
          }
          double[][] tile = new double[n][width];
          for (double[] row : tile) {
            for (int j = 0; j < width; j++) {
              row[j] = rnd.nextGaussian() * Math.exp(3 * rnd.nextGaussian());
            }
          }
          int off = 5 + rows * n;
          double[][] wp = new double[rows][width];
          double[][] wv = new double[rows][width];
          PackedGemm.plain().multiply(a, off, rows, n, tile, width, wp);
          PackedGemm.vector().multiply(a, off, rows, n, tile, width, wv);
          for (int r = 0; r < rows; r++) {
            for (int j = 0; j < width; j++) {
              double acc = 0;
              for (int s = 0; s < n; s++) {
                acc = Math.fma(a[off + r * n + s], tile[s][j], acc);
              }
              assertEquals(Double.doubleToLongBits(acc), Double.doubleToLongBits(wp[r][j]), "plain n=" + n + " rows=" + rows);
              assertEquals(Double.doubleToLongBits(acc), Double.doubleToLongBits(wv[r][j]), "vector n=" + n + " rows=" + rows);
            }
          }
        }
      }
    }
  }
}
