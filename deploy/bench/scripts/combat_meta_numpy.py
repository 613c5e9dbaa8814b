#!/usr/bin/env python3
"""Plain NumPy implementation of the equations of voxelspark's ComBat and meta-analysis kernels,
for the speed comparison in docs/benchmarks.md (same data, same two-pass protocol, same stopping
rules), run on the files that HarmonizeMetaBenchmark writes; it also compares its results with the
Java results that HarmonizeMetaBenchmark wrote beside them.

    java -cp deploy/bench/target/voxelspark-benchmarks.jar org.voxelspark.bench.HarmonizeMetaBenchmark generate DIR
    java -Xmx4g -cp deploy/bench/target/voxelspark-benchmarks.jar org.voxelspark.bench.HarmonizeMetaBenchmark run DIR
    /usr/bin/python3 deploy/bench/scripts/combat_meta_numpy.py DIR [repeats]

Debian's python3-numpy (1.24, OpenBLAS) and python3-scipy (for the normal and chi-squared
tails only). BLAS is limited to one thread, as the Java benchmark runs on one thread; set
OPENBLAS_NUM_THREADS before starting to override. Timed: CPU time of the process
(time.process_time) and wall time, excluding the float32 -> float64 conversion of each block, as in
the Java benchmark.
"""
import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
from scipy.special import chdtrc, ndtr  # noqa: E402

EB_TOL = 1e-10          # ComBatOptions.DEFAULT_EB_TOLERANCE
EB_MAX_IT = 1000        # ComBatOptions.DEFAULT_EB_MAX_ITERATIONS
META_THRESHOLD = 1e-5   # MetaOptions.DEFAULT_THRESHOLD (metafor)
META_MAXITER = 100
UNIROOT_TOL = np.finfo(float).eps ** 0.25


def read_dims(d):
    v, n, sites, meta_sites, block, np_voxels, stride = map(int, open(os.path.join(d, "dims.txt")).read().split())
    return v, n, sites, meta_sites, block, np_voxels, stride


def read_subjects(d):
    rows = [line.strip().split(",") for line in open(os.path.join(d, "subjects.csv")).readlines()[1:] if line.strip()]
    labels = np.array([r[1] for r in rows])
    cov = np.array([[float(r[2]), float(r[3]), float(r[4])] for r in rows])
    return labels, cov


class Design:
    """Site indicators and within-site-centred covariates, factored once (as ComBatDesign)."""

    def __init__(self, labels, cov):
        self.names, self.batch = np.unique(labels, return_inverse=True)
        self.n = len(labels)
        self.B = len(self.names)
        self.C = cov
        self.nb = np.bincount(self.batch, minlength=self.B).astype(float)
        self.ind = np.zeros((self.n, self.B))
        self.ind[np.arange(self.n), self.batch] = 1.0
        self.mean_op = self.ind / self.nb                       # y @ mean_op = per-site means
        self.xbar = self.mean_op.T @ cov                        # B x q
        xc = cov - self.xbar[self.batch]
        self.proj = np.linalg.solve(xc.T @ xc, xc.T)            # q x n: beta = proj @ y


def pass1(des, Y):
    """Least squares, pooled variance, standardised per-site moments for a block Y (v x n)."""
    beta = Y @ des.proj.T                                        # v x q
    alpha = Y @ des.mean_op - beta @ des.xbar.T                  # v x B
    R = Y - alpha[:, des.batch] - beta @ des.C.T
    rsum = R @ des.ind
    r2 = (R * R) @ des.ind
    vp = r2.sum(axis=1) / des.n
    gm = alpha @ (des.nb / des.n)
    sd = np.sqrt(vp)
    rbar = rsum / des.nb
    zbar = (alpha - gm[:, None] + rbar) / sd[:, None]
    ss = np.maximum(0.0, r2 - des.nb * rbar * rbar) / vp[:, None]
    dhat = ss / (des.nb - 1)
    return dict(beta=beta, gm=gm, vp=vp, zbar=zbar, ss=ss, ghat=zbar, dhat=dhat)


