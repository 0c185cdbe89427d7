"""Settings of one training run (:func:`plantreg.training.loop.fit`)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

# Settings that only steer this invocation; changing them does not change what is being trained,
# so a resumed run may differ from the interrupted one in these.
RUN_ONLY_FIELDS = frozenset({"max_epochs_this_run", "resume", "progress", "device", "log_every"})


@dataclass
class TrainConfig:
    max_epochs: int = 20
    lr: float = 1e-3
    weight_decay: float = 1e-2
    beta1: float = 0.9
    beta2: float = 0.999
    # linear warm-up over this fraction of all optimiser steps, then cosine decay to min_lr_ratio·lr
    warmup_fraction: float = 0.05
    min_lr_ratio: float = 0.01
    grad_clip: float | None = 1.0
    # early stopping: "valid_loss" or any key returned by evaluate_fn (e.g. "mean_auprc")
    monitor: str = "mean_auprc"
    mode: str | None = None  # "max" / "min"; None: "min" for names ending in "loss", else "max"
    patience: int = 5
    min_delta: float = 0.0
    min_epochs: int = 1  # no early stop before this many epochs (a stop at epoch 2 learns nothing)
    seed: int = 0
    deterministic: bool = True
    amp: bool = True
    device: str = "auto"
    # run-only controls
    max_epochs_this_run: int | None = None
    resume: bool = True
    progress: bool | None = None  # None: a bar only on a terminal
    log_every: int = 10  # steps between live-loss updates of the bar (each one syncs the GPU)

    def __post_init__(self) -> None:
        if self.max_epochs < 1:
            raise ValueError("max_epochs must be at least 1")
        if self.patience < 1:
            raise ValueError("patience must be at least 1")
        if self.lr <= 0:
            raise ValueError("lr must be positive")
        if not 0.0 <= self.warmup_fraction < 1.0:
            raise ValueError("warmup_fraction must be in [0, 1)")
        if self.mode not in (None, "max", "min"):
            raise ValueError("mode must be 'max', 'min' or None")
        if self.max_epochs_this_run is not None and self.max_epochs_this_run < 1:
            raise ValueError("max_epochs_this_run must be at least 1")

    @property
    def monitor_mode(self) -> str:
        if self.mode is not None:
            return self.mode
        return "min" if self.monitor.endswith("loss") else "max"

    def identity(self) -> dict[str, Any]:
        """The settings that define the training (compared when resuming)."""
        return {k: v for k, v in asdict(self).items() if k not in RUN_ONLY_FIELDS}

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> TrainConfig:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValueError(f"unknown training settings: {', '.join(unknown)}")
        return cls(**values)
