#!/usr/bin/env bash
# The GPU study's third session (RESULTS.md, issue 18): has the teacher's Heun FID flattened? Session 2's teacher's
# pretraining resumed from its full checkpoint (step 8000, 4,096 kimg) twice side by side for SECONDS, one run per GPU:
# - "teacher32": the recipe as it was (configs/fashion-gpu.yaml, batch 512, Adam 1e-3);
# - "teacher32-b2048": the same from the same checkpoint with batch 2048: this small network leaves the GPU mostly
#   idle at 512 (a tuning step of 128 takes as long as a pretraining step of 512), so a larger batch may see more
#   images per second; does it also lower the Heun FID faster per second?
# Each run's new checkpoints (one every 512 kimg) are scored with Heun (35 NFE, 10,000 samples, seeds 0..9999) on its
# own GPU as they appear. Run from the repository root on the GPU machine, with the full step-8000 checkpoint at
# /tmp/study/teacher32/step-000008000.ckpt:
#   bash .gpu/on-device bash study/fashion-gpu/flatten-on-gpu.sh OUT DATA_DIR SECONDS
# DATA_DIR holds Fashion-MNIST's train-*-idx*-ubyte.gz. RUNS ("name:batch:device" words), SAMPLES and SETS (extra
# --set arguments, e.g. for a check on a CPU) may come from the environment.
# As these sessions ran (before issue 30): TF32 on (--tf32) and the network's tuning dropout 0.1 (ect.dropout=null);
# today's defaults are the reference's (TF32 off, dropout 0.2: configs/fashion-ect-1hour.yaml, ect-1hour-on-gpu.sh).
set -euo pipefail
out=$1 data=$2 seconds=$3
read -r -a runs <<< "${RUNS:-teacher32:512:gpu:0 teacher32-b2048:2048:gpu:1}"
samples=${SAMPLES:-10000}
read -r -a sets <<< "${SETS:-}"
here=$(dirname "$0")
start=/tmp/study/teacher32/step-000008000.ckpt
[ -f "$data/train-images-idx3-ubyte.gz" ] || { echo "no Fashion-MNIST in $data" >&2; exit 3; }
[ -f "$start" ] || { echo "no $start" >&2; exit 3; }
mkdir -p "$out/logs"
export ECTSTREAM_JAVA_OPTS=${ECTSTREAM_JAVA_OPTS:--Xmx8g}
smi=
if command -v nvidia-smi > /dev/null; then
  nvidia-smi --query-gpu=timestamp,index,memory.used,utilization.gpu --format=csv,noheader -lms 1000 \
    > "$out/logs/smi.csv" &
  smi=$!
fi

pids=()
for spec in "${runs[@]}"; do
  name=${spec%%:*} rest=${spec#*:}
  batch=${rest%%:*} device=${rest#*:}
  dir=/tmp/study/$name
  mkdir -p "$dir"
  [ -f "$dir/$(basename "$start")" ] || cp "$start" "$dir/"
  ls "$dir"/step-*.ckpt > "$dir.scored"
  rm -f "$dir.finished"
  (timeout --signal=TERM "$seconds" ectstream train --phase pretrain --tf32 --config configs/fashion-gpu.yaml \
    --device "$device" --run-dir "$dir" --set "data.path=$data" --set "pretrain.batch=$batch" \
    --set "checkpoint.everySteps=$((512000 / batch))" --set log.everySteps=$((256000 / batch)) "${sets[@]/#/--set=}" \
    >> "$out/logs/$name-train.log" 2>&1 || true; touch "$dir.finished") &
  pids+=($!)
  "$here/score-as-written.sh" "$dir" "$dir.finished" "$out/logs/$name-score.log" --sampler heun --device "$device" \
    --extractor feature-net:models/fashion-mnist.feature-net --reference-stats models/fashion-mnist-train.reference-stats \
    --samples "$samples" --seed 0 --batch-size 2000 --results "$out/flatten-scores.jsonl" &
  pids+=($!)
done
wait "${pids[@]}" || true
[ -n "$smi" ] && kill "$smi" 2>/dev/null || true

# Each run's newest checkpoint: its EMA weights (a teacher to tune) and the full checkpoint (to resume from), in parts
# of at most 15 MiB (files come back at most 16 MiB each).
for spec in "${runs[@]}"; do
  name=${spec%%:*}
  last=$(ls /tmp/study/$name/step-*.ckpt | sort | tail -1)
  ectstream export-weights --checkpoint "$last" --out "/tmp/study/$name-ema.ckpt" >> "$out/logs/$name-train.log" 2>&1
  cp "/tmp/study/$name-ema.ckpt" "$out/"
  split -b 15M -d "$last" "$out/$name-full.ckpt.part"
  sha256sum "/tmp/study/$name-ema.ckpt" "$last" | tee -a "$out/logs/hashes.txt"
done
cp "$out/flatten-scores.jsonl" /tmp/study/  # for best_teacher.py before tune-new-on-gpu.sh
tar -czf "$out/logs.tgz" -C "$out" logs && rm -rf "$out/logs"
