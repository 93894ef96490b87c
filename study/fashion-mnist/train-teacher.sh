#!/usr/bin/env bash
# Pretrains the Fashion-MNIST teacher and ECT-tunes it (configs/fashion-teacher.yaml) in the background-friendly
# way RESULTS.md describes: progress goes to LOG, and a crashed JVM is restarted, resuming from its newest checkpoint.
#   study/fashion-mnist/train-teacher.sh [RUN_DIR] [LOG]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
run_dir="${1:-$root/runs/fashion-teacher}"
log="${2:-$run_dir.log}"
jar="${ECTSTREAM_JAR:-$root/launcher/target/ectstream.jar}"
config="${ECTSTREAM_CONFIG:-$root/configs/fashion-teacher.yaml}"
export OPT_OUT_TRACKING=true DJL_OFFLINE=true
for attempt in 1 2 3 4 5; do
  if java -Xmx6g -Dai.djl.offline=true -Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.ectstream.schemas \
      -jar "$jar" pipeline --config "$config" --run-dir "$run_dir" >>"$log" 2>&1; then
    echo "$(date -u +%T) training finished" >>"$log"
    exit 0
  fi
  echo "$(date -u +%T) training exited with an error (attempt $attempt); resuming from the newest checkpoint" >>"$log"
  sleep 5
done
exit 1
