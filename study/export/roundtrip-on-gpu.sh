#!/usr/bin/env bash
# PyTorch interop check of `export-weights --format safetensors` (issue 22): export a checkpoint, load it into
# locuslab/ect's ECMPrecond(SongUNet) with load_state_dict(strict=True), compare the reference's D(x, sigma)
# with ectstream's on the same inputs, then import the file back and check that the imported checkpoint gives
# bit-identical D.
#
#   study/export/roundtrip-on-gpu.sh REFERENCE_CHECKOUT [CHECKPOINT] [CONFIG] [OUT_DIR]
#
# REFERENCE_CHECKOUT: a checkout of github.com/locuslab/ect (e.g. git -C <mirror> archive HEAD | tar -x -C DIR).
# CHECKPOINT defaults to models/fashion-teacher.ckpt, CONFIG (its network, for import) to
# configs/fashion-teacher.yaml, OUT_DIR to runs/export-roundtrip. PYTHON picks the interpreter (default python3,
# which needs torch and numpy; the safetensors package is used when installed), TORCH_DEVICE the reference's
# device (default: cuda when PyTorch sees a GPU, else cpu). ectstream computes on the CPU in float32.
# Exit status: 0 when the difference is within tolerance (1e-3 absolute) and the round trip is exact.
set -euo pipefail
ectstream="${ECTSTREAM:-./ectstream}"  # ECTSTREAM=ectstream where the command is on the PATH (the GPU machine)
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
reference="${1:?usage: $0 REFERENCE_CHECKOUT [CHECKPOINT] [CONFIG] [OUT_DIR]}"
checkpoint="${2:-$here/models/fashion-teacher.ckpt}"
config="${3:-$here/configs/fashion-teacher.yaml}"
out="${4:-$here/runs/export-roundtrip}"
python="${PYTHON:-python3}"
device="${TORCH_DEVICE:-$("$python" -c 'import torch; print("cuda" if torch.cuda.is_available() else "cpu")')}"
seeds=1,2,3
sigmas=80,10,2.5,0.5,0.05
mkdir -p "$out"
cd "$here"

"$ectstream" export-weights --checkpoint "$checkpoint" --format safetensors --out "$out/model.safetensors"
"$ectstream" denoise --checkpoint "$checkpoint" --seed "$seeds" --sigma "$sigmas" --out "$out/ectstream.npz"
"$python" study/export/reference_denoise.py --reference "$reference" --safetensors "$out/model.safetensors" \
  --denoise "$out/ectstream.npz" --device "$device"

"$ectstream" import-weights --safetensors "$out/model.safetensors" --config "$config" --out "$out/imported.ckpt"
"$ectstream" denoise --checkpoint "$out/imported.ckpt" --seed "$seeds" --sigma "$sigmas" --out "$out/imported.npz"
"$python" - "$out/ectstream.npz" "$out/imported.npz" <<'PY'
import sys
import numpy as np
a, b = np.load(sys.argv[1]), np.load(sys.argv[2])
same = all(np.array_equal(a[k], b[k]) for k in ("x", "sigma", "d"))
print("round trip export -> import: D(x, sigma) " + ("bit-identical" if same else "DIFFERS"))
sys.exit(0 if same else 1)
PY
