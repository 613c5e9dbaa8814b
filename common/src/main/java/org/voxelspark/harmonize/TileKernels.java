package org.voxelspark.harmonize;

/**
 * The vectorised inner loops of ComBat on a subject-major block {@code data[s·v + f]}: a tile of up
 * to {@link #TILE} consecutive features is processed together, reading each subject's row once and
 * running the innermost loop across the tile's features (contiguous in memory, so the JIT emits SIMD
 * code). Per-tile state is feature-minor: {@code [b·TILE + k]}, {@code [j·TILE + k]}.
 */
final class TileKernels {
  private TileKernels() {}

  /** Features per tile: long enough for the JIT's vectorised loops (16 ran 2.5× slower than 256). */
  static final int TILE = 256;

  /** Pass-1 accumulators of one tile. */
  static final class Pass1 {
    final double[] sum;
    final double[] check;
    final double[] first;
    final double[] spread;
    final double[] beta;
    final double[] alpha;
    final double[] rsum;
    final double[] r2sum;
    final double[] xb = new double[TILE];

    Pass1(int nb, int q) {
      sum = new double[nb * TILE];
      check = new double[nb * TILE];
      first = new double[nb * TILE];
      spread = new double[nb * TILE];
      beta = new double[q * TILE];
      alpha = new double[nb * TILE];
      rsum = new double[nb * TILE];
      r2sum = new double[nb * TILE];
    }
  }

  /**
   * Per site and feature: the sum; a non-finite flag ({@code check} = Σ (y − y), which is 0 exactly
   * when every value is finite); the spread Σ |y − y₀| about the site's first value y₀ (0 exactly when
   * all values are equal); and {@code β = P·y} with the projector P ({@code q × n}, natural subject
   * order).
   */
  static void moments(double[] data, int v, int f0, int w, int n, int[] batchOf, SiteOrder order, double[] projector,
      int q, Pass1 t) {
    java.util.Arrays.fill(t.sum, 0);
    java.util.Arrays.fill(t.check, 0);
    java.util.Arrays.fill(t.spread, 0);
    java.util.Arrays.fill(t.beta, 0);
    double[] sum = t.sum;
    double[] check = t.check;
    double[] first = t.first;
    double[] spread = t.spread;
    double[] beta = t.beta;
    for (int b = 0; b < order.start.length - 1; b++) {
      int row = order.order[order.start[b]] * v + f0;
      for (int k = 0; k < w; k++) {
        first[b * TILE + k] = data[row + k];
      }
    }
    for (int s = 0; s < n; s++) {
      int row = s * v + f0;
      int bo = batchOf[s] * TILE;
      for (int k = 0; k < w; k++) {
        double y = data[row + k];
        sum[bo + k] += y;
        check[bo + k] += y - y;
        spread[bo + k] += Math.abs(y - first[bo + k]);
      }
      for (int j = 0; j < q; j++) {
        double p = projector[j * n + s];
        int jo = j * TILE;
        for (int k = 0; k < w; k++) {
          beta[jo + k] += p * data[row + k];
        }
      }
    }
  }

  /** Per site and feature, Σ r and Σ r² of the residuals {@code r = y − α_b − x·β} (α, β in {@code t}). */
  static void residuals(double[] data, int v, int f0, int w, int n, int[] batchOf, double[] covariates, int q,
      Pass1 t) {
    java.util.Arrays.fill(t.rsum, 0);
    java.util.Arrays.fill(t.r2sum, 0);
    double[] xb = t.xb;
    double[] alpha = t.alpha;
    double[] beta = t.beta;
    double[] rsum = t.rsum;
    double[] r2sum = t.r2sum;
    for (int s = 0; s < n; s++) {
      int row = s * v + f0;
      int bo = batchOf[s] * TILE;
      covariateEffect(covariates, s, q, beta, w, xb);
      for (int k = 0; k < w; k++) {
        double r = data[row + k] - alpha[bo + k] - xb[k];
        rsum[bo + k] += r;
        r2sum[bo + k] += r * r;
      }
    }
  }

