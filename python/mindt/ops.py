"""The scan kernels as PyTorch operators: fused, differentiable, on CPU and CUDA, float32 and float64.

Each is a custom operator (``torch.ops.mindt.*``) with its autograd and a fake (shape-only)
implementation registered here, so ``torch.compile``, ``torch.library.opcheck`` and AOT autograd
treat it like a built-in op.

- :func:`linear_scan`    ``h_t = a_t * h_{t-1} + b_t`` over ``[B, T, D]``
- :func:`gated_scan`     minGRU / minLSTM: the gates formed from pre-activations inside the scan
- :func:`selective_scan` Mamba's S6 recurrence with a diagonal ``A``
"""

from __future__ import annotations

from typing import Optional

import torch

from mindt import _core

__all__ = ["linear_scan", "gated_scan", "selective_scan", "gate_coefficients"]

_GATE_GROUPS = {"mingru": 2, "minlstm": 3}


def linear_scan(a: torch.Tensor, b: torch.Tensor, h0: Optional[torch.Tensor] = None) -> torch.Tensor:
    """The linear recurrence ``h_t = a_t ⊙ h_{t-1} + b_t`` for ``t = 0 … T-1``, ``h_{-1} = h0``.

    Args:
        a, b: ``[B, T, D]``, same dtype (float32 or float64) and device.
        h0: the state before the first step, ``[B, D]``; zeros when ``None``.

    Returns:
        ``h``, ``[B, T, D]``. Differentiable in ``a``, ``b`` and ``h0``.
    """
    return torch.ops.mindt.linear_scan(a, b, h0)


def gated_scan(pre: torch.Tensor, h0: Optional[torch.Tensor] = None, kind: str = "mingru") -> torch.Tensor:
    """minGRU's or minLSTM's recurrence from the gate projection's output.

    ``pre`` is ``[B, T, G·D]``, split along the last dim into G blocks of D channels:
    minGRU (G = 2: ``k | p``): ``a = σ(−k)``, ``b = σ(k)·g(p)``; minLSTM (G = 3: ``f | i | p``):
    ``a = f'/(f'+i')``, ``b = i'/(f'+i')·g(p)`` with ``f' = σ(f)``, ``i' = σ(i)``; ``g(p) = p + 0.5``
    for ``p ≥ 0``, ``σ(p)`` below. On the CPU the gates are formed inside the fused kernel.

    Returns:
        ``h``, ``[B, T, D]``; differentiable in ``pre`` and ``h0``.
    """
    return torch.ops.mindt.gated_scan(pre, h0, kind)


def gate_coefficients(pre: torch.Tensor, kind: str = "mingru") -> tuple[torch.Tensor, torch.Tensor]:
    """The scan coefficients ``(a, b)`` that :func:`gated_scan` forms from ``pre`` (``[..., G·D]``),
    from torch ops (differentiable by autograd): what a single recurrent step uses."""
    if kind not in _GATE_GROUPS:
        raise ValueError(f"gate_coefficients: kind must be 'mingru' or 'minlstm', got {kind!r}")
    parts = pre.chunk(_GATE_GROUPS[kind], dim=-1)
    candidate = torch.where(parts[-1] >= 0, parts[-1] + 0.5, torch.sigmoid(parts[-1]))
    if kind == "mingru":
        z = parts[0]
    else:
        # log σ(i) − log σ(f), as the C++ kernels form it (no cancellation for large |f|, |i|).
        z = torch.nn.functional.logsigmoid(parts[1]) - torch.nn.functional.logsigmoid(parts[0])
    return torch.sigmoid(-z), torch.sigmoid(z) * candidate


def selective_scan(
    x: torch.Tensor, delta: torch.Tensor, A: torch.Tensor, B: torch.Tensor, C: torch.Tensor
) -> torch.Tensor:
    """Mamba's selective scan (S6, diagonal ``A``), without the skip term and output gate:

    ``h_t[d, n] = exp(Δ_t[d]·A[d, n])·h_{t−1}[d, n] + Δ_t[d]·B_t[n]·x_t[d]``,
    ``y_t[d] = Σ_n C_t[n]·h_t[d, n]``.

    Args:
        x, delta: ``[batch, L, D]``; A: ``[D, N]``; B, C: ``[batch, L, N]``.

    Returns:
        ``y``, ``[batch, L, D]``; differentiable in all five. The CPU kernel never materialises
        the ``[batch, L, D, N]`` state (it keeps float64 checkpoints every 64 steps).
    """
    return torch.ops.mindt.selective_scan(x, delta, A, B, C)[0]


# --- fake (shape-only) implementations -------------------------------------------------------


@torch.library.register_fake("mindt::linear_scan")
def _linear_scan_fake(a, b, h0):
    return torch.empty_like(a, memory_format=torch.contiguous_format)


