package org.voxelspark.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.voxelspark.geometry.Block;
import org.voxelspark.geometry.BlockGrid;
import org.voxelspark.geometry.Box;
import org.voxelspark.geometry.VoxelLayout;
import org.voxelspark.nifti.NiftiImage;
import org.voxelspark.nifti.NiftiReader;
import org.voxelspark.reho.AlffConvention;
import org.voxelspark.reho.AlffKernel;
import org.voxelspark.reho.Neighbourhood;
import org.voxelspark.reho.RehoKernel;
import org.voxelspark.reho.RehoPreset;
import org.voxelspark.signal.BandpassFilter;
import org.voxelspark.signal.Detrend;
import org.voxelspark.signal.Preprocessing;
import org.voxelspark.testing.SharedData;

/**
 * Preprocessing before ReHo in the same block pass: blocks (whose halo voxels are cleaned too) equal
 * the whole volume bit for bit, and cleaning the raw crop then computing ReHo reproduces the tools'
 * ReHo of the reference band-passed crop.
 */
class PreprocessedKernelTest {
  @Test
  void blocksEqualTheWholeVolumeBitForBit() {
    int nx = 11;
    int ny = 9;
    int nz = 7;
    int n = 40;
    SplittableRandom rnd = new SplittableRandom(7);
    float[] s = new float[nx * ny * nz * n];
    for (int q = 0; q < s.length; q++) {
      s[q] = (float) (100 + 5 * rnd.nextGaussian() + (q % n) * 0.3);
    }
    boolean[] mask = new boolean[nx * ny * nz];
    for (int q = 0; q < mask.length; q++) {
      mask[q] = rnd.nextDouble() < 0.8;
    }
    double[] confound = new double[n];
    for (int t = 0; t < n; t++) {
      confound[t] = rnd.nextGaussian();
    }
    Preprocessing p = Preprocessing.of(n, Detrend.QUADRATIC, List.of(confound),
        BandpassFilter.of(BandpassFilter.Design.IDEAL, n, 2, 0.01, 0.2));
    BlockKernel kernel = new CompositeKernel(List.of(
        new PreprocessedKernel(p, new RehoKernel(RehoPreset.DPABI, Neighbourhood.NN27, nx, ny, nz)),
        new PreprocessedKernel(Preprocessing.of(n, Detrend.NONE, List.of(confound), null),
            new AlffKernel(AlffConvention.CPAC, 2, 0.01, 0.2))));
    Box whole = Box.of(nx, ny, nz);
    float[] expected = new float[whole.voxelCount() * kernel.channels()];
    kernel.compute(s, n, whole, whole, mask, expected);
    for (int size : new int[] {3, 4, 5}) {
      float[] assembled = new float[expected.length];
      for (Block b : BlockGrid.regular(nx, ny, nz, size, size, size, kernel.halo()).blocks()) {
        float[] part = BlockGrid.extract(s, nx, ny, nz, n, VoxelLayout.VOXEL_MAJOR, b.halo(), VoxelLayout.VOXEL_MAJOR);
        float[] values = new float[b.core().voxelCount() * kernel.channels()];
        kernel.compute(part, n, b.halo(), b.core(), BlockGrid.extractMask(mask, nx, ny, nz, b.halo()), values);
        BlockGrid.insert(values, b.core(), b.core(), kernel.channels(), VoxelLayout.VOXEL_MAJOR, assembled, nx, ny, nz,
            VoxelLayout.VOXEL_MAJOR);
      }
      assertArrayEquals(expected, assembled, "block size " + size);
    }
  }

