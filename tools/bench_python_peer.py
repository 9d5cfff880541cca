#!/usr/bin/env python3
"""The Python peer, side by side with mindt, on this machine, in one run.

What a user of CORL-style single-file PyTorch code would otherwise run, timed against `mindt`:

1. A Decision Transformer training step, written here the way CORL's single-file DT is (tokens
   (R, s, a) per step with a learned timestep embedding, LayerNorm and dropout on the embeddings,
   pre-norm GPT blocks built on nn.MultiheadAttention with a causal mask and a key-padding mask,
   tanh action head, masked MSE, gradient clipping, AdamW), at mindt's sizes (embed 128, 3 layers,
   1 head, MLP x4 with ReLU as in mindt's block, dropout 0.1, K=20, hopper dims), at batch 64
   (DT's) and 4096 (CORL's). Against: `mindt bench models --train-only` with the transformer and the
   minGRU backbone, the same batch.
2. The minGRU layer as the paper's code computes it in training (log space: softplus gates, log_g
   candidate, cumsum + logcumsumexp: the Heinsen scan), forward+backward of sum(output), B=64, D=128,
   T = 64, 512, 4096. Against: mindt's minGRU layer on its fused scan kernel (`mindt bench scan`).

3. A character-level language model, written here the way nanoGPT's GPT is (token and position
   embeddings, pre-norm blocks with causal scaled-dot-product attention, tied head; ReLU MLP and
   biases as in mindt's block), at nanoGPT's CPU size for shakespeare_char (width 128, 4 layers, 4
   heads, batch 12 × 64 characters) or with --lm-size full its GPU size (384, 6, 6, batch 64 × 256):
   the training step (cross-entropy, backward, clip, AdamW), and text generation as nanoGPT's
   sample.py does it (the whole window re-read per character). Against: `mindt bench lm --train`,
   whose generation rows add the KV-cached transformer and minGRU's step mode.

Prints ms per call for both sides and the ratio python/mindt (above 1: mindt is faster).
Run from the repository root after the build:
    ~/.cache/mindt/venv/bin/python tools/bench_python_peer.py [--parts dt,scan,lm] [--quick] [--json FILE]
"""
import argparse
import json
import math
import os
import subprocess
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

STATE_DIM, ACT_DIM = 11, 3  # hopper, as `mindt bench models`


# ---------------------------------------------------------------------------------------------
# 1. CORL-style Decision Transformer
# ---------------------------------------------------------------------------------------------
class Block(nn.Module):
    def __init__(self, dim, heads, dropout, seq_len):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim)
        self.norm2 = nn.LayerNorm(dim)
        self.drop = nn.Dropout(dropout)
        self.attention = nn.MultiheadAttention(dim, heads, dropout=dropout, batch_first=True)
        self.mlp = nn.Sequential(nn.Linear(dim, 4 * dim), nn.ReLU(), nn.Linear(4 * dim, dim), nn.Dropout(dropout))
        # True above the diagonal: a token may not look ahead.
        self.register_buffer("causal", ~torch.tril(torch.ones(seq_len, seq_len, dtype=torch.bool)), persistent=False)

    def forward(self, x, padding_mask):
        n = x.shape[1]
        h = self.norm1(x)
        attended = self.attention(h, h, h, attn_mask=self.causal[:n, :n], key_padding_mask=padding_mask,
                                  need_weights=False)[0]
        x = x + self.drop(attended)
        return x + self.mlp(self.norm2(x))


class DecisionTransformer(nn.Module):
    def __init__(self, state_dim, act_dim, seq_len=20, episode_len=1000, dim=128, layers=3, heads=1, dropout=0.1):
        super().__init__()
        self.timestep_emb = nn.Embedding(episode_len + seq_len, dim)
        self.state_emb = nn.Linear(state_dim, dim)
        self.action_emb = nn.Linear(act_dim, dim)
        self.return_emb = nn.Linear(1, dim)
        self.emb_norm = nn.LayerNorm(dim)
        self.emb_drop = nn.Dropout(dropout)
        self.blocks = nn.ModuleList(Block(dim, heads, dropout, 3 * seq_len) for _ in range(layers))
        self.out_norm = nn.LayerNorm(dim)
        self.action_head = nn.Sequential(nn.Linear(dim, act_dim), nn.Tanh())

    def forward(self, states, actions, returns, timesteps, padding_mask):
        b, k = states.shape[:2]
        time = self.timestep_emb(timesteps)
        tokens = torch.stack([self.return_emb(returns.unsqueeze(-1)) + time, self.state_emb(states) + time,
                              self.action_emb(actions) + time], dim=2).reshape(b, 3 * k, -1)
        x = self.emb_drop(self.emb_norm(tokens))
        mask = torch.stack([padding_mask] * 3, dim=2).reshape(b, 3 * k)
        for block in self.blocks:
            x = block(x, mask)
        x = self.out_norm(x)
        return self.action_head(x[:, 1::3])  # predicted from the state tokens


