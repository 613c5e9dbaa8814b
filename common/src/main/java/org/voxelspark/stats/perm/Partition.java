package org.voxelspark.stats.perm;

/**
 * How a design M and a contrast C are split into effects of interest X and nuisance Z for
 * Freedman–Lane (Winkler et al. 2014, appendix A). Only the nuisance space matters: the data are
 * residualised on Z before shuffling, and the statistic is the one of C in the full model.
 *
 * <ul>
 *   <li>{@link #RIDGWAY}: Z spans {@code {M·b : Cᵀb = 0}} = M·null(Cᵀ), the part of the model a
 *       contrast does not test (Ridgway 2009). PALM's default partition ({@code Beckmann}) spans the
 *       same space, so the statistics are identical. The default.
 *   <li>{@link #GUTTMAN}: Z is the columns of M whose weight is zero in every row of C (Guttman
 *       1982). The same as {@link #RIDGWAY} when the contrast picks out columns (e.g. {@code group[HFS]}
 *       alone); smaller when it combines columns ({@code site[B] - site[C]}).
 * </ul>
 */
public enum Partition {
  RIDGWAY,
  GUTTMAN
}
