package org.voxelspark.group;

/** Site harmonisation before the pooled ("mega") group analysis. */
public enum Harmonize {
  /** None: the GLM's site covariate (if in the model) is the only site adjustment. */
  NONE,
  /** ComBat (Johnson 2007; Fortin 2017) per voxel across sites, covariates protected ({@link GroupHarmonize}). */
  COMBAT
}
