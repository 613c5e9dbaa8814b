#!/usr/bin/env python3
"""The plain-NumPy ReHo (DPABI nn27) and ALFF/fALFF reference of reho_numpy.py as a per-subject
pipeline over a BIDS cohort: read the BOLD run, the brain mask voxelspark computed for it (the same
voxels), ReHo and ALFF, maps written as .nii.gz. One thread.

usage: reho_cohort.py BIDS_DIR DERIVATIVES_DIR OUT_DIR TR [SUBJECTS...]
Prints 'numpy subject <label> <seconds wall> <mask voxels>' per subject and 'numpy total <s>'.
"""
import glob
import os
import sys
import time

import nibabel as nib
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reho_numpy  # noqa: E402


def main():
    bids, derivatives, out, tr = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
    os.makedirs(out, exist_ok=True)
    files = sorted(glob.glob(f"{bids}/sub-*/func/*_bold.nii.gz"))
    if len(sys.argv) > 5:
        wanted = set(sys.argv[5:])
        files = [f for f in files if os.path.basename(f).split("_")[0] in wanted]
    total = time.perf_counter()
    for f in files:
        t0 = time.perf_counter()
        name = os.path.basename(f)[: -len("_bold.nii.gz")]
        label = name.split("_")[0]
        img = nib.load(f)
        data = np.asarray(img.dataobj, dtype=np.float64)
        mask = np.asarray(nib.load(f"{derivatives}/{label}/func/{name}_desc-brain_mask.nii.gz").dataobj) > 0
        reho = reho_numpy.reho_nn27(data, mask)
        alff, falff = reho_numpy.alff_dpabi(data, mask, tr)  # (2, nx, ny, nz)
        for key, value in (("reho", reho), ("alff", alff), ("falff", falff)):
            nib.save(nib.Nifti1Image(np.asarray(value, dtype=np.float32), img.affine), f"{out}/{name}_{key}.nii.gz")
        print("numpy subject %s %.3f %d" % (label, time.perf_counter() - t0, int(mask.sum())), flush=True)
    print("numpy total %.3f" % (time.perf_counter() - total), flush=True)


if __name__ == "__main__":
    main()
