"""Learning curves of mindt runs: loss and normalized score against training step.

  python tools/plot_runs.py RUN_DIR [RUN_DIR ...] [--out curves.png]

Reads each RUN_DIR/log.jsonl (written by `mindt train`) and draws one line per run (labelled by
the run's folder name) in two panels: training loss (log scale) and, for each evaluation, the mean
D4RL-normalized score over its targets' best (the highest-scoring target), with ± std shading.
Writes a PNG (atomically).
"""
import argparse
import json
import os
import sys
import tempfile

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def read_log(run_dir):
    path = os.path.join(run_dir, "log.jsonl")
    if not os.path.isfile(path):
        sys.exit(f"plot_runs: {path}: no such file (is {run_dir} a mindt run directory?)")
    losses, evals = [], []
    with open(path) as f:
        for number, line in enumerate(f, 1):
            try:
                row = json.loads(line)
            except json.JSONDecodeError as e:
                sys.exit(f"plot_runs: {path}:{number}: not JSON ({e})")
            if "loss" in row:
                losses.append((row["step"], row["loss"]))
            if "eval" in row:
                best = max(row["eval"], key=lambda r: r["score_mean"])
                evals.append((row["step"], best["score_mean"], best.get("score_std", 0.0)))
    return losses, evals


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("runs", nargs="+", metavar="RUN_DIR")
    parser.add_argument("--out", default="curves.png", help="PNG to write (default: curves.png)")
    args = parser.parse_args()

    fig, (loss_ax, score_ax) = plt.subplots(1, 2, figsize=(12, 4.5))
    for run in args.runs:
        losses, evals = read_log(run)
        label = os.path.basename(os.path.normpath(run))
        if losses:
            steps, values = zip(*losses)
            loss_ax.plot(steps, values, label=label)
        if evals:
            steps, means, stds = zip(*evals)
            score_ax.plot(steps, means, marker="o", label=label)
            score_ax.fill_between(steps, [m - s for m, s in zip(means, stds)],
                                  [m + s for m, s in zip(means, stds)], alpha=0.2)
    loss_ax.set(xlabel="step", ylabel="action MSE", yscale="log", title="training loss")
    score_ax.set(xlabel="step", ylabel="D4RL normalized score", title="evaluation (best target)")
    for ax in (loss_ax, score_ax):
        ax.grid(alpha=0.3)
        if ax.lines:
            ax.legend()
    fig.tight_layout()
    directory = os.path.dirname(os.path.abspath(args.out))
    with tempfile.NamedTemporaryFile(dir=directory, suffix=".png", delete=False) as tmp:
        fig.savefig(tmp.name, dpi=110)
    os.replace(tmp.name, args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
