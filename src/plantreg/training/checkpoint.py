"""The model checkpoint: one file with everything needed to use a trained model safely.

It holds the weights, the full model config, the output channel order (tags), the training split,
optional normalisation statistics, and the plantreg and torch versions. Loading is strict: a tag
order or set that differs from the expected one, and missing, unexpected or mis-shaped weights, are
refused with an :class:`InputError` naming the checkpoint (never ``strict=False``: random weights
must not run silently).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from torch import nn

import plantreg
from plantreg.errors import InputError
from plantreg.training.train_state import load_torch, save_torch

log = logging.getLogger(__name__)

MODEL_FORMAT = "plantreg-model"
MODEL_FORMAT_VERSION = 1


@dataclass
class ModelCheckpoint:
    kind: str  # which model family, e.g. "chromatin.sei"
    config: dict[str, Any]
    tags: list[str]
    split: dict[str, Any]
    normalisation: dict[str, Any] | None
    plantreg_version: str
    torch_version: str
    state_dict: dict[str, torch.Tensor]
    path: Path | None = None


def save_model_checkpoint(
    path: str | Path,
    model: nn.Module,
    *,
    kind: str,
    config: dict[str, Any],
    tags: Sequence[str],
    split: dict[str, Any],
    normalisation: dict[str, Any] | None = None,
) -> None:
    """Write the model checkpoint atomically (weights moved to CPU)."""
    tags = [str(t) for t in tags]
    if len(set(tags)) != len(tags):
        raise ValueError(f"duplicate tags: {tags}")
    state = {k: v.detach().cpu() for k, v in model.state_dict().items()}
    save_torch(
        {
            "format": MODEL_FORMAT,
            "format_version": MODEL_FORMAT_VERSION,
            "kind": kind,
            "config": dict(config),
            "tags": tags,
            "split": dict(split),
            "normalisation": normalisation,
            "plantreg_version": plantreg.__version__,
            "torch_version": str(torch.__version__),
            "state_dict": state,
        },
        Path(path),
    )


def load_model_checkpoint(
    path: str | Path,
    expected_tags: Sequence[str] | None = None,
    expected_kind: str | None = None,
) -> ModelCheckpoint:
    """Read a model checkpoint; with ``expected_tags`` the order must match exactly."""
    path = Path(path)
    payload = load_torch(path, "cpu")
    if not isinstance(payload, dict) or payload.get("format") != MODEL_FORMAT:
        raise InputError("not a plantreg model checkpoint", path)
    if payload.get("format_version") != MODEL_FORMAT_VERSION:
        raise InputError(
            f"model checkpoint format {payload.get('format_version')} is not "
            f"{MODEL_FORMAT_VERSION}",
            path,
        )
    ckpt = ModelCheckpoint(
        kind=payload["kind"],
        config=payload["config"],
        tags=list(payload["tags"]),
        split=payload["split"],
        normalisation=payload["normalisation"],
        plantreg_version=payload["plantreg_version"],
        torch_version=payload["torch_version"],
        state_dict=payload["state_dict"],
        path=path,
    )
    if expected_kind is not None and ckpt.kind != expected_kind:
        raise InputError(f"holds a {ckpt.kind!r} model, not {expected_kind!r}", path)
    if expected_tags is not None:
        check_tags(ckpt.tags, expected_tags, path)
    if ckpt.plantreg_version != plantreg.__version__:
        log.warning(
            "%s was written by plantreg %s (this is %s)",
            path,
            ckpt.plantreg_version,
            plantreg.__version__,
        )
    return ckpt


def check_tags(found: Sequence[str], expected: Sequence[str], path: str | Path) -> None:
    """Refuse a tag (output channel) order or set that differs; show both orders."""
    found, expected = list(found), list(expected)
    if found == expected:
        return
    if set(found) == set(expected):
        problem = "tag order differs"
    else:
        missing = sorted(set(expected) - set(found))
        extra = sorted(set(found) - set(expected))
        problem = f"tag set differs (missing {missing}, unexpected {extra})"
    raise InputError(
        f"{problem}: checkpoint order [{', '.join(found)}] vs expected [{', '.join(expected)}]",
        path,
    )


def load_weights_strict(model: nn.Module, ckpt: ModelCheckpoint) -> None:
    """Load the checkpoint's weights; any missing, unexpected or mis-shaped tensor is refused."""
    own = model.state_dict()
    missing = sorted(set(own) - set(ckpt.state_dict))
    unexpected = sorted(set(ckpt.state_dict) - set(own))
    if missing or unexpected:
        raise InputError(
            f"weights do not fit the model: missing keys {_short(missing)}, "
            f"unexpected keys {_short(unexpected)}",
            ckpt.path,
        )
    shapes = [
        f"{k} {tuple(v.shape)} vs model {tuple(own[k].shape)}"
        for k, v in ckpt.state_dict.items()
        if tuple(v.shape) != tuple(own[k].shape)
    ]
    if shapes:
        raise InputError(f"weight shapes do not fit the model: {_short(shapes)}", ckpt.path)
    model.load_state_dict(ckpt.state_dict, strict=True)


def _short(items: list[str], limit: int = 5) -> str:
    if len(items) <= limit:
        return str(items)
    return str(items[:limit])[:-1] + f", … {len(items) - limit} more]"
