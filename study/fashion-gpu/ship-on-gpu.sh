#!/usr/bin/env bash
# The GPU study's shipped tuned model: the sweep's best recipe (the reference's short-budget one: q = 256 without
# doubling, RAdam 1e-4, EMA 0.9993, batch 128) for 800 iterations (10% of the teacher's pretraining images), then its
# student weights exported as a servable checkpoint (the EMA still lags the student after 800 iterations) and scored.
#   bash .gpu/on-device bash study/fashion-gpu/ship-on-gpu.sh OUT TEACHER DATA_DIR
# As these sessions ran (before issue 30): TF32 on (--tf32) and the network's tuning dropout 0.1 (ect.dropout=null);
# today's defaults are the reference's (TF32 off, dropout 0.2: configs/fashion-ect-1hour.yaml, ect-1hour-on-gpu.sh).
set -euo pipefail
out=$1 teacher=$2 data=$3 device=${DEVICE:-gpu}
read -r -a sets <<< "${SETS:-}"
[ -f "$data/train-images-idx3-ubyte.gz" ] || { echo "no Fashion-MNIST in $data" >&2; exit 3; }
mkdir -p "$out"
run=/tmp/ship/fashion-ect
rm -rf /tmp/ship
ectstream train --tf32 --set ect.dropout=null --config configs/fashion-gpu.yaml --init "$teacher" --device "$device" --run-dir "$run" \
  --set "data.path=$data" --set ect.kimg=102.4 --set checkpoint.everySteps=160 --set log.everySteps=80 \
  "${sets[@]/#/--set=}" > "$out/ship-train.log" 2>&1
last=$(ls $run/step-*.ckpt | sort | tail -1)
ectstream export-weights --checkpoint "$last" --weights student --out "$out/fashion-ect.ckpt" >> "$out/ship-train.log" 2>&1
ectstream score --checkpoint "$last" --weights ema,student --sampler ect1,ect2 --t-mid 0.821,1.2 \
  --extractor feature-net:models/fashion-mnist.feature-net --reference-stats models/fashion-mnist-train.reference-stats \
  --device "$device" --samples "${SAMPLES:-10000}" --seed 0 --batch-size 2000 --grid-dir "$out/grids" \
  --results "$out/ship-scores.jsonl" >> "$out/ship-train.log" 2>&1
