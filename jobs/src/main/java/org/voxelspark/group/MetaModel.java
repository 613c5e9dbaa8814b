package org.voxelspark.group;

/** The multi-centre meta-analysis of per-site effects beside the pooled analysis. */
public enum MetaModel {
  /** No meta-analysis. */
  NONE,
  /** Fixed effect (inverse-variance weights). */
  FE,
  /** Random effects, τ² by {@code --meta-method} (REML by default). */
  RE
}
