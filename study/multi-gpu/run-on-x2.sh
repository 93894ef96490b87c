#!/usr/bin/env bash
# Issue 23 on a machine with two GPUs: serving throughput with 1 and 2 generators through Kafka, both shapes, and the
# in-process sampling figure on 1 and 2 GPUs. From the repo root, on the GPU machine:
#   bash .gpu/on-device bash study/multi-gpu/run-on-x2.sh "$OUT"
# Writes under OUTDIR: bench-sample-1.json/-2.json (in-process), sampler-1gen.json, sampler-2gen.json (one process,
# serve --device gpu:0,1 shape), sampler-2proc.json (two serve processes, one per GPU), every log, summary.txt.
# The network is configs/cifar10.yaml's 55.7M DDPM++ freshly initialised (speed does not depend on the weights);
# 1-step ECT, 1-image requests. Every timed round (ROUNDS, default 5) is reported (a median hides a stalled round), with the max latency
# (p99 of 8000 requests hides a stall that holds one batch). Takes about 5 minutes; every step has a time limit and
# the first failure stops it.
# On a CPU (a check of this script): SINGLE=cpu PAIR=cpu,cpu NETWORK=tiny CONFIG=<tiny yaml> REQUESTS=40 ... .
set -euo pipefail

out=${1:?usage: run-on-x2.sh OUTDIR}
mkdir -p "$out"
out=$(cd "$out" && pwd)
ectstream=${ECTSTREAM:-ectstream}
single=${SINGLE:-gpu:0}
pair=${PAIR:-gpu:0,1}
network=${NETWORK:-cifar10}            # bench-sampler's name for configs/cifar10.yaml's network
config=${CONFIG:-configs/cifar10.yaml} # bench-sample's
port=${PORT:-19092}
max_batch=${MAX_BATCH:-128}
requests=${REQUESTS:-8000}             # 1-image requests per timed round
rounds=${ROUNDS:-5}                    # timed rounds, each reported
window=${WINDOW:-512}                  # requests kept in flight: the load
latency_requests=${LATENCY_REQUESTS:-100}
sample_batches=${SAMPLE_BATCHES:-128,1024}
skip_sample=${SKIP_SAMPLE:-}           # non-empty: no in-process bench-sample step (measured in an earlier run)
jfr_dir=${JFR_DIR:-}                   # non-empty: a Java Flight Recording of each bench-sampler and serve JVM there
bs=127.0.0.1:$port
# Broker data and the benchmark checkpoints (~220 MB each) stay out of OUTDIR, which comes back to the caller.
work=$(mktemp -d "${TMPDIR:-/tmp}/run-on-x2.XXXXXX")
started=$(date +%s)
pids=()

source "$(dirname "${BASH_SOURCE[0]}")/steps.sh"
trap 'stop_pids; rm -rf "$work"' EXIT
# await_line FILE TEXT LIMIT_S PID: waits until FILE holds TEXT, failing when PID exits first or time runs out.
await_line() {
  local file=$1 text=$2 limit=$3 pid=$4 waited=0
  until grep -q "$text" "$file" 2>/dev/null; do
    kill -0 "$pid" 2>/dev/null || { tail -25 "$file" >&2; fail "$(basename "$file") ended before '$text'"; }
    [ "$waited" -ge "$limit" ] && { tail -25 "$file" >&2; fail "no '$text' in $file within ${limit}s"; }
    sleep 1; waited=$((waited + 1))
  done
}

check_machine "$pair"

# jfr_opts NAME: the JVM options of a step, with a flight recording NAME.jfr in JFR_DIR when it is set.
jfr_opts() {
  local base=${ECTSTREAM_JAVA_OPTS:--Xmx16g}
  if [ -n "$jfr_dir" ]; then
    mkdir -p "$jfr_dir"
    echo "$base -XX:StartFlightRecording=filename=$jfr_dir/$1.jfr,settings=profile"
  else
    echo "$base"
  fi
}

# 1. In-process sampling on one GPU, then on both at once (one copy and one thread per GPU).
[ -n "$skip_sample" ] || step bench-sample-1 150 "$ectstream" bench-sample --config "$config" --device "$single" --batches "$sample_batches" \
  --steps 1 --warmup 3 --repeats 10 --json "$out/bench-sample-1.json"
[ -n "$skip_sample" ] || step bench-sample-2 150 "$ectstream" bench-sample --config "$config" --device "$pair" --batches "$sample_batches" \
  --steps 1 --warmup 3 --repeats 10 --json "$out/bench-sample-2.json"

# 2. The broker (embedded KRaft, its data under OUTDIR), platform topics with 2 request partitions.
"$ectstream" broker --port "$port" --data-dir "$work/kafka" --partitions 2 > "$out/broker.log" 2>&1 & pids+=($!)
await_line "$out/broker.log" "Kafka broker ready" 120 "${pids[-1]}"
log "broker up on $bs"

