#!/usr/bin/env bash
# The end-to-end cohort benchmark of issue 9, on one machine, in one run:
#   - builds voxelspark and generates whole-brain-scale sample cohorts (DWI 96x96x60 x 65, BOLD
#     64x64x40 x 200, int16 .nii.gz) of N subjects for each N of $SIZES;
#   - the floor: decompressing every input once (zcat > /dev/null), one core;
#   - voxelspark's participant stage (DTI WLS + ReHo nn27 + ALFF, every map and the Parquet voxel
#     tables written) in local mode with 1 core (pinned) and 2 cores, and at every N (scaling);
#   - DIPY (WLS tensor fit + metrics, median_otsu mask, per subject in a loop), MRtrix3 (dwi2mask +
#     dwi2tensor + tensor2metric per subject) and a plain-NumPy ReHo + ALFF (the same Kendall W),
#     one core each, on the first $PEER_SUBJECTS subjects;
#   - prints one table (subjects/hour, voxels/s/core, ratios, peak RSS) and writes it, with the
#     machine, to $OUT (default deploy/bench/results/cohort-<date>.md).
# Reference tools come from Debian (python3-dipy, mrtrix3, python3-nibabel, python3-numpy) and are
# installed when missing (as root). Wall times: run it on a quiet machine (the script prints the load).
#
#   deploy/bench/scripts/cohort-benchmark.sh            # SIZES="4 16 64", PEER_SUBJECTS=4
#   SIZES="16" PEER_SUBJECTS=2 deploy/bench/scripts/cohort-benchmark.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../../bin/lib/env.sh"
cd "$VOXELSPARK_HOME"

SIZES=${SIZES:-"4 16 64"}
PEER_SUBJECTS=${PEER_SUBJECTS:-4}
WORK=${WORK:-/tmp/voxelspark-cohort-bench}
OUT=${OUT:-$VOXELSPARK_HOME/deploy/bench/results/cohort-$(date +%Y-%m-%d).md}
PY=/usr/bin/python3
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
PIN=(taskset -c 0)
log() { echo "== $*" >&2; }
mkdir -p "$WORK" "$(dirname "$OUT")"

