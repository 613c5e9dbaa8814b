#!/usr/bin/python3
"""Freedman-Lane permutation loop: voxelspark (Java) against plain NumPy on the same data.

Writes a seeded synthetic problem (n subjects x v voxels, design intercept + group + age + sex +
site, K permutations with the identity first) to a directory, runs voxelspark's FreedmanLaneRun on
it (the Vector API kernel and, with --plain, the plain loop), then runs the same loop in NumPy on
the same data, for a subset of the shufflings (NumPy is slow; rates are per voxel-shuffling, so the
subset's rate extrapolates), checks that both give the same observed t, the same exceedance counts
and the same max statistic over that subset, measures the machine's dense floating-point rate with
OpenBLAS DGEMM (1 and 2 threads), and prints the figures docs/benchmarks.md records.

Two NumPy versions of the loop:
  naive: per shuffling, permute the residualised data, refit the full model (pinv(M) @ Y*,
         residuals, t), count and take the max -- the textbook / PALM formulation;
  gemm:  the formulation voxelspark uses (W = A_k @ E for a chunk of shufflings in one DGEMM,
         RSS = |E|^2 - |W|^2), i.e. NumPy at its best on the same algorithm.

Usage (from the repository root, after `mvn -q -pl deploy/bench -am package -DskipTests`):
  /usr/bin/python3 deploy/bench/scripts/freedman_lane_bench.py [--voxels 200000] [--shufflings 5000]
      [--subjects 100] [--numpy-shufflings 64] [--threads 2] [--plain] [--dir /tmp/vs-fl-bench]
Only Debian's python3-numpy and python3-scipy are needed.
"""
import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np
from scipy import stats


def write(path, array):
    np.ascontiguousarray(array).astype(array.dtype.newbyteorder('<')).tofile(path)


