package org.voxelspark.geometry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Properties of block grids over many random volumes (seeded: a failure names its case): cores
 * partition the volume, halos are the grown-and-clipped cores, neighbours lie in the halo, and
 * extract + insert of every block reassembles the series bit for bit, for block sizes that do and
 * do not divide the dims, halos 0..2, both layouts, regular and mask-balanced grids.
 */
class BlockGridPropertyTest {
  private static final int CASES = 300;

  @Test
  void regularGridsPartitionAndReassemble() {
    SplittableRandom rnd = new SplittableRandom(20261122);
    for (int c = 0; c < CASES; c++) {
      int nx = 1 + rnd.nextInt(20);
      int ny = 1 + rnd.nextInt(20);
      int nz = 1 + rnd.nextInt(20);
      int bx = 1 + rnd.nextInt(nx + 3);
      int by = 1 + rnd.nextInt(ny + 3);
      int bz = 1 + rnd.nextInt(nz + 3);
      int halo = rnd.nextInt(3);
      int nt = 1 + rnd.nextInt(4);
      String name = "case " + c + ": " + nx + "×" + ny + "×" + nz + " blocks " + bx + "×" + by + "×" + bz
          + " halo " + halo + " nt " + nt;
      BlockGrid grid = BlockGrid.regular(nx, ny, nz, bx, by, bz, halo);
      int expectedBlocks = ceilDiv(nx, bx) * ceilDiv(ny, by) * ceilDiv(nz, bz);
      assertEquals(expectedBlocks, grid.blockCount(), name);
      checkGrid(grid, null, nt, rnd, name);
    }
  }

  @Test
  void balancedGridsPartitionReassembleAndBalance() {
    SplittableRandom rnd = new SplittableRandom(7);
    for (int c = 0; c < CASES; c++) {
      int nx = 1 + rnd.nextInt(24);
      int ny = 1 + rnd.nextInt(24);
      int nz = 1 + rnd.nextInt(24);
      boolean[] mask = randomMask(nx, ny, nz, rnd, c);
      int inMask = 0;
      for (boolean m : mask) {
        inMask += m ? 1 : 0;
      }
      int target = 1 + rnd.nextInt(Math.max(1, inMask / 2 + 5));
      int halo = rnd.nextInt(3);
      int nt = 1 + rnd.nextInt(3);
      String name = "case " + c + ": " + nx + "×" + ny + "×" + nz + " mask " + inMask + " target " + target + " halo " + halo;
      BlockGrid grid = BlockGrid.balanced(nx, ny, nz, mask, target, halo);
      checkGrid(grid, mask, nt, rnd, name);
      int total = 0;
      for (Block b : grid.blocks()) {
        assertTrue(b.maskVoxels() < 2 * target, name + ": block " + b + " holds ≥ 2T in-mask voxels");
        total += b.maskVoxels();
      }
      assertEquals(inMask, total, name + ": in-mask voxels counted once");
      BlockGrid again = BlockGrid.balanced(nx, ny, nz, mask.clone(), target, halo);
      assertEquals(grid.blocks(), again.blocks(), name + ": stable blocks and ids");
    }
  }

  @Test
  void balancedBlocksOtherThanTheLastOfACutReachTheTarget() {
    // a 40×40×40 volume with a ball-shaped mask: the cut along k closes slabs at ≥ T
    int n = 40;
    boolean[] mask = new boolean[n * n * n];
    int inMask = 0;
    for (int k = 0; k < n; k++) {
      for (int j = 0; j < n; j++) {
        for (int i = 0; i < n; i++) {
          double r2 = Math.pow(i - 19.5, 2) + Math.pow(j - 19.5, 2) + Math.pow(k - 19.5, 2);
          if (r2 < 18 * 18) {
            mask[i + n * (j + n * k)] = true;
            inMask++;
          }
        }
      }
    }
    int target = 2000;
    BlockGrid grid = BlockGrid.balanced(n, n, n, mask, target, 1);
    int below = 0;
    for (Block b : grid.blocks()) {
      if (b.maskVoxels() < target) {
        below++;
      }
    }
    assertTrue(below <= 1, "only the last slab may be under target: " + grid.blocks());
    // every block but the last holds T..2T−1 in-mask voxels
    assertTrue(grid.blockCount() <= (inMask + target - 1) / target && grid.blockCount() >= inMask / (2 * target),
        grid.blockCount() + " blocks for " + inMask + " in-mask voxels at T = " + target);
  }

