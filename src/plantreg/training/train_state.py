"""The epoch checkpoint of a training run: everything needed to continue it exactly.

``last.ckpt`` holds the weights, optimiser, scheduler, scaler and RNG states, the epoch reached,
the early-stopping state and the metric history; ``best.weights.pt`` holds the best epoch's weights.
Both are written atomically; the epoch checkpoint first, so a crash between the two writes is
repaired on resume (the best epoch is then the checkpoint's own epoch, whose weights it holds).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

from plantreg.errors import InputError
from plantreg.io import atomic_path

log = logging.getLogger(__name__)

STATE_FORMAT = "plantreg-train-state"
STATE_VERSION = 1
CHECKPOINT_NAME = "last.ckpt"
BEST_NAME = "best.weights.pt"
METRICS_NAME = "metrics.tsv"


@dataclass
class EarlyStopState:
    """Where a training stands after ``epoch`` completed epochs."""

    epoch: int = 0
    best_epoch: int = 0
    best_metric: float | None = None
    bad_epochs: int = 0
    stopped_early: bool = False
    history: list[dict[str, float]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "epoch": self.epoch,
            "best_epoch": self.best_epoch,
            "best_metric": self.best_metric,
            "bad_epochs": self.bad_epochs,
            "stopped_early": self.stopped_early,
            "history": self.history,
        }


def save_torch(obj: Any, path: Path) -> None:
    with atomic_path(path) as tmp:
        torch.save(obj, tmp)


def load_torch(path: Path, device: torch.device | str = "cpu") -> Any:
    """Load a torch file with ``weights_only`` (no arbitrary pickles); unreadable → InputError."""
    try:
        return torch.load(path, map_location=device, weights_only=True)
    except FileNotFoundError as err:
        raise InputError("file not found", path) from err
    except Exception as err:  # a torch/pickle error means a truncated or foreign file
        problem = f"cannot read as a torch checkpoint ({type(err).__name__}: {err})"
        raise InputError(problem, path) from err


def save_train_state(path: Path, payload: dict[str, Any]) -> None:
    save_torch({"format": STATE_FORMAT, "version": STATE_VERSION, **payload}, path)


def load_train_state(path: Path, device: torch.device) -> dict[str, Any]:
    payload = load_torch(path, device)
    if not isinstance(payload, dict) or payload.get("format") != STATE_FORMAT:
        raise InputError("not a plantreg training checkpoint", path)
    if payload.get("version") != STATE_VERSION:
        raise InputError(
            f"training checkpoint version {payload.get('version')} is not {STATE_VERSION}", path
        )
    return payload


def check_resumable(path: Path, payload: dict[str, Any], identity: dict, steps: int) -> None:
    """Refuse to continue a checkpoint made with other settings or another amount of data."""
    saved = payload["config"]
    diffs = [
        f"{key}: checkpoint {saved.get(key)!r} vs now {identity.get(key)!r}"
        for key in sorted(set(saved) | set(identity))
        if saved.get(key) != identity.get(key)
    ]
    if diffs:
        raise InputError(
            "cannot resume: training settings differ (" + "; ".join(diffs) + "); "
            "use another output folder or resume=False",
            path,
        )
    if payload["steps_per_epoch"] != steps:
        raise InputError(
            f"cannot resume: {payload['steps_per_epoch']} batches per epoch in the checkpoint, "
            f"{steps} now (the training data changed)",
            path,
        )


def format_value(value: float | int) -> str:
    if isinstance(value, int):
        return str(value)
    return format(value, ".8g")


def write_metrics_tsv(path: Path, history: list[dict[str, float]]) -> None:
    """The whole per-epoch log, rewritten atomically from the history held in the checkpoint."""
    if not history:
        return
    columns = list(history[0])
    with atomic_path(path) as tmp, open(tmp, "w") as handle:
        handle.write("\t".join(columns) + "\n")
        for row in history:
            handle.write("\t".join(format_value(row[c]) for c in columns) + "\n")
