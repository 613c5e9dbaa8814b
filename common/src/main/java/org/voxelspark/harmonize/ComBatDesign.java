package org.voxelspark.harmonize;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.voxelspark.error.UserInputException;
import org.voxelspark.error.UserInputException.Problem;

/**
 * The subjects' sites and covariates, validated and factored once on the driver (then broadcast
 * inside {@link ComBat}). Package-private: callers see it through {@link ComBat#of}.
 *
 * <p>Model per feature: {@code y_s = α_{b(s)} + x_s·β + ε}, with one intercept α per site and the
 * covariate row x_s (no intercept column). It is fitted through the within-site-centred covariates
 * (Frisch–Waugh–Lovell): {@code β = (X̃ᵀX̃)⁻¹ X̃ᵀ y}, {@code X̃ = X − x̄_{b(s)}}, and
 * {@code α_b = ȳ_b − x̄_b·β} — the same least-squares solution as regressing on
 * {@code [site indicators, X]}, which is what neuroCombat does.
 */
final class ComBatDesign implements Serializable {
  private static final long serialVersionUID = 1L;
  /** A covariate whose within-site-centred residual (after the earlier ones) keeps less than this
   *  fraction of its own within-site sum of squares is called collinear. */
  static final double COLLINEARITY_TOLERANCE = 1e-10;

  final int n;
  final int q;
  final int batchCount;
  final String[] batchNames;
  final int referenceIndex;
  final String[] covariateNames;
  /** Site index of each subject, in [0, batchCount). */
  final int[] batchOf;
  /** Covariates as used ({@code n × q}, subject-major {@code [s·q + j]}; float32-rounded under the
   *  neuroCombat convention). */
  final double[] covariates;
  /** Per-site covariate means {@code [b·q + j]}. */
  final double[] covariateBatchMean;
  /** {@code (X̃ᵀX̃)⁻¹ X̃ᵀ}, {@code q × n} row-major {@code [j·n + s]}: β = this · y. */
  final double[] betaProjector;
  /** The subjects in site order. */
  final SiteOrder siteOrder;
  /** Covariates column-major in site order {@code [j·n + i]} (the per-feature path). */
  final double[] covariateColumns;

  private ComBatDesign(int n, int q, String[] batchNames, int referenceIndex, String[] covariateNames,
      int[] batchOf, double[] covariates, double[] covariateBatchMean, double[] betaProjector) {
    this.n = n;
    this.q = q;
    this.batchCount = batchNames.length;
    this.batchNames = batchNames;
    this.referenceIndex = referenceIndex;
    this.covariateNames = covariateNames;
    this.batchOf = batchOf;
    this.covariates = covariates;
    this.covariateBatchMean = covariateBatchMean;
    this.siteOrder = new SiteOrder(batchOf, batchNames.length);
    this.covariateColumns = siteOrder.columns(covariates, q);
    this.betaProjector = betaProjector;
  }

