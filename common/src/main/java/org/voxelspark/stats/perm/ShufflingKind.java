package org.voxelspark.stats.perm;

import org.voxelspark.stats.design.Design;

/**
 * How the data are shuffled under the null hypothesis (Winkler et al. 2014, NeuroImage 92:381).
 *
 * <ul>
 *   <li>{@link #PERMUTATION}: exchangeable errors (EE); subjects are permuted, within their
 *       exchangeability block when the design has blocks.
 *   <li>{@link #SIGN_FLIP}: independent and symmetric errors (ISE); each subject's value keeps its
 *       place and its sign is flipped at random. The only useful kind for a one-sample design,
 *       whose statistic no permutation changes.
 * </ul>
 */
public enum ShufflingKind {
  PERMUTATION,
  SIGN_FLIP;

  /** {@link #SIGN_FLIP} for a one-sample design ({@link Design#isOneSample()}), else {@link #PERMUTATION}. */
  public static ShufflingKind forDesign(Design design) {
    return design.isOneSample() ? SIGN_FLIP : PERMUTATION;
  }
}
