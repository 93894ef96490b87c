#!/usr/bin/env bash
# Issue 23 item 3 on a machine with two GPUs: training throughput on one GPU and data-parallel on two. From the repo
# root, on the GPU machine:
#   bash .gpu/on-device bash study/multi-gpu/train-on-x2.sh "$OUT"
# Runs bench-train (the real step on synthetic images, configs/cifar10.yaml's 55.7M DDPM++ freshly initialised) for
# each phase (ECT at its batch 128, pretraining at its batch 512) on SINGLE (gpu:0), then on PAIR (gpu:0,1: one
# replica per GPU, the batch split in two, gradients reduced onto gpu:0). Writes OUTDIR/<phase>-<1|2>.log, smi.csv and
# summary.txt (images/s of each run, the ratio two/one per phase). Takes about 3-4 minutes; every step has a time
# limit and the first failure stops it.
# On a CPU (a check of this script): SINGLE=cpu PAIR=cpu,cpu CONFIG=<tiny yaml> WARMUP=1 STEPS=2 ... .
set -euo pipefail

out=${1:?usage: train-on-x2.sh OUTDIR}
mkdir -p "$out"
out=$(cd "$out" && pwd)
ectstream=${ECTSTREAM:-ectstream}
single=${SINGLE:-gpu:0}
pair=${PAIR:-gpu:0,1}
config=${CONFIG:-configs/cifar10.yaml}
phases=${PHASES:-ect pretrain}
warmup=${WARMUP:-3}   # untimed steps (cuDNN times its algorithms on the first)
steps=${STEPS:-10}    # timed steps
limit=${LIMIT:-80}    # seconds per bench-train run
started=$(date +%s)
pids=()

log() { echo "[train-on-x2 +$(( $(date +%s) - started ))s] $*" | tee -a "$out/summary.txt" >&2; }
fail() { log "FAILED: $*"; exit 1; }
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT
# step NAME LIMIT_S COMMAND...: runs it with its log in OUTDIR/NAME.log, stops everything when it fails.
step() {
  local name=$1 limit=$2
  shift 2
  log "$name: $*"
  local rc=0
  timeout "$limit" "$@" > "$out/$name.log" 2>&1 || rc=$?
  if [ "$rc" -ne 0 ]; then
    tail -25 "$out/$name.log" >&2
    fail "$name (exit $rc$([ "$rc" -eq 124 ] && echo ", over ${limit}s"), log $out/$name.log)"
  fi
}
# rate NAME: the images/s of the bench-train line in OUTDIR/NAME.log.
rate() { grep -o '= [0-9.]* images/s' "$out/$1.log" | tail -1 | awk '{print $2}'; }

command -v "$ectstream" >/dev/null || fail "no $ectstream on the PATH (run through .gpu/on-device)"
{ date -u; command -v nvidia-smi >/dev/null && nvidia-smi -L; } > "$out/machine.txt" 2>&1 || true
if [[ $pair == gpu* ]] && command -v nvidia-smi >/dev/null; then
  gpus=$(nvidia-smi -L | grep -c '^GPU ' || true)
  [ "$gpus" -ge 2 ] || fail "this needs two GPUs; nvidia-smi lists $gpus"
fi
if command -v nvidia-smi >/dev/null; then
  nvidia-smi --query-gpu=timestamp,index,memory.used,utilization.gpu --format=csv,noheader -lms 500 \
    > "$out/smi.csv" 2>/dev/null & pids+=($!)
fi

for phase in $phases; do
  step "$phase-1" "$limit" "$ectstream" bench-train --config "$config" --phase "$phase" --device "$single" \
    --warmup "$warmup" --steps "$steps"
  step "$phase-2" "$limit" "$ectstream" bench-train --config "$config" --phase "$phase" --device "$pair" \
    --warmup "$warmup" --steps "$steps"
done

log "results (bench-train, $steps timed steps after $warmup untimed; images/s of the whole group):"
for phase in $phases; do
  one=$(rate "$phase-1")
  two=$(rate "$phase-2")
  [ -n "$one" ] && [ -n "$two" ] || fail "no images/s line in $phase-1.log or $phase-2.log"
  log "$(awk -v p="$phase" -v a="$one" -v b="$two" -v s="$single" -v d="$pair" \
    'BEGIN { printf "%s: %s %.1f images/s, %s %.1f images/s, scaling %.2fx", p, s, a, d, b, b / a }')"
  grep -h 'images/s' "$out/$phase-1.log" "$out/$phase-2.log" | tail -2 >> "$out/summary.txt"
done
log "done"