  static ComBatDesign of(String source, String[] subjects, String[] batchLabels, String[] covariateNames,
      double[] covariateValues, ComBatOptions options) {
    if (subjects == null || batchLabels == null) {
      throw new IllegalArgumentException("subjects and batch labels are required");
    }
    int n = subjects.length;
    String[] names = covariateNames == null ? new String[0] : covariateNames.clone();
    int q = names.length;
    double[] given = covariateValues == null ? new double[0] : covariateValues;
    if (batchLabels.length != n) {
      throw new IllegalArgumentException(batchLabels.length + " batch labels for " + n + " subjects");
    }
    if (given.length != (long) n * q) {
      throw new IllegalArgumentException("covariates have " + given.length + " values, expected "
          + n + " subjects × " + q + " covariates");
    }
    List<Problem> problems = new ArrayList<>();
    TreeSet<String> levels = new TreeSet<>();
    for (int s = 0; s < n; s++) {
      if (batchLabels[s] == null || batchLabels[s].isEmpty()) {
        problems.add(new Problem(source, "site", "subject " + subjects[s] + " has no site"));
      } else {
        levels.add(batchLabels[s]);
      }
    }
    double[] cov = new double[n * q];
    boolean float32 = options.convention() == ComBatConvention.NEUROCOMBAT_COMPATIBLE;
    for (int s = 0; s < n; s++) {
      for (int j = 0; j < q; j++) {
        double x = given[s * q + j];
        if (!Double.isFinite(x)) {
          problems.add(new Problem(source, names[j], "subject " + subjects[s] + " has a non-finite value (" + x
              + "); ComBat needs every covariate of every subject"));
        }
        cov[s * q + j] = float32 ? (double) (float) x : x;
      }
    }
    UserInputException.throwIfAny(problems);
    if (levels.isEmpty()) {
      throw new UserInputException(source, "site", "no subjects");
    }
    String[] batchNames = levels.toArray(new String[0]);
    int batchCount = batchNames.length;
    int[] batchOf = new int[n];
    int[] sizes = new int[batchCount];
    for (int s = 0; s < n; s++) {
      batchOf[s] = java.util.Arrays.binarySearch(batchNames, batchLabels[s]);
      sizes[batchOf[s]]++;
    }
    int[][] members = new int[batchCount][];
    for (int b = 0; b < batchCount; b++) {
      members[b] = new int[sizes[b]];
      if (sizes[b] < 2) {
        problems.add(new Problem(source, "site", "site " + batchNames[b] + " has " + sizes[b]
            + " subject; ComBat needs at least 2 subjects per site to estimate the site's variance"));
      }
    }
    int[] fill = new int[batchCount];
    for (int s = 0; s < n; s++) {
      members[batchOf[s]][fill[batchOf[s]]++] = s;
    }
    int referenceIndex = -1;
    if (options.referenceBatch() != null) {
      referenceIndex = java.util.Arrays.binarySearch(batchNames, options.referenceBatch());
      if (referenceIndex < 0) {
        problems.add(new Problem(source, "site", "reference site " + options.referenceBatch()
            + " is not among the sites " + String.join(", ", batchNames)));
        referenceIndex = -1;
      }
    }
    if (n - batchCount - q < 1) {
      problems.add(new Problem(source, "", n + " subjects cannot fit " + batchCount + " site means and " + q
          + " covariates with any residual degree of freedom left"));
    }
    UserInputException.throwIfAny(problems);

    double[] batchMean = new double[batchCount * q];
    for (int b = 0; b < batchCount; b++) {
      for (int j = 0; j < q; j++) {
        double sum = 0;
        for (int s : members[b]) {
          sum += cov[s * q + j];
        }
        batchMean[b * q + j] = sum / members[b].length;
      }
    }
    double[] centred = new double[n * q];
    for (int s = 0; s < n; s++) {
      for (int j = 0; j < q; j++) {
        centred[s * q + j] = cov[s * q + j] - batchMean[batchOf[s] * q + j];
      }
    }
    double[] gram = new double[q * q];
    for (int s = 0; s < n; s++) {
      for (int i = 0; i < q; i++) {
        for (int j = 0; j <= i; j++) {
          gram[i * q + j] += centred[s * q + i] * centred[s * q + j];
        }
      }
    }
    double[] chol = gram.clone();
    int bad = SmallLinearAlgebra.cholesky(chol, q, COLLINEARITY_TOLERANCE);
    if (bad >= 0) {
      throw new UserInputException(source, names[bad], "covariate is constant within every site or a linear "
          + "combination of the site indicators" + (bad > 0 ? " and the covariates before it" : "")
          + "; ComBat cannot protect it (drop it or recode it)");
    }
    double[] projector = new double[q * n];
    double[] col = new double[q];
    for (int s = 0; s < n; s++) {
      for (int j = 0; j < q; j++) {
        col[j] = centred[s * q + j];
      }
      SmallLinearAlgebra.choleskySolve(chol, q, col);
      for (int j = 0; j < q; j++) {
        projector[j * n + s] = col[j];
      }
    }
    return new ComBatDesign(n, q, batchNames, referenceIndex, names, batchOf, cov, batchMean, projector);
  }

  /** Site index of {@code label}, or −1. */
  int batchIndex(String label) {
    int b = label == null ? -1 : java.util.Arrays.binarySearch(batchNames, label);
    return b < 0 ? -1 : b;
  }
}
