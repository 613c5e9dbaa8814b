#!/usr/bin/env bash
# Side-by-side ReHo / ALFF benchmark on one machine (issue 4's speed goals):
#   - reference tools: AFNI 3dReHo, C-PAC, DPABI (Octave) timings recorded on a machine like this one
#     (../shared/data/golden/reho/*/timings.tsv, synthetic64x64x40x200_timings.tsv) -- AFNI cannot be
#     installed here, so they are read, not re-run;
#   - a plain NumPy Kendall W (DPABI ranks) and DPABI ALFF run live on the same data, one thread
#     (deploy/bench/scripts/reho_numpy.py; it checks its maps against the golden ones);
#   - voxelspark's kernels (JMH RehoBenchmark, one thread) and the whole subject (JMH
#     RehoSubjectBenchmark: read .nii.gz -> ReHo + ALFF + the 15 BOLD maps written) against only
#     reading the input, and the real CLI (`voxelspark reho --n-cpus 1`) on a one-subject dataset.
# Datasets: the real studyforrest run (80x80x35x156 int16, 50 691 mask voxels) and a synthetic
# 64x64x40x200 float32 run with an ellipsoid mask (generated here, seeded).
#
#   deploy/bench/scripts/reho-vs-reference.sh [results.md]
# Env: VOXELSPARK_SHARED_DATA (default ../shared/data), QUICK=1 (fewer JMH iterations),
#      SKIP_CLI=1, SKIP_NUMPY=1. Prints the machine, its load before and after every step, and a
# summary table (also written to results.md when given). Timing figures on a loaded machine are
# only indicative: compare the load column.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../../.." && pwd)
source "$root/deploy/bin/lib/env.sh"
cd "$root"
data=${VOXELSPARK_SHARED_DATA:-$root/../shared/data}
data=$(cd "$data" && pwd)
results=${1:-}
py=/usr/bin/python3
[ -x "$py" ] || py=python3
work=$(mktemp -d -t voxelspark-reho-bench-XXXXXX)
trap 'rm -rf "$work"' EXIT
load() { cut -d' ' -f1-3 /proc/loadavg; }
log() { echo "[$(date +%H:%M:%S) load $(load)] $*" >&2; }
if [ "${QUICK:-0}" = 1 ]; then jmh_iter=(-f 1 -wi 1 -i 3); else jmh_iter=(-f 1 -wi 2 -i 5); fi
single_thread=(env OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1)

log "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), \
$("$JAVA_HOME/bin/java" -version 2>&1 | head -n 1), numpy $("$py" -c 'import numpy; print(numpy.__version__)')"
echo "load_before $(load)" > "$work/load.txt"

# 1. build the tree as it is (quick when nothing changed), so the figures are of this code
log "building the benchmarks jar and the application"
if [ "${SKIP_CLI:-0}" != 1 ]; then
  mvn -B -ntp -q package -DskipTests
else
  mvn -B -ntp -q -pl deploy/bench -am package -DskipTests
fi