def priors(fits):
    g = np.concatenate([f["ghat"] for f in fits])                # V x B
    d = np.concatenate([f["dhat"] for f in fits])
    m = d.mean(axis=0)
    s2 = d.var(axis=0, ddof=1)
    return dict(gbar=g.mean(axis=0), t2=g.var(axis=0, ddof=1), a=(2 * s2 + m * m) / s2, b=(m * s2 + m ** 3) / s2)


def eb_parametric(des, fit, pr):
    """Per-feature fixed-point iteration with the default stopping rule, vectorised with a mask."""
    n = des.nb[None, :]
    ghat, zbar, ss = fit["ghat"], fit["zbar"], fit["ss"]
    g = ghat.copy()
    d = fit["dhat"].copy()
    t2, gbar, a, b = pr["t2"][None, :], pr["gbar"][None, :], pr["a"][None, :], pr["b"][None, :]
    active = np.ones(g.shape, dtype=bool)
    for _ in range(EB_MAX_IT):
        g_new = (t2 * n * ghat + d * gbar) / (t2 * n + d)
        e = zbar - g_new
        d_new = (0.5 * (ss + n * e * e) + b) / (n / 2.0 + a - 1.0)
        done = (np.abs(g_new - g) <= EB_TOL * np.sqrt(d_new)) & (np.abs(d_new - d) <= EB_TOL * d_new)
        g = np.where(active, g_new, g)
        d = np.where(active, d_new, d)
        active &= ~done
        if not active.any():
            break
    return g, d


def eb_nonparametric(des, fit, prior_g, prior_d, first, chunk=256):
    """Likelihood-weighted means over the other features' (gamma-hat, delta-hat) of the site."""
    v = fit["ghat"].shape[0]
    gs = np.empty((v, des.B))
    ds = np.empty((v, des.B))
    for b in range(des.B):
        pg, pd = prior_g[:, b], prior_d[:, b]
        logd, invd = np.log(pd), 1.0 / pd
        n = des.nb[b]
        for s in range(0, v, chunk):
            e = fit["zbar"][s:s + chunk, b][:, None] - pg[None, :]
            lw = -0.5 * n * logd[None, :] - 0.5 * (fit["ss"][s:s + chunk, b][:, None] + n * e * e) * invd[None, :]
            rows = np.arange(lw.shape[0])
            lw[rows, first + s + rows] = -np.inf                # leave the feature itself out
            w = np.exp(lw - lw.max(axis=1, keepdims=True))
            sw = w.sum(axis=1)
            gs[s:s + chunk, b] = (w @ pg) / sw
            ds[s:s + chunk, b] = (w @ pd) / sw
    return gs, ds


def adjust(des, Y, fit, gs, ds):
    mean = fit["gm"][:, None] + fit["beta"] @ des.C.T
    sd = np.sqrt(fit["vp"])[:, None]
    z = (Y - mean) / sd
    scale = sd / np.sqrt(ds)
    return (z - gs[:, des.batch]) * scale[:, des.batch] + mean


def combat_run(des, data, voxels, block, nonparametric=False, stride=None):
    cpu = [0.0, 0.0, 0.0]
    wall = [0.0, 0.0, 0.0]
    fits = []
    for s in range(0, voxels, block):
        Y = data[s:min(s + block, voxels)].astype(np.float64)
        c0, w0 = time.process_time(), time.perf_counter()
        fits.append(pass1(des, Y))
        cpu[0] += time.process_time() - c0
        wall[0] += time.perf_counter() - w0
    c0, w0 = time.process_time(), time.perf_counter()
    pr = priors(fits)
    if nonparametric:
        prior_g = np.concatenate([f["ghat"] for f in fits])
        prior_d = np.concatenate([f["dhat"] for f in fits])
    cpu[1] += time.process_time() - c0
    wall[1] += time.perf_counter() - w0
    gstar, dstar, sample = [], [], []
    for k, s in enumerate(range(0, voxels, block)):
        Y = data[s:min(s + block, voxels)].astype(np.float64)
        c0, w0 = time.process_time(), time.perf_counter()
        fit = fits[k]
        if nonparametric:
            gs, ds = eb_nonparametric(des, fit, prior_g, prior_d, s)
        else:
            gs, ds = eb_parametric(des, fit, pr)
        out = adjust(des, Y, fit, gs, ds)
        cpu[2] += time.process_time() - c0
        wall[2] += time.perf_counter() - w0
        gstar.append(gs)
        dstar.append(ds)
        if stride:
            ids = np.arange(s, s + Y.shape[0])
            sample.append(out[ids % stride == 0])
    return cpu, wall, np.concatenate(gstar), np.concatenate(dstar), (np.concatenate(sample) if stride else None)


