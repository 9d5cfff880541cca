"""mindt.ops: each scan against a plain float64 loop, gradcheck, opcheck, and the CUDA path's
composite (run here on the CPU) against the fused CPU kernels."""

import pytest
import torch

from conftest import DEVICES
from mindt import ops


def naive_linear_scan(a, b, h0=None):
    a, b = a.double(), b.double()
    h = torch.zeros_like(b[:, 0]) if h0 is None else h0.double().clone()
    out = []
    for t in range(a.shape[1]):
        h = a[:, t] * h + b[:, t]
        out.append(h)
    return torch.stack(out, 1)


def naive_gates(pre, kind):
    """The paper's gates written directly (σ and the normalised f/(f+i)), in float64."""
    pre = pre.double()
    parts = pre.chunk(2 if kind == "mingru" else 3, -1)
    g = torch.where(parts[-1] >= 0, parts[-1] + 0.5, torch.sigmoid(parts[-1]))
    if kind == "mingru":
        z = torch.sigmoid(parts[0])
        return 1 - z, z * g
    f, i = torch.sigmoid(parts[0]), torch.sigmoid(parts[1])
    return f / (f + i), i / (f + i) * g


def naive_selective_scan(x, delta, A, B, C):
    x, delta, A, B, C = (t.double() for t in (x, delta, A, B, C))
    h = torch.zeros(x.shape[0], x.shape[2], A.shape[1], dtype=torch.float64)
    ys = []
    for t in range(x.shape[1]):
        h = torch.exp(delta[:, t, :, None] * A) * h + (delta[:, t] * x[:, t])[:, :, None] * B[:, t, None, :]
        ys.append((h * C[:, t, None, :]).sum(-1))
    return torch.stack(ys, 1)


def linear_inputs(rng, dtype, B=3, T=37, D=9, device="cpu"):
    a = torch.rand(B, T, D, generator=rng, dtype=torch.float64).to(dtype)
    b = torch.randn(B, T, D, generator=rng, dtype=torch.float64).to(dtype)
    h0 = torch.randn(B, D, generator=rng, dtype=torch.float64).to(dtype)
    return a.to(device), b.to(device), h0.to(device)


def selective_inputs(rng, dtype, batch=2, L=70, D=5, N=3):
    g = dict(generator=rng, dtype=torch.float64)
    x = torch.randn(batch, L, D, **g)
    delta = torch.rand(batch, L, D, **g) * 0.5 + 0.05
    A = -torch.rand(D, N, **g) * 2 - 0.1
    B = torch.randn(batch, L, N, **g)
    C = torch.randn(batch, L, N, **g)
    return tuple(t.to(dtype) for t in (x, delta, A, B, C))


TOL = {torch.float32: dict(rtol=1e-5, atol=1e-5), torch.float64: dict(rtol=1e-12, atol=1e-12)}


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("with_h0", [False, True])
def test_linear_scan_matches_a_float64_loop(rng, device, dtype, with_h0):
    a, b, h0 = linear_inputs(rng, dtype, device=device)
    h0 = h0 if with_h0 else None
    got = ops.linear_scan(a, b, h0)
    assert got.dtype == dtype and got.shape == a.shape
    torch.testing.assert_close(got.cpu().double(), naive_linear_scan(a.cpu(), b.cpu(), None if h0 is None else h0.cpu()),
                               **TOL[dtype])


def test_linear_scan_takes_non_contiguous_inputs(rng):
    a, b, _ = linear_inputs(rng, torch.float64, B=4, T=20, D=6)
    at, bt = a.transpose(0, 1).contiguous().transpose(0, 1), b[:, :, :]  # a strided view
    assert not at.is_contiguous()
    torch.testing.assert_close(ops.linear_scan(at, bt), naive_linear_scan(a, b))


@pytest.mark.parametrize("with_h0", [False, True])
def test_linear_scan_gradcheck(rng, with_h0):
    a, b, h0 = linear_inputs(rng, torch.float64, B=2, T=11, D=3)
    args = (a.requires_grad_(), b.requires_grad_(), h0.requires_grad_() if with_h0 else None)
    assert torch.autograd.gradcheck(ops.linear_scan, args)