def make_problem(n, v, k, seed):
    rng = np.random.default_rng(seed)
    group = np.arange(n) % 2
    age = rng.normal(0, 10, n)
    sex = rng.integers(0, 2, n)
    site = (np.arange(n) >= n // 2).astype(float)
    m = np.column_stack([np.ones(n), group, age, sex, site]).astype(np.float64)
    y = 0.45 + 0.002 * age[:, None] + 0.03 * site[:, None] + 0.03 * rng.standard_normal((n, v))
    y[:, : v // 100] -= 0.02 * group[:, None]
    perms = np.empty((k, n), dtype=np.int32)
    perms[0] = np.arange(n)
    for s in range(1, k):
        perms[s] = rng.permutation(n)
    return m, y, perms


def residualiser(m, c):
    """Ridgway nuisance Z = M (I - c c+) and its residual-forming matrix."""
    p = m.shape[1]
    cc = c.reshape(-1, 1)
    z = m @ (np.eye(p) - cc @ np.linalg.pinv(cc))
    return np.eye(m.shape[0]) - z @ np.linalg.pinv(z)


def numpy_naive(m, e, perms, c, dof):
    pinv = np.linalg.pinv(m)
    cc = c @ np.linalg.pinv(m.T @ m) @ c
    t0 = None
    counts = np.zeros(e.shape[1], dtype=np.int64)
    maxes = []
    for s in range(perms.shape[0]):
        ys = e[perms[s]]
        beta = pinv @ ys
        res = ys - m @ beta
        t = (c @ beta) / np.sqrt(cc * np.einsum('ij,ij->j', res, res) / dof)
        if s == 0:
            t0 = t
        counts += t >= t0
        maxes.append(t.max())
    return t0, counts, np.array(maxes)


def numpy_gemm(m, e, perms, c, dof, chunk=32):
    q, _ = np.linalg.qr(m)
    a = m @ np.linalg.solve(m.T @ m, c)
    u = a / np.linalg.norm(a)
    rest = q - np.outer(u, u @ q)
    qz, _ = np.linalg.qr(rest)
    basis = np.column_stack([u, qz[:, : m.shape[1] - 1]])   # effect direction first
    ee = np.einsum('ij,ij->j', e, e)
    n = m.shape[0]
    t0 = None
    counts = np.zeros(e.shape[1], dtype=np.int64)
    maxes = []
    for c0 in range(0, perms.shape[0], chunk):
        ps = perms[c0:c0 + chunk]
        a_rows = np.empty((len(ps), basis.shape[1], n))
        for i, perm in enumerate(ps):
            a_rows[i][:, perm] = basis.T         # y*[i] = y[perm[i]]  ->  weight of subject perm[i] is q[i]
        w = (a_rows.reshape(-1, n) @ e).reshape(len(ps), basis.shape[1], -1)
        ssm = np.einsum('krv,krv->kv', w, w)
        t = w[:, 0, :] / np.sqrt((ee - ssm) / dof)
        if c0 == 0:
            t0 = t[0]
        counts += (t >= t0).sum(axis=0)
        maxes.extend(t.max(axis=1))
    return t0, counts, np.array(maxes)


def dgemm_rate(threads):
    code = ("import numpy as np, time\n"
            "a = np.random.default_rng(1).random((1024, 100)); b = np.random.default_rng(2).random((100, 16384))\n"
            "best = 0; best_cpu = 0\n"
            "for r in range(8):\n"
            "    t = time.perf_counter(); c0 = time.process_time(); c = a @ b\n"
            "    t = time.perf_counter() - t; c0 = time.process_time() - c0\n"
            "    best = max(best, 2 * 1024 * 100 * 16384 / t / 1e9); best_cpu = max(best_cpu, 2 * 1024 * 100 * 16384 / c0 / 1e9)\n"
            "print(best, best_cpu)\n")
    env = dict(os.environ, OPENBLAS_NUM_THREADS=str(threads), OMP_NUM_THREADS=str(threads))
    out = subprocess.run([sys.executable, '-c', code], env=env, capture_output=True, text=True, check=True)
    wall, cpu = out.stdout.split()
    return float(wall), float(cpu)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--voxels', type=int, default=200_000)
    ap.add_argument('--shufflings', type=int, default=5000)
    ap.add_argument('--subjects', type=int, default=100)
    ap.add_argument('--numpy-shufflings', type=int, default=32, help='shufflings for the naive NumPy loop')
    ap.add_argument('--numpy-gemm-shufflings', type=int, default=256, help='shufflings for the NumPy DGEMM loop')
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--plain', action='store_true', help='also run the plain-loop kernel')
    ap.add_argument('--dir', default='/tmp/vs-fl-bench')
    ap.add_argument('--jar', default='deploy/bench/target/voxelspark-benchmarks.jar')
    ap.add_argument('--java', default='/usr/lib/jvm/java-17-openjdk-amd64/bin/java')
    args = ap.parse_args()

    n, v, k = args.subjects, args.voxels, args.shufflings
    os.makedirs(args.dir, exist_ok=True)
    m, y, perms = make_problem(n, v, k, seed=2024)
    with open(os.path.join(args.dir, 'shape.txt'), 'w') as f:
        f.write(f'{n} {m.shape[1]} {v} {k}\n')
    write(os.path.join(args.dir, 'design.f64'), m)
    write(os.path.join(args.dir, 'data.f64'), y)
    write(os.path.join(args.dir, 'perms.i32'), perms)
    print(f'problem: {n} subjects x {v} voxels, design {m.shape[1]} columns, {k} shufflings; load average {os.getloadavg()}')

    runs = []
    for plain in ([False, True] if args.plain else [False]):
        cmd = [args.java, '-Xmx6g', '--add-modules', 'jdk.incubator.vector']
        if plain:
            cmd.append('-Dvoxelspark.gemm=plain')
        cmd += ['-cp', args.jar, 'org.voxelspark.bench.FreedmanLaneRun', args.dir, str(args.threads)]
        out = subprocess.run(cmd, capture_output=True, text=True, check=True)
        line = [l for l in out.stdout.splitlines() if l.startswith('{')][-1]
        runs.append(json.loads(line))
        print('java:', line)
    j_obs = np.fromfile(os.path.join(args.dir, 'java_observed.f64'), dtype='<f8')
    j_maxz = np.fromfile(os.path.join(args.dir, 'java_maxz.f64'), dtype='<f8')

    c = np.zeros(m.shape[1])
    c[1] = 1
    dof = n - m.shape[1]
    e = residualiser(m, c) @ y
    ks = min(args.numpy_shufflings, k)
    sub = perms[:ks]
    t = time.perf_counter()
    cpu = time.process_time()
    n_t0, n_counts, n_max = numpy_naive(m, e, sub, c, dof)
    naive_s = time.perf_counter() - t
    naive_cpu = time.process_time() - cpu
    kg = min(args.numpy_gemm_shufflings, k)
    t = time.perf_counter()
    cpu = time.process_time()
    g_t0, g_counts, g_max = numpy_gemm(m, e, perms[:kg], c, dof)
    gemm_s = time.perf_counter() - t
    gemm_cpu = time.process_time() - cpu

    # same data, same answers: observed t, and the max over the subset of shufflings (Java keeps z)
    obs_err = float(np.max(np.abs(n_t0 - j_obs) / np.maximum(1, np.abs(n_t0))))
    zmax = np.where(n_max > 0, stats.norm.isf(stats.t.sf(n_max, dof)), stats.norm.ppf(stats.t.cdf(n_max, dof)))
    max_err = float(np.max(np.abs(zmax - j_maxz[:ks])))
    gemm_err = float(np.max(np.abs(g_t0 - n_t0) / np.maximum(1, np.abs(n_t0))))
    _, g_counts_sub, _ = numpy_gemm(m, e, sub, c, dof)
    print(f'check: observed t max rel diff java-numpy {obs_err:.2e}; max-z over {ks} shufflings {max_err:.2e}; '
          f'numpy gemm vs naive t {gemm_err:.2e}; counts equal (naive/gemm): {bool(np.array_equal(n_counts, g_counts_sub))}')

    peak1, peak1_cpu = dgemm_rate(1)
    peak2, peak2_cpu = dgemm_rate(args.threads)
    work = v * ks
    work_g = v * kg
    flop_per = 2 * runs[0]['product_rows'] * n
    print(f'OpenBLAS DGEMM (1024x100 @ 100x16384): 1 thread {peak1:.1f} GFLOP/s wall, {peak1_cpu:.1f} per CPU second; '
          f'{args.threads} threads {peak2:.1f} wall, {peak2_cpu:.1f} per CPU second')
    print(f'numpy naive: {work / naive_s:.4g} voxel-shufflings/s wall, {work / naive_cpu:.4g} per CPU second '
          f'({naive_s:.2f} s wall, {naive_cpu:.2f} s CPU for {ks} shufflings x {v} voxels)')
    print(f'numpy gemm:  {work_g / gemm_s:.4g} voxel-shufflings/s wall, {work_g / gemm_cpu:.4g} per CPU second '
          f'({gemm_s:.2f} s wall, {gemm_cpu:.2f} s CPU for {kg} shufflings)')
    bound_wall = peak2 * 1e9 / flop_per
    bound_cpu = peak1_cpu * 1e9 / flop_per
    for r in runs:
        rate = r['voxel_shufflings_per_s']
        rate_cpu = r['voxel_shufflings_per_cpu_s']
        print(f"voxelspark [{r['implementation']}], {r['threads']} threads, {r['wall_s']:.1f} s wall, {r['cpu_s']:.1f} s CPU:")
        print(f"  wall: {rate:.4g} voxel-shufflings/s = {r['gflops_wall']:.1f} GFLOP/s; {bound_wall / rate:.2f}x from the "
              f"{args.threads}-thread DGEMM bound ({bound_wall:.4g}/s); {rate * naive_s / work:.1f}x numpy naive, "
              f"{rate * gemm_s / work_g:.2f}x numpy gemm")
        print(f"  per CPU second: {rate_cpu:.4g} voxel-shufflings = {r['gflops_per_cpu_s']:.1f} GFLOP; "
              f"{bound_cpu / rate_cpu:.2f}x from DGEMM's {peak1_cpu:.1f} GFLOP per CPU second; "
              f"{rate_cpu * naive_cpu / work:.1f}x numpy naive, {rate_cpu * gemm_cpu / work_g:.2f}x numpy gemm; "
              f"the product alone {r['java_product_gflops_per_cpu_s']:.1f} GFLOP per CPU second")
    print(f'load average at the end: {os.getloadavg()}')


if __name__ == '__main__':
    main()
