#!/usr/bin/env bash
# Pretrains the GPU study's teachers on the GPU machine for a fixed wall time, scoring each new checkpoint while
# training goes on, and leaves the results in OUT. Run from the repository root there:
#   bash .gpu/on-device bash study/fashion-gpu/teacher-on-gpu.sh OUT DATA_DIR SECONDS
# DATA_DIR holds Fashion-MNIST's train-images-idx3-ubyte.gz and train-labels-idx1-ubyte.gz.
# Two teachers share the GPU: the demo's network (32 channels, configs/fashion-gpu.yaml) and the same network at
# 64 channels, to see whether capacity limits the FID.
# DEVICE (default gpu) and SETS (extra --set arguments, e.g. for a short check on a CPU) may be given in the environment.
# As these sessions ran (before issue 30): TF32 on (--tf32) and the network's tuning dropout 0.1 (ect.dropout=null);
# today's defaults are the reference's (TF32 off, dropout 0.2: configs/fashion-ect-1hour.yaml, ect-1hour-on-gpu.sh).
set -euo pipefail
out=$1 data=$2 seconds=$3 device=${DEVICE:-gpu}
read -r -a sets <<< "${SETS:-}"
[ -f "$data/train-images-idx3-ubyte.gz" ] || { echo "no Fashion-MNIST in $data" >&2; exit 3; }
mkdir -p "$out/logs"
score_args=(--extractor feature-net:models/fashion-mnist.feature-net
  --reference-stats models/fashion-mnist-train.reference-stats --device "$device" --samples "${SAMPLES:-10000}" --seed 0 --batch-size 2000)

train() { # name, extra --set arguments...
  local name=$1; shift
  timeout --signal=TERM "$seconds" ectstream train --phase pretrain --tf32 --config configs/fashion-gpu.yaml --device "$device" \
    --run-dir "/tmp/study/$name" --set "data.path=$data" "${sets[@]/#/--set=}" "$@" > "$out/logs/$name-train.log" 2>&1 || true
}

score_new() { # name: Heun FID of each checkpoint as it appears (the newest one when several wait)
  local name=$1 done_file="/tmp/study/$name.scored"
  touch "$done_file"
  while true; do
    local newest
    newest=$(ls /tmp/study/$name/step-*.ckpt 2>/dev/null | sort | tail -1 || true)
    if [ -n "$newest" ] && ! grep -qx "$newest" "$done_file"; then
      echo "$newest" >> "$done_file"
      ectstream score --checkpoint "$newest" --sampler heun,ect1,ect2 "${score_args[@]}" \
        --results "$out/$name-scores.jsonl" >> "$out/logs/$name-score.log" 2>&1 || true
    fi
    if [ -f "/tmp/study/$name.finished" ]; then
      [ "$(ls /tmp/study/$name/step-*.ckpt 2>/dev/null | sort | tail -1 || true)" = "$newest" ] && break
    fi
    sleep 5
  done
}

rm -rf /tmp/study && mkdir -p /tmp/study
smi=
if command -v nvidia-smi > /dev/null; then
  nvidia-smi --query-gpu=timestamp,memory.used,utilization.gpu --format=csv,noheader -lms 1000 > "$out/logs/smi.csv" &
  smi=$!
fi
scorers=()
for name in teacher32 teacher64; do score_new "$name" & scorers+=($!); done
(train teacher32; touch /tmp/study/teacher32.finished) &
t32=$!
(train teacher64 --set runId=fashion-gpu-64 --set network.modelChannels=64; touch /tmp/study/teacher64.finished) &
t64=$!
wait "$t32" "$t64" "${scorers[@]}" || true
[ -n "$smi" ] && kill "$smi" 2>/dev/null || true

for name in teacher32 teacher64; do
  last=$(ls /tmp/study/$name/step-*.ckpt 2>/dev/null | sort | tail -1 || true)
  [ -n "$last" ] || { echo "$name: no checkpoint written" >> "$out/hashes.txt"; continue; }
  ectstream export-weights --checkpoint "$last" --out "/tmp/study/$name-ema.ckpt" >> "$out/logs/$name-train.log" 2>&1
  sha256sum "/tmp/study/$name-ema.ckpt" "$last" >> "$out/hashes.txt"
done
# files come back at most 16 MiB each
[ -f /tmp/study/teacher32-ema.ckpt ] && cp /tmp/study/teacher32-ema.ckpt "$out/"
[ -f /tmp/study/teacher64-ema.ckpt ] && split -b 15M -d /tmp/study/teacher64-ema.ckpt "$out/teacher64-ema.ckpt.part"
last32=$(ls /tmp/study/teacher32/step-*.ckpt 2>/dev/null | sort | tail -1 || true)
[ -n "$last32" ] && split -b 15M -d "$last32" "$out/teacher32-full.ckpt.part"
tar -czf "$out/logs.tgz" -C "$out" logs && rm -rf "$out/logs"