def meta_reml(y, v):
    """metafor's REML (Fisher scoring, Hedges start, step halving, threshold 1e-5, tau2 = 0 check),
    vectorised over voxels; y, v: sites x voxels with NaN = missing."""
    ok = np.isfinite(y) & np.isfinite(v) & (v > 0)
    Y = np.where(ok, y, 0.0)
    Vv = np.where(ok, v, 1.0)
    k = ok.sum(axis=0).astype(float)
    okf = ok.astype(float)
    # fixed effect, Q
    w = okf / Vv
    s1, s2 = w.sum(0), (w * w).sum(0)
    mu_fe = (w * Y).sum(0) / s1
    q = np.maximum(0.0, (w * (Y - mu_fe) ** 2).sum(0))
    df = k - 1
    trp = s1 - s2 / s1
    # Hedges start
    ybar = Y.sum(0) / k
    he = (((Y - ybar) ** 2 * okf).sum(0) - (Vv * okf).sum(0) * (1 - 1 / k)) / df
    tau2 = np.maximum(0.0, he)
    active = k >= 3
    it = 0
    while active.any():
        it += 1
        ia = np.nonzero(active)[0]
        t = tau2[ia]
        wa = okf[:, ia] / (Vv[:, ia] + t)
        a1, a2, a3 = wa.sum(0), (wa * wa).sum(0), (wa ** 3).sum(0)
        mu = (wa * Y[:, ia]).sum(0) / a1
        yppy = ((wa * (Y[:, ia] - mu)) ** 2).sum(0)
        adj = (yppy - (a1 - a2 / a1)) / (a2 - 2 * a3 / a1 + (a2 / a1) ** 2)
        adj = np.where(np.isnan(adj), 0.0, adj)
        adj = np.where((t == 0) & (adj < 0), 0.0, adj)
        neg = t + adj < 0
        while neg.any():
            adj = np.where(neg, adj / 2, adj)
            neg = t + adj < 0
        new = t + adj
        tau2[ia] = new
        conv = np.abs(t - new) <= META_THRESHOLD
        active[ia[conv]] = False
        if it > META_MAXITER:
            tau2[ia[~conv]] = np.nan
            break

    def loglik(t2):
        ww = okf / (Vv + t2)
        sw = ww.sum(0)
        m = (ww * Y).sum(0) / sw
        return -0.5 * (np.log(Vv + t2) * okf).sum(0) - 0.5 * (ww * (Y - m) ** 2).sum(0) - 0.5 * np.log(sw)

    tau2 = np.where((loglik(0.0) - loglik(tau2) > UNIROOT_TOL) & (tau2 > META_THRESHOLD), 0.0, tau2)
    tau2 = np.where(k >= 3, np.maximum(0.0, tau2), np.nan)
    ws = okf / (Vv + tau2)
    sw = ws.sum(0)
    est = (ws * Y).sum(0) / sw
    se = np.sqrt(1 / sw)
    z = est / se
    p = 2 * ndtr(-np.abs(z))
    vt = df / trp
    return dict(estimate=est, se=se, tau2=tau2, p=p, i2=100 * tau2 / (vt + tau2), q=np.where(k >= 2, q, np.nan),
                p_q=chdtrc(df, q))


