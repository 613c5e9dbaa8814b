#!/usr/bin/env bash
# Checks the cluster projection of docs/benchmarks.md at small scale: runs the participant stage of
# a bench-scale cohort on a real Spark standalone cluster on 127.0.0.1 (a master and WORKERS
# workers of 1 core each, started from the Maven-provided Spark jars as StandaloneClusterIT does),
# submitted with deploy/bin/voxelspark-submit, and prints the stage's wall time and its own
# accounting beside the local-mode run of the same cohort with the same number of cores. Every
# process it starts is stopped by PID at the end. Loopback only.
#
#   deploy/bench/scripts/standalone-cluster-check.sh                 # COHORT=/tmp/voxelspark-cohort-bench/cohort-16 WORKERS=2
#
# The cohort comes from cohort-benchmark.sh (or: deploy/bin/voxelspark sample DIR --subjects 16 --scale bench).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../../bin/lib/env.sh"
cd "$VOXELSPARK_HOME"

COHORT=${COHORT:-/tmp/voxelspark-cohort-bench/cohort-16}
WORKERS=${WORKERS:-2}
WORK=${WORK:-/tmp/voxelspark-cluster-check}
EXECUTOR_MEMORY=${EXECUTOR_MEMORY:-4g}
[ -f "$COHORT/participants.tsv" ] || { echo "no cohort at $COHORT (run cohort-benchmark.sh or voxelspark sample)" >&2; exit 1; }
ls deploy/target/voxelspark-app-*.jar > /dev/null 2>&1 || mvn -B -ntp -q -DskipTests package

rm -rf "$WORK" && mkdir -p "$WORK/spark-home/bin"
ln -s "$VOXELSPARK_HOME/deploy/target/lib" "$WORK/spark-home/jars"
cp deploy/src/test/resources/org/voxelspark/deploy/spark-submit "$WORK/spark-home/bin/spark-submit"
chmod +x "$WORK/spark-home/bin/spark-submit"
export SPARK_HOME=$WORK/spark-home SPARK_SCALA_VERSION=2.13 SPARK_LOCAL_IP=127.0.0.1 SPARK_MASTER_HOST=127.0.0.1

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
pids=()
stop_all() {
  for p in "${pids[@]}"; do pkill -TERM -P "$p" 2> /dev/null || true; kill -TERM "$p" 2> /dev/null || true; done
  sleep 2
  for p in "${pids[@]}"; do pkill -KILL -P "$p" 2> /dev/null || true; kill -KILL "$p" 2> /dev/null || true; done
}
trap stop_all EXIT
spark_class() { # log main-class args...
  local log=$1; shift
  "$JAVA_HOME/bin/java" -Xmx256m "${VOXELSPARK_JVM_OPENS[@]}" -cp "$SPARK_HOME/jars/*" "$@" > "$log" 2>&1 &
  pids+=($!)
}
await() { # log pattern what
  for _ in $(seq 1 180); do grep -q "$2" "$1" 2> /dev/null && return 0; sleep 0.5; done
  echo "timed out waiting for $3 ($1)" >&2; exit 1
}

port=$(free_port)
spark_class "$WORK/master.log" org.apache.spark.deploy.master.Master --host 127.0.0.1 --port "$port" --webui-port "$(free_port)"
await "$WORK/master.log" "I have been elected leader" "the master"
for w in $(seq 1 "$WORKERS"); do
  spark_class "$WORK/worker$w.log" org.apache.spark.deploy.worker.Worker --host 127.0.0.1 --cores 1 --memory "$EXECUTOR_MEMORY" \
    --work-dir "$WORK/work$w" --webui-port "$(free_port)" "spark://127.0.0.1:$port"
done
for w in $(seq 1 "$WORKERS"); do await "$WORK/worker$w.log" "Successfully registered with master" "worker $w"; done

time_it() { # log command...
  local log=$1; shift
  local t0 t1; t0=$(date +%s.%N)
  "$@" > "$log.out" 2> "$log.err" || { tail -20 "$log.err" >&2; exit 1; }
  t1=$(date +%s.%N)
  python3 -c "print(f'{$t1 - $t0:.1f}')"
}
n=$(($(wc -l < "$COHORT/participants.tsv") - 1))
echo "== cluster: $WORKERS workers x 1 core, $n subjects ($COHORT), load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
cluster_wall=$(time_it "$WORK/cluster" deploy/bin/voxelspark-submit --master "spark://127.0.0.1:$port" --deploy-mode client \
  --driver-memory 2g --conf spark.executor.memory="$EXECUTOR_MEMORY" --conf spark.driver.host=127.0.0.1 --conf spark.ui.enabled=false \
  -- "$COHORT" "$WORK/out-cluster" participant --no-reports)
echo "== local mode: local[$WORKERS], same cohort" >&2
local_wall=$(time_it "$WORK/local" deploy/bin/voxelspark "$COHORT" "$WORK/out-local" participant --no-reports --n-cpus "$WORKERS")
stage() { grep -h "runs done" "$1.err" "$1.out" 2> /dev/null | sed 's/.*ParticipantStage: //' | head -n 1; }
echo
echo "| run | command wall s | the stage's own accounting |"
echo "|---|---|---|"
echo "| standalone cluster, $WORKERS workers x 1 core | $cluster_wall | $(stage "$WORK/cluster") |"
echo "| local mode, $WORKERS cores | $local_wall | $(stage "$WORK/local") |"
echo
echo "load at end $(cut -d' ' -f1-3 /proc/loadavg)"
