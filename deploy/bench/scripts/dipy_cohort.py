#!/usr/bin/env python3
"""DIPY as a per-subject pipeline over a BIDS cohort, the way a lab loops it over a scheduler: for
each subject, read the DWI (.nii.gz, bval, bvec), median_otsu brain mask (radius 4, 4 passes, as
voxelspark), tensor fit in the mask (WLS, DIPY's default), FA, MD, AD, RD, eigenvalues and V1
written as .nii.gz. One process, one thread (the caller pins it and sets OMP/OPENBLAS threads).

usage: dipy_cohort.py BIDS_DIR OUT_DIR [SUBJECTS...]
Prints 'dipy subject <label> <seconds wall> <mask voxels>' per subject and 'dipy total <s>'.
"""
import glob
import os
import sys
import time

import nibabel as nib
import numpy as np
from dipy.core.gradients import gradient_table
from dipy.io.gradients import read_bvals_bvecs
from dipy.reconst.dti import TensorModel
from dipy.segment.mask import median_otsu


def subject(dwi, out):
    stem = dwi[: -len(".nii.gz")]
    img = nib.load(dwi)
    data = np.asarray(img.dataobj, dtype=np.float32)
    bvals, bvecs = read_bvals_bvecs(stem + ".bval", stem + ".bvec")
    gtab = gradient_table(bvals, bvecs, b0_threshold=50)
    b0 = np.flatnonzero(bvals <= 50)
    _, mask = median_otsu(data, vol_idx=b0, median_radius=4, numpass=4)
    fit = TensorModel(gtab, fit_method="WLS").fit(data, mask=mask)
    name = os.path.basename(stem)
    for key, value in (("fa", fit.fa), ("md", fit.md), ("ad", fit.ad), ("rd", fit.rd), ("evals", fit.evals),
                       ("v1", fit.evecs[..., 0])):
        nib.save(nib.Nifti1Image(np.asarray(value, dtype=np.float32), img.affine), f"{out}/{name}_{key}.nii.gz")
    return int(mask.sum())


def main():
    bids, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    files = sorted(glob.glob(f"{bids}/sub-*/dwi/*_dwi.nii.gz"))
    if len(sys.argv) > 3:
        wanted = set(sys.argv[3:])
        files = [f for f in files if os.path.basename(f).split("_")[0] in wanted]
    total = time.perf_counter()
    for f in files:
        t0 = time.perf_counter()
        n = subject(f, out)
        print("dipy subject %s %.3f %d" % (os.path.basename(f).split("_")[0], time.perf_counter() - t0, n), flush=True)
    print("dipy total %.3f" % (time.perf_counter() - total), flush=True)


if __name__ == "__main__":
    main()
