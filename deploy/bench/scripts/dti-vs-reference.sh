#!/usr/bin/env bash
# voxelspark's tensor fits side by side with DIPY 1.6 and MRtrix3 3.0 (both from Debian apt) on
# one whole-brain-size scan (102x104x63 x 68 volumes, built by DtiWholeSubject tile from the
# Canon scan in ../shared/data/dwi), everything pinned to one core, same algorithm against same
# algorithm; then the whole subject (read .nii.gz -> maps written) against only reading it.
# Prints a ratio table; figures and this command go in docs/benchmarks.md.
#
#   deploy/bench/scripts/dti-vs-reference.sh            (from the repository root or anywhere)
#   WORK=/tmp/x REPEATS=5 CORE=1 NLLS_VOXELS=20000 deploy/bench/scripts/dti-vs-reference.sh
#
# Timing rules, so that the figures compare like with like (the reference timings in
# ../shared/data/golden/dti/timings*.jsonl follow the same rules, but in wall time). Times are CPU
# time, not wall time: the machine is shared, and under load wall time counts the time a process
# waits for the core (all tools are pinned to the same core with taskset).
#   DIPY     in-process fit + FA/MD/AD/RD/V1 extraction, no I/O, best of REPEATS, process CPU time;
#            OPENBLAS/OMP/MKL threads = 1; NLLS on the first NLLS_VOXELS brain-mask voxels only
#   MRtrix   user + system CPU time (/usr/bin/time) of dwi2tensor (and + tensor2metric -fa -adc -ad
#            -rd -vector), -nthreads 0, on an uncompressed .nii copy of the input (so its time is
#            mostly the fit), best of REPEATS
#   voxelspark kernel   TensorFitter over the same voxels in one JVM, no I/O, first run discarded
#                       (JIT), best of REPEATS, thread CPU time (DtiWholeSubject kernel; batches of
#                       voxels, the Vector API implementation as the launchers use it)
#   voxelspark subject  DtiWholeSubject subject (the participant stage's steps without Spark,
#                       thread CPU time) and the real CLI (deploy/bin/voxelspark dti --n-cpus 1:
#                       CPU time of the whole JVM, JIT, GC and Spark threads included, and wall time)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
cd "$root"
source deploy/bin/lib/env.sh

WORK=${WORK:-/tmp/voxelspark-dti-vs-reference}
SRC=${SRC:-$root/../shared/data/dwi/canon_ax_ortho}
REPEATS=${REPEATS:-3}
CORE=${CORE:-0}
NLLS_VOXELS=${NLLS_VOXELS:-20000}
PIN=(taskset -c "$CORE")
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
PY=/usr/bin/python3 # Debian's python3 with python3-dipy (not a pyenv/venv interpreter)
mkdir -p "$WORK"
RESULTS="$WORK/results.txt"
: > "$RESULTS"

log() { echo "== $*" >&2; }
now() { date +%s.%N; }
# best CPU time (user + system) of REPEATS runs of a command, seconds
best_cpu() {
  local best="" t
  for _ in $(seq "$REPEATS"); do
    /usr/bin/time -o "$WORK/time.txt" -f "%U %S" "$@" > /dev/null 2>&1
    t=$(awk '{ printf "%.4f", $1 + $2 }' "$WORK/time.txt")
    if [ -z "$best" ] || awk -v t="$t" -v b="$best" 'BEGIN { exit !(t < b) }'; then best=$t; fi
  done
  echo "$best"
}

log "reference tools (apt: python3-dipy, mrtrix3)"
need=()
"$PY" -c 'import dipy' 2>/dev/null || need+=(python3-dipy)
command -v dwi2tensor > /dev/null || need+=(mrtrix3)
[ -x /usr/bin/time ] || need+=(time)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}"
fi
command -v taskset > /dev/null || { echo "taskset (util-linux) is required" >&2; exit 1; }
dipy_version=$("$PY" -c 'import dipy; print(dipy.__version__)')
mrtrix_version=$(dwi2tensor -version 2>&1 | head -n 1 | sed 's/^== *//; s/ *==$//')

