package org.voxelspark.harmonize;

import java.util.Random;

/**
 * A synthetic multi-site cohort with known truth: for feature f and subject s of site b,
 * {@code y = μ_f + β_age·age_s + β_group·patient_s + γ_bf + δ_bf·σ_f·ε}, ε ~ N(0, 1). Site shifts
 * γ_bf ~ N(shift_b, 0.5 σ_f) and scales δ_bf ~ scale_b·exp(N(0, 0.1)) are planted per site; the
 * group effect (patients vs controls) and the age slope are the biology to protect. {@link #clean}
 * is the same data without site effects (γ = 0, δ = 1). Data are subject-major, {@code [s·features + f]}.
 */
final class SyntheticSites {
  final int features;
  final int n;
  final String[] ids;
  final String[] sites;
  final int[] siteOf;
  final double[] patient;
  final double[] age;
  final double[] data;
  final double[] clean;
  final double groupEffect;
  final double sigma = 0.02;

  SyntheticSites(long seed, int features, int[] perSite, double groupEffect) {
    this(seed, features, perSite, groupEffect, false);
  }

  /**
   * @param scaleAllDeviation if true the site scale multiplies the group effect as well as the noise,
   *     {@code y = μ − 0.001·age + γ + δ(β_group·patient·σ + σε)}, as a scanner gain would
   */
  SyntheticSites(long seed, int features, int[] perSite, double groupEffect, boolean scaleAllDeviation) {
    Random rnd = new Random(seed);
    this.features = features;
    this.groupEffect = groupEffect;
    int total = 0;
    for (int c : perSite) {
      total += c;
    }
    n = total;
    ids = new String[n];
    sites = new String[n];
    siteOf = new int[n];
    patient = new double[n];
    age = new double[n];
    double[] siteShift = {0.0, 1.5, -1.0, 0.7, -2.0, 2.5, 0.3, -0.4, 1.1, -1.7};
    double[] siteScale = {1.0, 1.6, 0.7, 1.3, 0.8, 2.0, 1.1, 0.9, 1.4, 0.6};
    int s = 0;
    for (int b = 0; b < perSite.length; b++) {
      for (int k = 0; k < perSite[b]; k++, s++) {
        ids[s] = String.format("sub-%03d", s);
        sites[s] = "site" + (char) ('A' + b);
        siteOf[s] = b;
        // unbalanced: later sites recruit more patients, so site and group are correlated
        patient[s] = rnd.nextDouble() < 0.3 + 0.1 * b ? 1 : 0;
        age[s] = 20 + 50 * rnd.nextDouble() + 3 * b;
      }
    }
    data = new double[features * n];
    clean = new double[features * n];
    for (int f = 0; f < features; f++) {
      double mu = 0.4 + 0.1 * rnd.nextDouble();
      double[] gamma = new double[perSite.length];
      double[] delta = new double[perSite.length];
      for (int b = 0; b < perSite.length; b++) {
        gamma[b] = (siteShift[b % siteShift.length] + 0.5 * rnd.nextGaussian()) * sigma;
        delta[b] = siteScale[b % siteScale.length] * Math.exp(0.1 * rnd.nextGaussian());
      }
      for (int i = 0; i < n; i++) {
        double additive = mu - 0.001 * age[i];
        double group = groupEffect * sigma * patient[i];
        double e = sigma * rnd.nextGaussian();
        double dev = scaleAllDeviation ? group + e : e;
        data[i * features + f] = additive + (scaleAllDeviation ? 0 : group) + gamma[siteOf[i]] + delta[siteOf[i]] * dev;
        clean[i * features + f] = additive + group + e;
      }
    }
  }

  /** Covariates [patient, age], subject-major. */
  double[] covariates() {
    double[] c = new double[n * 2];
    for (int i = 0; i < n; i++) {
      c[2 * i] = patient[i];
      c[2 * i + 1] = age[i];
    }
    return c;
  }

  static final String[] COVARIATE_NAMES = {"patient", "age"};

  ComBat combat(ComBatOptions options) {
    return ComBat.of("synthetic.tsv", ids, sites, COVARIATE_NAMES, covariates(), options);
  }
}
