package org.voxelspark.harmonize;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.voxelspark.error.UserInputException;
import org.voxelspark.error.UserInputException.Problem;

/**
 * A fitted ComBat model for a range of features: everything needed to harmonise new subjects of
 * the sites it was estimated on ("estimate once, apply to new data"; for example estimate on
 * controls and apply to patients, or to the new subjects of a nightly run). Plain arrays, so the
 * caller can store it in any format (the Spark side writes one Parquet row per feature) and build it
 * again with the public constructor.
 *
 * <p><b>Layouts</b> (v = {@link #featureCount()}, B sites in {@link #batchNames()} order, q
 * covariates): per feature {@code grandMean[f]}, {@code varPooled[f]}, {@code status[f]} (a
 * {@link ComBatFeatureStatus#code()}); covariate coefficients {@code beta[j·v + f]}; per site and
 * feature, site-major, {@code gammaStar[b·v + f]}, {@code deltaStar[b·v + f]},
 * {@code batchState[b·v + f]} (a {@link ComBatBatchState#code()}); the site priors
 * {@code gammaBar[b]}, {@code tau2[b]}, {@code aPrior[b]}, {@code bPrior[b]} (recorded for
 * provenance; applying does not use them). γ* is in units of the pooled standard deviation
 * √varPooled, δ*² is dimensionless. A feature left unchanged has NaN parameters; so does a site
 * not used for a feature; the reference site has γ* = 0, δ*² = 1.
 *
 * <p><b>Applying</b> to subject s of site b with covariate row x_s (coded exactly as for the
 * estimation): {@code m_s = grandMean + x_s·β}, {@code z = (y − m_s)/√varPooled},
 * {@code y* = (z − γ*_b)/√δ*²_b · √varPooled + m_s}. Left as {@code y* = y}: a feature whose status is
 * not adjusted, a site not used for the feature, the reference site, and non-finite inputs. This is
 * the formula of the estimation pass itself, so applying the model to the estimation data
 * reproduces its harmonised output exactly. Unlike neuroCombat's {@code neuroCombatFromTraining},
 * which ignores the new subjects' covariates and uses the training subjects' mean covariate effect,
 * the new subjects' own covariates are used, so protected effects stay protected.
 */