  /**
   * The reference crop's ReHo maps of {@code bold_filtpsc_float32} (DPABI and C-PAC run on the
   * band-passed data, in percent of the mean) against ReHo of the raw crop cleaned by our linear
   * detrend + ideal 0.01–0.08 Hz filter. Ranks do not depend on the percent scaling, so:
   * <ul>
   *   <li>every voxel's series is ordered as the reference orders it, except values closer than the two
   *       files' rounding (1e-5 percent, 1.5× the largest difference 6.6e-6 between our percent series
   *       and the reference's, {@code PreprocessingTest});
   *   <li>hence W agrees exactly where no near-tie swaps, and elsewhere by at most what one swap of
   *       adjacent ranks can change: 12·2Kn / (K²(n³ − n)) ≤ 24/(K·n²) = 1.4e-4 for K = 7, n = 156.
   * </ul>
   */
  @ParameterizedTest(name = "{0} nn{1}")
  @CsvSource({"DPABI, 7, dpabi-octave", "DPABI, 27, dpabi-octave", "CPAC, 19, cpac-orig", "CPAC, 27, cpac-orig"})
  void cleaningThenRehoReproducesTheToolsOnTheBandPassedCrop(RehoPreset preset, int neighbours, String tool) {
    NiftiImage raw = NiftiReader.read(SharedData.require("func/studyforrest_crop/bold.nii.gz"), VoxelLayout.VOXEL_MAJOR);
    float[] psc = NiftiReader.read(SharedData.require("func/studyforrest_crop/bold_filtpsc_float32.nii.gz"),
        VoxelLayout.VOXEL_MAJOR).data();
    float[] m = NiftiReader.read(SharedData.require("func/studyforrest_crop/mask.nii.gz")).data();
    boolean[] mask = new boolean[m.length];
    for (int q = 0; q < m.length; q++) {
      mask[q] = m[q] != 0;
    }
    var h = raw.header();
    int n = h.nt();
    Preprocessing p = Preprocessing.of(n, Detrend.LINEAR, List.of(),
        BandpassFilter.of(BandpassFilter.Design.IDEAL, n, h.repetitionTimeSeconds(), 0.01, 0.08));
    // the series' order
    float[] clean = new float[raw.data().length];
    Preprocessing.Scratch scratch = p.scratch();
    double worstInversion = 0;
    for (int v = 0; v < mask.length; v++) {
      p.apply(raw.data(), v * n, clean, v * n, scratch);
      Integer[] order = new Integer[n];
      for (int t = 0; t < n; t++) {
        order[t] = t;
      }
      final int base = v * n;
      java.util.Arrays.sort(order, (a, b) -> Float.compare(clean[base + a], clean[base + b]));
      double runningMax = Double.NEGATIVE_INFINITY;
      for (int t : order) {
        runningMax = Math.max(runningMax, psc[base + t]);
        worstInversion = Math.max(worstInversion, runningMax - psc[base + t]);
      }
    }
    PreprocessedKernel k = new PreprocessedKernel(p, new RehoKernel(preset, Neighbourhood.of(neighbours), h.nx(), h.ny(), h.nz()));
    Box whole = Box.of(h.nx(), h.ny(), h.nz());
    float[] ours = new float[whole.voxelCount()];
    k.compute(raw.data(), n, whole, whole, mask, ours);
    float[] golden = NiftiReader.read(SharedData.require(
        "golden/reho/studyforrest_crop_filtpsc/" + tool + "_nn" + neighbours + ".nii.gz")).data();
    double worst = 0;
    int inMask = 0;
    int exact = 0;
    for (int v = 0; v < ours.length; v++) {
      if (mask[v]) {
        double d = Math.abs(ours[v] - golden[v]);
        worst = Math.max(worst, d);
        inMask++;
        exact += d <= 1e-6 ? 1 : 0;
      }
    }
    String msg = String.format(Locale.ROOT, "cleaned crop, %s nn%d vs %s on bold_filtpsc: largest order inversion %.2g percent;"
        + " max |ΔW| %.3g, %d of %d voxels within 1e-6", preset, neighbours, tool, worstInversion, worst, exact, inMask);
    System.out.println(msg);
    assertTrue(worstInversion <= 1e-5, msg);
    assertTrue(worst <= 24.0 / (7.0 * n * n) && exact > inMask * 0.85, msg);
  }
}
