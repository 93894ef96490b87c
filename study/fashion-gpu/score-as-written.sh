#!/usr/bin/env bash
# Scores each checkpoint of a run folder once, in step order, as the trainer writes them, until DONE_FILE exists and
# every checkpoint is scored. Checkpoints listed in RUN_DIR.scored (one path a line) count as scored already, so a
# caller can skip the ones a run resumed from, and a second call after a resumed run picks up where the first stopped.
#   study/fashion-gpu/score-as-written.sh RUN_DIR DONE_FILE LOG SCORE_ARGS...
# SCORE_ARGS go to `ectstream score` after --checkpoint (samplers, weights, device, --results, ...).
set -uo pipefail
run=$1 done_file=$2 log=$3
shift 3
scored="$run.scored"
touch "$scored"
while true; do
  finished=no
  [ -f "$done_file" ] && finished=yes
  pending=$(ls "$run"/step-*.ckpt 2>/dev/null | sort | grep -vxF -f "$scored" || true)
  for ckpt in $pending; do
    echo "$ckpt" >> "$scored"
    ectstream score --checkpoint "$ckpt" "$@" >> "$log" 2>&1 || echo "score of $ckpt failed" >> "$log"
  done
  [ -z "$pending" ] && [ "$finished" = yes ] && break
  [ -z "$pending" ] && sleep 5
done
