"""Learning-rate schedule: linear warm-up, then cosine decay, stepped once per optimiser step."""

from __future__ import annotations

import math

import torch


class WarmupCosine:
    """Multiplier of the base lr at step ``s``; a plain object so LambdaLR can checkpoint it."""

    def __init__(self, total_steps: int, warmup_steps: int, min_ratio: float) -> None:
        self.total_steps = max(1, total_steps)
        self.warmup_steps = max(0, min(warmup_steps, self.total_steps - 1))
        self.min_ratio = min_ratio

    def __call__(self, step: int) -> float:
        if step < self.warmup_steps:
            return (step + 1) / (self.warmup_steps + 1)
        span = max(1, self.total_steps - self.warmup_steps)
        progress = min(1.0, (step - self.warmup_steps) / span)
        return self.min_ratio + (1.0 - self.min_ratio) * 0.5 * (1.0 + math.cos(math.pi * progress))


def warmup_cosine(
    optimizer: torch.optim.Optimizer, total_steps: int, warmup_fraction: float, min_ratio: float
) -> torch.optim.lr_scheduler.LambdaLR:
    warmup = int(round(warmup_fraction * total_steps))
    return torch.optim.lr_scheduler.LambdaLR(
        optimizer, WarmupCosine(total_steps, warmup, min_ratio)
    )