# 2. the synthetic whole-brain-size float run (seeded: the same file every time)
log "generating the synthetic 64x64x40x200 float32 run"
"$py" - "$work" <<'EOF'
import sys, numpy as np, nibabel as nib
out = sys.argv[1]
rng = np.random.default_rng(20261201)
nx, ny, nz, nt = 64, 64, 40, 200
i, j, k = np.meshgrid(np.arange(nx), np.arange(ny), np.arange(nz), indexing="ij")
r = ((i - 31.5) / 29) ** 2 + ((j - 31.5) / 29) ** 2 + ((k - 19.5) / 18.1) ** 2
mask = r <= 1
shared = rng.standard_normal((8, nt))           # a few regional signals, so W is not just noise
region = (i * 2 // nx) + 2 * (j * 2 // ny) + 4 * (k * 2 // nz)
data = (1000 + 20 * rng.standard_normal((nx, ny, nz, nt)) + 15 * shared[region]).astype(np.float32)
aff = np.diag([3.0, 3.0, 3.0, 1.0])
img = nib.Nifti1Image(data, aff)
img.header.set_xyzt_units("mm", "sec")
img.header["pixdim"][4] = 2.0
nib.save(img, f"{out}/synthetic_bold.nii.gz")
nib.save(nib.Nifti1Image(mask.astype(np.uint8), aff), f"{out}/synthetic_mask.nii.gz")
print(int(mask.sum()))
EOF
sf_bold=$data/func/studyforrest/bold.nii.gz
sf_mask=$data/func/studyforrest/mask.nii.gz

# 3. NumPy, live, one thread
if [ "${SKIP_NUMPY:-0}" != 1 ]; then
  log "NumPy on studyforrest"
  "${single_thread[@]}" "$py" "$here/reho_numpy.py" "$sf_bold" "$sf_mask" 2.0 --repeat 3 \
    --golden-reho "$data/golden/reho/studyforrest/dpabi-octave_nn27.nii.gz" \
    --golden-alff "$data/golden/alff/studyforrest/dpabi-octave_alff.nii.gz" | sed 's/^/studyforrest /' | tee "$work/numpy.txt"
  log "NumPy on the synthetic run"
  "${single_thread[@]}" "$py" "$here/reho_numpy.py" "$work/synthetic_bold.nii.gz" "$work/synthetic_mask.nii.gz" 2.0 --repeat 3 \
    | sed 's/^/synthetic /' | tee -a "$work/numpy.txt"
fi

# 4. voxelspark kernels (JMH, one thread)
jmh() { "$JAVA_HOME/bin/java" -Djmh.ignoreLock=true -jar deploy/bench/target/voxelspark-benchmarks.jar "$@" \
  "${jmh_iter[@]}" -jvmArgsAppend "-Dvoxelspark.shared.data=$data"; }
log "voxelspark kernels on studyforrest"
jmh 'RehoBenchmark.rehoNn27' -rf csv -rff "$work/kernels_sf_reho.csv" > "$work/kernels_sf.log"
jmh 'RehoBenchmark.alff' -p preset=DPABI -rf csv -rff "$work/kernels_sf_alff.csv" >> "$work/kernels_sf.log"
log "voxelspark kernels on the synthetic run"
jmh 'RehoBenchmark.rehoNn27' -p boldFile="$work/synthetic_bold.nii.gz" -p maskFile="$work/synthetic_mask.nii.gz" \
  -rf csv -rff "$work/kernels_syn_reho.csv" > "$work/kernels_syn.log"
jmh 'RehoBenchmark.alff' -p boldFile="$work/synthetic_bold.nii.gz" -p maskFile="$work/synthetic_mask.nii.gz" -p preset=DPABI \
  -rf csv -rff "$work/kernels_syn_alff.csv" >> "$work/kernels_syn.log"

# 5. whole subject vs reading the input (JMH, one thread)
log "whole subject vs read, studyforrest"
jmh RehoSubjectBenchmark -rf csv -rff "$work/subject_sf.csv" > "$work/subject_sf.log"
log "whole subject vs read, synthetic"
jmh RehoSubjectBenchmark -p bold="$work/synthetic_bold.nii.gz" -rf csv -rff "$work/subject_syn.csv" > "$work/subject_syn.log"

# 6. the same workloads timed by their thread's CPU time (robust to other load on the machine)
log "thread CPU times, studyforrest"
"$JAVA_HOME/bin/java" -Xmx3g -cp deploy/bench/target/voxelspark-benchmarks.jar org.voxelspark.bench.CpuTimes \
  "$sf_bold" "$sf_mask" 5 | sed 's/^/studyforrest /' | tee "$work/cpu.txt"
log "thread CPU times, synthetic"
"$JAVA_HOME/bin/java" -Xmx3g -cp deploy/bench/target/voxelspark-benchmarks.jar org.voxelspark.bench.CpuTimes \
  "$work/synthetic_bold.nii.gz" "$work/synthetic_mask.nii.gz" 5 | sed 's/^/synthetic /' | tee -a "$work/cpu.txt"

# 7. the real CLI on a one-subject BIDS dataset (Spark local mode, one core)
if [ "${SKIP_CLI:-0}" != 1 ]; then
  for name in studyforrest synthetic; do
    bids=$work/bids_$name
    mkdir -p "$bids/sub-01/func"
    printf 'participant_id\tsite\nsub-01\tA\n' > "$bids/participants.tsv"
    printf '{"RepetitionTime": 2.0}\n' > "$bids/sub-01/func/sub-01_task-rest_bold.json"
    src=$sf_bold
    [ "$name" = synthetic ] && src=$work/synthetic_bold.nii.gz
    ln -s "$src" "$bids/sub-01/func/sub-01_task-rest_bold.nii.gz"
    log "CLI voxelspark reho --n-cpus 1 on $name"
    start=$(date +%s%N)
    deploy/bin/voxelspark reho "$bids" "$work/out_$name" --n-cpus 1 > "$work/cli_$name.log" 2>&1
    end=$(date +%s%N)
    stage=$(grep -o 'participant stage: 1 of 1 runs done in [0-9.]* s' "$work/cli_$name.log" | grep -o '[0-9.]* s$' | cut -d' ' -f1)
    echo "cli $name wall $(( (end - start) / 1000000 ))e-3 stage ${stage:-?}" | tee -a "$work/cli.txt"
  done
fi
echo "load_after $(load)" >> "$work/load.txt"

# 8. summary
"$py" - "$work" "$data" "$(nproc)" "${results:-}" <<'EOF'
import csv, os, sys
work, data, cores, results = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]

