package org.voxelspark.reho;

import org.voxelspark.geometry.Box;
import org.voxelspark.kernel.BlockKernel;

/**
 * Regional homogeneity (ReHo, Zang et al. 2004): Kendall's coefficient of concordance W of a voxel's
 * time series with those of its neighbours.
 *
 * <p><b>Definition.</b> For a voxel, let the K voxels of its {@link Neighbourhood} that lie in the
 * volume and in the mask (the voxel included) each have their n time points ranked; R_i is the sum
 * of the K ranks at time i. Then
 * <pre>
 *   S = Σ_i R_i² − (Σ_i R_i)² / n          (= Σ_i (R_i − R̄)²)
 *   W = 12·S / (K²·(n³ − n))                 without tie correction
 *   W = 12·S / (K²·(n³ − n) − K·ΣT)          with tie correction, ΣT = Σ (t³ − t) over the tie
 *                                            groups of all K series
 * </pre>
 * W ∈ [0, 1]; identical series give 1 (a voxel alone, K = 1, also gives 1 without ties).
 *
 * <p><b>Edge cases.</b> Voxels outside the mask: 0. With a preset that zeroes the volume's edge
 * (DPABI, C-PAC): voxels with i, j or k on the first or last plane: 0. A zero or negative
 * denominator: 0. Constant series: 0 with mean or ceil ranks (all ranks equal, S = 0); 1 with
 * the AFNI rule, whose last tie group keeps ranks 1..n (3dReHo's own result). Ranks are
 * (half-)integers and their sums R_i stay below 2^23 (K·n &lt; 2^23 is required), so R_i is exact in
 * float32 whatever the order of the additions, and S is then accumulated in double in time order: a
 * voxel's W is the same whatever block it is computed in.
 *
 * <p><b>Block use.</b> Halo 1. The kernel ranks every in-mask voxel of the halo box once, into a
 * compact array of in-mask voxels only (no allocation per voxel), then computes W for the core
 * voxels. One instance per thread.
 */
public final class RehoKernel implements BlockKernel {
  private static final long serialVersionUID = 1L;

  private final RehoPreset preset;
  private final Neighbourhood neighbourhood;
  private final int nx;
  private final int ny;
  private final int nz;

  /**
   * @param nx volume size along i (for the edge rule), likewise ny, nz
   */
  public RehoKernel(RehoPreset preset, Neighbourhood neighbourhood, int nx, int ny, int nz) {
    this.preset = preset;
    this.neighbourhood = neighbourhood;
    this.nx = nx;
    this.ny = ny;
    this.nz = nz;
  }

  @Override
  public int halo() {
    return 1;
  }

  @Override
  public int channels() {
    return 1;
  }

  @Override
  public void compute(float[] series, int n, Box halo, Box core, boolean[] mask, float[] out) {
    int hv = halo.voxelCount();
    // ranks only of in-mask voxels, compactly: slot[v] is the voxel's row in ranks, or −1
    int[] slot = new int[hv];
    int inMask = 0;
    for (int v = 0; v < hv; v++) {
      slot[v] = mask == null || mask[v] ? inMask++ : -1;
    }
    float[] ranks = new float[inMask * n];
    double[] tieSums = new double[inMask];
    Ranker ranker = new Ranker(n, preset.ranking());
    for (int v = 0; v < hv; v++) {
      if (slot[v] >= 0) {
        tieSums[slot[v]] = ranker.rank(series, v * n, ranks, slot[v] * n);
      }
    }
    if ((long) neighbourhood.size() * n >= 1L << 23) {
      throw new IllegalArgumentException("ReHo rank sums are exact in float32 for K·n < 2^23, not " + neighbourhood.size()
          + "·" + n);
    }
    if (neighbourhood == Neighbourhood.NN27) {
      computeCube(n, halo, core, mask, slot, ranks, tieSums, out);
    } else {
      computeByOffsets(n, halo, core, mask, slot, ranks, tieSums, out);
    }
  }

  /** Whether the voxel gets 0 without a computation (outside the mask, or on the volume's edge for the preset). */
  private boolean skipped(int i, int j, int k, int c, boolean[] mask) {
    return mask != null && !mask[c]
        || preset.zeroOnVolumeEdge() && (i == 0 || j == 0 || k == 0 || i == nx - 1 || j == ny - 1 || k == nz - 1);
  }

  /**
   * W from the rank sums {@code r} (exact: sums of (half-)integers below 2^23 in float32, so the order
   * of the additions cannot matter), K members and their ΣT.
   */
  private float w(float[] r, int n, int members, double tieSum) {
    double sum = 0;
    double sumSq = 0;
    for (int t = 0; t < n; t++) {
      double x = r[t];
      sum += x;
      sumSq += x * x;
    }
    double s = sumSq - sum * sum / n;
    double n3 = (double) n * n * n - n;
    double denominator = (double) members * members * n3 - (preset.tieCorrection() ? members * tieSum : 0);
    return denominator > 0 ? (float) (12 * s / denominator) : 0f;
  }

