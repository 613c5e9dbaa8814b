package org.voxelspark.dti;

import java.io.Serializable;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;

/**
 * The diffusion tensor model of one gradient table, built once and fitted to many voxels
 * ({@link TensorFitter}): the design matrix, its pseudo-inverse, and the fit settings.
 *
 * <p><b>Model.</b> {@code ln S_i = ln S0 − b_i·gᵢᵀ·D·gᵢ}, with b the effective b-value in s/mm²
 * ({@link GradientTable#effectiveBval}), unit gradient directions g
 * in the FSL image frame (so the tensor and its eigenvectors are in that frame too) and D in mm²/s.
 * Design row i: {@code [−b gx², −2b gx gy, −b gy², −2b gx gz, −2b gy gz, −b gz², 1]}, parameters
 * {@code p = (Dxx, Dxy, Dyy, Dxz, Dyz, Dzz, ln S0)} ({@link TensorComponent} order).
 *
 * <p>Immutable and serializable: build it on the driver or once per task.
 */
public final class TensorModel implements Serializable {
  private static final long serialVersionUID = 1L;

  /**
   * How samples are raised before the log (the log-linear fits) or the signal-domain residuals
   * (NLLS).
   */
  public enum SignalFloor {
    /** {@code max(S, minSignal)} with minSignal 1e-4 by default: DIPY's rule ({@code min_signal}). */
    ABSOLUTE,
    /**
     * {@code max(S, 1e-6·max_i S_i)} per voxel, and every output NaN when no sample is positive:
     * MRtrix3's rule.
     */
    RELATIVE_TO_MAX
  }

  /** How eigenvalues are bounded below before the scalar maps (FA, MD, AD, RD, eigenvalues). */
  public enum EigenvalueFloor {
    /**
     * λ ≥ {@link TensorModel#minDiffusivity()} = 1e-6 / max|design entry| (mm²/s): DIPY's OLS and WLS
     * ({@code min_diffusivity = tol / -design_matrix.min()}), so FA ∈ [0, 1].
     */
    MIN_DIFFUSIVITY,
    /** λ ≥ 0: DIPY's NLLS ({@code decompose_tensor}'s default {@code min_diffusivity=0}); FA ∈ [0, 1]. */
    ZERO,
    /**
     * No bound: MRtrix3 ({@code tensor2metric}); a tensor that is not positive definite has a
     * negative eigenvalue, and FA can exceed 1 (up to √1.5).
     */
    NONE
  }

  /**
   * Fit settings. DIPY-compatible ({@link #dipy}): absolute floor 1e-4; eigenvalues bounded below
   * by {@link EigenvalueFloor#MIN_DIFFUSIVITY} (OLS, WLS, IWLS) or {@link EigenvalueFloor#ZERO}
   * (NLLS), as DIPY's TensorModel does for each method. MRtrix-compatible ({@link #mrtrix}): floor
   * relative to the voxel's maximum, no eigenvalue bound.
   *
   * @param method fit method
   * @param floor signal floor rule
   * @param minSignal the absolute floor (ABSOLUTE rule), in the signal's units; must be a positive
   *     normal number for the fast log (others are computed correctly, more slowly)
   * @param eigenvalueFloor lower bound of the eigenvalues
   * @param reweightings IWLS reweighting passes after the first (MRtrix default 2)
   */
  public record Settings(TensorFitMethod method, SignalFloor floor, double minSignal, EigenvalueFloor eigenvalueFloor,
      int reweightings) implements Serializable {
    /** DIPY's default signal floor ({@code MIN_POSITIVE_SIGNAL}). */
    public static final double DIPY_MIN_SIGNAL = 1e-4;
    /** MRtrix's default number of IWLS reweightings ({@code dwi2tensor -iter}). */
    public static final int MRTRIX_REWEIGHTINGS = 2;

    public static Settings dipy(TensorFitMethod method) {
      return new Settings(method, SignalFloor.ABSOLUTE, DIPY_MIN_SIGNAL,
          method == TensorFitMethod.NLLS ? EigenvalueFloor.ZERO : EigenvalueFloor.MIN_DIFFUSIVITY, MRTRIX_REWEIGHTINGS);
    }

    public static Settings mrtrix(TensorFitMethod method) {
      return new Settings(method, SignalFloor.RELATIVE_TO_MAX, DIPY_MIN_SIGNAL, EigenvalueFloor.NONE, MRTRIX_REWEIGHTINGS);
    }

    /** The settings of a convention. */
    public static Settings of(TensorConventions conventions, TensorFitMethod method) {
      return conventions == TensorConventions.MRTRIX ? mrtrix(method) : dipy(method);
    }

    /** One line for a sidecar or a log: how samples are floored. */
    public String describeSignalFloor() {
      return floor == SignalFloor.ABSOLUTE ? "max(S, " + minSignal + ") before the fit (DIPY)"
          : "max(S, 1e-6 * max S of the voxel) before the fit; NaN where no sample is > 0 (MRtrix3)";
    }

    /** One line for a sidecar or a log: how eigenvalues are bounded. */
    public String describeEigenvalueFloor() {
      return switch (eigenvalueFloor) {
        case MIN_DIFFUSIVITY -> "eigenvalues >= 1e-6 / max|design| (DIPY OLS/WLS), so FA is in [0, 1]";
        case ZERO -> "eigenvalues >= 0 (DIPY NLLS), so FA is in [0, 1]";
        case NONE -> "eigenvalues not bounded (MRtrix3): FA can exceed 1 where the tensor is not positive definite";
      };
    }
  }