def dt_step_fn(batch, device, context=20):
    torch.manual_seed(0)
    model = DecisionTransformer(STATE_DIM, ACT_DIM, seq_len=context).to(device).train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4, weight_decay=1e-4)
    states = torch.randn(batch, context, STATE_DIM, device=device)
    actions = torch.rand(batch, context, ACT_DIM, device=device) * 2 - 1
    returns = torch.rand(batch, context, device=device)
    timesteps = torch.arange(context, device=device).expand(batch, context)
    padding = torch.zeros(batch, context, dtype=torch.bool, device=device)  # True = padded
    padding[: batch // 2, context - context // 4:] = True  # some padded windows, as sampled (right padding)
    weight = (~padding).unsqueeze(-1).float()

    def step():
        optimizer.zero_grad(set_to_none=True)
        predicted = model(states, actions, returns, timesteps, padding)
        loss = ((predicted - actions) ** 2 * weight).sum() / (weight.sum() * ACT_DIM)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 0.25)
        optimizer.step()

    return step


# ---------------------------------------------------------------------------------------------
# 2. minGRU in log space (the paper's training path)
# ---------------------------------------------------------------------------------------------
def log_g(x):
    return torch.where(x >= 0, (F.relu(x) + 0.5).log(), -F.softplus(-x))


def heinsen_scan(log_coeffs, log_values):
    a_star = log_coeffs.cumsum(dim=1)
    return (a_star + (log_values - a_star).logcumsumexp(dim=1)).exp()


class MinGRULogSpace(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.to_hidden_and_gate = nn.Linear(dim, 2 * dim)  # mindt's layer has the same (bias included)

    def forward(self, x):
        gate, hidden = self.to_hidden_and_gate(x).chunk(2, dim=-1)
        log_z = -F.softplus(-gate)
        log_coeffs = -F.softplus(gate)  # log(1 - z)
        return heinsen_scan(log_coeffs, log_z + log_g(hidden))


def mingru_fn(batch, length, dim, device):
    torch.manual_seed(0)
    layer = MinGRULogSpace(dim).to(device)
    x = torch.randn(batch, length, dim, device=device, requires_grad=True)
    inputs = [x, *layer.parameters()]

    def call():
        torch.autograd.grad(layer(x).sum(), inputs)

    return call


# ---------------------------------------------------------------------------------------------
# 3. nanoGPT-style character-level GPT
# ---------------------------------------------------------------------------------------------
LM_VOCAB = 84  # the Shakespeare corpus's, as `mindt bench lm`
LM_SIZES = {"cpu": dict(dim=128, layers=4, heads=4, batch=12, context=64),
            "full": dict(dim=384, layers=6, heads=6, batch=64, context=256)}


class GptBlock(nn.Module):
    def __init__(self, dim, heads, dropout):
        super().__init__()
        self.heads = heads
        self.norm1, self.norm2 = nn.LayerNorm(dim), nn.LayerNorm(dim)
        self.qkv, self.proj = nn.Linear(dim, 3 * dim), nn.Linear(dim, dim)
        self.mlp = nn.Sequential(nn.Linear(dim, 4 * dim), nn.ReLU(), nn.Linear(4 * dim, dim))
        self.drop = nn.Dropout(dropout)

    def forward(self, x):
        b, t, d = x.shape
        q, k, v = self.qkv(self.norm1(x)).view(b, t, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)
        y = F.scaled_dot_product_attention(q, k, v, dropout_p=self.drop.p if self.training else 0.0, is_causal=True)
        x = x + self.drop(self.proj(y.transpose(1, 2).reshape(b, t, d)))
        return x + self.drop(self.mlp(self.norm2(x)))


class CharGpt(nn.Module):
    def __init__(self, dim, layers, heads, context, dropout=0.0):
        super().__init__()
        self.tokens, self.positions = nn.Embedding(LM_VOCAB, dim), nn.Embedding(context, dim)
        self.drop = nn.Dropout(dropout)
        self.blocks = nn.ModuleList(GptBlock(dim, heads, dropout) for _ in range(layers))
        self.norm = nn.LayerNorm(dim)

    def forward(self, idx):
        x = self.drop(self.tokens(idx) + self.positions(torch.arange(idx.shape[1], device=idx.device)))
        for block in self.blocks:
            x = block(x)
        return F.linear(self.norm(x), self.tokens.weight)  # the head tied to the token embedding


def lm_step_fn(size, device):
    torch.manual_seed(0)
    model = CharGpt(size["dim"], size["layers"], size["heads"], size["context"]).to(device).train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3, betas=(0.9, 0.99), weight_decay=0.1)
    inputs = torch.randint(LM_VOCAB, (size["batch"], size["context"]), device=device)
    targets = torch.randint(LM_VOCAB, (size["batch"], size["context"]), device=device)

    def step():
        optimizer.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(inputs).flatten(0, 1), targets.flatten())
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()

    return step