def maxdiff(a, b):
    both = np.isfinite(a) | np.isfinite(b)
    return float(np.nanmax(np.abs(a[both] - b[both]) / np.maximum(1.0, np.abs(b[both]))))


def main():
    d = sys.argv[1]
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    voxels, n, sites, meta_sites, block, np_voxels, stride = read_dims(d)
    labels, cov = read_subjects(d)
    des = Design(labels, cov)
    data = np.memmap(os.path.join(d, "combat.f32"), dtype="<f4", mode="r", shape=(voxels, n))
    print(f"NumPy {np.__version__}, OPENBLAS_NUM_THREADS={os.environ['OPENBLAS_NUM_THREADS']}")
    print(f"ComBat: {voxels} voxels x {n} subjects x {des.B} sites, blocks of {block}")
    best = None
    for r in range(repeats):
        cpu, wall, gs, ds, sample = combat_run(des, data, voxels, block, stride=stride)
        print(f"  run {r + 1}: CPU pass 1 {cpu[0]:.3f} s, reduction {cpu[1]:.4f} s, pass 2 {cpu[2]:.3f} s, "
              f"total {sum(cpu):.3f} s (wall {sum(wall):.3f} s)")
        best = sum(cpu) if best is None else min(best, sum(cpu))
    print(f"  best CPU total {best:.3f} s ({1e6 * best / voxels:.2f} us per voxel)")
    jg = np.fromfile(os.path.join(d, "java_gamma_star.f64"), "<f8").reshape(des.B, voxels).T
    jd = np.fromfile(os.path.join(d, "java_delta_star.f64"), "<f8").reshape(des.B, voxels).T
    js = np.fromfile(os.path.join(d, "java_sample.f64"), "<f8").reshape(sample.shape)
    print(f"  vs Java: max |diff| gamma* {maxdiff(gs, jg):.2g}, delta*2 {maxdiff(ds, jd):.2g}, "
          f"harmonised sample {np.abs(sample - js).max():.2g}")
    cpu, wall, gs, ds, _ = combat_run(des, data, np_voxels, block, nonparametric=True)
    print(f"ComBat non-parametric EB, first {np_voxels} voxels: CPU pass 1 {cpu[0]:.3f} s, reduction {cpu[1]:.4f} s, "
          f"pass 2 {cpu[2]:.3f} s, total {sum(cpu):.3f} s (wall {sum(wall):.3f} s)")
    jg = np.fromfile(os.path.join(d, "java_np_gamma_star.f64"), "<f8").reshape(des.B, np_voxels).T
    jd = np.fromfile(os.path.join(d, "java_np_delta_star.f64"), "<f8").reshape(des.B, np_voxels).T
    print(f"  vs Java: max |diff| gamma* {maxdiff(gs, jg):.2g}, delta*2 {maxdiff(ds, jd):.2g}")
    y = np.fromfile(os.path.join(d, "meta_effect.f64"), "<f8").reshape(meta_sites, voxels)
    v = np.fromfile(os.path.join(d, "meta_variance.f64"), "<f8").reshape(meta_sites, voxels)
    print(f"Meta-analysis (REML): {voxels} voxels x {meta_sites} sites")
    bc, bw = np.inf, np.inf
    for r in range(max(repeats, 3)):
        c0, w0 = time.process_time(), time.perf_counter()
        res = meta_reml(y, v)
        bc, bw = min(bc, time.process_time() - c0), min(bw, time.perf_counter() - w0)
    print(f"  best CPU {bc:.3f} s (wall {bw:.3f} s), {1e6 * bc / voxels:.2f} us per voxel")
    worst = {}
    for col in ["estimate", "se", "tau2", "p", "i2", "q"]:
        j = np.fromfile(os.path.join(d, f"java_meta_REML_{col}.f64"), "<f8")
        worst[col] = maxdiff(res[col], j)
    print("  vs Java: max scaled |diff| " + ", ".join(f"{k} {x:.2g}" for k, x in worst.items()))


if __name__ == "__main__":
    main()
