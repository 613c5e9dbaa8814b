package org.voxelspark.qc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.voxelspark.geometry.VoxelLayout;

class TemporalStatisticsTest {

  @Test
  void knownValuesOverAllVolumes() {
    // one voxel, series 2, 4, 4, 4, 5, 5, 7, 9: mean 5, sample SD sqrt(32/7)
    float[] series = {2, 4, 4, 4, 5, 5, 7, 9};
    float[] out = new float[3];
    TemporalStatistics.compute(series, 1, 8, VoxelLayout.VOXEL_MAJOR, null, out);
    assertEquals(5.0, out[TemporalStatistics.CHANNEL_MEAN], 1e-6);
    assertEquals(Math.sqrt(32.0 / 7.0), out[TemporalStatistics.CHANNEL_SD], 1e-6);
    assertEquals(5.0 / Math.sqrt(32.0 / 7.0), out[TemporalStatistics.CHANNEL_TSNR], 1e-5);
  }

  @Test
  void selectedVolumesOnlyAsForTheMeanB0() {
    // volumes 0 and 3 are "b0": values 100 and 110; the rest would change the mean if used
    float[] series = {100, 20, 30, 110, 25};
    float[] out = new float[3];
    TemporalStatistics.compute(series, 1, 5, VoxelLayout.VOXEL_MAJOR, new int[] {0, 3}, out);
    assertEquals(105.0, out[0], 1e-6);
    assertEquals(Math.sqrt(50.0), out[1], 1e-6);
  }

  @Test
  void constantSeriesHasZeroSdAndZeroTsnr() {
    float[] series = {3, 3, 3, 0, 0, 0};
    float[] out = new float[6];
    TemporalStatistics.compute(series, 2, 3, VoxelLayout.VOXEL_MAJOR, null, out);
    assertEquals(3f, out[0]);
    assertEquals(0f, out[1]);
    assertEquals(0f, out[2]);
    assertEquals(0f, out[3]);
    assertEquals(0f, out[5]);
  }

  @Test
  void nonFiniteSampleGivesNanForThatVoxelOnly() {
    float[] series = {1, Float.NaN, 3, 1, 2, 3};
    float[] out = new float[6];
    TemporalStatistics.compute(series, 2, 3, VoxelLayout.VOXEL_MAJOR, null, out);
    assertTrue(Float.isNaN(out[0]) && Float.isNaN(out[1]) && Float.isNaN(out[2]));
    assertEquals(2f, out[3]);
  }

  @Test
  void layoutsGiveBitIdenticalResults() {
    SplittableRandom rnd = new SplittableRandom(7);
    int voxels = 50;
    int nt = 13;
    float[] voxelMajor = new float[voxels * nt];
    float[] volumeMajor = new float[voxels * nt];
    for (int v = 0; v < voxels; v++) {
      for (int t = 0; t < nt; t++) {
        float x = (float) (1000 + 50 * rnd.nextGaussian());
        voxelMajor[v * nt + t] = x;
        volumeMajor[t * voxels + v] = x;
      }
    }
    float[] a = new float[voxels * 3];
    float[] b = new float[voxels * 3];
    int[] sel = {0, 2, 5, 12};
    TemporalStatistics.compute(voxelMajor, voxels, nt, VoxelLayout.VOXEL_MAJOR, sel, a);
    TemporalStatistics.compute(volumeMajor, voxels, nt, VoxelLayout.VOLUME_MAJOR, sel, b);
    for (int q = 0; q < a.length; q++) {
      assertEquals(Float.floatToIntBits(a[q]), Float.floatToIntBits(b[q]), "element " + q);
    }
  }

  @Test
  void rejectsBadArguments() {
    float[] out = new float[3];
    assertThrows(IllegalArgumentException.class,
        () -> TemporalStatistics.compute(new float[4], 1, 4, VoxelLayout.VOXEL_MAJOR, new int[] {4}, out));
    assertThrows(IllegalArgumentException.class,
        () -> TemporalStatistics.compute(new float[4], 1, 4, VoxelLayout.VOXEL_MAJOR, new int[0], out));
    assertThrows(IllegalArgumentException.class,
        () -> TemporalStatistics.compute(new float[5], 1, 4, VoxelLayout.VOXEL_MAJOR, null, out));
  }
}
