#!/usr/bin/env python3
"""Issue 30's first 300 iterations on one H100 (results/early-losses.jsonl: the loss of every iteration, seeds 1-4,
the 1-hour recipe on the shipped teacher; arms: both programs, ours again with libtorch's TF32 flag set, and the
reference's code with ECT Stream's per-step seeds): the mean loss per window of iterations, per run and per arm.
  python3 study/fashion-gpu/early_losses.py [results/early-losses.jsonl]"""
import json
import os
import statistics
import sys

WINDOWS = [(1, 2), (3, 4), (5, 25), (26, 100), (101, 200), (201, 300)]
path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), 'results', 'early-losses.jsonl')
runs = [json.loads(line) for line in open(path)]
print('| run | ' + ' | '.join(f'{a}-{b}' for a, b in WINDOWS) + ' |')
print('|---|' + '---:|' * len(WINDOWS))
means = {}
for run in runs:
    row = [statistics.mean(run['losses'][a - 1:b]) for a, b in WINDOWS]
    means.setdefault(run['arm'], []).append(row)
    print(f"| {run['arm']} seed {run['seed']} | " + ' | '.join(f'{v:.2f}' for v in row) + ' |')
for arm, rows in means.items():
    print(f'| **{arm}, mean** | ' + ' | '.join(f'{statistics.mean(c):.2f}' for c in zip(*rows)) + ' |')
