"""The minRNN paper's Fig. 1 from `mindt bench paper --json`: time and memory against sequence length.

  build/mindt bench paper --json > paper.json
  python tools/plot_bench_paper.py paper.json [--out docs/img/bench_paper_cpu.png]

Three panels, one line per sequence layer: ms per training call (forward + loss + backward), the
speed-up of minGRU/minLSTM over GRU/LSTM, and peak extra tensor memory, all against T (log axes).
Skipped lengths are left out. Writes a PNG (atomically).
"""
import argparse
import json
import os
import sys
import tempfile

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("json_file", help="output of `mindt bench paper --json`")
    parser.add_argument("--out", default="bench_paper.png", help="the PNG to write (default: bench_paper.png)")
    args = parser.parse_args()
    try:
        with open(args.json_file) as f:
            rows = json.load(f)["rows"]
    except (OSError, ValueError, KeyError) as e:
        sys.exit(f"plot_bench_paper: {args.json_file}: not the JSON of `mindt bench paper --json` ({e})")
    measured = [r for r in rows if r.get("status") == "ok"]
    if not measured:
        sys.exit(f"plot_bench_paper: {args.json_file}: no measured rows")
    names = list(dict.fromkeys(r["backbone"] for r in measured))
    first = measured[0]

    fig, (ax_time, ax_speed, ax_mem) = plt.subplots(1, 3, figsize=(15, 4.5))
    for name in names:
        points = sorted((r["T"], r["ms"], r["peak_mib"], r.get("speedup")) for r in measured if r["backbone"] == name)
        ts = [p[0] for p in points]
        ax_time.plot(ts, [p[1] for p in points], marker="o", label=name)
        ax_mem.plot(ts, [p[2] for p in points], marker="o", label=name)
        speed = [(p[0], p[3]) for p in points if p[3] is not None]
        if speed:
            partner = {"mingru": "GRU", "minlstm": "LSTM"}.get(name, "")
            ax_speed.plot([s[0] for s in speed], [s[1] for s in speed], marker="o", label=f"{name} over {partner}")
    for ax, title in ((ax_time, "training call (fwd + loss + bwd), ms"), (ax_speed, "speed-up over BPTT RNN"),
                      (ax_mem, "peak extra tensor memory, MiB")):
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.set_xlabel("sequence length T")
        ax.set_title(title)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle(f"B={first['B']}, D={first['D']}, {first['device']}")
    fig.tight_layout()
    out_dir = os.path.dirname(os.path.abspath(args.out))
    os.makedirs(out_dir, exist_ok=True)
    fd, tmp = tempfile.mkstemp(suffix=".png", dir=out_dir)
    os.close(fd)
    fig.savefig(tmp, dpi=110)
    os.replace(tmp, args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
