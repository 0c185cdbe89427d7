#!/usr/bin/env python
"""TRAIN_EXPRESSION's cost: prediction genes/s and training seconds per epoch of the ``small``
and ``full`` presets, in one process and one run, on random sequences of the default window
(2,000 + 1 + 1,000 bp). Measures, never asserts.

A training epoch is extrapolated from ``--steps`` optimiser steps to ``--genes`` training genes
(the bundled expression set has 620); mixed precision on a GPU (``--device cuda``).

    .venv/bin/python benchmarks/bench_expression.py                 # ~2 min on 2 CPU cores
    .venv/bin/python benchmarks/bench_expression.py --device cuda   # on a GPU, with AMP
"""

from __future__ import annotations

import argparse
import time

import torch

from plantreg.expression.model import ExpressionModel, preset_config
from plantreg.expression.train import make_loss


def _predict_rate(model: ExpressionModel, codes: torch.Tensor, batch: int, amp: bool) -> float:
    model.eval()
    with torch.no_grad(), torch.autocast(codes.device.type, enabled=amp):
        model(codes[:batch])  # warm-up
        start = time.perf_counter()
        for i in range(0, len(codes), batch):
            model(codes[i:i + batch])
        if codes.device.type == "cuda":
            torch.cuda.synchronize()
    return len(codes) / (time.perf_counter() - start)


def _step_seconds(model: ExpressionModel, codes: torch.Tensor, batch: int, steps: int,
                  amp: bool) -> float:
    model.train()
    optimiser = torch.optim.AdamW(model.parameters(), lr=1e-4)
    scaler = torch.amp.GradScaler(enabled=amp and codes.device.type == "cuda")
    loss_fn = make_loss(0.2)
    target = torch.zeros(batch, 1, device=codes.device)
    species = torch.zeros(batch, dtype=torch.long, device=codes.device)
    times = []
    for step in range(steps + 1):
        start = time.perf_counter()
        with torch.autocast(codes.device.type, enabled=amp):
            loss = loss_fn(model(codes[:batch]), (target, species))
        optimiser.zero_grad()
        scaler.scale(loss).backward()
        scaler.step(optimiser)
        scaler.update()
        if codes.device.type == "cuda":
            torch.cuda.synchronize()
        if step:  # the first step allocates
            times.append(time.perf_counter() - start)
    return sum(times) / len(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--length", type=int, default=3001)
    parser.add_argument("--genes", type=int, default=620)
    parser.add_argument("--steps", type=int, default=4)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--predict", type=int, default=128, help="sequences to predict")
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()
    device = torch.device(args.device)
    amp = device.type == "cuda"
    torch.manual_seed(0)
    codes = torch.randint(0, 4, (max(args.predict, args.batch), args.length), device=device)
    print(f"device {device}, threads {torch.get_num_threads()}, window {args.length} bp, "
          f"AMP {amp}")
    print("preset | parameters | predict genes/s | train s/step (batch "
          f"{args.batch}) | train s/epoch ({args.genes} genes)")
    rates = {}
    for preset in ("small", "full"):
        model = ExpressionModel(preset_config(preset, length=args.length)).to(device)
        n = sum(p.numel() for p in model.parameters())
        rate = _predict_rate(model, codes[:args.predict], 64, amp)
        step = _step_seconds(model, codes, args.batch, args.steps, amp)
        epoch = step * -(-args.genes // args.batch)
        rates[preset] = rate
        print(f"{preset} | {n:,} | {rate:.1f} | {step:.3f} | {epoch:.1f}")
    print(f"small / full prediction speed: {rates['small'] / rates['full']:.1f}x")


if __name__ == "__main__":
    main()
