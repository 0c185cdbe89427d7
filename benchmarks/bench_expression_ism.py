#!/usr/bin/env python
"""EXPLAIN's in-silico mutagenesis: batched vs one mutant per forward pass. Measures, never
asserts.

One random 3,001 bp promoter (``--length``), the TRAIN_EXPRESSION model of the ``small`` preset
(randomly initialised, eval mode; a comparable conv net when ``plantreg.expression.model`` is
absent), float32, on ``--device``. In one process and one run it times:

* ``ism_batched`` at each ``--batch-sizes`` (all 3 × L mutants, one forward pass per batch);
* ``ism_naive`` (the baseline): one forward pass per mutant, mutating the first
  ``--naive-positions`` positions of the same sequence (3 mutants each; 0 = every position),
  reported per mutant and extrapolated to the 3 × L mutants of the whole sequence.

It prints seconds, ms per mutant, the speed-up of each batched run over the naive loop and the
largest score difference between the two on the positions both computed.

    .venv/bin/python benchmarks/bench_expression_ism.py                 # ~2-4 min on 2 cores
    .venv/bin/python benchmarks/bench_expression_ism.py --threads 1     # steadier when loaded
    .venv/bin/python benchmarks/bench_expression_ism.py --naive-positions 0 --device cuda
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
import torch
from torch import nn

from plantreg.expression.explain import ism_batched, ism_naive, one_hot_tensor


class _ConvNet(nn.Module):
    """Fallback of about the small preset's size (~110 k parameters) and shape."""

    def __init__(self, length: int, channels: int = 64) -> None:
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv1d(4, channels, 15, padding=7), nn.GELU(), nn.MaxPool1d(4),
            nn.Conv1d(channels, channels, 5, padding=4, dilation=2), nn.GELU(), nn.MaxPool1d(4),
            nn.Conv1d(channels, channels, 9, padding=4), nn.GELU(),
            nn.Conv1d(channels, channels, 9, padding=4), nn.GELU(),
            nn.AdaptiveAvgPool1d(1), nn.Flatten(), nn.Linear(channels, 1))

    def expression_one_hot(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)[:, 0]


def build_model(length: int) -> tuple[nn.Module, str]:
    try:
        from plantreg.expression.model import ExpressionModel, preset_config
    except ImportError:
        return _ConvNet(length), "conv net (no plantreg.expression.model)"
    return ExpressionModel(preset_config("small", length=length)), "ExpressionModel small"


def _timed(func, *args, **kwargs):
    started = time.perf_counter()
    out = func(*args, **kwargs)
    return out, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--length", type=int, default=3001)
    parser.add_argument("--batch-sizes", default="64,256")
    parser.add_argument("--naive-positions", type=int, default=150,
                        help="positions the naive loop mutates (0 = all)")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=0,
                        help="torch CPU threads (0 = torch's default); 1 is steadier on a "
                             "loaded machine, where batch-1 passes wait on descheduled threads")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)

    torch.manual_seed(args.seed)
    model, kind = build_model(args.length)
    model = model.to(args.device).eval()
    f = model.expression_one_hot
    codes = np.random.default_rng(args.seed).integers(0, 4, args.length).astype(np.uint8)
    mutants = 3 * args.length
    params = sum(p.numel() for p in model.parameters())
    load = os.getloadavg()[0]
    print(f"model: {kind}, {params:,} parameters; sequence {args.length} bp = {mutants} mutants; "
          f"device {args.device}, {torch.get_num_threads()} threads, load average {load:.1f}")

    with torch.no_grad():  # warm-up (allocator, kernel choice) at both batch shapes
        for n in (1, 64):
            f(one_hot_tensor(np.repeat(codes[None], n, axis=0), device=args.device))
    rows = []
    batched_scores = None
    for size in (int(s) for s in args.batch_sizes.split(",")):
        (_, batched_scores), seconds = _timed(ism_batched, f, codes, size, device=args.device)
        rows.append((f"batched, batch {size}", mutants, seconds, seconds))

    n_pos = min(args.naive_positions or args.length, args.length)
    (_, naive_scores), seconds = _timed(ism_naive, f, codes, positions=np.arange(n_pos),
                                        device=args.device)
    naive_full = seconds / (3 * n_pos) * mutants
    label = "naive (1 per pass)" + ("" if n_pos == args.length else ", extrapolated")
    rows.append((label, 3 * n_pos, seconds, naive_full))

    print(f"\n{'method':<32}{'mutants':>9}{'seconds':>10}{'ms/mutant':>11}{'full seq (s)':>14}"
          f"{'speed-up':>10}")
    for name, count, secs, full in rows:
        print(f"{name:<32}{count:>9}{secs:>10.2f}{1e3 * secs / count:>11.3f}{full:>14.1f}"
              f"{naive_full / full:>9.1f}x")
    diff = np.abs(batched_scores[:n_pos] - naive_scores[:n_pos]).max()
    print(f"\nlargest |batched - naive| per-base score over {n_pos} positions: {diff:.2e} "
          f"(scores up to {np.abs(batched_scores).max():.2e})")


if __name__ == "__main__":
    main()
