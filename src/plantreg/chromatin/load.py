"""Load a trained chromatin model from its checkpoint, strictly (weights, config, tag order)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from plantreg.chromatin.model import SeiConfig, SeiNetwork, build_model
from plantreg.errors import InputError
from plantreg.training.checkpoint import ModelCheckpoint, load_model_checkpoint, load_weights_strict

MODEL_KIND = "chromatin.sei"


def load_chromatin_model(
    path: str | Path, expected_tags: Sequence[str] | None = None
) -> tuple[SeiNetwork, ModelCheckpoint]:
    """The model in eval mode and its checkpoint; a tag order other than ``expected_tags`` fails."""
    ckpt = load_model_checkpoint(path, expected_tags=expected_tags, expected_kind=MODEL_KIND)
    try:
        config = SeiConfig.from_dict(ckpt.config)
    except (TypeError, ValueError) as err:
        raise InputError(f"model config is not valid ({err})", path) from err
    if config.n_marks != len(ckpt.tags):
        raise InputError(f"{config.n_marks} outputs but {len(ckpt.tags)} tags", path)
    model = build_model(config)
    load_weights_strict(model, ckpt)
    return model.eval(), ckpt
