#!/usr/bin/env bash
# Issue 30's arm: the shipped teacher tuned with the reference's "1 A100-hour" recipe as its code runs it
# (configs/fashion-ect-1hour.yaml: q 256 fixed, RAdam 1e-4, EMA 0.9993, tuning dropout 0.2; TF32 off, the default)
# for ITERATIONS (default 8,000) at batch 128, a checkpoint every 1,205 iterations (2% of the teacher's pretraining
# images; 6,025 = 10%), then the 6,025 and last checkpoints scored with EMA weights as RESULTS.md scores: 1 step,
# 2 steps at t_mid 0.821 and 1.2, SAMPLES (default 10000) samples, seeds 0.. The reference's own code ran beside it
# on the same GPU (its code is not part of this repository).
#   bash .gpu/on-device bash study/fashion-gpu/ect-1hour-on-gpu.sh OUT DATA_DIR
# DATA_DIR holds Fashion-MNIST's train-*-idx*-ubyte.gz. DEVICE (default gpu), ITERATIONS, SAMPLES and SETS (extra
# --set arguments) may come from the environment.
set -euo pipefail
out=$1 data=$2 device=${DEVICE:-gpu} iterations=${ITERATIONS:-8000} samples=${SAMPLES:-10000}
read -r -a sets <<< "${SETS:-}"
[ -f "$data/train-images-idx3-ubyte.gz" ] || { echo "no Fashion-MNIST in $data" >&2; exit 3; }
mkdir -p "$out"
run=/tmp/ect-1hour/fashion-ect
ectstream train --config configs/fashion-ect-1hour.yaml --init models/fashion-teacher.ckpt --device "$device" \
  --run-dir "$run" --set "data.path=$data" --set "ect.kimg=$(python3 -c "print($iterations * 128 / 1000)")" \
  --set checkpoint.everySteps=1205 --set log.everySteps=500 "${sets[@]/#/--set=}" > "$out/ect-1hour-train.log" 2>&1
ckpts=$(ls $run/step-000006025.ckpt "$(ls $run/step-*.ckpt | sort | tail -1)" | sort -u | paste -sd,)
ectstream score --checkpoint "$ckpts" --weights ema --sampler ect1,ect2 --t-mid 0.821,1.2 \
  --extractor feature-net:models/fashion-mnist.feature-net --reference-stats models/fashion-mnist-train.reference-stats \
  --device "$device" --samples "$samples" --seed 0 --batch-size 2000 --results "$out/ect-1hour-scores.jsonl"
