#!/usr/bin/env python3
"""FID against tuning images for each ECT recipe of the GPU study (RESULTS.md), from the sweep's score lines.

    /usr/bin/python3 study/fashion-gpu/plot_sweep.py study/fashion-gpu/results/sweep-scores.jsonl docs/ect-gpu-sweep.png

Needs matplotlib (Debian: python3-matplotlib). Solid lines: student weights; dashed: EMA weights; 2-step at
t_mid = 0.821 on the left, 1-step on the right; the teacher's Heun (35 NFE) FID and the goals as horizontal lines.
"""
import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

rows = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    key = (r["runId"], r["step"], r["sampler"], r.get("weights", "ema"), r["tMid"])
    rows[key] = r
teacher_heun = min(r["fid"] for r in rows.values() if r["sampler"] == "heun35")
recipes = sorted({k[0] for k, r in rows.items() if r["phase"] == "ECT"})

fig, axes = plt.subplots(1, 2, figsize=(13, 5), sharey=True)
for ax, sampler, goal in ((axes[0], "ect2", 1.2), (axes[1], "ect1", 1.5)):
    for i, recipe in enumerate(recipes):
        color = f"C{i}"
        for weights, style in (("student", "-"), ("ema", "--")):
            points = sorted(
                (r["imagesSeen"] / 1000, r["fid"])
                for k, r in rows.items()
                if k[0] == recipe and k[2] == sampler and k[3] == weights and abs(k[4] - 0.821) < 1e-9
            )
            if points:
                ax.plot(*zip(*points), style, color=color, marker="o", ms=3,
                        label=f"{recipe} ({weights})")
    ax.axhline(teacher_heun, color="k", lw=1, label=f"teacher Heun 35 NFE ({teacher_heun:.1f})")
    ax.axhline(goal * teacher_heun, color="k", lw=1, ls=":", label=f"goal {goal}x teacher")
    ax.set_yscale("log")
    ax.set_xlabel("tuning images (kimg; 102.4 = 10% of pretraining)")
    ax.set_title(f"{'2-step (t_mid 0.821)' if sampler == 'ect2' else '1-step'} FID, 10k samples")
    ax.grid(True, which="both", alpha=0.3)
axes[0].set_ylabel("FID (project feature network)")
axes[1].legend(fontsize=7, loc="upper right")
fig.tight_layout()
fig.savefig(sys.argv[2], dpi=110)
print("wrote", sys.argv[2])