need=()
"$PY" -c 'import dipy' 2>/dev/null || need+=(python3-dipy)
"$PY" -c 'import nibabel, numpy' 2>/dev/null || need+=(python3-nibabel python3-numpy)
command -v dwi2tensor > /dev/null || need+=(mrtrix3)
if [ ${#need[@]} -gt 0 ]; then
  log "installing ${need[*]} (Debian)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" > /dev/null
fi

log "building voxelspark"
mvn -B -ntp -q -DskipTests package

# runs "$@", prints "<wall s> <peak RSS MB> <user+sys s>"
measure() {
  local f; f=$(mktemp)
  /usr/bin/time -f "%e %M %U %S" -o "$f" "$@" > "$WORK/last.out" 2> "$WORK/last.err" || { cat "$WORK/last.err" >&2; exit 1; }
  awk '{printf "%s %.0f %.2f\n", $1, $2 / 1024, $3 + $4}' "$f"
  rm -f "$f"
}

declare -A WALL RSS
for n in $SIZES; do
  cohort=$WORK/cohort-$n
  if [ ! -f "$cohort/participants.tsv" ]; then
    log "generating the bench-scale sample cohort of $n subjects"
    deploy/bin/voxelspark sample "$cohort" --subjects "$n" --scale bench > /dev/null
  fi
done
# the side-by-side figures are taken on the 16-subject cohort (or the largest below it)
main=$(echo $SIZES | tr ' ' '\n' | sort -n | awk '$1 <= 16 {m = $1} END {print m}')
main=${main:-$(echo $SIZES | tr ' ' '\n' | sort -n | head -1)}
cohort=$WORK/cohort-$main

log "load before measuring: $(cut -d' ' -f1-3 /proc/loadavg)"
load_start=$(cut -d' ' -f1-3 /proc/loadavg)

log "floor: zcat every input of the $main-subject cohort, one core"
read -r floor_wall _ _ < <(measure "${PIN[@]}" sh -c "cat $cohort/sub-*/dwi/*_dwi.nii.gz $cohort/sub-*/func/*_bold.nii.gz | zcat > /dev/null")

run_stage() { # command cohort out cores pin...
  local cmd=$1 c=$2 o=$3 cores=$4; shift 4
  rm -rf "$o"
  measure "$@" deploy/bin/voxelspark "$cmd" "$c" "$o" --no-reports --n-cpus "$cores"
}
log "voxelspark participant stage, $main subjects, 1 core (pinned)"
read -r vs1_wall vs1_rss vs1_cpu < <(run_stage participant "$cohort" "$WORK/out-$main-1" 1 "${PIN[@]}")
vs1_line=$(grep "runs done" "$WORK/last.err" | sed 's/.*ParticipantStage: //')
log "voxelspark participant stage, $main subjects, 2 cores"
read -r vs2_wall vs2_rss vs2_cpu < <(run_stage participant "$cohort" "$WORK/out-$main-2" 2)
vs2_line=$(grep "runs done" "$WORK/last.err" | sed 's/.*ParticipantStage: //')
log "voxelspark dti (DWI runs only), $main subjects, 1 core (pinned)"
read -r dti_wall dti_rss _ < <(run_stage dti "$cohort" "$WORK/out-$main-dti" 1 "${PIN[@]}")
log "voxelspark reho (BOLD runs only), $main subjects, 1 core (pinned)"
read -r reho_wall reho_rss _ < <(run_stage reho "$cohort" "$WORK/out-$main-reho" 1 "${PIN[@]}")
for n in $SIZES; do
  if [ "$n" = "$main" ]; then WALL[$n]=$vs2_wall; RSS[$n]=$vs2_rss; continue; fi
  log "scaling: $n subjects, 2 cores"
  read -r w r _ < <(run_stage participant "$WORK/cohort-$n" "$WORK/out-$n-2" 2)
  WALL[$n]=$w; RSS[$n]=$r
done

peers=$(cd "$cohort" && ls -d sub-* | head -n "$PEER_SUBJECTS" | tr '\n' ' ')
log "DIPY WLS pipeline, $PEER_SUBJECTS subjects, one core"
read -r dipy_wall dipy_rss _ < <(measure "${PIN[@]}" "$PY" "$here/dipy_cohort.py" "$cohort" "$WORK/dipy" $peers)
log "MRtrix3 dwi2mask + dwi2tensor + tensor2metric, $PEER_SUBJECTS subjects, one core"
mrtrix() {
  for s in $peers; do
    local d=$cohort/$s/dwi f=$cohort/$s/dwi/${s}_dwi o=$WORK/mrtrix/$s
    mkdir -p "$o"
    dwi2mask -quiet -force -nthreads 0 -fslgrad "$f.bvec" "$f.bval" "$f.nii.gz" "$o/mask.nii.gz"
    dwi2tensor -quiet -force -nthreads 0 -mask "$o/mask.nii.gz" -fslgrad "$f.bvec" "$f.bval" "$f.nii.gz" "$o/dt.nii.gz"
    tensor2metric -quiet -force -nthreads 0 -mask "$o/mask.nii.gz" "$o/dt.nii.gz" -fa "$o/fa.nii.gz" -adc "$o/md.nii.gz" \
      -ad "$o/ad.nii.gz" -rd "$o/rd.nii.gz" -value "$o/evals.nii.gz" -num 1,2,3 -vector "$o/v1.nii.gz"
  done
}
export -f mrtrix; export cohort peers WORK
read -r mrtrix_wall mrtrix_rss _ < <(measure "${PIN[@]}" bash -c mrtrix)
log "NumPy ReHo nn27 + ALFF, $PEER_SUBJECTS subjects, one core"
read -r numpy_wall numpy_rss _ < <(measure "${PIN[@]}" "$PY" "$here/reho_cohort.py" "$cohort" "$WORK/out-$main-1" "$WORK/numpy" 2.0 $peers)
load_end=$(cut -d' ' -f1-3 /proc/loadavg)

python_table=$("$PY" - "$main" "$PEER_SUBJECTS" "$floor_wall" "$vs1_wall" "$vs2_wall" "$dipy_wall" "$mrtrix_wall" "$numpy_wall" \
  "$vs1_rss" "$vs2_rss" "$dipy_rss" "$mrtrix_rss" "$numpy_rss" "$SIZES" "$(for n in $SIZES; do printf '%s:%s:%s ' "$n" "${WALL[$n]}" "${RSS[$n]}"; done)" \
  "$dti_wall" "$dti_rss" "$reho_wall" "$reho_rss" <<'PYEOF'
import sys
n, peers = int(sys.argv[1]), int(sys.argv[2])
floor, vs1, vs2, dipy, mrtrix, numpy_ = map(float, sys.argv[3:9])
r_vs1, r_vs2, r_dipy, r_mrtrix, r_numpy = sys.argv[9:14]
scaling = [tuple(x.split(":")) for x in sys.argv[15].split()]
dti, r_dti, reho, r_reho = float(sys.argv[16]), sys.argv[17], float(sys.argv[18]), sys.argv[19]
per = lambda t, k: t / k
rows = []
def row(what, s_per_subject, rss, ratio_note=""):
    rows.append(f"| {what} | {s_per_subject:.2f} | {3600 / s_per_subject:.0f} | {rss} | {ratio_note} |")
vs1_s = per(vs1, n)
row(f"voxelspark participant stage, 1 core ({n} subjects)", vs1_s, r_vs1, f"{vs1_s / per(floor, n):.1f}x the read floor")
row(f"voxelspark participant stage, 2 cores ({n} subjects)", per(vs2, n), r_vs2, f"speed-up 1 -> 2 cores {vs1 / vs2:.2f}x")
dti_s, reho_s = per(dti, n), per(reho, n)
row(f"voxelspark dti (DWI runs only), 1 core ({n})", dti_s, r_dti, f"{per(dipy, peers) / dti_s:.1f}x DIPY, {per(mrtrix, peers) / dti_s:.2f}x MRtrix3")
row(f"voxelspark reho (BOLD runs only), 1 core ({n})", reho_s, r_reho, f"{per(numpy_, peers) / reho_s:.1f}x NumPy")
row(f"DIPY WLS pipeline per subject, 1 core ({peers} subjects)", per(dipy, peers), r_dipy, "DTI only")
row(f"MRtrix3 mask + IWLS + metrics per subject, 1 core ({peers})", per(mrtrix, peers), r_mrtrix, "DTI only")
row(f"NumPy ReHo nn27 + ALFF per subject, 1 core ({peers})", per(numpy_, peers), r_numpy, "BOLD only")
row("floor: zcat every input, 1 core", per(floor, n), "-", "")
print("| run | s per subject | subjects/hour | peak RSS MB | note |")
print("|---|---|---|---|---|")
print("\n".join(rows))
print()
print(f"Per core, same work against same work: DTI {per(dipy, peers) / dti_s:.1f}x DIPY and {per(mrtrix, peers) / dti_s:.2f}x MRtrix3 "
      f"(goals 10x, 5x); ReHo + ALFF {per(numpy_, peers) / reho_s:.1f}x NumPy (goal 5x the best reference); the whole participant "
      f"stage {vs1_s / per(floor, n):.1f}x the decompress floor (goal 1.5x); against a lab's DIPY + NumPy loop for both modalities "
      f"{(per(dipy, peers) + per(numpy_, peers)) / vs1_s:.1f}x. Per-subject times include the JVM and Spark start-up divided by the cohort.")
print()
print("| subjects | wall s (2 cores) | s per subject | peak RSS MB |")
print("|---|---|---|---|")
pts = []
for k, w, r in scaling:
    pts.append((int(k), float(w)))
    print(f"| {k} | {float(w):.1f} | {float(w) / int(k):.2f} | {r} |")
if len(pts) >= 2:
    xs, ys = zip(*pts)
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    slope = sum((x - mx) * (y - my) for x, y in pts) / sum((x - mx) ** 2 for x in xs)
    print()
    print(f"linear fit: wall = {my - slope * mx:.1f} s + {slope:.2f} s x subjects (2 cores)")
PYEOF
)
{
  echo "### Cohort benchmark, $(date -u +%Y-%m-%d) ($(nproc --all) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs))"
  echo
  echo "Command: \`SIZES=\"$SIZES\" PEER_SUBJECTS=$PEER_SUBJECTS deploy/bench/scripts/cohort-benchmark.sh\`; load average at start $load_start, at end $load_end."
  echo "Inputs: bench-scale sample cohorts (DWI 96×96×60 × 65, BOLD 64×64×40 × 200, int16 .nii.gz);"
  echo "$(${PY} -c 'import dipy; print("DIPY", dipy.__version__)'), $(dwi2tensor -version 2>&1 | head -n 1 | sed 's/^== *//; s/ *==$//'), $(java -version 2>&1 | head -n 1)."
  echo
  echo "$python_table"
  echo
  echo "voxelspark's own accounting (1 core): $vs1_line"
  echo
  echo "voxelspark's own accounting (2 cores): $vs2_line"
} > "$OUT"
cat "$OUT"
log "written to $OUT"
