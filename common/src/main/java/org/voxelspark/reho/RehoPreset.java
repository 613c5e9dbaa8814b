package org.voxelspark.reho;

/**
 * Conventions of the tools users come from, as combinations of orthogonal settings.
 *
 * <table>
 *   <caption>presets</caption>
 *   <tr><th></th><th>tie ranks</th><th>tie correction in W</th><th>voxels on the volume's edge</th></tr>
 *   <tr><td>{@link #DPABI}</td><td>mean rank</td><td>no</td><td>0</td></tr>
 *   <tr><td>{@link #CPAC}</td><td>⌈mean 0-based rank⌉</td><td>no</td><td>0</td></tr>
 *   <tr><td>{@link #AFNI}</td><td>3dReHo's rule ({@link TieRanking#AFNI_INTEGER_TIES})</td><td>yes</td><td>computed with the neighbours that exist</td></tr>
 * </table>
 * In all three, neighbours outside the mask are left out (K counts the in-mask ones, centre
 * included) and voxels outside the mask are 0.
 *
 * <p><b>Default: {@link #DPABI}</b>, because DPABI/DPARSF is what the hemifacial-spasm ReHo
 * studies voxelspark was built for used (Tu et al. 2015), so their numbers are reproduced.
 *
 * <p><b>AFNI.</b> {@code 3dReHo} finds ties after truncating values to integers, does not average
 * the last (highest) tie group, and orders equal values by GSL's heapsort index; the AFNI preset
 * reproduces all three ({@link TieRanking#AFNI_INTEGER_TIES}).
 */
public enum RehoPreset {
  DPABI(TieRanking.MEAN_RANK, false, true),
  CPAC(TieRanking.CEIL_MEAN_ZERO_BASED, false, true),
  AFNI(TieRanking.AFNI_INTEGER_TIES, true, false);

  private final TieRanking ranking;
  private final boolean tieCorrection;
  private final boolean zeroOnVolumeEdge;

  RehoPreset(TieRanking ranking, boolean tieCorrection, boolean zeroOnVolumeEdge) {
    this.ranking = ranking;
    this.tieCorrection = tieCorrection;
    this.zeroOnVolumeEdge = zeroOnVolumeEdge;
  }

  public TieRanking ranking() {
    return ranking;
  }

  /** Whether W's denominator is corrected for ties: K²(n³ − n) − K·ΣT. */
  public boolean tieCorrection() {
    return tieCorrection;
  }

  /** Whether voxels on the volume's faces (i, j or k first or last) get 0. */
  public boolean zeroOnVolumeEdge() {
    return zeroOnVolumeEdge;
  }
}
