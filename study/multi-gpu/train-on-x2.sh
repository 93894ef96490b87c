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

source "$(dirname "${BASH_SOURCE[0]}")/steps.sh"
trap stop_pids EXIT
# rate NAME: the images/s of the bench-train line in OUTDIR/NAME.log.
rate() { grep -o '= [0-9.]* images/s' "$out/$1.log" | tail -1 | awk '{print $2}'; }

check_machine "$pair"

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
