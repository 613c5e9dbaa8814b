package org.voxelspark.signal;

import java.io.Serializable;
import java.util.List;

/**
 * Voxelwise cleaning of a BOLD series before a metric is computed from it, in DPARSF's order:
 * <ol>
 *   <li><b>regression</b>: the least-squares residual on one design holding the polynomial trend of
 *       {@link Detrend} (1, t, t² as asked) and the nuisance confounds (each a column over the n
 *       volumes; with confounds the constant is always in the design). One joint fit equals
 *       detrending and then regressing out the detrended confounds (Frisch–Waugh–Lovell);
 *   <li><b>band-pass</b>: a {@link BandpassFilter}, when one is given. With the
 *       {@link BandpassFilter.Design#AFNI} design the quadratic trend is always removed first, as
 *       3dBandpass does (the detrend is raised to {@link Detrend#QUADRATIC} if lower).
 * </ol>
 * The mean is not added back: the output is centred whenever a trend, a confound or a band-pass
 * without DC was applied. Rank-based and spectral metrics (ReHo, ALFF) do not depend on a series'
 * mean, and a centred float32 series keeps more of its resolution.
 *
 * <p>Arithmetic is in double, written back as float32. The result for a voxel depends only on its
 * own series, so blocks equal the whole volume bit for bit. Immutable; use one {@link Scratch} per
 * thread.
 */
public final class Preprocessing implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int n;
  private final Detrend detrend;
  private final int confounds;
  private final Regressors regressors;
  private final BandpassFilter filter;

  private Preprocessing(int n, Detrend detrend, int confounds, Regressors regressors, BandpassFilter filter) {
    this.n = n;
    this.detrend = detrend;
    this.confounds = confounds;
    this.regressors = regressors;
    this.filter = filter;
  }

  /**
   * @param n volumes per series
   * @param detrend polynomial trend to remove
   * @param confounds nuisance regressors, each of length n (empty for none)
   * @param filter band-pass applied after the regression, or null
   * @throws IllegalArgumentException when the filter is for another length, or the design leaves no
   *     degree of freedom (rank ≥ n)
   */
  public static Preprocessing of(int n, Detrend detrend, List<double[]> confounds, BandpassFilter filter) {
    if (filter != null && filter.length() != n) {
      throw new IllegalArgumentException("filter for " + filter.length() + " samples, series of " + n);
    }
    Detrend effective = filter != null && filter.design() == BandpassFilter.Design.AFNI && detrend.degree() < 2
        ? Detrend.QUADRATIC : detrend;
    Regressors r = null;
    if (effective != Detrend.NONE || !confounds.isEmpty()) {
      r = Regressors.of(n, effective, !confounds.isEmpty(), confounds);
      if (r.rank() >= n) {
        throw new IllegalArgumentException(r.rank() + " independent regressors for " + n
            + " volumes leave no degree of freedom");
      }
    }
    return new Preprocessing(n, effective, confounds.size(), r, filter);
  }

  /** Whether the series pass unchanged (no trend, no confound, no filter). */
  public boolean isIdentity() {
    return regressors == null && filter == null;
  }

  /** The detrend applied (after raising it for an AFNI band-pass). */
  public Detrend detrend() {
    return detrend;
  }

  /** Number of confound columns given. */
  public int confoundCount() {
    return confounds;
  }

  /** Independent columns of the regression design (0 without a regression). */
  public int regressionRank() {
    return regressors == null ? 0 : regressors.rank();
  }

  /** The band-pass, or null. */
  public BandpassFilter filter() {
    return filter;
  }

  public int length() {
    return n;
  }

  /** Reusable working space for {@link #apply}. */
  public final class Scratch {
    final double[] a = new double[n];
    final double[] b = new double[n];
    final double[] re = new double[filter == null ? 0 : filter.scratchLength()];
    final double[] im = new double[filter == null ? 0 : filter.scratchLength()];
  }

  public Scratch scratch() {
    return new Scratch();
  }

  /** Cleans {@code in[from .. from+n)} into {@code out[to .. to+n)} (the same range is allowed). */
  public void apply(float[] in, int from, float[] out, int to, Scratch s) {
    double[] a = s.a;
    for (int t = 0; t < n; t++) {
      a[t] = in[from + t];
    }
    if (regressors != null) {
      regressors.residual(a, 0, a, 0);
    }
    double[] result = a;
    if (filter != null) {
      filter.apply(a, 0, s.b, 0, s.re, s.im);
      result = s.b;
    }
    for (int t = 0; t < n; t++) {
      out[to + t] = (float) result[t];
    }
  }
}
