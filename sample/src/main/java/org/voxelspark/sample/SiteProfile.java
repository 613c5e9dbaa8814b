package org.voxelspark.sample;

/**
 * A scanner's imprint on the data: the site effects planted in the sample cohort (they are what
 * ComBat harmonisation must remove), and how the site stores its images.
 *
 * @param name site label
 * @param manufacturer for the JSON sidecars
 * @param gain multiplies every stored intensity (receive-coil and scaling differences)
 * @param offset added to every stored intensity
 * @param dwiSnr signal-to-noise ratio of white matter at b = 0 (Rician noise σ = S0_WM / SNR)
 * @param diffusivityScale multiplies every diffusivity (a scanner bias in MD)
 * @param radialScale further multiplies white-matter radial diffusivity (a scanner bias in FA)
 * @param boldThermalNoise white noise added to BOLD, as a fraction of the baseline (lowers ReHo)
 * @param rasStorage true: images stored RAS (positive-determinant affine; bvecs then get the FSL x
 *     flip); false: LAS as FSL prefers (negative determinant)
 * @param b0Value the b-value the site writes for its b = 0 volumes (some scanners write 5)
 */
public record SiteProfile(String name, String manufacturer, double gain, double offset, double dwiSnr,
    double diffusivityScale, double radialScale, double boldThermalNoise, boolean rasStorage, double b0Value) {

  /** The profile of the {@code index}-th site: three distinct scanners, repeating beyond three. */
  public static SiteProfile of(String name, int index) {
    return switch (index % 3) {
      case 0 -> new SiteProfile(name, "Siemens", 1.00, 0, 25, 1.00, 1.00, 0.006, false, 0);
      case 1 -> new SiteProfile(name, "GE", 1.35, 20, 20, 1.05, 1.04, 0.009, false, 0);
      default -> new SiteProfile(name, "Philips", 0.80, -10, 30, 0.96, 0.97, 0.0045, true, 5);
    };
  }
}
