#!/usr/bin/env python3
"""The tuning run whose last checkpoint has the lowest 2-step FID, from the score lines of a sweep.

    python3 study/fashion-gpu/best_run.py DIR      # DIR holds one <run name>.jsonl per run (score --results)

Prints "<run name> <step> <weights>" (nothing when no run has a 2-step score): what tune-on-gpu.sh and
tune-new-on-gpu.sh sweep over t_mid and export.
"""
import glob
import json
import os
import sys

best = None
for path in glob.glob(os.path.join(sys.argv[1], "*.jsonl")):
    with open(path) as f:
        rows = [json.loads(line) for line in f]
    rows = [r for r in rows if r["sampler"] == "ect2" and r["phase"] == "ECT"]
    if not rows:
        continue
    last = max(r["step"] for r in rows)
    for r in rows:
        if r["step"] == last and (best is None or r["fid"] < best[0]):
            best = (r["fid"], os.path.basename(path)[:-len(".jsonl")], r["step"], r["weights"])
print(" ".join(map(str, best[1:])) if best else "")
