# Shared by the multi-GPU study scripts (run-on-x2.sh, train-on-x2.sh): sourced after they set out (the output
# folder), started (the start time), pids (background processes) and ectstream; each sets its own EXIT trap.

# log TEXT: a line with the script's name and the seconds since its start, on stderr and in OUTDIR/summary.txt.
log() { echo "[$(basename "$0" .sh) +$(( $(date +%s) - started ))s] $*" | tee -a "$out/summary.txt" >&2; }
fail() { log "FAILED: $*"; exit 1; }
# stop_pids: ends the background processes the script started (for its EXIT trap).
stop_pids() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
# step NAME LIMIT_S COMMAND...: runs it with its log in OUTDIR/NAME.log, stops everything when it fails.
step() {
  local name=$1 limit=$2
  shift 2
  log "$name: $*"
  local rc=0
  timeout "$limit" "$@" > "$out/$name.log" 2>&1 || rc=$?
  if [ "$rc" -ne 0 ]; then
    tail -25 "$out/$name.log" >&2
    fail "$name (exit $rc$([ "$rc" -eq 124 ] && echo ", over ${limit}s"), log $out/$name.log)"
  fi
}
# check_machine PAIR: ectstream on the PATH, OUTDIR/machine.txt, two GPUs when PAIR names GPUs, and
# OUTDIR/smi.csv (GPU memory and utilisation every 0.5 s) while the script runs.
check_machine() {
  command -v "$ectstream" >/dev/null || fail "no $ectstream on the PATH (run through .gpu/on-device)"
  { date -u; command -v nvidia-smi >/dev/null && nvidia-smi -L; } > "$out/machine.txt" 2>&1 || true
  if [[ $1 == gpu* ]] && command -v nvidia-smi >/dev/null; then
    local gpus
    gpus=$(nvidia-smi -L | grep -c '^GPU ' || true)
    [ "$gpus" -ge 2 ] || fail "this needs two GPUs; nvidia-smi lists $gpus"
  fi
  if command -v nvidia-smi >/dev/null; then
    nvidia-smi --query-gpu=timestamp,index,memory.used,utilization.gpu --format=csv,noheader -lms 500 \
      > "$out/smi.csv" 2>/dev/null & pids+=($!)
  fi
}