load=(--bootstrap-servers "$bs" --network "$network" --steps 1 --max-batch "$max_batch" --images-per-request 1
      --requests "$requests" --rounds "$rounds" --window "$window" --latency-requests "$latency_requests")

# 3. One sampler process: 1 generator, then 2 (serve --device gpu:0,1's shape: one consumer, one partition used).
step sampler-1gen 240 env ECTSTREAM_JAVA_OPTS="$(jfr_opts sampler-1gen)" "$ectstream" bench-sampler "${load[@]}" --device "$single" --work-dir "$work/w-1gen" \
  --json "$out/sampler-1gen.json"
step sampler-2gen 240 env ECTSTREAM_JAVA_OPTS="$(jfr_opts sampler-2gen)" "$ectstream" bench-sampler "${load[@]}" --device "$pair" --work-dir "$work/w-2gen" \
  --json "$out/sampler-2gen.json"

# 4. Two serve processes, one per GPU, in one group over a request topic of 2 partitions (topics create's rule).
step topics-2proc 60 "$ectstream" topics create --bootstrap-servers "$bs" --request-partitions 2 \
  --only checkpoints,requests,evaluation-requests,results,errors --partitions results=1 \
  --topic checkpoints=mp.checkpoints --topic requests=mp.requests --topic evaluation-requests=mp.evaluation-requests \
  --topic results=mp.results --topic errors=mp.errors
mkdir -p "$work/w-2proc/store"
IFS=, read -r -a each <<< "${pair#gpu:}"
[[ $pair == gpu:* ]] || IFS=, read -r -a each <<< "$pair"
i=0
for d in "${each[@]}"; do
  [[ $d == cpu || $d == gpu* ]] || d="gpu:$d"
  env ECTSTREAM_JAVA_OPTS="$(jfr_opts "serve-$i")" "$ectstream" serve --bootstrap-servers "$bs" --device "$d" --store "$work/w-2proc/store" --group-id mp \
    --checkpoints-topic mp.checkpoints --requests-topic mp.requests --evaluation-requests-topic mp.evaluation-requests \
    --results-topic mp.results --errors-topic mp.errors --http-port -1 --max-batch "$max_batch" --no-batch-invariant \
    --max-in-flight $((2 * window)) --default-deadline-ms 0 --max-queued-user-cost 100000000 \
    > "$out/serve-$i.log" 2>&1 & pids+=($!)
  await_line "$out/serve-$i.log" "sampler serving" 120 "${pids[-1]}"
  log "serve $i on $d up"
  i=$((i + 1))
done
step sampler-2proc 300 "$ectstream" bench-sampler "${load[@]}" --external-samplers "$i" --topic-prefix mp \
  --work-dir "$work/w-2proc" --json "$out/sampler-2proc.json"

# 5. The figures side by side.
python3 - "$out" <<'PY' | tee -a "$out/summary.txt"
import json, sys, os
out = sys.argv[1]
def load(name):
    with open(os.path.join(out, name)) as f:
        return json.load(f)
for name in ("bench-sample-1.json", "bench-sample-2.json"):
    if not os.path.exists(os.path.join(out, name)):
        continue
    for m in load(name)["measurements"]:
        print(f"{name}: {m['device']} batch {m['batch']}: {m['imagesPerSecond']:.1f} images/s")
one = load("sampler-1gen.json")["endToEndImagesPerSecond"]
for name in ("sampler-1gen.json", "sampler-2gen.json", "sampler-2proc.json"):
    r = load(name)
    rounds = r.get("endToEndRoundsImagesPerSecond") or []
    print(f"{name}: {r['shape']}: end-to-end {r['endToEndImagesPerSecond']:.1f} images/s"
          f" ({r['endToEndImagesPerSecond'] / one:.2f}x one generator; rounds {[round(x, 1) for x in rounds]}),"
          f" under load p50 {r['loadedLatencyP50Ms']:.1f} p99 {r['loadedLatencyP99Ms']:.1f}"
          f" max {r.get('loadedLatencyMaxMs') or float('nan'):.1f} ms, alone p50 {r['oneImageLatencyP50Ms']:.1f}"
          f" p99 {r['oneImageLatencyP99Ms']:.1f} max {r.get('oneImageLatencyMaxMs') or float('nan'):.1f} ms,"
          f" duplicates {r['duplicateAnswers']}, batches per generator {r['batchesPerGenerator']},"
          f" partitions {r['requestPartitions']}; {r['serviceStats']}")
# A model is warmed at every batch size before it serves (cuDNN times each new shape once, ~1 s on an H200):
warmed = [l.strip() for n in ("sampler-1gen.log", "sampler-2gen.log", "serve-0.log", "serve-1.log")
             if os.path.exists(os.path.join(out, n))
             for l in open(os.path.join(out, n)) if "warmed up at batch sizes" in l]
for l in warmed:
    print("warm-up:", l)
PY
log "done in $(( $(date +%s) - started ))s; results in $out"
