package org.voxelspark.geometry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.voxelspark.geometry.Resampler.Interpolation;

class ResamplerTest {
  static final VolumeGeometry LAS = new VolumeGeometry(6, 5, 4, Affine.of(new double[][] {
      {-2, 0, 0, 10}, {0, 2, 0, -4}, {0, 0, 3, -6}, {0, 0, 0, 1}}));
  /** The same voxels stored RAS: x flipped. */
  static final VolumeGeometry RAS = new VolumeGeometry(6, 5, 4, Affine.of(new double[][] {
      {2, 0, 0, 0}, {0, 2, 0, -4}, {0, 0, 3, -6}, {0, 0, 0, 1}}));

  static float[] random(int n, long seed) {
    Random r = new Random(seed);
    float[] v = new float[n];
    for (int q = 0; q < n; q++) {
      v[q] = r.nextFloat();
    }
    return v;
  }

  @Test
  void aFlippedStorageOfTheSameVoxelsResamplesExactlyWithEitherInterpolation() {
    float[] las = random(LAS.voxelCount(), 1);
    for (Interpolation how : Interpolation.values()) {
      float[] ras = Resampler.resample(las, LAS, RAS, how, 0);
      for (int k = 0; k < 4; k++) {
        for (int j = 0; j < 5; j++) {
          for (int i = 0; i < 6; i++) {
            assertEquals(las[LAS.index(5 - i, j, k)], ras[RAS.index(i, j, k)], 0.0, how + " " + i + "," + j + "," + k);
          }
        }
      }
      assertArrayEquals(las, Resampler.resample(ras, RAS, LAS, how, 0), how + ": and back");
    }
    assertTrue(Resampler.needed(LAS, RAS));
    assertFalse(Resampler.needed(LAS, LAS));
  }

  @Test
  void trilinearReproducesALinearFieldAtHalfVoxelOffsets() {
    // a linear function of world position is reproduced exactly by trilinear interpolation
    VolumeGeometry fine = new VolumeGeometry(9, 9, 9, Affine.scaling(1, 1, 1, 0, 0, 0));
    VolumeGeometry shifted = new VolumeGeometry(7, 7, 7, Affine.scaling(1, 1, 1, 0.5, 0.25, 0.75));
    float[] f = new float[fine.voxelCount()];
    for (int k = 0; k < 9; k++) {
      for (int j = 0; j < 9; j++) {
        for (int i = 0; i < 9; i++) {
          f[fine.index(i, j, k)] = (float) (1 + 2 * i - 3 * j + 0.5 * k);
        }
      }
    }
    float[] g = Resampler.resample(f, fine, shifted, Interpolation.TRILINEAR, 0);
    for (int k = 0; k < 7; k++) {
      for (int j = 0; j < 7; j++) {
        for (int i = 0; i < 7; i++) {
          double x = i + 0.5;
          double y = j + 0.25;
          double z = k + 0.75;
          assertEquals(1 + 2 * x - 3 * y + 0.5 * z, g[shifted.index(i, j, k)], 1e-5);
        }
      }
    }
  }

  @Test
  void noDataIsLeftOutOfTheWeightsAndOutsideTheGridIsNaN() {
    VolumeGeometry src = new VolumeGeometry(2, 1, 1, Affine.scaling(1, 1, 1, 0, 0, 0));
    // target voxel centres at x = 0.25 (between voxel 0 and 1), 0.75, and 5 (outside)
    VolumeGeometry dst = new VolumeGeometry(3, 1, 1, Affine.of(new double[][] {
        {0.5, 0, 0, 0.25}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}}));
    float[] out = Resampler.resample(new float[] {2, Float.NaN}, src, dst, Interpolation.TRILINEAR, 0);
    assertEquals(2f, out[0], "0.75 of the weight on the valid voxel: its value");
    assertTrue(Float.isNaN(out[1]), "0.25 of the weight on valid voxels: no data");
    float[] both = Resampler.resample(new float[] {2, 4}, src, dst, Interpolation.TRILINEAR, 0);
    assertEquals(2.5f, both[0]);
    assertEquals(3.5f, both[1]);
    float[] labels = Resampler.resample(new float[] {7, 9}, src, dst, Interpolation.NEAREST, -1);
    assertArrayEquals(new float[] {7, 9, 9}, labels, "x = 1.25 rounds to voxel 1");
    VolumeGeometry far = new VolumeGeometry(1, 1, 1, Affine.scaling(1, 1, 1, 5, 0, 0));
    assertTrue(Float.isNaN(Resampler.resample(new float[] {2, 4}, src, far, Interpolation.TRILINEAR, 0)[0]));
    assertEquals(-1f, Resampler.resample(new float[] {2, 4}, src, far, Interpolation.NEAREST, -1)[0]);
  }
}