def jmh(*paths):
    out = {}
    rows = []
    for path in paths:
        if os.path.exists(path):
            rows += list(csv.DictReader(open(path)))
    for row in rows:
        name = row["Benchmark"].split(".")[-1]
        params = {k[7:]: v for k, v in row.items() if k.startswith("Param: ") and v}
        out[(name, params.get("preset", ""))] = (float(row["Score"]) / 1000, float(row["Score Error (99.9%)"] or 0) / 1000)
    return out

def tsv(path):
    rows = list(csv.DictReader(open(path), delimiter="\t"))
    return {(r["tool"], r["nn"]): (float(r["wall_s"]), int(r["mask_vox"])) for r in rows}

ref_sf = tsv(f"{data}/golden/reho/studyforrest/timings.tsv")
ref_syn = tsv(f"{data}/golden/reho/synthetic64x64x40x200_timings.tsv")
numpy = {}
if os.path.exists(f"{work}/numpy.txt"):
    for line in open(f"{work}/numpy.txt"):
        p = line.split()
        if len(p) == 5 and p[1] == "numpy":
            numpy[(p[0], p[2])] = (float(p[3]), int(p[4]))
cpu = {}
for line in open(f"{work}/cpu.txt"):
    p = line.split()
    cpu[(p[0], p[2])] = (float(p[3]), float(p[4]))
cli = {}
if os.path.exists(f"{work}/cli.txt"):
    for line in open(f"{work}/cli.txt"):
        p = line.split()
        cli[p[1]] = (float(p[3]), p[5])