log "building voxelspark (bench jar and application)"
if [ ! -f deploy/bench/target/voxelspark-benchmarks.jar ] || [ -z "$(ls deploy/target/voxelspark-app-*.jar 2>/dev/null)" ]; then
  mvn -B -ntp -q -DskipTests package
fi
# --add-modules: the tensor fit's Vector API implementation, as the launchers run it (env.sh)
BENCH=(java -Xmx6g --add-modules=jdk.incubator.vector -cp deploy/bench/target/voxelspark-benchmarks.jar org.voxelspark.bench.DtiWholeSubject)

log "input: $SRC mirrored to 102x104x63 x 68 volumes"
"${BENCH[@]}" tile "$SRC" "$WORK/dwi" 102 104 63 68 >&2
mrconvert -quiet -force "$WORK/dwi/dwi.nii.gz" "$WORK/dwi.nii"
voxels=$((102 * 104 * 63))

log "DIPY $dipy_version (one core)"
"${PIN[@]}" "$PY" "$here/dipy_tensor_timing.py" "$WORK/dwi" OLS,WLS,NLLS "$REPEATS" "$NLLS_VOXELS" | tee -a "$RESULTS" >&2

log "MRtrix3 $mrtrix_version (one core, -nthreads 0)"
grad=(-fslgrad "$WORK/dwi/dwi.bvec" "$WORK/dwi/dwi.bval")
for m in ols iwls; do
  opts=(); [ "$m" = ols ] && opts=(-ols -iter 0)
  t=$(best_cpu "${PIN[@]}" dwi2tensor -quiet -force -nthreads 0 "${opts[@]}" "${grad[@]}" "$WORK/dwi.nii" "$WORK/dt_$m.nii")
  t2=$(best_cpu "${PIN[@]}" tensor2metric -quiet -force -nthreads 0 "$WORK/dt_$m.nii" -fa "$WORK/fa_$m.nii" -adc "$WORK/md_$m.nii" \
    -ad "$WORK/ad_$m.nii" -rd "$WORK/rd_$m.nii" -vector "$WORK/v1_$m.nii")
  echo "mrtrix ${m^^}-all $voxels $t $(awk -v n=$voxels -v t="$t" 'BEGIN { printf "%.0f", n / t }')" | tee -a "$RESULTS" >&2
  echo "mrtrix ${m^^}+metrics-all $voxels $(awk -v a="$t" -v b="$t2" 'BEGIN { printf "%.4f %.0f", a + b, '"$voxels"' / (a + b) }')" \
    | tee -a "$RESULTS" >&2
done

log "voxelspark kernel (one core)"
for m in OLS WLS IWLS NLLS; do
  line=$("${PIN[@]}" "${BENCH[@]}" kernel "$WORK/dwi" "$m" "$REPEATS")
  echo "$line" >&2
  # kernel WLS (DIPY), one thread, best of 3 (load x): mask N voxels T s = R k voxels/s; all N voxels T s = R k voxels/s
  echo "$line" | awk -v m="$m" '{ for (i = 1; i <= NF; i++) { if ($i == "mask") { n = $(i + 1); t = $(i + 3) }
    if ($i == "all") { na = $(i + 1); ta = $(i + 3) } }
    printf "voxelspark %s-mask %d %s %.0f\nvoxelspark %s-all %d %s %.0f\n", m, n, t, n / t, m, na, ta, na / ta }' | tee -a "$RESULTS" >&2
done

log "voxelspark whole subject without Spark (one core)"
"${PIN[@]}" "${BENCH[@]}" subject "$WORK/dwi" "$WORK/maps" WLS "$REPEATS" | tee "$WORK/subject.txt" >&2