@torch.library.register_fake("mindt::linear_scan_backward")
def _linear_scan_backward_fake(a, h, h0, grad_h):
    like = lambda t: torch.empty_like(t, memory_format=torch.contiguous_format)  # noqa: E731
    return like(a), like(a), a.new_empty((a.shape[0], a.shape[2]))


def _gated_fake(pre, h0, kind):
    groups = _GATE_GROUPS.get(kind)
    if groups is None:
        raise ValueError(f"gated_scan: kind must be 'mingru' or 'minlstm', got {kind!r}")
    return pre.new_empty((pre.shape[0], pre.shape[1], pre.shape[2] // groups))


def _gated_backward_fake(pre, h, h0, grad_h, kind):
    return torch.empty_like(pre, memory_format=torch.contiguous_format), pre.new_empty((pre.shape[0], h.shape[2]))


def _checkpoints_shape(x, A):
    tile, chunk = _core.SELECTIVE_CHECKPOINT_TILE, _core.SELECTIVE_CHECKPOINT_CHUNK
    batch, length, channels = x.shape
    return (batch, (channels + tile - 1) // tile, (length + chunk - 1) // chunk, A.shape[1], tile)


@torch.library.register_fake("mindt::selective_scan")
def _selective_fake(x, delta, A, B, C):
    y = torch.empty_like(x, memory_format=torch.contiguous_format)
    if x.device.type == "cpu":
        return y, x.new_empty(_checkpoints_shape(x, A), dtype=torch.float64)
    return y, x.new_empty((0,), dtype=torch.float64)


@torch.library.register_fake("mindt::_selective_scan_composite")
def _selective_composite_fake(x, delta, A, B, C):
    return torch.empty_like(x, memory_format=torch.contiguous_format), x.new_empty((0,), dtype=torch.float64)


def _selective_backward_fake(x, delta, A, B, C, checkpoints, grad_y):
    like = lambda t: torch.empty_like(t, memory_format=torch.contiguous_format)  # noqa: E731
    return like(x), like(delta), like(A), like(B), like(C)


for _name, _fake in [
    ("gated_scan", _gated_fake),
    ("_gated_scan_composite", _gated_fake),
    ("gated_scan_backward", _gated_backward_fake),
    ("_gated_scan_backward_composite", _gated_backward_fake),
    ("selective_scan_backward", _selective_backward_fake),
    ("_selective_scan_backward_composite", _selective_backward_fake),
]:
    torch.library.register_fake(f"mindt::{_name}")(_fake)


# --- autograd ------------------------------------------------------------------------------


def _linear_setup(ctx, inputs, output):
    a, _, h0 = inputs
    ctx.has_h0 = h0 is not None
    ctx.save_for_backward(a, output, h0)


def _linear_backward(ctx, grad_h):
    a, h, h0 = ctx.saved_tensors
    grad_a, grad_b, grad_h0 = torch.ops.mindt.linear_scan_backward(a, h, h0, grad_h)
    return grad_a, grad_b, grad_h0 if ctx.has_h0 else None


torch.library.register_autograd("mindt::linear_scan", _linear_backward, setup_context=_linear_setup)


def _gated_autograd(backward_op):
    def setup(ctx, inputs, output):
        pre, h0, kind = inputs
        ctx.kind = kind
        ctx.has_h0 = h0 is not None
        ctx.save_for_backward(pre, output, h0)

    def backward(ctx, grad_h):
        pre, h, h0 = ctx.saved_tensors
        grad_pre, grad_h0 = backward_op(pre, h, h0, grad_h, ctx.kind)
        return grad_pre, grad_h0 if ctx.has_h0 else None, None

    return backward, setup


def _selective_autograd(backward_op):
    def setup(ctx, inputs, output):
        x, delta, A, B, C = inputs
        ctx.mark_non_differentiable(output[1])
        ctx.save_for_backward(x, delta, A, B, C, output[1])

    def backward(ctx, grad_y, _grad_checkpoints):
        x, delta, A, B, C, checkpoints = ctx.saved_tensors
        return backward_op(x, delta, A, B, C, checkpoints, grad_y)

    return backward, setup


# Each forward op with the autograd of its kind, whose backward calls the matching backward op.
for _name, _make in [
    ("gated_scan", _gated_autograd),
    ("_gated_scan_composite", _gated_autograd),
    ("selective_scan", _selective_autograd),
    ("_selective_scan_composite", _selective_autograd),
]:
    _backward_op = getattr(torch.ops.mindt, _name.replace("_composite", "_backward_composite")
                           if _name.endswith("_composite") else _name + "_backward")
    _backward, _setup = _make(_backward_op)
    torch.library.register_autograd(f"mindt::{_name}", _backward, setup_context=_setup)
