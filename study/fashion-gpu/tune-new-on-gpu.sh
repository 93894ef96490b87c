#!/usr/bin/env bash
# A longer-trained teacher tuned for 10% of its pretraining images with two recipes side by side, one per GPU (the GPU
# study's sessions 2 and 3, RESULTS.md, issue 18): a checkpoint every 2% of those images, each scored with EMA and
# student weights as it appears; the teacher scored with the same seeds; the best final 2-step model swept over t_mid,
# its grids drawn, and its weights exported as the servable tuned model.
#   bash .gpu/on-device bash study/fashion-gpu/tune-new-on-gpu.sh OUT DATA_DIR
# The teacher is TEACHER (default /tmp/study/teacher32-ema.ckpt, the EMA export of continue-on-gpu.sh or
# flatten-on-gpu.sh on the same machine) with TEACHER_IMAGES pretraining images (default: the newest checkpoint of
# /tmp/study/teacher32 x 512). TRAIN_SECONDS bounds the tuning runs; the same command run again on the same machine
# resumes them and scores only what is new. DEVICES (default gpu:0,gpu:1: one per recipe), TEACHER_SAMPLERS (default
# heun,ect1,ect2; empty skips the teacher), SAMPLES and SETS may come from the environment.
# As these sessions ran (before issue 30): TF32 on (--tf32) and the network's tuning dropout 0.1 (ect.dropout=null);
# today's defaults are the reference's (TF32 off, dropout 0.2: configs/fashion-ect-1hour.yaml, ect-1hour-on-gpu.sh).
set -euo pipefail
out=$1 data=$2 samples=${SAMPLES:-10000}
IFS=, read -r -a devices <<< "${DEVICES:-gpu:0,gpu:1}"
read -r -a sets <<< "${SETS:-}"
here=$(dirname "$0")
[ -f "$data/train-images-idx3-ubyte.gz" ] || { echo "no Fashion-MNIST in $data" >&2; exit 3; }
teacher=${TEACHER:-/tmp/study/teacher32-ema.ckpt}
[ -f "$teacher" ] || { echo "no $teacher (run continue-on-gpu.sh or flatten-on-gpu.sh first)" >&2; exit 3; }
mkdir -p "$out/logs" "$out/grids"
export ECTSTREAM_JAVA_OPTS=${ECTSTREAM_JAVA_OPTS:--Xmx8g}
images=${TEACHER_IMAGES:-}
if [ -z "$images" ]; then
  step=$(ls /tmp/study/teacher32/step-*.ckpt | sort | tail -1 | grep -oE '[0-9]+' | tail -1)
  images=$((10#$step * 512))
fi
# 10% of the teacher's pretraining images at the tuning batch of 128
iterations=$((images / 10 / 128))
every=$((iterations / 5))
echo "teacher $teacher, $((images / 1000)) kimg: $iterations tuning iterations, a checkpoint every $every" \
  | tee -a "$out/plan.txt"
recipes=(
  "ref-q256-lr1e-4-ema0.9993|ect.q=256 ect.doubling=false ect.optimizer.lr=1.0e-4 ect.ema.beta=0.9993"
  "q256-lr2e-4-ema0.999|ect.q=256 ect.doubling=false ect.optimizer.lr=2.0e-4 ect.ema.beta=0.999"
)
score_args=(--extractor feature-net:models/fashion-mnist.feature-net
  --reference-stats models/fashion-mnist-train.reference-stats --samples "$samples" --seed 0 --batch-size 2000)
# one <run>.jsonl per tuning run in /tmp/tune2 (what best_run.py reads); the other scores in /tmp/tune2-other
mkdir -p /tmp/tune2 /tmp/tune2-other

smi=
if command -v nvidia-smi > /dev/null; then
  nvidia-smi --query-gpu=timestamp,index,memory.used,utilization.gpu --format=csv,noheader -lms 1000 \
    >> "$out/logs/smi.csv" &
  smi=$!
fi
bound=()
[ -n "${TRAIN_SECONDS:-}" ] && bound=(timeout --signal=TERM "$TRAIN_SECONDS")
runs=()
i=0
for recipe in "${recipes[@]}"; do
  name=${recipe%%|*} device=${devices[$((i % ${#devices[@]}))]}
  read -r -a own <<< "${recipe#*|}"
  rm -f "/tmp/tune2/$name.finished"
  ("${bound[@]}" ectstream train --tf32 --set ect.dropout=null --config configs/fashion-gpu.yaml --init "$teacher" --device "$device" \
    --run-dir "/tmp/tune2/$name" --set "data.path=$data" --set "ect.kimg=$(python3 -c "print($iterations * 128 / 1000)")" \
    --set "checkpoint.everySteps=$every" --set log.everySteps=200 "${own[@]/#/--set=}" "${sets[@]/#/--set=}" \
    >> "$out/logs/$name-train.log" 2>&1 || true; touch "/tmp/tune2/$name.finished") &
  runs+=($!)
  "$here/score-as-written.sh" "/tmp/tune2/$name" "/tmp/tune2/$name.finished" "$out/logs/$name-score.log" \
    --sampler ect1,ect2 --weights ema,student --device "$device" "${score_args[@]}" --results "/tmp/tune2/$name.jsonl" &
  runs+=($!)
  i=$((i + 1))
done
teacher_samplers=${TEACHER_SAMPLERS-heun,ect1,ect2}
if [ -n "$teacher_samplers" ]; then
  ectstream score --checkpoint "$teacher" --sampler "$teacher_samplers" --t-mid 0.4,0.6,0.821,1.2 \
    --device "${devices[0]}" "${score_args[@]}" --grid-dir "$out/grids" --results /tmp/tune2-other/teacher.jsonl \
    > "$out/logs/teacher-score.log" 2>&1 &
  runs+=($!)
fi
wait "${runs[@]}" || true
[ -n "$smi" ] && kill "$smi" 2>/dev/null || true

best=$(python3 "$here/best_run.py" /tmp/tune2)
if [ -n "$best" ]; then
  read -r name step weights <<< "$best"
  ckpt=$(printf '/tmp/tune2/%s/step-%09d.ckpt' "$name" "$step")
  echo "best: $name step $step $weights weights" | tee "$out/best.txt"
  rm -f /tmp/tune2-other/best-tmid.jsonl
  ectstream score --checkpoint "$ckpt" --sampler ect1,ect2 --weights "$weights" --t-mid 0.4,0.6,0.821,1.2 \
    --device "${devices[0]}" "${score_args[@]}" --grid-dir "$out/grids" --results /tmp/tune2-other/best-tmid.jsonl \
    > "$out/logs/best-score.log" 2>&1 || true
  ectstream export-weights --checkpoint "$ckpt" --weights "$weights" --out "$out/fashion-ect.ckpt" \
    >> "$out/logs/best-score.log" 2>&1 || true
  sha256sum "$ckpt" "$out/fashion-ect.ckpt" >> "$out/best.txt" || true
fi
cat /tmp/tune2/*.jsonl /tmp/tune2-other/*.jsonl > "$out/scores.jsonl" 2> /dev/null || true
tar -czf "$out/logs.tgz" -C "$out" logs grids && rm -rf "$out/logs" "$out/grids"
