"""mindt: offline RL with decision models — the C++ core's scan operators, environments, datasets
and policies for Python.

    import mindt
    h = mindt.ops.linear_scan(a, b)              # fused scan, differentiable, CPU and CUDA
    layer = mindt.nn.MinGRU(128)                 # parallel forward, O(1) step
    envs = mindt.envs.make_vec("hopper", num_envs=8, seed=0)
"""

import torch  # noqa: F401  (loads LibTorch before the extension that links it)

from mindt import _core  # noqa: E402  (registers torch.ops.mindt.*)
from mindt import datasets, envs, nn, ops, policy, stats  # noqa: E402

DataError = _core.DataError  # a malformed, missing or unreadable dataset (a ValueError)
ConfigError = _core.ConfigError  # a YAML config with a wrong key, type or value (a ValueError)
CheckpointError = _core.CheckpointError  # a checkpoint that is not mindt's or is damaged (a ValueError)

__version__ = "0.1.0"
__all__ = ["ops", "nn", "envs", "datasets", "policy", "stats", "DataError", "ConfigError", "CheckpointError", "__version__"]
