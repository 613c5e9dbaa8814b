package org.voxelspark.meta;

import org.apache.commons.statistics.distribution.ChiSquaredDistribution;
import org.apache.commons.statistics.distribution.NormalDistribution;

/**
 * Combination of per-site one-sided p-values, vectorised over voxels, in the site-major layout of
 * {@link MetaAnalysis} ({@code p[site·voxels + voxel]}; NaN or a value outside (0, 1] = the site is
 * missing for that voxel). Needs k ≥ 2 sites (NaN below, as for pooling).
 * <ul>
 *   <li><b>Stouffer</b> (weighted when weights are given; Stouffer et al. 1949, Liptak 1958):
 *       {@code z_i = Φ⁻¹(1 − p_i)}, {@code Z = Σ w_i z_i / √Σ w_i²}, combined one-sided
 *       {@code p = 1 − Φ(Z)}; unweighted w = 1 gives {@code Σ z_i/√k}. √n is the usual weight.
 *   <li><b>Fisher</b> (1932): {@code X² = −2 Σ ln p_i}, χ² with 2k df, {@code p = P(χ²_{2k} ≥ X²)}.
 * </ul>
 * {@code Φ⁻¹(1 − p)} is computed as {@code −Φ⁻¹(p)} so small p keep their precision.
 */
public final class PValueCombination {
  private PValueCombination() {}

  /** Per voxel: the combined statistic (Z or X²), the combined one-sided p, the number of sites. */
  public record Combined(double[] statistic, double[] p, int[] k) implements java.io.Serializable {}

  private static final NormalDistribution NORMAL = NormalDistribution.of(0, 1);

  /**
   * Stouffer's (weighted) Z.
   *
   * @param weights same layout as {@code p}, or null for equal weights; a site with a non-finite or
   *     non-positive weight is missing
   */
  public static Combined stouffer(double[] p, double[] weights, int sites, int voxels) {
    check(p, sites, voxels);
    if (weights != null && weights.length != p.length) {
      throw new IllegalArgumentException("weights have " + weights.length + " values, p " + p.length);
    }
    double[] z = new double[voxels];
    double[] pc = new double[voxels];
    int[] k = new int[voxels];
    for (int vox = 0; vox < voxels; vox++) {
      double sum = 0;
      double w2 = 0;
      int n = 0;
      for (int s = 0; s < sites; s++) {
        int i = s * voxels + vox;
        double w = weights == null ? 1 : weights[i];
        if (!valid(p[i]) || !(w > 0) || !Double.isFinite(w)) {
          continue;
        }
        sum += w * -NORMAL.inverseCumulativeProbability(p[i]);
        w2 += w * w;
        n++;
      }
      k[vox] = n;
      z[vox] = n < 2 ? Double.NaN : sum / Math.sqrt(w2);
      pc[vox] = n < 2 ? Double.NaN : NORMAL.survivalProbability(z[vox]);
    }
    return new Combined(z, pc, k);
  }

  /** Fisher's method. */
  public static Combined fisher(double[] p, int sites, int voxels) {
    check(p, sites, voxels);
    double[] x2 = new double[voxels];
    double[] pc = new double[voxels];
    int[] k = new int[voxels];
    ChiSquaredDistribution[] chi2 = new ChiSquaredDistribution[sites + 1];
    for (int n = 2; n <= sites; n++) {
      chi2[n] = ChiSquaredDistribution.of(2.0 * n);
    }
    for (int vox = 0; vox < voxels; vox++) {
      double sum = 0;
      int n = 0;
      for (int s = 0; s < sites; s++) {
        double pi = p[s * voxels + vox];
        if (valid(pi)) {
          sum += Math.log(pi);
          n++;
        }
      }
      k[vox] = n;
      x2[vox] = n < 2 ? Double.NaN : -2 * sum;
      pc[vox] = n < 2 ? Double.NaN : chi2[n].survivalProbability(x2[vox]);
    }
    return new Combined(x2, pc, k);
  }

  /** One-sided p of z: 1 − Φ(z), for example of a site's effect over its standard error. */
  public static double oneSidedP(double z) {
    return NORMAL.survivalProbability(z);
  }

  private static boolean valid(double p) {
    return p > 0 && p <= 1;
  }

  private static void check(double[] p, int sites, int voxels) {
    if (p.length != (long) sites * voxels) {
      throw new IllegalArgumentException("p has " + p.length + " values, expected " + sites + " × " + voxels);
    }
  }
}
