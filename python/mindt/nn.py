"""minGRU and minLSTM ("Were RNNs All We Needed?", Feng et al. 2024) as ``torch.nn`` modules.

The parameterisation is the C++ layers' (agents/layers/min_rnn): one ``gates`` projection from
``dim`` to ``G·inner_dim`` (G = 2 for minGRU, 3 for minLSTM), the recurrence on the fused kernel,
and an ``out`` projection back to ``dim`` when ``inner_dim = int(dim·expansion)`` differs from ``dim``.
Two modes compute the same function:

- ``forward(x[B, T, dim], h0)``: parallel over time (the fused scan), for training;
- ``step(x[B, dim], h)``: one step, O(1), for generation and control.

Both return ``(output, state)``; ``state`` (``[B, inner_dim]``) carries into the next call.
"""

from __future__ import annotations

from typing import Optional

import torch
from torch import nn

from mindt import ops

__all__ = ["MinGRU", "MinLSTM"]


class _MinRNN(nn.Module):
    kind: str = ""
    groups: int = 0

    def __init__(self, dim: int, expansion: float = 1.0, *, device=None, dtype=None):
        super().__init__()
        if dim < 1:
            raise ValueError(f"{type(self).__name__}: dim must be at least 1, got {dim}")
        self.dim = dim
        self.inner_dim = int(dim * expansion)
        if self.inner_dim < 1:
            raise ValueError(f"{type(self).__name__}: dim·expansion must be at least 1, got {dim}·{expansion}")
        factory = {"device": device, "dtype": dtype}
        self.gates = nn.Linear(dim, self.groups * self.inner_dim, **factory)
        self.out = nn.Linear(self.inner_dim, dim, **factory) if self.inner_dim != dim else None

    def _project_out(self, h: torch.Tensor) -> torch.Tensor:
        return self.out(h) if self.out is not None else h

    def forward(self, x: torch.Tensor, h0: Optional[torch.Tensor] = None) -> tuple[torch.Tensor, torch.Tensor]:
        """``x`` ``[B, T, dim]`` → (output ``[B, T, dim]``, last state ``[B, inner_dim]``)."""
        if x.dim() != 3:
            raise ValueError(f"{type(self).__name__}.forward: x must be [B, T, dim], got {tuple(x.shape)}")
        h = ops.gated_scan(self.gates(x), h0, self.kind)
        return self._project_out(h), h[:, -1]

    def step(self, x: torch.Tensor, h: Optional[torch.Tensor] = None) -> tuple[torch.Tensor, torch.Tensor]:
        """One step: ``x`` ``[B, dim]`` and state ``h`` (zeros when ``None``) → (output, new state)."""
        if x.dim() != 2:
            raise ValueError(f"{type(self).__name__}.step: x must be [B, dim], got {tuple(x.shape)}")
        a, b = ops.gate_coefficients(self.gates(x), self.kind)
        h = b if h is None else a * h + b
        return self._project_out(h), h

    def extra_repr(self) -> str:
        return f"dim={self.dim}, inner_dim={self.inner_dim}"


class MinGRU(_MinRNN):
    """minGRU: ``h_t = (1 − z_t) ⊙ h_{t−1} + z_t ⊙ g(h̃_t)``, ``z = σ(k)``, from ``gates(x) = [k | h̃]``."""

    kind = "mingru"
    groups = 2


class MinLSTM(_MinRNN):
    """minLSTM: ``h_t = f'_t ⊙ h_{t−1} + i'_t ⊙ g(h̃_t)`` with the normalised gates
    ``f' = f/(f+i)``, ``i' = i/(f+i)``, from ``gates(x) = [f | i | h̃]``."""

    kind = "minlstm"
    groups = 3
