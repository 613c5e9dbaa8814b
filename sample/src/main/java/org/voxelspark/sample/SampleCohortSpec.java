package org.voxelspark.sample;

import java.util.List;

/**
 * What to generate: the seed, the sites with their number of subjects, and the size of the images.
 *
 * @param seed master seed: the same spec always gives byte-identical files
 * @param sites one entry per site, in order
 * @param scale image sizes
 */
public record SampleCohortSpec(long seed, List<SiteSpec> sites, Scale scale) {
  /** Default seed of the demo cohort. */
  public static final long DEFAULT_SEED = 20261122L;

  /**
   * @param name site label, the value of the {@code site} column
   * @param subjects number of subjects (about half patients)
   */
  public record SiteSpec(String name, int subjects) {}

  /** Image sizes. */
  public enum Scale {
    /**
     * The README's demo: DWI 40×48×28 voxels of 2.5 mm with 5 b0 + 30 directions at b = 1000
     * s/mm²; BOLD 32×38×24 voxels of 3.5 mm, 120 volumes at TR 2 s.
     */
    DEMO(new int[] {40, 48, 28}, 2.5, 30, new int[] {32, 38, 24}, 3.5, 120),
    /** Whole-brain scale for benchmarks: DWI 96×96×60 at 2 mm, 5 b0 + 60 directions; BOLD 64×64×40 at 3 mm, 200 volumes. */
    BENCH(new int[] {96, 96, 60}, 2.0, 60, new int[] {64, 64, 40}, 3.0, 200),
    /** For unit tests: DWI 20×24×14 at 5 mm, 5 b0 + 12 directions; BOLD 16×19×12 at 7 mm, 60 volumes. */
    TINY(new int[] {20, 24, 14}, 5.0, 12, new int[] {16, 19, 12}, 7.0, 60);

    final int[] dwiDims;
    final double dwiVoxelMm;
    final int directions;
    final int[] boldDims;
    final double boldVoxelMm;
    final int boldVolumes;

    Scale(int[] dwiDims, double dwiVoxelMm, int directions, int[] boldDims, double boldVoxelMm, int boldVolumes) {
      this.dwiDims = dwiDims;
      this.dwiVoxelMm = dwiVoxelMm;
      this.directions = directions;
      this.boldDims = boldDims;
      this.boldVoxelMm = boldVoxelMm;
      this.boldVolumes = boldVolumes;
    }
  }

  /** The demo cohort: sites A, B, C with 10, 8 and 10 subjects. */
  public static SampleCohortSpec demo(long seed) {
    return new SampleCohortSpec(seed, List.of(new SiteSpec("A", 10), new SiteSpec("B", 8), new SiteSpec("C", 10)), Scale.DEMO);
  }

  /**
   * {@code n} subjects over sites A, B, C: ⌈n/3⌉ each at A and C and the rest at B (at least one;
   * then C gives way), so the demo's 28 are 10, 8, 10.
   */
  public static SampleCohortSpec of(long seed, int n, Scale scale) {
    if (n < 3) {
      throw new IllegalArgumentException("a sample cohort needs at least 3 subjects (one per site), got " + n);
    }
    int a = (n + 2) / 3;
    int c = a;
    if (n - a - c < 1) {
      c = n - a - 1;
    }
    return new SampleCohortSpec(seed, List.of(new SiteSpec("A", a), new SiteSpec("B", n - a - c), new SiteSpec("C", c)), scale);
  }

  /** Total number of subjects. */
  public int subjectCount() {
    return sites.stream().mapToInt(SiteSpec::subjects).sum();
  }
}
