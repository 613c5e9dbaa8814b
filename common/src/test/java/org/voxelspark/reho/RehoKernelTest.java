package org.voxelspark.reho;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.voxelspark.geometry.Block;
import org.voxelspark.geometry.BlockGrid;
import org.voxelspark.geometry.VoxelLayout;

/** ReHo on synthetic series with known W, degenerate inputs, and block/whole-volume equality. */
class RehoKernelTest {
  private static float[] series(int nx, int ny, int nz, int n, SplittableRandom rnd, boolean identical) {
    float[] s = new float[nx * ny * nz * n];
    float[] shared = new float[n];
    for (int t = 0; t < n; t++) {
      shared[t] = (float) rnd.nextGaussian();
    }
    for (int v = 0; v < nx * ny * nz; v++) {
      for (int t = 0; t < n; t++) {
        s[v * n + t] = identical ? shared[t] : (float) rnd.nextGaussian();
      }
    }
    return s;
  }

  @Test
  void identicalSeriesGiveOne() {
    for (RehoPreset p : RehoPreset.values()) {
      for (Neighbourhood nb : Neighbourhood.values()) {
        float[] w = new RehoKernel(p, nb, 5, 5, 5).computeVolume(series(5, 5, 5, 40, new SplittableRandom(1), true), 40, null);
        // the AFNI rule truncates to integers first: give it integer-distinct values
        if (p == RehoPreset.AFNI) {
          float[] s = new float[5 * 5 * 5 * 40];
          for (int v = 0; v < 125; v++) {
            for (int t = 0; t < 40; t++) {
              s[v * 40 + t] = (t * 7) % 40;
            }
          }
          w = new RehoKernel(p, nb, 5, 5, 5).computeVolume(s, 40, null);
        }
        assertEquals(1.0, w[2 + 5 * (2 + 5 * 2)], 1e-6, p + " " + nb + " centre voxel");
      }
    }
  }

  @Test
  void independentNoiseAveragesOneOverK() {
    // E[W] = 1/K for K independent series (Friedman: E[χ²] = n − 1 = K(n − 1)·E[W])
    int n = 100;
    for (Neighbourhood nb : Neighbourhood.values()) {
      float[] w = new RehoKernel(RehoPreset.DPABI, nb, 12, 12, 12).computeVolume(series(12, 12, 12, n, new SplittableRandom(7), false), n, null);
      double sum = 0;
      int count = 0;
      for (int k = 1; k < 11; k++) {
        for (int j = 1; j < 11; j++) {
          for (int i = 1; i < 11; i++) {
            sum += w[i + 12 * (j + 12 * k)];
            count++;
          }
        }
      }
      double mean = sum / count;
      double expected = 1.0 / nb.size();
      assertEquals(expected, mean, 0.1 * expected, nb + ": mean W over " + count + " interior voxels");
    }
  }

  @Test
  void degenerateVoxelsGiveTheDocumentedValues() {
    int n = 20;
    float[] s = series(3, 3, 3, n, new SplittableRandom(3), false);
    boolean[] mask = new boolean[27];
    mask[13] = true; // only the centre: K = 1
    float[] w = new RehoKernel(RehoPreset.AFNI, Neighbourhood.NN27, 3, 3, 3).computeVolume(s, n, mask);
    assertEquals(0f, w[0], "outside the mask: 0");
    float[] ranks = new float[n];
    new Ranker(n, TieRanking.AFNI_INTEGER_TIES).rank(s, 13 * n, ranks, 0);
    assertTrue(w[13] >= 0 && w[13] <= 1, "K = 1 gives a W in [0, 1]: " + w[13]);
    float[] constant = new float[27 * n];
    java.util.Arrays.fill(constant, 100f);
    for (RehoPreset p : RehoPreset.values()) {
      float[] wc = new RehoKernel(p, Neighbourhood.NN27, 3, 3, 3).computeVolume(constant, n, null);
      // 3dReHo never averages the last tie group, so a constant series keeps ranks 1..n: W = 1
      assertEquals(p == RehoPreset.AFNI ? 1f : 0f, wc[13], p + ": constant series give the documented value, not NaN");
    }
    float[] edge = new RehoKernel(RehoPreset.DPABI, Neighbourhood.NN7, 3, 3, 3).computeVolume(s, n, null);
    assertEquals(0f, edge[0], "DPABI: a voxel on the volume's edge is 0");
    float[] afniEdge = new RehoKernel(RehoPreset.AFNI, Neighbourhood.NN7, 3, 3, 3).computeVolume(s, n, null);
    assertTrue(afniEdge[0] > 0, "AFNI computes edge voxels");
  }

  @Test
  void meanAndCeilRanksOfTies() {
    float[] v = {3, 1, 3, 2, 3, 1};
    float[] r = new float[6];
    double ties = new Ranker(6, TieRanking.MEAN_RANK).rank(v, 0, r, 0);
    assertArrayEquals(new float[] {5, 1.5f, 5, 3, 5, 1.5f}, r);
    assertEquals((8 - 2) + (27 - 3), ties, 0);
    new Ranker(6, TieRanking.CEIL_MEAN_ZERO_BASED).rank(v, 0, r, 0);
    assertArrayEquals(new float[] {4, 1, 4, 2, 4, 1}, r, "0-based positions 3,4,5 -> 4; 0,1 -> ceil(0.5) = 1");
    double afni = new Ranker(6, TieRanking.AFNI_INTEGER_TIES).rank(new float[] {3.7f, 1.2f, 3.1f, 2f, 3.5f, 1.9f}, 0, r, 0);
    assertEquals(6, afni, 0, "1.2 and 1.9 tie as integers (t = 2); the top group 3.x is left out");
    assertEquals(1.5f, r[1]);
    assertEquals(1.5f, r[5]);
    assertEquals(6f, r[0], "top group keeps its positions");
    assertEquals(4f, r[2]);
  }

