package org.voxelspark.reho;

/**
 * How ALFF and fALFF are defined: the two conventions users meet, which give different numbers (and
 * units) for the same data. Both use the band f_low–f_high (default 0.01–0.08 Hz).
 *
 * <table>
 *   <caption>conventions</caption>
 *   <tr><th></th><th>{@link #DPABI}</th><th>{@link #CPAC}</th></tr>
 *   <tr><td>source</td><td>DPABI {@code y_alff_falff.m}</td><td>C-PAC's ALFF workflow: AFNI
 *       {@code 3dBandpass} then {@code 3dTstat -stdev}</td></tr>
 *   <tr><td>trend</td><td>linear, removed</td><td>quadratic, removed before filtering</td></tr>
 *   <tr><td>ALFF</td><td>mean over the band of 2|X_k|/n, X the FFT zero-padded to 2^⌈log2 n⌉</td>
 *       <td>SD (n − 1, after a linear detrend) of the band-passed series: FFT of length n rounded up
 *       to even, bins rint(f/df), edge bins halved, DC and Nyquist removed</td></tr>
 *   <tr><td>fALFF</td><td>Σ_band a_k / Σ_{k ≥ 1} a_k</td><td>ALFF / SD (n − 1, after a linear
 *       detrend) of the unfiltered series</td></tr>
 * </table>
 * Exact definitions: {@link AlffKernel}. Validated against each tool's own maps
 * ({@code golden/alff}, {@code docs/validation.md}).
 */
public enum AlffConvention {
  /** DPABI/DPARSF (the default: the convention of the hemifacial-spasm studies). */
  DPABI,
  /** C-PAC (3dBandpass + 3dTstat). */
  CPAC
}
