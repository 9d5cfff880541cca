"""mindt.nn: parallel forward == sequential steps, gradients through the fused kernel, and
torch.compile of a model that uses the layers."""

import pytest
import torch

from mindt import nn as mnn
from mindt import ops
from test_ops import naive_gates, naive_linear_scan


@pytest.mark.parametrize("cls", [mnn.MinGRU, mnn.MinLSTM])
@pytest.mark.parametrize("expansion", [1.0, 1.5])
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_parallel_forward_equals_sequential_steps(rng, cls, expansion, dtype):
    torch.manual_seed(int(torch.randint(0, 2**31, (1,), generator=rng)))
    layer = cls(16, expansion=expansion, dtype=dtype)
    x = torch.randn(4, 33, 16, generator=rng, dtype=torch.float64).to(dtype)
    h0 = torch.randn(4, layer.inner_dim, generator=rng, dtype=torch.float64).to(dtype)
    out, last = layer(x, h0)
    h, steps = h0, []
    for t in range(x.shape[1]):
        y, h = layer.step(x[:, t], h)
        steps.append(y)
    tol = dict(rtol=1e-5, atol=1e-5) if dtype == torch.float32 else dict(rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(out, torch.stack(steps, 1), **tol)
    torch.testing.assert_close(last, h, **tol)


@pytest.mark.parametrize("cls", [mnn.MinGRU, mnn.MinLSTM])
def test_forward_is_the_papers_recurrence(rng, cls):
    layer = cls(8, dtype=torch.float64)
    x = torch.randn(2, 12, 8, generator=rng, dtype=torch.float64)
    a, b = naive_gates(layer.gates(x), layer.kind)
    out, _ = layer(x)
    torch.testing.assert_close(out, naive_linear_scan(a, b))


def test_parameters_are_named_like_the_cpp_layer():
    assert [n for n, _ in mnn.MinGRU(4, expansion=2.0).named_parameters()] == [
        "gates.weight", "gates.bias", "out.weight", "out.bias"]
    assert mnn.MinLSTM(4).gates.weight.shape == (12, 4)


def test_bad_shapes_raise_value_errors():
    with pytest.raises(ValueError, match=r"x must be \[B, T, dim\]"):
        mnn.MinGRU(4)(torch.ones(3, 4))
    with pytest.raises(ValueError, match=r"x must be \[B, dim\]"):
        mnn.MinGRU(4).step(torch.ones(3, 2, 4))
    with pytest.raises(ValueError, match="dim must be at least 1"):
        mnn.MinLSTM(0)


class TinyModel(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = torch.nn.Linear(5, 16)
        self.rnn1 = mnn.MinGRU(16)
        self.rnn2 = mnn.MinLSTM(16, expansion=2.0)
        self.head = torch.nn.Linear(16, 3)

    def forward(self, x):
        h, _ = self.rnn1(self.embed(x))
        h, _ = self.rnn2(torch.nn.functional.gelu(h))
        return self.head(h)


def test_torch_compile_matches_eager(rng):
    torch.manual_seed(0)
    model = TinyModel()
    x = torch.randn(3, 21, 5, generator=rng)
    eager = model(x)
    eager.square().mean().backward()
    eager_grads = [p.grad.clone() for p in model.parameters()]
    model.zero_grad()
    compiled = torch.compile(model, fullgraph=True)
    out = compiled(x)
    out.square().mean().backward()
    torch.testing.assert_close(out, eager, rtol=1e-5, atol=1e-5)
    for g, p in zip(eager_grads, model.parameters()):
        torch.testing.assert_close(p.grad, g, rtol=1e-4, atol=1e-5)


def test_gate_coefficients_of_one_step_equal_the_scan_of_length_one(rng):
    pre = torch.randn(3, 1, 12, generator=rng, dtype=torch.float64)
    a, b = ops.gate_coefficients(pre[:, 0], "minlstm")
    torch.testing.assert_close(ops.gated_scan(pre, None, "minlstm")[:, 0], b)
    h0 = torch.randn(3, 4, generator=rng, dtype=torch.float64)
    torch.testing.assert_close(ops.gated_scan(pre, h0, "minlstm")[:, 0], a * h0 + b)


def test_min_gru_equals_the_mingru_pytorch_package_with_the_same_weights(rng):
    """An independent implementation: minGRU-pytorch (PyPI) computes the paper's log-space scan.
    Its projection is [candidate | gate] without bias; ours is [gate | candidate] with one."""
    from minGRU_pytorch import minGRU

    theirs = minGRU(12).double()
    ours = mnn.MinGRU(12, dtype=torch.float64)
    with torch.no_grad():
        W = theirs.to_hidden_and_gate.weight
        ours.gates.weight.copy_(torch.cat([W[12:], W[:12]]))
        ours.gates.bias.zero_()
    x = torch.randn(3, 50, 12, generator=rng, dtype=torch.float64)
    torch.testing.assert_close(ours(x)[0], theirs(x), rtol=1e-9, atol=1e-9)