  @Test
  void blocksGiveTheWholeVolumeResultBitForBit() {
    int nx = 13;
    int ny = 11;
    int nz = 9;
    int n = 30;
    SplittableRandom rnd = new SplittableRandom(11);
    float[] s = new float[nx * ny * nz * n];
    for (int q = 0; q < s.length; q++) {
      s[q] = (float) Math.rint(100 + 5 * rnd.nextGaussian()); // integers: ties, as in real data
    }
    boolean[] mask = new boolean[nx * ny * nz];
    for (int q = 0; q < mask.length; q++) {
      mask[q] = rnd.nextDouble() < 0.8;
    }
    for (RehoPreset p : RehoPreset.values()) {
      for (Neighbourhood nb : Neighbourhood.values()) {
        RehoKernel k = new RehoKernel(p, nb, nx, ny, nz);
        float[] whole = k.computeVolume(s, n, mask);
        for (int size : new int[] {4, 5}) {
          float[] assembled = new float[whole.length];
          for (Block b : BlockGrid.regular(nx, ny, nz, size, size, size, k.halo()).blocks()) {
            float[] part = BlockGrid.extract(s, nx, ny, nz, n, VoxelLayout.VOXEL_MAJOR, b.halo(), VoxelLayout.VOXEL_MAJOR);
            float[] out = new float[b.core().voxelCount()];
            k.compute(part, n, b.halo(), b.core(), BlockGrid.extractMask(mask, nx, ny, nz, b.halo()), out);
            BlockGrid.insert(out, b.core(), b.core(), 1, VoxelLayout.VOXEL_MAJOR, assembled, nx, ny, nz, VoxelLayout.VOXEL_MAJOR);
          }
          assertArrayEquals(whole, assembled, p + " " + nb + " blocks of " + size);
        }
      }
    }
  }

  /**
   * The separable 3×3×3 path against the definition summed neighbour by neighbour (in double, in
   * offset order): the same bits for every preset, with holes in the mask and the volume's edges.
   */
  @Test
  void cubeEqualsTheDefinitionBitForBit() {
    int nx = 7;
    int ny = 6;
    int nz = 5;
    int n = 30;
    SplittableRandom rnd = new SplittableRandom(21);
    float[] s = new float[nx * ny * nz * n];
    for (int q = 0; q < s.length; q++) {
      s[q] = rnd.nextInt(3) == 0 ? (float) rnd.nextInt(6) : (float) rnd.nextGaussian(); // ties and floats
    }
    boolean[] mask = new boolean[nx * ny * nz];
    for (int q = 0; q < mask.length; q++) {
      mask[q] = rnd.nextDouble() < 0.75;
    }
    for (RehoPreset preset : RehoPreset.values()) {
      float[] ours = new RehoKernel(preset, Neighbourhood.NN27, nx, ny, nz).computeVolume(s, n, mask);
      Ranker ranker = new Ranker(n, preset.ranking());
      float[][] ranks = new float[mask.length][n];
      double[] ties = new double[mask.length];
      for (int v = 0; v < mask.length; v++) {
        ties[v] = ranker.rank(s, v * n, ranks[v], 0);
      }
      for (int k = 0; k < nz; k++) {
        for (int j = 0; j < ny; j++) {
          for (int i = 0; i < nx; i++) {
            int c = i + nx * (j + ny * k);
            boolean edge = i == 0 || j == 0 || k == 0 || i == nx - 1 || j == ny - 1 || k == nz - 1;
            float expected = 0f;
            if (mask[c] && !(preset.zeroOnVolumeEdge() && edge)) {
              double[] r = new double[n];
              int members = 0;
              double tieSum = 0;
              for (int[] d : Neighbourhood.NN27.offsets()) {
                int a = i + d[0];
                int b = j + d[1];
                int e = k + d[2];
                if (a < 0 || b < 0 || e < 0 || a >= nx || b >= ny || e >= nz || !mask[a + nx * (b + ny * e)]) {
                  continue;
                }
                int u = a + nx * (b + ny * e);
                members++;
                tieSum += ties[u];
                for (int t = 0; t < n; t++) {
                  r[t] += ranks[u][t];
                }
              }
              double sum = 0;
              double sumSq = 0;
              for (int t = 0; t < n; t++) {
                sum += r[t];
                sumSq += r[t] * r[t];
              }
              double den = (double) members * members * ((double) n * n * n - n) - (preset.tieCorrection() ? members * tieSum : 0);
              expected = den > 0 ? (float) (12 * (sumSq - sum * sum / n) / den) : 0f;
            }
            assertEquals(expected, ours[c], 0f, preset + " voxel " + i + "," + j + "," + k);
          }
        }
      }
    }
  }
}