log "voxelspark whole subject through the CLI (deploy/bin/voxelspark dti, --n-cpus 1, one core)"
bids="$WORK/bids"
rm -rf "$bids" "$WORK/out"
mkdir -p "$bids/sub-01/dwi"
for f in nii.gz bval bvec; do ln -sf "$WORK/dwi/dwi.$f" "$bids/sub-01/dwi/sub-01_dwi.$f"; done
printf 'participant_id\tsite\nsub-01\tA\n' > "$bids/participants.tsv"
printf '{"Name": "dti-vs-reference", "BIDSVersion": "1.8.0"}\n' > "$bids/dataset_description.json"
/usr/bin/time -o "$WORK/time.txt" -f "%e %U %S" "${PIN[@]}" deploy/bin/voxelspark dti "$bids" "$WORK/out" --n-cpus 1 \
  > "$WORK/cli.log" 2>&1
cli=$(awk '{ printf "%.2f s CPU (%.2f s wall)", $2 + $3, $1 }' "$WORK/time.txt")

read_s=$(awk '/\(b\) read/ { print $(NF - 2) }' "$WORK/subject.txt")
gunzip_s=$(awk '/\(a\) decompress/ { print $(NF - 2) }' "$WORK/subject.txt")
total_s=$(awk '/read -> maps written/ { print $6 }' "$WORK/subject.txt")

rate() { awk -v k="$1" '$1 " " $2 == k { print $5 }' "$RESULTS" | head -n 1; }
row() { # label ours-key reference-key goal
  local ours ref
  ours=$(rate "$2"); ref=$(rate "$3")
  if [ -z "$ours" ] || [ -z "$ref" ]; then printf '| %s | %s | %s | | | %s |\n' "$1" "${ours:-?}" "${ref:-?}" "$4"; return; fi
  awk -v l="$1" -v o="$ours" -v r="$ref" -v g="$4" -v rk="$3" \
    'BEGIN { printf "| %s | %.0f k | %s %.0f k | %.1fx | %s |\n", l, o / 1e3, rk, r / 1e3, o / r, g }'
}

echo
echo "dti-vs-reference: $(date -u +%Y-%m-%dT%H:%MZ), $(nproc --all) cores of $(lscpu | sed -n 's/^Model name: *//p'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "DIPY $dipy_version, MRtrix3 $mrtrix_version, $(java -version 2>&1 | head -n 1); one core (taskset -c $CORE); input $WORK/dwi (102x104x63 x 68)"
echo
echo "| same algorithm (CPU time, one core) | voxelspark voxels/s | reference voxels/s | ratio | goal |"
echo "|---|---|---|---|---|"
row "OLS, all voxels, vs DIPY OLS" "voxelspark OLS-all" "dipy OLS-all" "≥ 10x"
row "OLS, all voxels, vs MRtrix dwi2tensor -ols -iter 0" "voxelspark OLS-all" "mrtrix OLS-all" "≥ 3x"
row "OLS vs MRtrix incl. tensor2metric" "voxelspark OLS-all" "mrtrix OLS+metrics-all" ""
row "WLS, all voxels, vs DIPY WLS" "voxelspark WLS-all" "dipy WLS-all" "≥ 10x"
row "IWLS, all voxels, vs MRtrix dwi2tensor (default)" "voxelspark IWLS-all" "mrtrix IWLS-all" "≥ 3x"
row "IWLS vs MRtrix incl. tensor2metric" "voxelspark IWLS-all" "mrtrix IWLS+metrics-all" ""
row "OLS, mask voxels, vs DIPY OLS" "voxelspark OLS-mask" "dipy OLS-mask" ""
row "WLS, mask voxels, vs DIPY WLS" "voxelspark WLS-mask" "dipy WLS-mask" ""
row "NLLS, mask voxels, vs DIPY NLLS ($NLLS_VOXELS mask voxels)" "voxelspark NLLS-mask" "dipy NLLS-mask-subset" ""
echo
echo "whole subject (WLS, one core, CPU time): decompress only ${gunzip_s} s, read ${read_s} s, read -> 12 maps written ${total_s} s" \
  "= $(awk -v a="$total_s" -v b="$read_s" 'BEGIN { printf "%.2f", a / b }')x the read (goal ≤ 1.5x);" \
  "through the CLI (Spark local, JVM start included): ${cli}"