public final class ComBatModel implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String[] batchNames;
  private final int referenceIndex;
  private final String[] covariateNames;
  private final ComBatConvention convention;
  private final int firstFeature;
  private final int featureCount;
  private final double[] grandMean;
  private final double[] varPooled;
  private final double[] beta;
  private final double[] gammaStar;
  private final double[] deltaStar;
  private final byte[] status;
  private final byte[] batchState;
  private final double[] gammaBar;
  private final double[] tau2;
  private final double[] aPrior;
  private final double[] bPrior;

  /**
   * A model from its arrays (layouts in the class comment); the arrays are copied.
   *
   * @param referenceIndex index of the reference site in {@code batchNames}, or −1
   * @param covariateNames the q covariate names, in the column order of the covariate rows
   * @param convention {@link ComBatConvention#NEUROCOMBAT_COMPATIBLE} rounds new covariates to
   *     float32 as the estimation did
   * @throws IllegalArgumentException if a length or code is inconsistent
   */
  public ComBatModel(String[] batchNames, int referenceIndex, String[] covariateNames, ComBatConvention convention,
      int firstFeature, int featureCount, double[] grandMean, double[] varPooled, double[] beta,
      double[] gammaStar, double[] deltaStar, byte[] status, byte[] batchState, double[] gammaBar, double[] tau2,
      double[] aPrior, double[] bPrior) {
    this.batchNames = batchNames.clone();
    this.referenceIndex = referenceIndex;
    this.covariateNames = covariateNames.clone();
    this.convention = Objects.requireNonNull(convention, "convention");
    this.firstFeature = firstFeature;
    this.featureCount = featureCount;
    int nb = batchNames.length;
    int q = covariateNames.length;
    if (referenceIndex < -1 || referenceIndex >= nb) {
      throw new IllegalArgumentException("reference index " + referenceIndex + " for " + nb + " sites");
    }
    for (int b = 1; b < nb; b++) {
      if (batchNames[b - 1].compareTo(batchNames[b]) >= 0) {
        throw new IllegalArgumentException("site names must be sorted and distinct: " + Arrays.toString(batchNames));
      }
    }
    this.grandMean = checked(grandMean, featureCount, "grandMean");
    this.varPooled = checked(varPooled, featureCount, "varPooled");
    this.beta = checked(beta, featureCount * q, "beta");
    this.gammaStar = checked(gammaStar, featureCount * nb, "gammaStar");
    this.deltaStar = checked(deltaStar, featureCount * nb, "deltaStar");
    if (status.length != featureCount || batchState.length != featureCount * nb) {
      throw new IllegalArgumentException("status/batchState lengths " + status.length + "/" + batchState.length);
    }
    for (byte c : status) {
      ComBatFeatureStatus.ofCode(c);
    }
    for (byte c : batchState) {
      ComBatBatchState.ofCode(c);
    }
    this.status = status.clone();
    this.batchState = batchState.clone();
    this.gammaBar = checked(gammaBar, nb, "gammaBar");
    this.tau2 = checked(tau2, nb, "tau2");
    this.aPrior = checked(aPrior, nb, "aPrior");
    this.bPrior = checked(bPrior, nb, "bPrior");
  }

  private static double[] checked(double[] a, int length, String name) {
    if (a.length != length) {
      throw new IllegalArgumentException(name + " has " + a.length + " values, expected " + length);
    }
    return a.clone();
  }

  public String[] batchNames() {
    return batchNames.clone();
  }

  /** Index of the reference site, or −1. */
  public int referenceIndex() {
    return referenceIndex;
  }

  public String[] covariateNames() {
    return covariateNames.clone();
  }

  public ComBatConvention convention() {
    return convention;
  }

  /** Global id of the first feature. */
  public int firstFeature() {
    return firstFeature;
  }

  public int featureCount() {
    return featureCount;
  }

  public double[] grandMean() {
    return grandMean.clone();
  }

  public double[] varPooled() {
    return varPooled.clone();
  }

  public double[] beta() {
    return beta.clone();
  }

  public double[] gammaStar() {
    return gammaStar.clone();
  }

  public double[] deltaStar() {
    return deltaStar.clone();
  }

  /** Status codes per feature ({@link ComBatFeatureStatus#code()}). */
  public byte[] statusCodes() {
    return status.clone();
  }

  /** Site state codes, site-major ({@link ComBatBatchState#code()}). */
  public byte[] batchStateCodes() {
    return batchState.clone();
  }

  public double[] gammaBar() {
    return gammaBar.clone();
  }

  public double[] tau2() {
    return tau2.clone();
  }

  public double[] aPrior() {
    return aPrior.clone();
  }

  public double[] bPrior() {
    return bPrior.clone();
  }

  public ComBatFeatureStatus status(int f) {
    return ComBatFeatureStatus.ofCode(status[f]);
  }

  public ComBatBatchState batchState(int b, int f) {
    return ComBatBatchState.ofCode(batchState[b * featureCount + f]);
  }

  /** Number of features per status, indexed by {@link ComBatFeatureStatus#code()}. */
  public long[] statusCounts() {
    long[] counts = new long[ComBatFeatureStatus.values().length];
    for (byte c : status) {
      counts[c]++;
    }
    return counts;
  }

  /** The features {@code [from, from + count)} of this model (indices relative to this model). */
  public ComBatModel slice(int from, int count) {
    if (from < 0 || count < 0 || from + count > featureCount) {
      throw new IllegalArgumentException("slice [" + from + ", " + (from + count) + ") of " + featureCount);
    }
    return concatOrSlice(List.of(this), from, count);
  }

  /** The models of consecutive feature ranges (each starting where the previous ended), joined. */
  public static ComBatModel concat(List<ComBatModel> parts) {
    if (parts.isEmpty()) {
      throw new IllegalArgumentException("nothing to concatenate");
    }
    ComBatModel first = parts.get(0);
    int next = first.firstFeature;
    int total = 0;
    for (ComBatModel m : parts) {
      if (m.firstFeature != next) {
        throw new IllegalArgumentException("models are not consecutive: expected first feature " + next
            + ", got " + m.firstFeature);
      }
      if (!Arrays.equals(m.batchNames, first.batchNames) || m.referenceIndex != first.referenceIndex
          || !Arrays.equals(m.covariateNames, first.covariateNames) || m.convention != first.convention
          || !Arrays.equals(m.gammaBar, first.gammaBar) || !Arrays.equals(m.tau2, first.tau2)) {
        throw new IllegalArgumentException("models of different ComBat runs cannot be joined");
      }
      next += m.featureCount;
      total += m.featureCount;
    }
    return concatOrSlice(parts, 0, total);
  }

  private static ComBatModel concatOrSlice(List<ComBatModel> parts, int from, int count) {
    ComBatModel first = parts.get(0);
    int nb = first.batchNames.length;
    int q = first.covariateNames.length;
    double[] gm = new double[count];
    double[] vp = new double[count];
    double[] be = new double[count * q];
    double[] gs = new double[count * nb];
    double[] ds = new double[count * nb];
    byte[] st = new byte[count];
    byte[] bs = new byte[count * nb];
    int out = 0;
    int skip = from;
    for (ComBatModel m : parts) {
      int v = m.featureCount;
      for (int f = 0; f < v && out < count; f++) {
        if (skip > 0) {
          skip--;
          continue;
        }
        gm[out] = m.grandMean[f];
        vp[out] = m.varPooled[f];
        st[out] = m.status[f];
        for (int j = 0; j < q; j++) {
          be[j * count + out] = m.beta[j * v + f];
        }
        for (int b = 0; b < nb; b++) {
          gs[b * count + out] = m.gammaStar[b * v + f];
          ds[b * count + out] = m.deltaStar[b * v + f];
          bs[b * count + out] = m.batchState[b * v + f];
        }
        out++;
      }
    }
    return new ComBatModel(first.batchNames, first.referenceIndex, first.covariateNames, first.convention,
        first.firstFeature + from, count, gm, vp, be, gs, ds, st, bs, first.gammaBar, first.tau2, first.aPrior,
        first.bPrior);
  }

  /**
   * Harmonises new subjects with this model.
   *
   * @param source the file or option the new subjects come from, for error messages
   * @param subjects subject ids (for messages), n of them
   * @param batchLabels each subject's site label; every label must be one of {@link #batchNames()}
   * @param covariates {@code n × q} subject-major {@code [s·q + j]}, coded exactly as for the
   *     estimation (null or empty when q = 0)
   * @param data {@code n × featureCount} subject-major {@code [s·featureCount + f]} (as a group-stage block)
   * @param out receives the harmonised values, same layout (may be {@code data} itself)
   * @throws UserInputException naming {@code source} for a site the model was not estimated on, a
   *     non-finite covariate, or a wrong number of covariates
   */
  public void apply(String source, String[] subjects, String[] batchLabels, double[] covariates, double[] data,
      double[] out) {
    int n = subjects.length;
    int q = covariateNames.length;
    double[] cov = covariates == null ? new double[0] : covariates;
    if (batchLabels.length != n) {
      throw new IllegalArgumentException(batchLabels.length + " site labels for " + n + " subjects");
    }
    if (cov.length != (long) n * q) {
      throw new UserInputException(source, "covariates", "the ComBat model protects " + q + " covariates ("
          + String.join(", ", covariateNames) + ") but " + (n == 0 ? cov.length : cov.length / (double) n)
          + " values per subject were given");
    }
    if (data.length != (long) featureCount * n || out.length != data.length) {
      throw new IllegalArgumentException("data/out have " + data.length + "/" + out.length + " values, expected "
          + featureCount + " features × " + n + " subjects");
    }
    List<Problem> problems = new ArrayList<>();
    int[] batchOf = new int[n];
    for (int s = 0; s < n; s++) {
      int b = batchLabels[s] == null ? -1 : Arrays.binarySearch(batchNames, batchLabels[s]);
      if (b < 0) {
        problems.add(new Problem(source, "site", "subject " + subjects[s] + " is from site " + batchLabels[s]
            + ", which the ComBat model was not estimated on (its sites: " + String.join(", ", batchNames) + ")"));
        continue;
      }
      batchOf[s] = b;
    }
    double[] used = new double[n * q];
    boolean float32 = convention == ComBatConvention.NEUROCOMBAT_COMPATIBLE;
    for (int s = 0; s < n; s++) {
      for (int j = 0; j < q; j++) {
        double x = cov[s * q + j];
        if (!Double.isFinite(x)) {
          problems.add(new Problem(source, covariateNames[j], "subject " + subjects[s] + " has a non-finite value"));
        }
        used[s * q + j] = float32 ? (double) (float) x : x;
      }
    }
    UserInputException.throwIfAny(problems);
    SiteOrder order = new SiteOrder(batchOf, batchNames.length);
    TileKernels.Pass2 p = new TileKernels.Pass2(batchNames.length, q);
    for (int f0 = 0; f0 < featureCount; f0 += TileKernels.TILE) {
      int w = Math.min(TileKernels.TILE, featureCount - f0);
      for (int k = 0; k < w; k++) {
        int f = f0 + k;
        TileKernels.setParameters(p, k, batchNames.length, q, status[f], grandMean[f], varPooled[f], beta, gammaStar,
            deltaStar, batchState, f, featureCount, referenceIndex);
      }
      TileKernels.harmonize(data, out, featureCount, f0, w, n, batchOf, order, used, q, p);
    }
  }
}
