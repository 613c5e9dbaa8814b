#!/usr/bin/env python3
"""Plain NumPy ReHo (Kendall's W, DPABI conventions) and ALFF/fALFF (DPABI convention), timed.

The reference implementation that reho-vs-reference.sh runs beside voxelspark on the same data and
machine: vectorised NumPy only (no SciPy, no numba), one thread (the script sets OMP/OPENBLAS/MKL
thread counts to 1). It checks its own maps against a golden map when one is given, so the timing
is of a correct implementation.

  reho_numpy.py BOLD.nii.gz MASK.nii.gz TR [--golden-reho MAP] [--golden-alff MAP] [--repeat N]

Prints one line per step: "numpy <step> <seconds> <mask voxels>" (best of --repeat runs).
"""
import argparse
import time

import nibabel as nib
import numpy as np


def mean_ranks(x):
    """Ranks 1..n along axis 1, ties get the mean of the ranks they span (MATLAB tiedrank)."""
    v, n = x.shape
    order = np.argsort(x, axis=1, kind="stable")
    s = np.take_along_axis(x, order, axis=1)
    new = np.ones((v, n), dtype=bool)
    new[:, 1:] = s[:, 1:] != s[:, :-1]
    pos = np.broadcast_to(np.arange(n), (v, n))
    first = np.maximum.accumulate(np.where(new, pos, 0), axis=1)
    end = np.ones((v, n), dtype=bool)
    end[:, :-1] = new[:, 1:]
    last = np.flip(np.minimum.accumulate(np.flip(np.where(end, pos, n), axis=1), axis=1), axis=1)
    r = np.empty((v, n), dtype=np.float64)
    np.put_along_axis(r, order, (first + last) / 2.0 + 1.0, axis=1)
    return r


def reho_nn27(data, mask):
    """DPABI y_reho.m at 27 neighbours: out-of-mask neighbours dropped, volume-edge voxels 0."""
    nx, ny, nz, n = data.shape
    idx = np.flatnonzero(mask)
    ranks = np.zeros((nx * ny * nz, n), dtype=np.float64)
    ranks[idx] = mean_ranks(data.reshape(-1, n)[idx])
    ranks = ranks.reshape(nx, ny, nz, n)
    m = mask.astype(np.float64)
    rsum = np.zeros((nx - 2, ny - 2, nz - 2, n))
    k = np.zeros((nx - 2, ny - 2, nz - 2))
    for di in range(3):
        for dj in range(3):
            for dk in range(3):
                rsum += ranks[di:nx - 2 + di, dj:ny - 2 + dj, dk:nz - 2 + dk]
                k += m[di:nx - 2 + di, dj:ny - 2 + dj, dk:nz - 2 + dk]
    s = (rsum ** 2).sum(axis=3) - rsum.sum(axis=3) ** 2 / n
    w = np.zeros((nx, ny, nz))
    with np.errstate(divide="ignore", invalid="ignore"):
        inner = np.where(k > 0, 12 * s / (k ** 2 * (n ** 3 - n)), 0)
    w[1:-1, 1:-1, 1:-1] = inner
    return np.where(mask, w, 0).astype(np.float32)


def alff_dpabi(data, mask, tr, low=0.01, high=0.08):
    """DPABI y_alff_falff.m: linear detrend, zero-pad to 2^k, 2|FFT|/n, band mean; fALFF over the spectrum without DC."""
    n = data.shape[3]
    x = data.reshape(-1, n)[np.flatnonzero(mask)].astype(np.float64)
    t = np.arange(n) - (n - 1) / 2.0
    x = x - x.mean(axis=1, keepdims=True)
    x = x - np.outer(x @ t / (t @ t), t)
    big = 1 << int(np.ceil(np.log2(n)))
    a = 2 * np.abs(np.fft.rfft(x, n=big, axis=1)) / n
    lo = int(np.ceil(low * big * tr))
    hi = int(np.floor(high * big * tr))
    band = a[:, lo:hi + 1].sum(axis=1)
    total = a[:, 1:].sum(axis=1)
    out = np.zeros((2,) + mask.shape, dtype=np.float32)
    out[0][mask] = band / (hi - lo + 1)
    out[1][mask] = np.where(total > 0, band / total, 0)
    return out


def best(fn, repeat):
    times = []
    result = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return min(times), result


def main():
    p = argparse.ArgumentParser()
    p.add_argument("bold")
    p.add_argument("mask")
    p.add_argument("tr", type=float)
    p.add_argument("--golden-reho")
    p.add_argument("--golden-alff")
    p.add_argument("--repeat", type=int, default=3)
    a = p.parse_args()
    t_read, data = best(lambda: np.asarray(nib.load(a.bold).dataobj, dtype=np.float32), a.repeat)
    mask = np.asarray(nib.load(a.mask).dataobj) != 0
    voxels = int(mask.sum())
    print(f"numpy read {t_read:.3f} {voxels}")
    t_reho, w = best(lambda: reho_nn27(data, mask), a.repeat)
    print(f"numpy reho_nn27 {t_reho:.3f} {voxels}")
    t_alff, alff = best(lambda: alff_dpabi(data, mask, a.tr), a.repeat)
    print(f"numpy alff {t_alff:.3f} {voxels}")
    if a.golden_reho:
        g = np.asarray(nib.load(a.golden_reho).dataobj)
        print(f"numpy check reho max|dW| vs {a.golden_reho.split('/')[-1]}: {np.abs(w - g)[mask].max():.3g}")
    if a.golden_alff:
        g = np.asarray(nib.load(a.golden_alff).dataobj)
        rel = np.abs(alff[0] - g)[mask] / np.maximum(np.abs(g[mask]), 1e-12)
        print(f"numpy check alff max relative difference vs {a.golden_alff.split('/')[-1]}: {rel.max():.3g}")


if __name__ == "__main__":
    main()