loads = dict(l.split(" ", 1) for l in open(f"{work}/load.txt").read().splitlines())
import nibabel as nib, numpy as np
synthetic_voxels = int((np.asarray(nib.load(f"{work}/synthetic_mask.nii.gz").dataobj) != 0).sum())
lines = []
w = lines.append
w(f"Machine: {cores} cores; load average (1, 5, 15 min) before {loads['load_before']}, after {loads['load_after']}.")
w("Recorded = the tools' own timings in the reference data (AFNI cannot be installed here); live = run now.")
w("")
for label, ds, ref, vox, kern, subj in [
        ("studyforrest (80×80×35×156 int16)", "studyforrest", ref_sf, 50691,
         jmh(f"{work}/kernels_sf_reho.csv", f"{work}/kernels_sf_alff.csv"), jmh(f"{work}/subject_sf.csv")),
        ("synthetic 64×64×40×200 float32 (the recorded tools ran on another volume of this size and mask size)", "synthetic",
         ref_syn, synthetic_voxels,
         jmh(f"{work}/kernels_syn_reho.csv", f"{work}/kernels_syn_alff.csv"), jmh(f"{work}/subject_syn.csv"))]:
    w(f"### {label}")
    w("")
    w("| ReHo nn27, one core | seconds | mask voxels | voxels/s |")
    w("|---|---|---|---|")
    for tool in ["afni-3dReHo", "cpac-orig", "dpabi-octave", "np-dpabi"]:
        if (tool, "27") in ref:
            t, v = ref[(tool, "27")]
            w(f"| {tool} (recorded wall) | {t:.3f} | {v} | {v / t / 1000:.0f} k |")
    if (ds, "reho_nn27") in numpy:
        t, v = numpy[(ds, "reho_nn27")]
        w(f"| NumPy `reho_numpy.py` (live wall) | {t:.3f} | {v} | {v / t / 1000:.0f} k |")
    for preset in ["DPABI", "AFNI"]:
        k = kern.get(("rehoNn27", preset))
        if k:
            w(f"| voxelspark {preset} preset (live JMH wall ± 99.9 % CI) | {k[0]:.3f} ± {k[1]:.3f} | {vox} | {vox / k[0] / 1000:.0f} k |")
        c = cpu.get((ds, f"rehoNn27_{preset}"))
        if c:
            w(f"| voxelspark {preset} preset (live thread CPU, best of 5) | {c[0]:.3f} | {vox} | {vox / c[0] / 1000:.0f} k |")
    w("")
    w("| ALFF + fALFF, one core | seconds |")
    w("|---|---|")
    if (ds, "alff") in numpy:
        w(f"| NumPy DPABI convention (live wall) | {numpy[(ds, 'alff')][0]:.3f} |")
    for conv in ["DPABI", "CPAC"]:
        key = ("alff" if conv == "DPABI" else "alffCpac", "DPABI")
        if key in kern:
            w(f"| voxelspark {conv} convention (JMH wall) | {kern[key][0]:.3f} ± {kern[key][1]:.3f} |")
        c = cpu.get((ds, f"alff_{conv}"))
        if c:
            w(f"| voxelspark {conv} convention (thread CPU) | {c[0]:.3f} |")
    w("")
    r, s = subj.get(("readOnly", "")), subj.get(("wholeSubject", ""))
    cr, cs = cpu.get((ds, "readOnly")), cpu.get((ds, "wholeSubject"))
    w("| whole subject, one core | JMH wall | thread CPU |")
    w("|---|---|---|")
    if r and s and cr and cs:
        w(f"| read the .nii.gz only (the floor) | {r[0]:.3f} ± {r[1]:.3f} | {cr[0]:.3f} |")
        w(f"| read → the 15 BOLD maps written | {s[0]:.3f} ± {s[1]:.3f} | {cs[0]:.3f} |")
        w(f"| ratio (goal ≤ 1.5) | {s[0] / r[0]:.2f} | {cs[0] / cr[0]:.2f} |")
    if (ds, "read") in numpy:
        w(f"| for reference: nibabel read of the same file (live wall) | {numpy[(ds, 'read')][0]:.3f} | |")
    if ds in cli:
        w(f"| `voxelspark reho --n-cpus 1`: Spark stage / whole process (live wall) | {cli[ds][1]} / {cli[ds][0]:.1f} | |")
    w("")
    afni = ref.get(("afni-3dReHo", "27"))
    c = cpu.get((ds, "rehoNn27_DPABI"))
    k = kern.get(("rehoNn27", "DPABI"))
    if afni and c and k:
        afni_speed = afni[1] / afni[0]
        w(f"Goal ≥ 5× AFNI 3dReHo voxels/s per core (DPABI preset): {vox / c[0] / afni_speed:.1f}× by thread CPU, "
          f"{vox / k[0] / afni_speed:.1f}× by JMH wall.")
    if ("np-dpabi", "27") in ref and (ds, "reho_nn27") in numpy:
        f = numpy[(ds, "reho_nn27")][0] / ref[("np-dpabi", "27")][0]
        w(f"Load factor now: the live NumPy run took {f:.1f}× the recorded NumPy time of the same algorithm.")
    w("")
text = "\n".join(lines)
print(text)
if results:
    open(results, "w").write(text + "\n")
EOF
log "done"