@torch.no_grad()
def lm_generation_rate(size, context, characters, device):
    """Characters/s as nanoGPT's sample.py makes them: the window through the model per character."""
    torch.manual_seed(0)
    model = CharGpt(size["dim"], size["layers"], size["heads"], context).to(device).eval()
    window = torch.randint(LM_VOCAB, (1, context), device=device)
    model(window)  # the first call allocates
    if device.type == "cuda":
        torch.cuda.synchronize()
    start = time.perf_counter()
    for _ in range(characters):
        logits = model(window)[:, -1, :] / 1.0
        next_token = torch.multinomial(F.softmax(logits, dim=-1), num_samples=1)
        window = torch.cat([window[:, 1:], next_token], dim=1)
    if device.type == "cuda":
        torch.cuda.synchronize()
    return characters / (time.perf_counter() - start)


# ---------------------------------------------------------------------------------------------
# Timing (the same rule as mindt's: warm-up, then the median of repetitions within a budget)
# ---------------------------------------------------------------------------------------------
def median_ms(fn, device, budget_s, max_reps=20, min_reps=3, warmup=2):
    sync = torch.cuda.synchronize if device.type == "cuda" else (lambda: None)
    for _ in range(warmup):
        fn()
    sync()
    times, start = [], time.perf_counter()
    while len(times) < max_reps:
        t0 = time.perf_counter()
        fn()
        sync()
        times.append((time.perf_counter() - t0) * 1e3)
        if len(times) >= min_reps and time.perf_counter() - start >= budget_s:
            break
    times.sort()
    n = len(times)
    return times[n // 2] if n % 2 else 0.5 * (times[n // 2 - 1] + times[n // 2])


def mindt_json(binary, args):
    command = [binary] + args + ["--json"]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(out)["rows"]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mindt", default=os.path.join("build", "mindt"), help="the mindt binary (default: build/mindt)")
    parser.add_argument("--batches", default="64,4096", help="DT training batches (default: 64,4096)")
    parser.add_argument("--lengths", default="64,512,4096", help="minGRU sequence lengths (default: 64,512,4096)")
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    parser.add_argument("--parts", default="dt,scan,lm", help="which comparisons: dt, scan, lm (default: all three)")
    parser.add_argument("--lm-size", default="cpu", choices=sorted(LM_SIZES), help="the language model's size")
    parser.add_argument("--quick", action="store_true", help="small sizes and short budgets (a smoke test)")
    parser.add_argument("--json", metavar="FILE", help="also write every row as JSON to FILE")
    args = parser.parse_args()
    if not os.path.exists(args.mindt):
        sys.exit(f"{args.mindt} not found: build mindt first (bash tools/setup.sh) or pass --mindt")
    device = torch.device(args.device)
    if device.type == "cuda" and not torch.cuda.is_available():
        sys.exit("--device cuda: no CUDA device is visible to PyTorch")
    batches = [int(b) for b in ("8" if args.quick else args.batches).split(",")]
    lengths = [int(t) for t in ("64" if args.quick else args.lengths).split(",")]
    dim = 32 if args.quick else 128
    budget = 0.1 if args.quick else 1.0
    mindt_device = ["--device", args.device]

    parts = set(args.parts.split(","))
    if not parts <= {"dt", "scan", "lm"}:
        sys.exit(f"--parts: expected some of dt, scan, lm, got {args.parts}")
    rows = []
    print(f"Python peer vs mindt on {args.device} (torch {torch.__version__}, {torch.get_num_threads()} threads)",
          flush=True)
    if "dt" in parts:
        dt_comparison(args, device, batches, budget, mindt_device, rows)
    if "scan" in parts:
        scan_comparison(args, device, lengths, dim, budget, rows)
    if "lm" in parts:
        lm_comparison(args, device, budget, mindt_device, rows)
    print("\nratio = PyTorch ms / mindt ms (above 1: mindt is faster)")
    if args.json:
        with open(args.json + ".tmp", "w") as f:
            json.dump({"device": args.device, "torch": torch.__version__, "threads": torch.get_num_threads(), "rows": rows}, f,
                      indent=1)
        os.replace(args.json + ".tmp", args.json)


def dt_comparison(args, device, batches, budget, mindt_device, rows):
    print("\nDecision model training step (forward, masked MSE, backward, clip, AdamW), K=20, embed 128, 3 layers")
    print(f"{'batch':>6} {'PyTorch DT ms':>14} {'mindt transformer ms':>21} {'ratio':>6} {'mindt minGRU ms':>16} {'ratio':>6}")
    for batch in batches:
        python_ms = median_ms(dt_step_fn(batch, device), device, budget)
        measured = {r["backbone"]: r["train_ms"] for r in mindt_json(
            args.mindt, ["bench", "models", "--train-only", "--backbones", "transformer,mingru", "--batch", str(batch),
                         "--reps", "20"] + mindt_device + (["--quick"] if args.quick else []))}
        row = {"what": "dt_train_step", "batch": batch, "python_ms": python_ms, "mindt_transformer_ms": measured["transformer"],
               "mindt_mingru_ms": measured["mingru"]}
        rows.append(row)
        print(f"{batch:>6} {python_ms:>14.2f} {measured['transformer']:>21.2f} {python_ms / measured['transformer']:>6.2f}"
              f" {measured['mingru']:>16.2f} {python_ms / measured['mingru']:>6.2f}", flush=True)


def scan_comparison(args, device, lengths, dim, budget, rows):
    print(f"\nminGRU layer forward+backward, B=64, D={dim}: log-space PyTorch (the paper's) vs mindt's fused scan")
    print(f"{'T':>6} {'PyTorch log-space ms':>21} {'mindt ms':>9} {'ratio':>6}")
    scan_rows = mindt_json(args.mindt, ["bench", "scan", "--dims", str(dim), "--lengths", ",".join(map(str, lengths)),
                                        "--batch", "64"] + (["--device", args.device] if args.device == "cuda" else
                                                            ["--device", "cpu"]) + (["--quick"] if args.quick else []))
    for length in lengths:
        python_ms = median_ms(mingru_fn(64, length, dim, device), device, budget)
        mindt_ms = next(r["ms"] for r in scan_rows if r["op"] == "layer" and r["impl"] == "mingru" and r["T"] == length)
        rows.append({"what": "mingru_layer", "B": 64, "T": length, "D": dim, "python_ms": python_ms, "mindt_ms": mindt_ms})
        print(f"{length:>6} {python_ms:>21.2f} {mindt_ms:>9.2f} {python_ms / mindt_ms:>6.2f}", flush=True)


def lm_comparison(args, device, budget, mindt_device, rows):
    size = dict(LM_SIZES[args.lm_size])
    if args.quick:
        size.update(dim=32, layers=1, heads=2, batch=2, context=16)
    context = size["context"] - 4  # generation: a window that fits the position table
    characters = 5 if args.quick else 50
    shape = ["--dim", str(size["dim"]), "--layers", str(size["layers"]), "--heads", str(size["heads"])]
    print(f"\nCharacter-level LM (width {size['dim']}, {size['layers']} layers, {size['heads']} heads), nanoGPT's way "
          f"in PyTorch vs mindt")
    measured = mindt_json(args.mindt, ["bench", "lm", "--train", "--backbones", "transformer,mingru", "--train-batch",
                                       str(size["batch"]), "--train-context", str(size["context"]), "--contexts",
                                       str(context), "--characters", str(characters)] + shape + mindt_device +
                          (["--quick"] if args.quick else []))
    train = {r["backbone"]: r["train_ms"] for r in measured if "train_ms" in r}
    generate = {r["backbone"]: r[f"chars_per_s_{context}"] for r in measured if f"chars_per_s_{context}" in r}
    python_ms = median_ms(lm_step_fn(size, device), device, budget)
    print(f"  training step, batch {size['batch']} x {size['context']}: PyTorch {python_ms:.2f} ms; mindt transformer "
          f"{train['transformer']:.2f} ms (ratio {python_ms / train['transformer']:.2f}), minGRU {train['mingru']:.2f} ms "
          f"(ratio {python_ms / train['mingru']:.2f})")
    rows.append({"what": "lm_train_step", **size, "python_ms": python_ms, "mindt_transformer_ms": train["transformer"],
                 "mindt_mingru_ms": train["mingru"]})
    python_rate = lm_generation_rate(size, context, characters, device)
    print(f"  generation after {context} characters, chars/s: PyTorch (window re-read) {python_rate:.0f}; mindt: the same "
          f"{generate['transformer (no cache)']:.0f} (ratio {generate['transformer (no cache)'] / python_rate:.2f}), "
          f"KV cache {generate['transformer']:.0f} ({generate['transformer'] / python_rate:.2f}), minGRU step mode "
          f"{generate['mingru']:.0f} ({generate['mingru'] / python_rate:.2f})", flush=True)
    rows.append({"what": "lm_generation", "context": context, "python_chars_per_s": python_rate,
                 "mindt_window_chars_per_s": generate["transformer (no cache)"],
                 "mindt_kv_cache_chars_per_s": generate["transformer"], "mindt_mingru_chars_per_s": generate["mingru"]})

if __name__ == "__main__":
    main()
