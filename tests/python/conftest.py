"""Shared fixtures: fresh random inputs every run (the seed is printed on failure), CUDA when present."""

import os

import pytest
import torch

import mindt  # noqa: F401  (registers the operators)


@pytest.fixture
def rng(request):
    """A torch.Generator with a fresh seed; the seed is in the test's report when it fails."""
    seed = int.from_bytes(os.urandom(4), "little")
    request.node.user_properties.append(("seed", seed))
    print(f"random seed {seed}")
    return torch.Generator().manual_seed(seed)


DEVICES = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
