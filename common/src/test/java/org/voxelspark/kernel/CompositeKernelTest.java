package org.voxelspark.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.voxelspark.geometry.Box;
import org.voxelspark.reho.Neighbourhood;
import org.voxelspark.reho.RehoKernel;
import org.voxelspark.reho.RehoPreset;

class CompositeKernelTest {
  @Test
  void channelsAreThePartsConcatenated() {
    int nx = 6;
    int n = 12;
    float[] s = new float[nx * nx * nx * n];
    SplittableRandom rnd = new SplittableRandom(4);
    for (int q = 0; q < s.length; q++) {
      s[q] = (float) rnd.nextGaussian();
    }
    boolean[] mask = new boolean[nx * nx * nx];
    for (int q = 0; q < mask.length; q++) {
      mask[q] = q % 5 != 0;
    }
    RehoKernel reho = new RehoKernel(RehoPreset.DPABI, Neighbourhood.NN19, nx, nx, nx);
    TemporalStatisticsKernel stats = new TemporalStatisticsKernel(null);
    CompositeKernel c = new CompositeKernel(List.of(stats, reho, new MaskKernel()));
    assertEquals(5, c.channels());
    assertEquals(1, c.halo());
    assertEquals(3, c.firstChannel(1));
    Box whole = Box.of(nx, nx, nx);
    float[] out = new float[whole.voxelCount() * 5];
    c.compute(s, n, whole, whole, mask, out);
    float[] w = reho.computeVolume(s, n, mask);
    float[] st = new float[whole.voxelCount() * 3];
    stats.compute(s, n, whole, whole, mask, st);
    for (int v = 0; v < whole.voxelCount(); v++) {
      assertEquals(st[3 * v], out[5 * v], "mean");
      assertEquals(st[3 * v + 2], out[5 * v + 2], "tsnr");
      assertEquals(w[v], out[5 * v + 3], "reho");
      assertEquals(mask[v] ? 1f : 0f, out[5 * v + 4], "mask");
    }
  }
}
