#!/usr/bin/env python3
"""The Python package against what its users would otherwise import, side by side in one run.

1. nn: forward + backward of sum(output) through one minGRU layer, B = 64, D = 128,
   T = 64, 512, 4096 — mindt.nn.MinGRU (fused scan op) against the `minGRU-pytorch` package (PyPI;
   the paper's log-space scan) and torch.nn.GRU (cuDNN-less on the CPU: ATen's sequential GRU).
2. envs: environment steps per second of N hoppers with random actions, N = 1, 8, 32 —
   mindt.envs.make_vec (C++ envs, C++ thread pool) against gymnasium's SyncVectorEnv and
   AsyncVectorEnv (one process per env) of gymnasium's own Hopper-v4.

Prints a table with the ratio peer/mindt (above 1: mindt is faster) and the machine. Run after
tools/setup.sh (which installs the package):
    ~/.cache/mindt/venv/bin/python tools/bench_python_package.py [--parts nn,envs] [--quick] [--json FILE]
"""

import argparse
import json
import os
import platform
import statistics
import time
import warnings

import gymnasium
import numpy as np
import torch

import mindt
import mindt.envs
import mindt.nn


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def median_seconds(fn, repeat: int, warmup: int = 1) -> float:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


# --- 1. the minGRU layer ---------------------------------------------------------------------


def bench_nn(lengths, repeat):
    from minGRU_pytorch import minGRU

    B, D = 64, 128
    torch.manual_seed(0)
    ours = mindt.nn.MinGRU(D)
    peer = minGRU(D)
    gru = torch.nn.GRU(D, D, batch_first=True)
    layers = {"mindt.nn.MinGRU": lambda x: ours(x)[0], "minGRU-pytorch": peer, "torch.nn.GRU": lambda x: gru(x)[0]}
    rows = []
    for T in lengths:
        x = torch.randn(B, T, D, requires_grad=True)
        times = {}
        for name, layer in layers.items():
            def step():
                x.grad = None
                layer(x).sum().backward()
            times[name] = median_seconds(step, repeat if T < 4096 or name != "torch.nn.GRU" else max(2, repeat // 3))
        rows.append({"T": T, **{k: v * 1e3 for k, v in times.items()}})
        base = times["mindt.nn.MinGRU"]
        print(f"  T={T:5d}  mindt {base * 1e3:9.2f} ms   minGRU-pytorch {times['minGRU-pytorch'] * 1e3:9.2f} ms "
              f"({times['minGRU-pytorch'] / base:5.1f}x)   torch.nn.GRU {times['torch.nn.GRU'] * 1e3:9.2f} ms "
              f"({times['torch.nn.GRU'] / base:5.1f}x)", flush=True)
    return rows


# --- 2. vector environments -------------------------------------------------------------------


def gym_hopper():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return gymnasium.make("Hopper-v4")


def steps_per_second(venv, N, steps):
    rng = np.random.default_rng(0)
    actions = rng.uniform(-1, 1, (steps, N, 3)).astype(np.float32)
    venv.reset(seed=0)
    for a in actions[:10]:
        venv.step(a)
    start = time.perf_counter()
    for a in actions:
        venv.step(a)
    return N * steps / (time.perf_counter() - start)


def bench_envs(sizes, steps):
    rows = []
    for N in sizes:
        ours = mindt.envs.make_vec("hopper", num_envs=N, seed=0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sync = gymnasium.vector.SyncVectorEnv([gym_hopper for _ in range(N)])
            asyn = gymnasium.vector.AsyncVectorEnv([gym_hopper for _ in range(N)])
        r = {"N": N, "mindt": steps_per_second(ours, N, steps), "SyncVectorEnv": steps_per_second(sync, N, steps),
             "AsyncVectorEnv": steps_per_second(asyn, N, steps)}
        sync.close()
        asyn.close()
        rows.append(r)
        print(f"  N={N:3d}  mindt {r['mindt']:10.0f} steps/s   SyncVectorEnv {r['SyncVectorEnv']:9.0f} "
              f"({r['mindt'] / r['SyncVectorEnv']:5.1f}x)   AsyncVectorEnv {r['AsyncVectorEnv']:9.0f} "
              f"({r['mindt'] / r['AsyncVectorEnv']:5.1f}x)", flush=True)
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--parts", default="nn,envs", help="comma-separated: nn, envs")
    parser.add_argument("--quick", action="store_true", help="fewer repeats and shorter sequences (a smoke run)")
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's default)")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    parts = set(args.parts.split(","))
    unknown = parts - {"nn", "envs"}
    if unknown:
        parser.error(f"unknown part(s) {sorted(unknown)}; expected nn, envs")
    if args.threads:
        torch.set_num_threads(args.threads)
    print(f"machine: {cpu_model()}, {os.cpu_count()} cores; ATen CPU capability "
          f"{torch.backends.cpu.get_cpu_capability()}; torch {torch.__version__} ({torch.get_num_threads()} threads); "
          f"mindt {mindt.__version__}")
    results = {"machine": cpu_model(), "cpu_capability": torch.backends.cpu.get_cpu_capability(),
               "torch_threads": torch.get_num_threads()}
    if "nn" in parts:
        print("minGRU layer, forward + backward, B=64 D=128 (ratio: peer time / mindt time)")
        results["nn"] = bench_nn([64, 512] if args.quick else [64, 512, 4096], 3 if args.quick else 10)
    if "envs" in parts:
        print("Hopper vector envs, random actions (ratio: mindt steps/s / peer steps/s)")
        results["envs"] = bench_envs([1, 8] if args.quick else [1, 8, 32], 100 if args.quick else 1000)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)


if __name__ == "__main__":
    main()