@pytest.mark.parametrize("kind", ["mingru", "minlstm"])
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_gated_scan_matches_the_papers_gates_and_a_float64_loop(rng, kind, dtype):
    G, D = (2 if kind == "mingru" else 3), 7
    pre = (torch.randn(3, 40, G * D, generator=rng, dtype=torch.float64) * 3).to(dtype)
    h0 = torch.randn(3, D, generator=rng, dtype=torch.float64).to(dtype)
    a, b = naive_gates(pre, kind)
    expected = naive_linear_scan(a, b, h0)
    torch.testing.assert_close(ops.gated_scan(pre, h0, kind).double(), expected, **TOL[dtype])
    torch.testing.assert_close(torch.ops.mindt._gated_scan_composite(pre, h0, kind).double(), expected, **TOL[dtype])
    pa, pb = ops.gate_coefficients(pre.double(), kind)
    torch.testing.assert_close(pa, a)
    torch.testing.assert_close(pb, b)


@pytest.mark.parametrize("kind", ["mingru", "minlstm"])
@pytest.mark.parametrize("op", ["gated_scan", "_gated_scan_composite"])
@pytest.mark.parametrize("with_h0", [False, True])
def test_gated_scan_gradcheck(rng, kind, op, with_h0):
    G, D = (2 if kind == "mingru" else 3), 3
    pre = torch.randn(2, 9, G * D, generator=rng, dtype=torch.float64).requires_grad_()
    h0 = torch.randn(2, D, generator=rng, dtype=torch.float64).requires_grad_() if with_h0 else None
    fn = getattr(torch.ops.mindt, op)
    assert torch.autograd.gradcheck(lambda p, h: fn(p, h, kind), (pre, h0))