  /** Any neighbourhood: each member's rank row added to the centre's sums. */
  private void computeByOffsets(int n, Box halo, Box core, boolean[] mask, int[] slot, float[] ranks, double[] tieSums,
      float[] out) {
    int[][] offsets = neighbourhood.offsets();
    int sx = halo.sizeI();
    int sxy = sx * halo.sizeJ();
    int[] delta = new int[offsets.length];
    for (int m = 0; m < offsets.length; m++) {
      delta[m] = offsets[m][0] + sx * offsets[m][1] + sxy * offsets[m][2];
    }
    float[] r = new float[n];
    for (int k = core.k0(); k < core.k1(); k++) {
      for (int j = core.j0(); j < core.j1(); j++) {
        for (int i = core.i0(); i < core.i1(); i++) {
          int o = core.localIndex(i, j, k);
          int c = halo.localIndex(i, j, k);
          if (skipped(i, j, k, c, mask)) {
            out[o] = 0f;
            continue;
          }
          java.util.Arrays.fill(r, 0);
          int members = 0;
          double tieSum = 0;
          for (int m = 0; m < offsets.length; m++) {
            int a = i + offsets[m][0];
            int b = j + offsets[m][1];
            int d = k + offsets[m][2];
            if (a < 0 || b < 0 || d < 0 || a >= nx || b >= ny || d >= nz) {
              continue;
            }
            int u = slot[c + delta[m]];
            if (u < 0) {
              continue;
            }
            members++;
            tieSum += tieSums[u];
            int base = u * n;
            for (int t = 0; t < n; t++) {
              r[t] += ranks[base + t];
            }
          }
          out[o] = w(r, n, members, tieSum);
        }
      }
    }
  }

  /**
   * The 3×3×3 cube, separably: for each row of core voxels along i, first the column sums over the 9
   * (j, k) neighbours of every i in the row and its two ends (9 rank rows each), then each voxel's
   * sums as three adjacent column sums — 11 additions per time point instead of 27. Out-of-mask and
   * out-of-volume neighbours contribute nothing, as in {@link #computeByOffsets}; the sums are exact,
   * so the result is the same bits.
   */
  private void computeCube(int n, Box halo, Box core, boolean[] mask, int[] slot, float[] ranks, double[] tieSums,
      float[] out) {
    int columns = core.sizeI() + 2;
    float[] col = new float[columns * n];
    int[] colMembers = new int[columns];
    double[] colTies = new double[columns];
    float[] r = new float[n];
    for (int k = core.k0(); k < core.k1(); k++) {
      for (int j = core.j0(); j < core.j1(); j++) {
        java.util.Arrays.fill(col, 0);
        java.util.Arrays.fill(colMembers, 0);
        java.util.Arrays.fill(colTies, 0);
        for (int q = 0; q < columns; q++) {
          int i = core.i0() - 1 + q;
          if (i < halo.i0() || i >= halo.i1()) {
            continue;
          }
          int cb = q * n;
          for (int dk = -1; dk <= 1; dk++) {
            int kk = k + dk;
            if (kk < halo.k0() || kk >= halo.k1()) {
              continue;
            }
            for (int dj = -1; dj <= 1; dj++) {
              int jj = j + dj;
              if (jj < halo.j0() || jj >= halo.j1()) {
                continue;
              }
              int u = slot[halo.localIndex(i, jj, kk)];
              if (u < 0) {
                continue;
              }
              colMembers[q]++;
              colTies[q] += tieSums[u];
              int base = u * n;
              for (int t = 0; t < n; t++) {
                col[cb + t] += ranks[base + t];
              }
            }
          }
        }
        for (int i = core.i0(); i < core.i1(); i++) {
          int o = core.localIndex(i, j, k);
          if (skipped(i, j, k, halo.localIndex(i, j, k), mask)) {
            out[o] = 0f;
            continue;
          }
          int q = i - core.i0() + 1;
          int a = (q - 1) * n;
          int b = q * n;
          int c = (q + 1) * n;
          for (int t = 0; t < n; t++) {
            r[t] = col[a + t] + col[b + t] + col[c + t];
          }
          out[o] = w(r, n, colMembers[q - 1] + colMembers[q] + colMembers[q + 1], colTies[q - 1] + colTies[q] + colTies[q + 1]);
        }
      }
    }
  }

  /** ReHo of a whole volume: the kernel with the whole grid as one block. */
  public float[] computeVolume(float[] voxelMajorSeries, int n, boolean[] mask) {
    Box whole = Box.of(nx, ny, nz);
    float[] out = new float[whole.voxelCount()];
    compute(voxelMajorSeries, n, whole, whole, mask, out);
    return out;
  }
}
