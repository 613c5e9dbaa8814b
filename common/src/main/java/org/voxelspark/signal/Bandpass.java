package org.voxelspark.signal;

/** Whether and how a series is band-passed before ReHo: no filter, or one of the {@link BandpassFilter} designs. */
public enum Bandpass {
  /** No filter. */
  NONE(null),
  /** {@link BandpassFilter.Design#IDEAL}: ideal FFT filter at the series' length, edges inclusive. */
  IDEAL(BandpassFilter.Design.IDEAL),
  /** {@link BandpassFilter.Design#AFNI}: AFNI 3dBandpass's filter, with its quadratic detrend. */
  AFNI(BandpassFilter.Design.AFNI);

  private final BandpassFilter.Design design;

  Bandpass(BandpassFilter.Design design) {
    this.design = design;
  }

  /** The filter design, or null for {@link #NONE}. */
  public BandpassFilter.Design design() {
    return design;
  }
}
