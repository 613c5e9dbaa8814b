"""Reads NIfTI files with nibabel and prints, per file, one JSON line of what nibabel sees.

Used by NiftiNibabelInteropTest to check that files written by voxelspark read back in the
reference library bit for bit. Arguments: the files. Output fields: file, shape, datatype code,
the best affine, zooms, xyzt units, intent code and name, descrip, and the SHA-256 of the scaled
data as little-endian float32 in Fortran (NIfTI) order.
"""
import hashlib
import json
import sys

import nibabel as nib
import numpy as np

for path in sys.argv[1:]:
    img = nib.load(path)
    hdr = img.header
    data = np.asarray(img.get_fdata(dtype=np.float64))
    print(json.dumps({
        "file": path,
        "shape": list(img.shape),
        "datatype": int(hdr["datatype"]),
        "affine": img.affine.tolist(),
        "zooms": [float(z) for z in hdr.get_zooms()],
        "units": list(hdr.get_xyzt_units()),
        "intent": [int(hdr["intent_code"]), hdr["intent_name"].item().decode()],
        "descrip": hdr["descrip"].item().decode(),
        "sha_f4": hashlib.sha256(data.astype("<f4").tobytes(order="F")).hexdigest(),
    }))
