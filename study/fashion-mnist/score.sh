#!/usr/bin/env bash
# Scores the study's checkpoints with the evaluator's default feature network (10k samples, seeds 0..9999 for
# every checkpoint and sampler), writes 8x8 sample grids and the FID-against-images-seen plot. Already scored
# (checkpoint step, sampler) pairs are skipped, so a stopped run can be restarted.
#   study/fashion-mnist/score.sh [RUN_DIR] [OUT_DIR]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
run_dir="${1:-$root/runs/fashion-teacher}"
out="${2:-$root/study/fashion-mnist/results}"
jar="${ECTSTREAM_JAR:-$root/launcher/target/ectstream.jar}"
samples="${SAMPLES:-10000}"
teacher_step="${TEACHER_STEP-4000}"             # end of pretraining: 256 kimg at batch 64 (empty: skip)
ect_steps="${ECT_STEPS:-4080 4200 4400}"        # tuning budgets 2%, 5% and 10% of the pretraining images
mkdir -p "$out/grids"
results="$out/scores.jsonl"
touch "$results"
export OPT_OUT_TRACKING=true DJL_OFFLINE=true

ectstream() {
  java -Xmx6g ${SCORE_JAVA_OPTS:-} -Dai.djl.offline=true -Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.ectstream.schemas -jar "$jar" "$@"
}

score() {  # score STEP SAMPLERS
  local step="$1" todo=()
  for sampler in ${2//,/ }; do
    local name="$sampler"; [ "$sampler" = heun ] && name=heun35
    grep -q "\"step\":$step,.*\"sampler\":\"$name\"" "$results" || todo+=("$sampler")
  done
  [ ${#todo[@]} -eq 0 ] && return 0
  ectstream score --checkpoint "$(printf '%s/step-%09d.ckpt' "$run_dir" "$step")" \
    --sampler "$(IFS=,; echo "${todo[*]}")" --samples "$samples" --seed 0 \
    --extractor "feature-net:$root/models/fashion-mnist.feature-net" \
    --reference-stats "$root/models/fashion-mnist-train.reference-stats" \
    --grid-dir "$out/grids" --results "$results"
}

[ -n "$teacher_step" ] && score "$teacher_step" ect1,ect2,heun
for step in $ect_steps; do
  score "$step" ect1,ect2
done
ectstream fid-plot --results "$results" --out "$out/fid-vs-kimg.png" \
  --title "Fashion-MNIST: ECT tuning of a 256 kimg teacher (FID, 10k samples)"
