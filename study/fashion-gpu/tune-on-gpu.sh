#!/usr/bin/env bash
# The GPU study's ECT sweep (RESULTS.md, issue 18): six tuning recipes of one teacher side by side on one GPU, each
# for at most 10% of the teacher's pretraining images, then every checkpoint scored with EMA and student weights,
# and t_mid swept for the best one. Run from the repository root on the GPU machine:
#   bash .gpu/on-device bash study/fashion-gpu/tune-on-gpu.sh OUT TEACHER DATA_DIR SECONDS
# TEACHER: the teacher's EMA weights (export-weights of the pretraining checkpoint); DATA_DIR: Fashion-MNIST's
# train-*-idx*-ubyte.gz; SECONDS: wall time each tuning run may take at most (a run stops at its newest checkpoint).
# DEVICE (default gpu), SETS (extra --set for every run) and SAMPLES (default 10000) may come from the environment.
# As these sessions ran (before issue 30): TF32 on (--tf32) and the network's tuning dropout 0.1 (ect.dropout=null);
# today's defaults are the reference's (TF32 off, dropout 0.2: configs/fashion-ect-1hour.yaml, ect-1hour-on-gpu.sh).
set -euo pipefail
out=$1 teacher=$2 data=$3 seconds=$4 device=${DEVICE:-gpu} samples=${SAMPLES:-10000}
read -r -a sets <<< "${SETS:-}"
[ -f "$data/train-images-idx3-ubyte.gz" ] || { echo "no Fashion-MNIST in $data" >&2; exit 3; }
mkdir -p "$out/logs" "$out/grids"
export ECTSTREAM_JAVA_OPTS=${ECTSTREAM_JAVA_OPTS:--Xmx6g}
# name and --set arguments; every run: batch 128, 800 iterations (102.4 kimg), a checkpoint every 160 iterations
recipes=(
  "ref-q256-lr1e-4-ema0.9993|ect.q=256 ect.doubling=false ect.optimizer.lr=1.0e-4 ect.ema.beta=0.9993"
  "q256-lr2e-4-ema0.999|ect.q=256 ect.doubling=false ect.optimizer.lr=2.0e-4 ect.ema.beta=0.999"
  "q256-lr4e-4-ema0.999|ect.q=256 ect.doubling=false ect.optimizer.lr=4.0e-4 ect.ema.beta=0.999"
  "q256-lr2e-4-ema0.9999|ect.q=256 ect.doubling=false ect.optimizer.lr=2.0e-4 ect.ema.beta=0.9999"
  "q2x160-lr2e-4-ema0.999|ect.q=2 ect.doubling=true ect.stageLength=160 ect.optimizer.lr=2.0e-4 ect.ema.beta=0.999"
  "q256-lr2e-4-ema0.999-drop0.2|ect.q=256 ect.doubling=false ect.optimizer.lr=2.0e-4 ect.ema.beta=0.999 ect.dropout=0.2"
)
score_args=(--extractor feature-net:models/fashion-mnist.feature-net
  --reference-stats models/fashion-mnist-train.reference-stats --device "$device" --samples "$samples" --seed 0
  --batch-size 2000)

rm -rf /tmp/tune && mkdir -p /tmp/tune
smi=
if command -v nvidia-smi > /dev/null; then
  nvidia-smi --query-gpu=timestamp,memory.used,utilization.gpu --format=csv,noheader -lms 1000 > "$out/logs/smi.csv" &
  smi=$!
fi
trainers=()
for recipe in "${recipes[@]}"; do
  name=${recipe%%|*}
  read -r -a own <<< "${recipe#*|}"
  timeout --signal=TERM "$seconds" ectstream train --tf32 --set ect.dropout=null --config configs/fashion-gpu.yaml --init "$teacher" \
    --device "$device" --run-dir "/tmp/tune/$name" --set "data.path=$data" --set ect.kimg=102.4 \
    --set checkpoint.everySteps=160 --set log.everySteps=80 "${own[@]/#/--set=}" "${sets[@]/#/--set=}" \
    > "$out/logs/$name-train.log" 2>&1 &
  trainers+=($!)
done
wait "${trainers[@]}" || true

scorers=()
for recipe in "${recipes[@]}"; do
  name=${recipe%%|*}
  ckpts=$(ls /tmp/tune/$name/step-*.ckpt 2>/dev/null | sort | paste -sd, || true)
  [ -n "$ckpts" ] || { echo "$name: no checkpoint" >> "$out/logs/missing.txt"; continue; }
  ectstream score --checkpoint "$ckpts" --sampler ect1,ect2 --weights ema,student "${score_args[@]}" \
    --results "/tmp/tune/$name.jsonl" > "$out/logs/$name-score.log" 2>&1 &
  scorers+=($!)
done
# the teacher with the same seeds, for the table's first row and the t_mid baseline
ectstream score --checkpoint "$teacher" --sampler heun,ect1,ect2 --t-mid 0.4,0.6,0.821,1.2 "${score_args[@]}" \
  --grid-dir "$out/grids" --results /tmp/tune/teacher.jsonl > "$out/logs/teacher-score.log" 2>&1 &
scorers+=($!)
wait "${scorers[@]}" || true

# the best final 2-step FID (EMA or student) gets the t_mid sweep and grids
best=$(python3 study/fashion-gpu/best_run.py /tmp/tune)
if [ -n "$best" ]; then
  read -r name step weights <<< "$best"
  ckpt=$(printf '/tmp/tune/%s/step-%09d.ckpt' "$name" "$step")
  echo "best: $name step $step $weights weights" | tee "$out/best.txt"
  ectstream score --checkpoint "$ckpt" --sampler ect1,ect2 --weights "$weights" --t-mid 0.4,0.6,0.821,1.2 \
    "${score_args[@]}" --grid-dir "$out/grids" --results /tmp/tune/best-tmid.jsonl > "$out/logs/best-score.log" 2>&1 || true
  ectstream export-weights --checkpoint "$ckpt" --out "$out/tuned-ema.ckpt" >> "$out/logs/best-score.log" 2>&1 || true
  sha256sum "$ckpt" "$out/tuned-ema.ckpt" >> "$out/best.txt"
fi
[ -n "$smi" ] && kill "$smi" 2>/dev/null || true
cat /tmp/tune/*.jsonl > "$out/scores.jsonl"
tar -czf "$out/logs.tgz" -C "$out" logs grids && rm -rf "$out/logs" "$out/grids"
