#!/usr/bin/env python3
"""DIPY's tensor fits on one scan, timed as the reference timings of ../shared/data/golden/dti were:
in-process fit + FA/MD/AD/RD/V1 extraction, no I/O, best of REPEATS; the thread count is whatever
OPENBLAS_NUM_THREADS / OMP_NUM_THREADS and taskset allow (dti-vs-reference.sh runs it on one core).
Times are process CPU time (time.process_time), as voxelspark's are thread CPU time: the machine is
shared, and wall time would count waiting for a core.

usage: dipy_tensor_timing.py DWI_DIR METHODS REPEATS NLLS_VOXELS
  METHODS      comma-separated fit methods (OLS,WLS,NLLS)
  NLLS_VOXELS  NLLS is fitted to the first N brain-mask voxels only (it costs ~100 us per voxel), in
               calls of at most 10 000 voxels: DIPY 1.6's NLLS fails on larger calls (its chunking
               wrapper expects 12 parameters per voxel where nlls_fit_tensor's OLS start has 7)
Prints one line per measurement: 'dipy <what> <voxels> <seconds> <voxels/s>'.
"""
import sys
import time

import numpy as np
import nibabel as nib
from dipy.core.gradients import gradient_table
from dipy.io.gradients import read_bvals_bvecs
from dipy.reconst.dti import TensorModel
from dipy.segment.mask import median_otsu


def best_of(repeats, f):
    best = float("inf")
    for _ in range(repeats):
        t0 = time.process_time()
        f()
        best = min(best, time.process_time() - t0)
    return best


def fit_and_extract(model, data):
    fit = model.fit(data)
    # force every map, as the reference timings did
    return fit.fa.sum() + fit.md.sum() + fit.ad.sum() + fit.rd.sum() + np.abs(fit.evecs[..., 0]).sum()


def main():
    d, methods, repeats, nlls_voxels = sys.argv[1], sys.argv[2].split(","), int(sys.argv[3]), int(sys.argv[4])
    img = nib.load(d + "/dwi.nii.gz")
    data = np.asarray(img.dataobj, dtype=np.float32)
    bvals, bvecs = read_bvals_bvecs(d + "/dwi.bval", d + "/dwi.bvec")
    gtab = gradient_table(bvals, bvecs, b0_threshold=50)
    b0 = np.flatnonzero(bvals <= 50)
    t0 = time.process_time()
    _, mask = median_otsu(data, vol_idx=b0, median_radius=4, numpass=4)
    t_mask = time.process_time() - t0
    n_all = int(np.prod(data.shape[:3]))
    print("dipy median_otsu %d %.4f %.0f" % (n_all, t_mask, n_all / t_mask), flush=True)
    flat = data.reshape((-1, data.shape[-1]))
    in_mask = flat[mask.reshape(-1)]
    for m in methods:
        model = TensorModel(gtab, fit_method=m)
        if m == "NLLS":
            sub = in_mask[:nlls_voxels]
            chunks = [sub[i:i + 10000] for i in range(0, len(sub), 10000)]
            t = best_of(repeats, lambda: [fit_and_extract(model, c) for c in chunks])
            print("dipy NLLS-mask-subset %d %.4f %.0f" % (len(sub), t, len(sub) / t), flush=True)
            continue
        t = best_of(repeats, lambda: fit_and_extract(model, data))
        print("dipy %s-all %d %.4f %.0f" % (m, n_all, t, n_all / t), flush=True)
        t = best_of(repeats, lambda: fit_and_extract(model, in_mask))
        print("dipy %s-mask %d %.4f %.0f" % (m, len(in_mask), t, len(in_mask) / t), flush=True)


if __name__ == "__main__":
    main()
