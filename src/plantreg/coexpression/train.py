"""Train the Siamese transformer with the shared loop (weighted BCE, AdamW, early stopping on
validation AUPRC) and save a model checkpoint holding everything needed to use it again."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import torch
import yaml
from torch import nn

from plantreg.coexpression.dataset import PairDataset, as_tensor, gene_index, pair_loader
from plantreg.coexpression.model import ModelConfig, SiameseTransformer
from plantreg.errors import InputError
from plantreg.training.checkpoint import save_model_checkpoint
from plantreg.training.config import TrainConfig
from plantreg.training.loop import FitResult, fit
from plantreg.training.metrics import per_task_metrics

log = logging.getLogger(__name__)

KIND = "coexpression.siamese"
DEFAULT_TRAIN = {
    "max_epochs": 40,
    "lr": 2e-3,
    "weight_decay": 1e-2,
    "monitor": "auprc",
    "patience": 10,
    "min_epochs": 10,
    "warmup_fraction": 0.05,
}
# small by default: the promoter vocabulary is a short, low-entropy sequence
DEFAULT_MODEL = {"d_model": 32, "n_heads": 4, "n_layers": 1, "ff_dim": 64, "head_hidden": 32}


@dataclass
class HyperParams:
    model: dict[str, Any] = field(default_factory=dict)
    train: dict[str, Any] = field(default_factory=dict)
    batch_size: int = 128


def read_hyperparams(path: str | Path | None) -> HyperParams:
    """Hyper-parameters from a YAML file (``model:``, ``train:``, ``batch_size:``), all optional."""
    if path is None:
        return HyperParams(model=dict(DEFAULT_MODEL), train=dict(DEFAULT_TRAIN), batch_size=128)
    path = Path(path)
    if not path.is_file():
        raise InputError("hyper-parameter file not found", path)
    try:
        raw = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as err:
        raise InputError(f"not valid YAML ({str(err).splitlines()[0]})", path) from None
    unknown = sorted(set(raw) - {"model", "train", "batch_size"})
    if unknown or not isinstance(raw, dict):
        raise InputError(f"unknown section(s) {unknown}; use model, train, batch_size", path)
    return HyperParams(
        model={**DEFAULT_MODEL, **(raw.get("model") or {})},
        train={**DEFAULT_TRAIN, **(raw.get("train") or {})},
        batch_size=int(raw.get("batch_size", 128)),
    )


def build_configs(
    hp: HyperParams, n_tfs: int, n_windows: int, vocab_k: int, input_mode: str, seed: int, path=None
) -> tuple[ModelConfig, TrainConfig]:
    try:
        model_cfg = ModelConfig(
            **{
                **hp.model,
                "input_mode": input_mode,
                "vocab_size": vocab_k + 1,
                "n_tfs": n_tfs,
                "n_windows": n_windows,
            }
        )
        train_cfg = TrainConfig.from_dict({**hp.train, "seed": seed, "resume": False})
    except (TypeError, ValueError) as err:
        raise InputError(f"bad hyper-parameter: {err}", path) from None
    return model_cfg, train_cfg


def auprc_evaluator(logits: torch.Tensor, targets: torch.Tensor) -> dict[str, float]:
    scores = torch.sigmoid(logits.float()).numpy()
    m = per_task_metrics(targets.numpy(), scores, ["pairs"])
    return {"auprc": float(m.auprc[0]), "auroc": float(m.auroc[0])}


def _loaders(inputs: torch.Tensor, genes, pairs: pd.DataFrame, batch_size: int, seed: int, path):
    out = {}
    for split in ("train", "valid"):
        part = pairs[pairs["split"] == split]
        if part["label"].sum() == 0 or (part["label"] == 0).sum() == 0:
            raise InputError(f"the {split} split needs listed pairs and unlabelled pairs", path)
        part, ia, ib = gene_index(genes, part, path)
        ds = PairDataset(inputs, ia, ib, part["label"].to_numpy())
        out[split] = pair_loader(ds, batch_size, shuffle=split == "train", seed=seed)
    return out


def train_model(
    inputs: np.ndarray,
    genes: list[str],
    pairs: pd.DataFrame,
    model_cfg: ModelConfig,
    train_cfg: TrainConfig,
    batch_size: int,
    outdir: str | Path,
    pairs_path: str | Path,
) -> tuple[SiameseTransformer, FitResult]:
    """Fit on the train pairs, stop on validation AUPRC; return the best-epoch model."""
    torch.manual_seed(train_cfg.seed)
    tensor = as_tensor(inputs, model_cfg.input_mode)
    loaders = _loaders(tensor, genes, pairs, batch_size, train_cfg.seed, pairs_path)
    train = pairs[pairs["split"] == "train"]
    n_pos = int(train["label"].sum())
    # weighted BCE: positives count as much as the (more numerous) unlabelled pairs
    pos_weight = torch.tensor((len(train) - n_pos) / max(n_pos, 1), dtype=torch.float32)
    loss_fn = nn.BCEWithLogitsLoss(pos_weight=pos_weight)
    model = SiameseTransformer(model_cfg)
    result = fit(
        model,
        loaders["train"],
        loaders["valid"],
        lambda out, y: loss_fn(out, y.to(out.dtype)),
        train_cfg,
        outdir,
        evaluate_fn=auprc_evaluator,
    )
    model.eval()
    log.info("best epoch %d: validation AUPRC %.4f", result.best_epoch, result.best_metric or 0)
    return model, result


def save_checkpoint(
    path: str | Path,
    model: SiameseTransformer,
    train_cfg: TrainConfig,
    batch_size: int,
    tfs: list[str],
    split: dict,
    norm_params: dict,
    vocab: dict,
    centroids: np.ndarray,
) -> None:
    save_model_checkpoint(
        path,
        model,
        kind=KIND,
        config={
            "model": model.cfg.as_dict(),
            "train": train_cfg.identity(),
            "batch_size": batch_size,
            "vocabulary": vocab,
        },
        tags=tfs,
        split=split,
        normalisation={"signal": norm_params, "vocabulary_centroids": centroids.tolist()},
    )
