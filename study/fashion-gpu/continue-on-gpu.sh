#!/usr/bin/env bash
# The GPU study's second session (RESULTS.md, issue 18), on a machine with two GPUs:
# - GPU 0: the shipped teacher's pretraining resumed from its full checkpoint for SECONDS, each new checkpoint scored
#   (Heun, 1 and 2 steps) as it appears: does its Heun FID flatten past 1 Mimg?
# - GPU 1: the reference's short-budget recipe tuning the shipped teacher (1,024 kimg) for ITERATIONS (default 4,000 =
#   512 kimg = 50% of its pretraining images), a checkpoint every tenth, each scored with EMA and student weights:
#   does the 2-step FID keep falling past 10%, i.e. is the tuning budget the limit?
# Run from the repository root on the GPU machine, with the full checkpoint the first session brought back placed at
# /tmp/study/teacher32/step-000002000.ckpt (train resumes from the newest checkpoint of its run folder):
#   bash .gpu/on-device bash study/fashion-gpu/continue-on-gpu.sh OUT DATA_DIR SECONDS
# DATA_DIR holds Fashion-MNIST's train-*-idx*-ubyte.gz. TEACHER_DEVICE, TUNE_DEVICE, ITERATIONS, SAMPLES and SETS (extra
# --set arguments for both runs, e.g. for a check on a CPU) may come from the environment.
# As these sessions ran (before issue 30): TF32 on (--tf32) and the network's tuning dropout 0.1 (ect.dropout=null);
# today's defaults are the reference's (TF32 off, dropout 0.2: configs/fashion-ect-1hour.yaml, ect-1hour-on-gpu.sh).
set -euo pipefail
out=$1 data=$2 seconds=$3
teacher_device=${TEACHER_DEVICE:-gpu:0} tune_device=${TUNE_DEVICE:-gpu:1}
iterations=${ITERATIONS:-4000} samples=${SAMPLES:-10000}
read -r -a sets <<< "${SETS:-}"
[ -f "$data/train-images-idx3-ubyte.gz" ] || { echo "no Fashion-MNIST in $data" >&2; exit 3; }
ls /tmp/study/teacher32/step-*.ckpt > /dev/null || { echo "no teacher checkpoint in /tmp/study/teacher32" >&2; exit 3; }
mkdir -p "$out/logs"
export ECTSTREAM_JAVA_OPTS=${ECTSTREAM_JAVA_OPTS:--Xmx8g}
score_args=(--extractor feature-net:models/fashion-mnist.feature-net
  --reference-stats models/fashion-mnist-train.reference-stats --samples "$samples" --seed 0 --batch-size 2000)
long=/tmp/long/ref-q256-lr1e-4-ema0.9993
rm -rf /tmp/long && mkdir -p /tmp/long

smi=
if command -v nvidia-smi > /dev/null; then
  nvidia-smi --query-gpu=timestamp,index,memory.used,utilization.gpu --format=csv,noheader -lms 1000 \
    > "$out/logs/smi.csv" &
  smi=$!
fi

# GPU 0: pretraining goes on; the checkpoints it started from count as scored.
ls /tmp/study/teacher32/step-*.ckpt > /tmp/study/teacher32.scored
rm -f /tmp/study/teacher32.finished
(timeout --signal=TERM "$seconds" ectstream train --phase pretrain --tf32 --config configs/fashion-gpu.yaml \
  --device "$teacher_device" --run-dir /tmp/study/teacher32 --set "data.path=$data" "${sets[@]/#/--set=}" \
  >> "$out/logs/teacher32-train.log" 2>&1 || true; touch /tmp/study/teacher32.finished) &
teacher=$!
"$(dirname "$0")/score-as-written.sh" /tmp/study/teacher32 /tmp/study/teacher32.finished "$out/logs/teacher32-score.log" \
  --sampler heun,ect1,ect2 --device "$teacher_device" "${score_args[@]}" --results "$out/teacher32-scores.jsonl" &
scorer=$!

# GPU 1: the long tuning run of the shipped teacher, then its checkpoints scored.
every=$((iterations / 10))
ectstream train --tf32 --set ect.dropout=null --config configs/fashion-gpu.yaml --init models/fashion-teacher.ckpt --device "$tune_device" \
  --run-dir "$long" --set "data.path=$data" --set "ect.kimg=$(python3 -c "print($iterations * 128 / 1000)")" \
  --set "checkpoint.everySteps=$every" --set log.everySteps=200 --set ect.q=256 --set ect.doubling=false \
  --set ect.optimizer.lr=1.0e-4 --set ect.ema.beta=0.9993 "${sets[@]/#/--set=}" > "$out/logs/long-train.log" 2>&1 || true
ckpts=$(ls $long/step-*.ckpt 2>/dev/null | sort | paste -sd, || true)
if [ -n "$ckpts" ]; then
  ectstream score --checkpoint "$ckpts" --sampler ect1,ect2 --weights ema,student --device "$tune_device" \
    "${score_args[@]}" --results "$out/long-scores.jsonl" > "$out/logs/long-score.log" 2>&1 || true
fi

wait "$teacher" "$scorer" || true
[ -n "$smi" ] && kill "$smi" 2>/dev/null || true

# The newest teacher checkpoint: its EMA weights (the teacher to tune) and the full checkpoint (to resume from), in
# parts of at most 15 MiB (files come back at most 16 MiB each).
last=$(ls /tmp/study/teacher32/step-*.ckpt | sort | tail -1)
ectstream export-weights --checkpoint "$last" --out /tmp/study/teacher32-ema.ckpt >> "$out/logs/teacher32-train.log" 2>&1
cp /tmp/study/teacher32-ema.ckpt "$out/"
split -b 15M -d "$last" "$out/teacher32-full.ckpt.part"
sha256sum /tmp/study/teacher32-ema.ckpt "$last" | tee "$out/hashes.txt"
tar -czf "$out/logs.tgz" -C "$out" logs && rm -rf "$out/logs"
