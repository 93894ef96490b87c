#!/usr/bin/env python3
"""The pretraining run whose newest scored checkpoint has the lowest Heun FID, from flatten-on-gpu.sh's scores.

    python3 study/fashion-gpu/best_teacher.py /tmp/study/flatten-scores.jsonl

Prints "<run id> <images seen>": the EMA export /tmp/study/<run id>-ema.ckpt and its pretraining images, what
tune-new-on-gpu.sh takes as TEACHER and TEACHER_IMAGES.
"""
import json
import sys

newest = {}
with open(sys.argv[1]) as f:
    for row in map(json.loads, f):
        if row["sampler"].startswith("heun") and row["step"] >= newest.get(row["runId"], {"step": -1})["step"]:
            newest[row["runId"]] = row
best = min(newest.values(), key=lambda row: row["fid"])
print(best["runId"], best["imagesSeen"])
