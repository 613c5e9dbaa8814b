package org.voxelspark.harmonize;

import java.io.Serializable;
import java.util.Objects;

/**
 * The settings of one ComBat run. Immutable; each {@code with…} returns a modified copy.
 *
 * <p>Defaults: {@link EmpiricalBayes#PARAMETRIC}, {@link ComBatAdjustment#MEAN_AND_VARIANCE}, no
 * reference site, {@link ComBatConvention#VOXELSPARK}, EB tolerance
 * {@link #DEFAULT_EB_TOLERANCE}, at most {@link #DEFAULT_EB_MAX_ITERATIONS} EB iterations — the
 * same model as neuroCombat's defaults ({@code eb=True, parametric=True, mean_only=False,
 * ref_batch=None}).
 */
public final class ComBatOptions implements Serializable {
  private static final long serialVersionUID = 1L;

  /**
   * Per-feature tolerance of the parametric EB iteration under {@link ComBatConvention#VOXELSPARK}:
   * stop when {@code |γ_new − γ_old| ≤ tol·√δ²_new} and {@code |δ²_new − δ²_old| ≤ tol·δ²_new}.
   * γ is compared on the scale of the site's standard deviation, so a γ near 0 needs no special case.
   */
  public static final double DEFAULT_EB_TOLERANCE = 1e-10;
  /** neuroCombat's stopping threshold {@code conv=0.0001} on the largest relative change of a site. */
  public static final double NEUROCOMBAT_EB_TOLERANCE = 1e-4;
  /** Iteration cap of the parametric EB (neuroCombat has none; it has never been reached in tests). */
  public static final int DEFAULT_EB_MAX_ITERATIONS = 1000;

  private final EmpiricalBayes empiricalBayes;
  private final ComBatAdjustment adjustment;
  private final String referenceBatch;
  private final ComBatConvention convention;
  private final double ebTolerance;
  private final int ebMaxIterations;

  private ComBatOptions(EmpiricalBayes empiricalBayes, ComBatAdjustment adjustment, String referenceBatch,
      ComBatConvention convention, double ebTolerance, int ebMaxIterations) {
    this.empiricalBayes = Objects.requireNonNull(empiricalBayes, "empiricalBayes");
    this.adjustment = Objects.requireNonNull(adjustment, "adjustment");
    this.referenceBatch = referenceBatch;
    this.convention = Objects.requireNonNull(convention, "convention");
    if (!(ebTolerance > 0) || ebTolerance >= 1) {
      throw new IllegalArgumentException("EB tolerance must be in (0, 1), got " + ebTolerance);
    }
    if (ebMaxIterations < 1) {
      throw new IllegalArgumentException("EB max iterations must be >= 1, got " + ebMaxIterations);
    }
    this.ebTolerance = ebTolerance;
    this.ebMaxIterations = ebMaxIterations;
  }

  /** The defaults listed in the class comment. */
  public static ComBatOptions defaults() {
    return new ComBatOptions(EmpiricalBayes.PARAMETRIC, ComBatAdjustment.MEAN_AND_VARIANCE, null,
        ComBatConvention.VOXELSPARK, DEFAULT_EB_TOLERANCE, DEFAULT_EB_MAX_ITERATIONS);
  }

  public ComBatOptions withEmpiricalBayes(EmpiricalBayes eb) {
    return new ComBatOptions(eb, adjustment, referenceBatch, convention, ebTolerance, ebMaxIterations);
  }

  public ComBatOptions withAdjustment(ComBatAdjustment a) {
    return new ComBatOptions(empiricalBayes, a, referenceBatch, convention, ebTolerance, ebMaxIterations);
  }

  /**
   * A reference site (batch label), or null for none. The reference site's data are returned
   * unchanged; the grand mean and pooled variance are the reference site's, so every other site is
   * mapped onto it (Zhang et al. 2018, BMC Bioinformatics 19:262, as in sva and neuroCombat).
   */
  public ComBatOptions withReferenceBatch(String batch) {
    return new ComBatOptions(empiricalBayes, adjustment, batch, convention, ebTolerance, ebMaxIterations);
  }

  public ComBatOptions withConvention(ComBatConvention c) {
    return new ComBatOptions(empiricalBayes, adjustment, referenceBatch, c, ebTolerance, ebMaxIterations);
  }

  /**
   * The per-feature EB tolerance under {@link ComBatConvention#VOXELSPARK}, in (0, 1). Under
   * {@link ComBatConvention#NEUROCOMBAT_COMPATIBLE} neuroCombat's own rule and threshold
   * ({@link #NEUROCOMBAT_EB_TOLERANCE}) are used instead.
   */
  public ComBatOptions withEbTolerance(double tol) {
    return new ComBatOptions(empiricalBayes, adjustment, referenceBatch, convention, tol, ebMaxIterations);
  }

  /** The cap on parametric EB iterations (both conventions), ≥ 1. */
  public ComBatOptions withEbMaxIterations(int max) {
    return new ComBatOptions(empiricalBayes, adjustment, referenceBatch, convention, ebTolerance, max);
  }

  public EmpiricalBayes empiricalBayes() {
    return empiricalBayes;
  }

  public ComBatAdjustment adjustment() {
    return adjustment;
  }

  /** The reference site's label, or null. */
  public String referenceBatch() {
    return referenceBatch;
  }

  public ComBatConvention convention() {
    return convention;
  }

  /** The tolerance in force: {@link #NEUROCOMBAT_EB_TOLERANCE} under the compatible convention. */
  public double ebTolerance() {
    return convention == ComBatConvention.NEUROCOMBAT_COMPATIBLE ? NEUROCOMBAT_EB_TOLERANCE : ebTolerance;
  }

  public int ebMaxIterations() {
    return ebMaxIterations;
  }

  @Override
  public String toString() {
    return "ComBat(eb=" + empiricalBayes + ", adjustment=" + adjustment + ", reference="
        + (referenceBatch == null ? "none" : referenceBatch) + ", convention=" + convention
        + ", ebTolerance=" + ebTolerance() + ", ebMaxIterations=" + ebMaxIterations + ")";
  }
}
