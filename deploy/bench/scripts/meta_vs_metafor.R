#!/usr/bin/env Rscript
# Checks voxelspark's meta-analysis with metafor's *default* control (threshold 1e-5, maxiter 100,
# stepadj 1 — what MetaOptions.defaults() uses) on the benchmark's data: runs metafor's rma.uni per
# voxel on the first N voxels of meta_effect.f64 / meta_variance.f64 (sites x voxels, site-major,
# NaN = missing) and compares with the java_meta_<method>_*.f64 files that HarmonizeMetaBenchmark
# wrote. Debian r-cran-metafor (3.8.1).
#
#   Rscript deploy/bench/scripts/meta_vs_metafor.R DIR [N=2000]
suppressMessages(library(metafor))
args <- commandArgs(trailingOnly = TRUE)
dir <- args[1]
nvox <- if (length(args) > 1) as.integer(args[2]) else 2000L
dims <- scan(file.path(dir, "dims.txt"), quiet = TRUE)
voxels <- dims[1]
sites <- dims[4]
rd <- function(name, n) readBin(file.path(dir, name), "double", n = n, size = 8, endian = "little")
y <- matrix(rd("meta_effect.f64", sites * voxels), nrow = voxels, ncol = sites)  # column = site
v <- matrix(rd("meta_variance.f64", sites * voxels), nrow = voxels, ncol = sites)
cols <- c(estimate = "b", se = "se", tau2 = "tau2", p = "pval", i2 = "I2", q = "QE")
for (method in c("REML", "DL", "FE")) {
  ref <- matrix(NA_real_, nvox, length(cols), dimnames = list(NULL, names(cols)))
  t0 <- proc.time()[["elapsed"]]
  for (i in seq_len(nvox)) {
    ok <- is.finite(y[i, ]) & is.finite(v[i, ]) & v[i, ] > 0
    fit <- rma.uni(y[i, ok], v[i, ok], method = method)
    ref[i, ] <- sapply(cols, function(k) as.numeric(fit[[k]])[1])
  }
  elapsed <- proc.time()[["elapsed"]] - t0
  worst <- sapply(names(cols), function(k) {
    ours <- rd(sprintf("java_meta_%s_%s.f64", method, k), voxels)[seq_len(nvox)]
    scale <- if (k == "p") abs(ref[, k]) else pmax(1, abs(ref[, k]))
    max(abs(ours - ref[, k]) / scale)
  })
  cat(sprintf("%s, metafor default control, first %d voxels: max scaled |diff| %s; metafor %.2f s (%.0f us per voxel)\n",
              method, nvox, paste(sprintf("%s %.2g", names(worst), worst), collapse = ", "), elapsed,
              1e6 * elapsed / nvox))
}