  /** {@code xb[k] = Σ_j x_sj β[j·TILE + k]}, k &lt; w. */
  static void covariateEffect(double[] covariates, int s, int q, double[] beta, int w, double[] xb) {
    if (q == 0) {
      java.util.Arrays.fill(xb, 0, w, 0.0);
      return;
    }
    double x0 = covariates[s * q];
    for (int k = 0; k < w; k++) {
      xb[k] = x0 * beta[k];
    }
    for (int j = 1; j < q; j++) {
      double xj = covariates[s * q + j];
      int jo = j * TILE;
      for (int k = 0; k < w; k++) {
        xb[k] += xj * beta[jo + k];
      }
    }
  }

  /** Pass-2 (harmonisation) parameters of one tile. */
  static final class Pass2 {
    final double[] grandMean = new double[TILE];
    final double[] beta;
    final double[] scale;
    final double[] shift;
    final boolean[] keep;
    final double[] mean = new double[TILE];

    Pass2(int nb, int q) {
      beta = new double[q * TILE];
      scale = new double[nb * TILE];
      shift = new double[nb * TILE];
      keep = new boolean[nb * TILE];
    }
  }

  /**
   * Sets tile slot k to harmonise feature f: {@code y* = m + (y − m)·scale_b − shift_b} with
   * {@code m = grandMean + x·β}, {@code scale = 1/√δ*²}, {@code shift = γ* σ̂/√δ*²}. The sites whose
   * values are kept as they are — every site of a feature left unchanged, the reference site, a site
   * not used for the feature — are marked {@code keep} and copied bit for bit.
   */
  static void setParameters(Pass2 p, int k, int nb, int q, byte status, double grandMean, double varPooled,
      double[] beta, double[] gammaStar, double[] deltaStar, byte[] batchState, int f, int v, int referenceIndex) {
    boolean adjusted = ComBatFeatureStatus.ofCode(status).adjusted();
    p.grandMean[k] = adjusted ? grandMean : 0;
    for (int j = 0; j < q; j++) {
      p.beta[j * TILE + k] = adjusted ? beta[j * v + f] : 0;
    }
    double sd = Math.sqrt(varPooled);
    for (int b = 0; b < nb; b++) {
      int i = b * v + f;
      int o = b * TILE + k;
      boolean keep = !adjusted || b == referenceIndex || batchState[i] != ComBatBatchState.USED.code();
      p.keep[o] = keep;
      if (keep) {
        p.scale[o] = 1;
        p.shift[o] = 0;
      } else {
        double r = 1 / Math.sqrt(deltaStar[i]);
        p.scale[o] = r;
        p.shift[o] = gammaStar[i] * sd * r;
      }
    }
  }

  /**
   * Harmonises features {@code [f0, f0 + w)} of the subject-major block into {@code out} with the
   * tile's parameters; NaN and ±∞ map to themselves; sites marked {@code keep} are copied.
   */
  static void harmonize(double[] data, double[] out, int v, int f0, int w, int n, int[] batchOf, SiteOrder order,
      double[] covariates, int q, Pass2 p) {
    double[] mean = p.mean;
    double[] gm = p.grandMean;
    double[] beta = p.beta;
    double[] scale = p.scale;
    double[] shift = p.shift;
    for (int s = 0; s < n; s++) {
      int row = s * v + f0;
      int bo = batchOf[s] * TILE;
      covariateEffect(covariates, s, q, beta, w, mean);
      for (int k = 0; k < w; k++) {
        double m = gm[k] + mean[k];
        out[row + k] = m + (data[row + k] - m) * scale[bo + k] - shift[bo + k];
      }
    }
    int nb = order.start.length - 1;
    for (int b = 0; b < nb; b++) {
      for (int k = 0; k < w; k++) {
        if (p.keep[b * TILE + k]) {
          for (int i = order.start[b]; i < order.start[b + 1]; i++) {
            int idx = order.order[i] * v + f0 + k;
            out[idx] = data[idx];
          }
        }
      }
    }
  }
}
