package org.voxelspark.qc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.voxelspark.dti.GradientTable;
import org.voxelspark.geometry.VoxelLayout;
import org.voxelspark.nifti.NiftiImage;
import org.voxelspark.nifti.NiftiReader;
import org.voxelspark.testing.SharedData;

/**
 * median_otsu against the masks DIPY 1.6 computed for the whole-brain Canon scans
 * ({@code golden/dti/<dataset>/mask.nii.gz}, rule in {@code mask_rule.txt}: median_otsu on the
 * b ≤ 50 volumes, radius 4, 4 passes).
 */
class MedianOtsuTest {
  @Test
  void matchesDipyOnTheCanonScans() throws Exception {
    // canon_ax_oblique gives 35 of 256 000 voxels; one dataset keeps the test at ~5 s
    for (String ds : new String[] {"canon_ax_ortho"}) {
      Path dir = SharedData.require("dwi/" + ds);
      NiftiImage dwi = NiftiReader.read(dir.resolve("dwi.nii.gz"), VoxelLayout.VOXEL_MAJOR);
      var h = dwi.header();
      GradientTable g = GradientTable.parse(Files.readString(dir.resolve("dwi.bval")), "bval",
          Files.readString(dir.resolve("dwi.bvec")), "bvec", h.nt(), 50);
      int voxels = (int) h.voxelsPerVolume();
      float[] meanB0 = new float[voxels];
      int[] b0 = g.b0Volumes();
      for (int v = 0; v < voxels; v++) {
        double s = 0;
        for (int t : b0) {
          s += dwi.data()[v * h.nt() + t];
        }
        meanB0[v] = (float) (s / b0.length);
      }
      boolean[] ours = MedianOtsu.mask(meanB0, h.nx(), h.ny(), h.nz(), 4, 4);
      float[] ref = NiftiReader.read(SharedData.require("golden/dti/" + ds + "/mask.nii.gz")).data();
      int differ = 0;
      int inRef = 0;
      for (int v = 0; v < voxels; v++) {
        differ += ours[v] != (ref[v] != 0) ? 1 : 0;
        inRef += ref[v] != 0 ? 1 : 0;
      }
      System.out.println(ds + ": median_otsu differs from DIPY's mask in " + differ + " of " + voxels + " voxels (DIPY: " + inRef + " in mask)");
      assertTrue(differ <= voxels / 1000, ds + ": " + differ + " voxels differ");
    }
  }

  /** The sliding-histogram filter equals a selection over every window, ties and edges included. */
  @Test
  void slidingMedianEqualsSelectionOverEveryWindow() {
    java.util.SplittableRandom rnd = new java.util.SplittableRandom(17);
    int[][] shapes = {{7, 5, 4}, {1, 1, 1}, {3, 9, 2}, {12, 6, 5}, {2, 2, 11}};
    for (int[] d : shapes) {
      for (int radius = 1; radius <= 3; radius++) {
        int n = d[0] * d[1] * d[2];
        float[] v = new float[n];
        for (int i = 0; i < n; i++) { // few distinct values (ties), some far apart (empty rank ranges)
          v[i] = rnd.nextInt(4) == 0 ? rnd.nextInt(3) : (float) (rnd.nextInt(200) * 37.5 - 1000);
        }
        float[] fast = MedianOtsu.medianFilter(v, d[0], d[1], d[2], radius);
        float[] slow = bruteForce(v, d[0], d[1], d[2], radius);
        org.junit.jupiter.api.Assertions.assertArrayEquals(slow, fast, java.util.Arrays.toString(d) + " radius " + radius);
      }
    }
  }

  /**
   * Many distinct values (a float mean b0 has up to one per voxel): a window's values are spread
   * over thousands of ranks, so the median crosses whole empty blocks of the coarse histogram, and
   * consecutive rows start from a median far from their own.
   */
  @Test
  void slidingMedianEqualsSelectionWithManyDistinctValues() {
    java.util.SplittableRandom rnd = new java.util.SplittableRandom(5);
    int[][] shapes = {{23, 11, 9}, {40, 3, 5}};
    for (int[] d : shapes) {
      int n = d[0] * d[1] * d[2];
      float[] v = new float[n];
      for (int i = 0; i < n; i++) { // two populations far apart, as background and brain
        v[i] = (float) (rnd.nextInt(3) == 0 ? rnd.nextDouble() * 10 : 1000 + rnd.nextDouble() * 500);
      }
      for (int radius = 1; radius <= 3; radius++) {
        org.junit.jupiter.api.Assertions.assertArrayEquals(bruteForce(v, d[0], d[1], d[2], radius),
            MedianOtsu.medianFilter(v, d[0], d[1], d[2], radius), java.util.Arrays.toString(d) + " radius " + radius);
      }
    }
  }

  private static float[] bruteForce(float[] in, int nx, int ny, int nz, int radius) {
    int w = 2 * radius + 1;
    float[] out = new float[in.length];
    float[] window = new float[w * w * w];
    for (int k = 0; k < nz; k++) {
      for (int j = 0; j < ny; j++) {
        for (int i = 0; i < nx; i++) {
          int q = 0;
          for (int dk = -radius; dk <= radius; dk++) {
            for (int dj = -radius; dj <= radius; dj++) {
              for (int di = -radius; di <= radius; di++) {
                window[q++] = in[reflect(i + di, nx) + nx * (reflect(j + dj, ny) + ny * reflect(k + dk, nz))];
              }
            }
          }
          out[i + nx * (j + ny * k)] = MedianOtsu.select(window, window.length / 2);
        }
      }
    }
    return out;
  }

  /** scipy's 'reflect': −1 → 0, n → n − 1, periodic with period 2n. */
  private static int reflect(int x, int n) {
    int m = ((x % (2 * n)) + 2 * n) % (2 * n);
    return m < n ? m : 2 * n - 1 - m;
  }

  @Test
  void medianAndSelect() {
    assertEquals(3f, MedianOtsu.select(new float[] {5, 1, 3, 2, 4}, 2));
    // 1-D-like volume: a single spike is removed by a radius-1 median
    float[] v = new float[27];
    v[13] = 100;
    float[] f = MedianOtsu.medianFilter(v, 3, 3, 3, 1);
    assertEquals(0f, f[13]);
  }
}
