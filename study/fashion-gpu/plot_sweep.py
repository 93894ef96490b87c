#!/usr/bin/env python3
"""FID against tuning images for every ECT recipe of the GPU study (RESULTS.md), all teachers in one plot.

    /usr/bin/python3 study/fashion-gpu/plot_sweep.py docs/ect-gpu-sweep.png \
        "1 Mimg teacher:1024:study/fashion-gpu/results/sweep-scores.jsonl" \
        "1 Mimg teacher, long:1024:study/fashion-gpu/results/long-scores.jsonl" \
        "4 Mimg teacher:4096:study/fashion-gpu/results/tune2-scores.jsonl" \
        "7.7 Mimg teacher:7712.768:study/fashion-gpu/results/tune3-scores.jsonl"

Each series is LABEL:TEACHER_KIMG:SCORES (one JSON line per checkpoint, weights and sampler, as `score --results`
writes them). Teachers of different lengths share the axes through the issue's own terms: x is the tuning images as a
share of the teacher's pretraining images, y the FID over that teacher's Heun (35 NFE) FID, so the goals (2-step
<= 1.2x, 1-step <= 1.5x) are horizontal lines. The Heun FID is read from the file's heun35 line, else from the
teacher scores (study/fashion-gpu/results/teacher32-scores.jsonl) at the teacher's images.
Solid: student weights; dashed: EMA weights; 2-step at t_mid 0.821 on the left, 1-step on the right.
Needs matplotlib (Debian: python3-matplotlib).
"""
import json
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

TEACHER_SCORES = os.path.join(os.path.dirname(__file__), "results", "teacher32-scores.jsonl")


def read(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def teacher_heun(rows, teacher_kimg):
    own = [r["fid"] for r in rows if r["sampler"] == "heun35"]
    if own:
        return min(own)
    matches = [r["fid"] for r in read(TEACHER_SCORES)
               if r["sampler"] == "heun35" and r["imagesSeen"] == teacher_kimg * 1000]
    if not matches:
        sys.exit(f"no Heun FID for a {teacher_kimg} kimg teacher")
    return matches[0]


out, series = sys.argv[1], sys.argv[2:]
fig, axes = plt.subplots(1, 2, figsize=(14, 5.5), sharey=True)
color = 0
for spec in series:
    label, teacher_kimg, path = spec.split(":", 2)
    teacher_kimg = float(teacher_kimg)
    rows = read(path)
    heun = teacher_heun(rows, teacher_kimg)
    tuned = [r for r in rows if r["phase"] == "ECT" and abs(r["tMid"] - 0.821) < 1e-9]
    for recipe in sorted({r["runId"] for r in tuned}):
        for ax, sampler in ((axes[0], "ect2"), (axes[1], "ect1")):
            for weights, style in (("student", "-"), ("ema", "--")):
                points = sorted((100 * r["imagesSeen"] / (1000 * teacher_kimg), r["fid"] / heun)
                                for r in tuned
                                if r["runId"] == recipe and r["sampler"] == sampler
                                and r.get("weights", "ema") == weights)
                if points:
                    ax.plot(*zip(*points), style, color=plt.get_cmap("tab20")(color % 20), marker="o", ms=3,
                            label=f"{label} (Heun {heun:.2f}): {recipe}, {weights}")
        color += 1
for ax, sampler, goal in ((axes[0], "2-step (t_mid 0.821)", 1.2), (axes[1], "1-step", 1.5)):
    ax.axhline(goal, color="k", lw=1, ls=":", label="goal: 1.2x (2-step), 1.5x (1-step)")
    ax.axhline(1, color="k", lw=1)
    ax.axvline(10, color="grey", lw=1, ls="-.")
    ax.set_yscale("log")
    ax.set_xlabel("tuning images, % of the teacher's pretraining images (the goal allows 10%)")
    ax.set_title(f"{sampler} FID / teacher's Heun (35 NFE) FID, 10k samples")
    ax.grid(True, which="both", alpha=0.3)
axes[0].set_ylabel("FID ratio to the teacher (project feature network)")
handles, labels = axes[1].get_legend_handles_labels()
fig.legend(handles, labels, fontsize=6.5, loc="center left", bbox_to_anchor=(1.0, 0.5))
fig.tight_layout()
fig.savefig(out, dpi=110, bbox_inches="tight")
print("wrote", out)