  private final GradientTable table;
  private final Settings settings;
  private final int n;
  private final double[] design; // n × 7, row-major
  private final double[] pinv; // 7 × n, row-major
  private final double minDiffusivity;
  private final double[] columnScale; // 7 powers of two: design column c is stored divided by columnScale[c]
  private final double[] inverseScale; // 7: 1 / columnScale[c], exact
  private final double[] outer; // n × 28: the scaled row's products x_a·x_b, a ≤ b, packed
  private final double[] scaledDesign; // n × 7: design[i][c] / columnScale[c]

  public TensorModel(GradientTable table, Settings settings) {
    this.table = table;
    this.settings = settings;
    this.n = table.volumes();
    design = new double[n * 7];
    double[][] rows = new double[n][7];
    double mostNegative = 0;
    for (int i = 0; i < n; i++) {
      double b = table.effectiveBval(i);
      double x = table.bvec(i, 0);
      double y = table.bvec(i, 1);
      double z = table.bvec(i, 2);
      double[] r = {-b * x * x, -2 * b * x * y, -b * y * y, -2 * b * x * z, -2 * b * y * z, -b * z * z, 1};
      System.arraycopy(r, 0, design, 7 * i, 7);
      rows[i] = r;
      for (int c = 0; c < 6; c++) {
        mostNegative = Math.min(mostNegative, r[c]);
      }
    }
    double[][] p = new SingularValueDecomposition(new Array2DRowRealMatrix(rows, false)).getSolver().getInverse().getData();
    pinv = new double[7 * n];
    for (int r = 0; r < 7; r++) {
      System.arraycopy(p[r], 0, pinv, r * n, n);
    }
    // equilibrated design for the weighted normal equations: each column scaled by a power of two
    // to max |entry| in [1, 2) (exact, so unscaling the solution is exact too)
    columnScale = new double[7];
    inverseScale = new double[7];
    for (int c = 0; c < 7; c++) {
      double m = 0;
      for (int i = 0; i < n; i++) {
        m = Math.max(m, Math.abs(design[7 * i + c]));
      }
      columnScale[c] = m == 0 ? 1 : Math.scalb(1.0, Math.getExponent(m));
      inverseScale[c] = 1 / columnScale[c];
    }
    scaledDesign = new double[n * 7];
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < 7; c++) {
        scaledDesign[7 * i + c] = design[7 * i + c] / columnScale[c];
      }
    }
    outer = new double[n * 28];
    for (int i = 0; i < n; i++) {
      int q = 0;
      for (int a = 0; a < 7; a++) {
        for (int b = a; b < 7; b++) {
          outer[28 * i + q++] = design[7 * i + a] / columnScale[a] * (design[7 * i + b] / columnScale[b]);
        }
      }
    }
    // DIPY: min_diffusivity = tol / -design.min(), tol = 1e-6
    minDiffusivity = mostNegative < 0 ? 1e-6 / -mostNegative : 1e-6;
  }

  public GradientTable table() {
    return table;
  }

  public Settings settings() {
    return settings;
  }

  /** Number of volumes. */
  public int volumes() {
    return n;
  }

  /** Lower bound of eigenvalues when clipping, mm²/s: {@code 1e-6 / max|design entry|} (DIPY). */
  public double minDiffusivity() {
    return minDiffusivity;
  }

  /** The design matrix, n × 7 row-major. */
  double[] design() {
    return design;
  }

  /** Its pseudo-inverse, 7 × n row-major: row c holds the coefficients of parameter c. */
  double[] pinv() {
    return pinv;
  }

  /** Column c of the design is divided by this power of two in {@link #outer()} and {@link #scaledDesign()}. */
  double[] columnScale() {
    return columnScale;
  }

  /** 1 / {@link #columnScale()}[c] (exact: powers of two). */
  double[] inverseScale() {
    return inverseScale;
  }

  /** The design with column c divided by {@link #columnScale()}[c], n × 7 row-major. */
  double[] scaledDesign() {
    return scaledDesign;
  }

  /** Per row i, the 28 products of the scaled design row (a ≤ b, row-major packed). */
  double[] outer() {
    return outer;
  }
}