@pytest.mark.parametrize("kind", ["mingru", "minlstm"])
def test_gated_scan_fused_and_composite_backward_agree(rng, kind):
    G, D = (2 if kind == "mingru" else 3), 19
    pre = torch.randn(4, 50, G * D, generator=rng, dtype=torch.float64) * 4
    h0 = torch.randn(4, D, generator=rng, dtype=torch.float64)
    h = ops.gated_scan(pre, h0, kind)
    grad_h = torch.randn(h.shape, generator=rng, dtype=torch.float64)
    fused = torch.ops.mindt.gated_scan_backward(pre, h, h0, grad_h, kind)
    composite = torch.ops.mindt._gated_scan_backward_composite(pre, h, h0, grad_h, kind)
    for f, c in zip(fused, composite):
        torch.testing.assert_close(f, c, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_selective_scan_matches_a_float64_loop(rng, dtype):
    inputs = selective_inputs(rng, dtype)
    expected = naive_selective_scan(*inputs)
    torch.testing.assert_close(ops.selective_scan(*inputs).double(), expected, **TOL[dtype])
    y, _ = torch.ops.mindt._selective_scan_composite(*inputs)
    torch.testing.assert_close(y.double(), expected, **TOL[dtype])


@pytest.mark.parametrize("op", ["selective_scan", "_selective_scan_composite"])
def test_selective_scan_gradcheck(rng, op):
    inputs = [t.requires_grad_() for t in selective_inputs(rng, torch.float64, batch=2, L=67, D=3, N=2)]
    fn = getattr(torch.ops.mindt, op)
    assert torch.autograd.gradcheck(lambda *args: fn(*args)[0], inputs)


def test_selective_scan_fused_and_composite_backward_agree(rng):
    inputs = selective_inputs(rng, torch.float64, batch=3, L=130, D=40, N=4)
    y, checkpoints = torch.ops.mindt.selective_scan(*inputs)
    grad_y = torch.randn(y.shape, generator=rng, dtype=torch.float64)
    fused = torch.ops.mindt.selective_scan_backward(*inputs, checkpoints, grad_y)
    composite = torch.ops.mindt._selective_scan_backward_composite(*inputs, checkpoints.new_empty(0), grad_y)
    for name, f, c in zip(["x", "delta", "A", "B", "C"], fused, composite):
        torch.testing.assert_close(f, c, rtol=1e-9, atol=1e-9, msg=lambda m: f"grad {name}: {m}")


def opcheck_cases(rng):
    a, b, h0 = linear_inputs(rng, torch.float32, B=2, T=5, D=3)
    pre2 = torch.randn(2, 5, 6, generator=rng)
    pre3 = torch.randn(2, 5, 9, generator=rng)
    sel = selective_inputs(rng, torch.float32, batch=2, L=6, D=3, N=2)
    return [
        (torch.ops.mindt.linear_scan.default, (a.requires_grad_(), b.requires_grad_(), h0.requires_grad_())),
        (torch.ops.mindt.linear_scan.default, (a, b, None)),
        (torch.ops.mindt.gated_scan.default, (pre2.requires_grad_(), None, "mingru")),
        (torch.ops.mindt.gated_scan.default, (pre3.requires_grad_(), h0.detach().requires_grad_(), "minlstm")),
        (torch.ops.mindt._gated_scan_composite.default, (pre3, h0.detach().requires_grad_(), "minlstm")),
        (torch.ops.mindt.selective_scan.default, tuple(t.requires_grad_() for t in sel)),
        (torch.ops.mindt._selective_scan_composite.default, tuple(t.detach().requires_grad_() for t in sel)),
    ]


def test_opcheck_every_op(rng):
    for op, args in opcheck_cases(rng):
        torch.library.opcheck(op, args)


def test_opcheck_backward_ops(rng):
    a, b, h0 = linear_inputs(rng, torch.float64, B=2, T=5, D=3)
    h = ops.linear_scan(a, b, h0)
    torch.library.opcheck(torch.ops.mindt.linear_scan_backward.default, (a, h, h0, torch.randn_like(h)))
    pre = torch.randn(2, 5, 6, generator=rng, dtype=torch.float64)
    hg = ops.gated_scan(pre, None, "mingru")
    torch.library.opcheck(torch.ops.mindt.gated_scan_backward.default, (pre, hg, None, torch.randn_like(hg), "mingru"))
    sel = selective_inputs(rng, torch.float64, batch=2, L=6, D=3, N=2)
    y, ck = torch.ops.mindt.selective_scan(*sel)
    torch.library.opcheck(torch.ops.mindt.selective_scan_backward.default, (*sel, ck, torch.randn_like(y)))


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: ops.linear_scan(torch.ones(2, 3), torch.ones(2, 3)), "a must be [B, T, D]"),
        (lambda: ops.linear_scan(torch.ones(2, 3, 4), torch.ones(2, 3, 5)), "same shape"),
        (lambda: ops.linear_scan(torch.ones(2, 3, 4, dtype=torch.int32), torch.ones(2, 3, 4, dtype=torch.int32)),
         "float32 or float64"),
        (lambda: ops.linear_scan(torch.ones(2, 3, 4), torch.ones(2, 3, 4, dtype=torch.float64)), "share a dtype"),
        (lambda: ops.linear_scan(torch.ones(2, 3, 4), torch.ones(2, 3, 4), torch.ones(3, 4)), "h0 must be [B, D]"),
        (lambda: ops.gated_scan(torch.ones(2, 3, 5), None, "mingru"), "not a multiple of 2"),
        (lambda: ops.gated_scan(torch.ones(2, 3, 4), None, "gru"), "'mingru' or 'minlstm'"),
        (lambda: ops.selective_scan(torch.ones(1, 4, 3), torch.ones(1, 4, 3), torch.ones(2, 2), torch.ones(1, 4, 2),
                                    torch.ones(1, 4, 2)), "A must be [D, N]"),
    ],
)
def test_bad_input_raises_with_the_kernels_message(call, message):
    with pytest.raises((RuntimeError, ValueError)) as error:
        call()
    assert message in str(error.value)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a GPU")
def test_cuda_matches_cpu(rng):
    a, b, h0 = linear_inputs(rng, torch.float64, B=3, T=300, D=33)
    for t in (a, b, h0):
        t.requires_grad_()
    h_cpu = ops.linear_scan(a, b, h0)
    ac, bc, hc = (t.detach().cuda().requires_grad_() for t in (a, b, h0))
    h_gpu = ops.linear_scan(ac, bc, hc)
    torch.testing.assert_close(h_gpu.cpu(), h_cpu)
    h_cpu.sum().backward()
    h_gpu.sum().backward()
    for x, y in [(a, ac), (b, bc), (h0, hc)]:
        torch.testing.assert_close(y.grad.cpu(), x.grad)
    for kind in ("mingru", "minlstm"):
        pre = torch.randn(2, 100, 3 * 8 if kind == "minlstm" else 16, generator=rng, dtype=torch.float64)
        torch.testing.assert_close(ops.gated_scan(pre.cuda(), None, kind).cpu(), ops.gated_scan(pre, None, kind))
    sel = selective_inputs(rng, torch.float64)
    torch.testing.assert_close(ops.selective_scan(*(t.cuda() for t in sel)).cpu(), ops.selective_scan(*sel))