  private static boolean[] randomMask(int nx, int ny, int nz, SplittableRandom rnd, int c) {
    boolean[] mask = new boolean[nx * ny * nz];
    switch (c % 4) {
      case 0 -> { } // empty mask
      case 1 -> Arrays.fill(mask, true);
      default -> {
        double p = rnd.nextDouble();
        for (int q = 0; q < mask.length; q++) {
          mask[q] = rnd.nextDouble() < p;
        }
      }
    }
    return mask;
  }

  private static void checkGrid(BlockGrid grid, boolean[] mask, int nt, SplittableRandom rnd, String name) {
    int nx = grid.nx();
    int ny = grid.ny();
    int nz = grid.nz();
    int[] owner = new int[nx * ny * nz];
    Arrays.fill(owner, -1);
    for (int id = 0; id < grid.blockCount(); id++) {
      Block b = grid.block(id);
      assertEquals(id, b.id(), name + ": dense ids");
      assertEquals(b.core().grow(grid.halo(), nx, ny, nz), b.halo(), name + ": halo = grown core");
      Box core = b.core();
      int maskCount = 0;
      for (int k = core.k0(); k < core.k1(); k++) {
        for (int j = core.j0(); j < core.j1(); j++) {
          for (int i = core.i0(); i < core.i1(); i++) {
            int v = i + nx * (j + ny * k);
            assertEquals(-1, owner[v], name + ": voxel " + i + "," + j + "," + k + " in two cores");
            owner[v] = id;
            maskCount += mask == null || mask[v] ? 1 : 0;
            if (grid.halo() >= 1) {
              for (int dk = -1; dk <= 1; dk++) {
                for (int dj = -1; dj <= 1; dj++) {
                  for (int di = -1; di <= 1; di++) {
                    int a = i + di;
                    int bb = j + dj;
                    int cc = k + dk;
                    if (a >= 0 && bb >= 0 && cc >= 0 && a < nx && bb < ny && cc < nz) {
                      assertTrue(b.halo().contains(a, bb, cc), name + ": neighbour outside halo");
                    }
                  }
                }
              }
            }
          }
        }
      }
      assertEquals(maskCount, b.maskVoxels(), name + ": mask count of block " + id);
    }
    for (int v = 0; v < owner.length; v++) {
      assertTrue(owner[v] >= 0, name + ": voxel " + v + " in no core");
    }
    for (VoxelLayout src : VoxelLayout.values()) {
      for (VoxelLayout blockLayout : VoxelLayout.values()) {
        float[] series = new float[nx * ny * nz * nt];
        for (int q = 0; q < series.length; q++) {
          series[q] = (float) rnd.nextGaussian();
        }
        float[] rebuilt = new float[series.length];
        Arrays.fill(rebuilt, Float.NaN);
        for (Block b : grid.blocks()) {
          float[] part = BlockGrid.extract(series, nx, ny, nz, nt, src, b.halo(), blockLayout);
          BlockGrid.insert(part, b.halo(), b.core(), nt, blockLayout, rebuilt, nx, ny, nz, src);
        }
        assertArrayEquals(series, rebuilt, name + ": reassembly " + src + " via " + blockLayout);
        if (mask != null) {
          Block b = grid.block(rnd.nextInt(grid.blockCount()));
          boolean[] local = BlockGrid.extractMask(mask, nx, ny, nz, b.halo());
          Box h = b.halo();
          for (int k = h.k0(); k < h.k1(); k++) {
            for (int j = h.j0(); j < h.j1(); j++) {
              for (int i = h.i0(); i < h.i1(); i++) {
                assertEquals(mask[i + nx * (j + ny * k)], local[h.localIndex(i, j, k)], name + ": mask extract");
              }
            }
          }
        }
      }
    }
  }

  private static int ceilDiv(int a, int b) {
    return (a + b - 1) / b;
  }
}
