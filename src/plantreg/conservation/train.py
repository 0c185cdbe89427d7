"""Train one pairwise network with the shared loop; save a strict model checkpoint.

Early stopping on validation AUROC (patience 3 by default, LECIF's rule) but only after
``min_epochs`` warm-up epochs: LECIF's own rule fires at epoch 2 on its example data before
anything is learned. The optimiser is the shared loop's AdamW (LECIF used SGD + momentum 0.9).
"""

from __future__ import annotations

import json
import logging
import math
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from plantreg.errors import InputError
from plantreg.io import atomic_open
from plantreg.training.checkpoint import (
    load_model_checkpoint,
    load_weights_strict,
    save_model_checkpoint,
)
from plantreg.training.config import TrainConfig
from plantreg.training.loop import fit
from plantreg.training.metrics import per_task_metrics

from .dataset import PairBatches, make_pair_loader
from .model import HyperParams, PairNet
from .store import FeatureStore, SignalScale, constant_on, fit_scale

log = logging.getLogger(__name__)

KIND = "conservation.pairnet"
VALID_BATCH = 8192


@dataclass
class TrainSettings:
    neg_ratio: float = 50.0
    max_epochs: int = 30
    patience: int = 3
    min_epochs: int = 5
    train_size: int = 0  # positives (and as many negatives) per network; 0 = all
    device: str = "auto"


def subset(examples: np.ndarray, size: int, rng: np.random.Generator) -> np.ndarray:
    """``size`` positives and ``size`` negatives drawn at random (all when size is 0 or larger)."""
    if size <= 0:
        return examples
    parts = []
    for label in (1, 0):
        idx = np.flatnonzero(examples[:, 2] == label)
        take = idx if size >= idx.size else rng.choice(idx, size, replace=False)
        parts.append(np.sort(take))
    return examples[np.concatenate(parts)]


def weighted_bce(outputs: torch.Tensor, targets: tuple[torch.Tensor, torch.Tensor]) -> torch.Tensor:
    label, weight = targets
    return F.binary_cross_entropy_with_logits(outputs.float(), label, weight=weight)


def auroc_evaluator(outputs: torch.Tensor, targets) -> dict[str, float]:
    label = targets[0].numpy()
    scores = torch.sigmoid(outputs.float()).numpy()
    m = per_task_metrics(label, scores, ["pair"])
    return {"valid_auroc": float(m.auroc[0]), "valid_auprc": float(m.auprc[0])}


def _check_informative(store: FeatureStore, rows: np.ndarray, scale: SignalScale) -> None:
    const = constant_on(store, rows, scale)
    if len(const) == store.n_features:
        raise InputError(
            f"every one of the {store.n_features} features is constant (zero variance) on the "
            "training regions: nothing to learn from this species",
            store.folder,
        )
    if const:
        log.warning(
            "%s: %d feature(s) constant on the training regions (they get weight but no "
            "signal): %s",
            store.folder,
            len(const),
            ", ".join(const[:8]),
        )


def _guard_resume(fit_dir: Path, identity: dict) -> None:
    """The shared loop checks its own settings on resume; the network shape is checked here."""
    path = fit_dir / "network.json"
    if path.exists() and json.loads(path.read_text()) != identity:
        raise InputError(
            "cannot resume: the folder holds a network with other hyper-parameters "
            "or settings; use another output folder",
            fit_dir,
        )
    fit_dir.mkdir(parents=True, exist_ok=True)
    with atomic_open(path) as handle:
        json.dump(identity, handle)


def tags_of(store_a: FeatureStore, store_b: FeatureStore) -> list[str]:
    return [f"A:{n}" for n in store_a.names] + [f"B:{n}" for n in store_b.names]


def train_network(
    store_a: FeatureStore,
    store_b: FeatureStore,
    train_ex: np.ndarray,
    valid_ex: np.ndarray,
    hp: HyperParams,
    seed: int,
    outdir: str | Path,
    settings: TrainSettings,
    split_info: dict | None = None,
) -> dict:
    """Train, save ``outdir/model.pt`` and ``outdir/summary.json``; return the summary."""
    outdir = Path(outdir)
    for store, col, ex, what in (
        (store_a, 0, train_ex, "training"),
        (store_b, 1, train_ex, "training"),
        (store_a, 0, valid_ex, "validation"),
        (store_b, 1, valid_ex, "validation"),
    ):
        store.check_rows(ex[:, col], f"the {what} examples")
    rng = np.random.default_rng([seed, 7])
    train_ex = subset(train_ex, settings.train_size, rng)
    scales = (fit_scale(store_a, train_ex[:, 0]), fit_scale(store_b, train_ex[:, 1]))
    _check_informative(store_a, train_ex[:, 0], scales[0])
    _check_informative(store_b, train_ex[:, 1], scales[1])
    torch.manual_seed(seed)
    model = PairNet(store_a.n_features, store_b.n_features, hp, -math.log(settings.neg_ratio))
    train_loader = make_pair_loader(
        PairBatches(store_a, store_b, train_ex, scales, settings.neg_ratio),
        hp.batch_size,
        seed,
        True,
    )
    valid_loader = make_pair_loader(
        PairBatches(store_a, store_b, valid_ex, scales, settings.neg_ratio),
        VALID_BATCH,
        seed,
        False,
    )
    config = TrainConfig(
        max_epochs=settings.max_epochs,
        lr=hp.lr,
        weight_decay=hp.weight_decay,
        monitor="valid_auroc",
        mode="max",
        patience=settings.patience,
        min_epochs=settings.min_epochs,
        seed=seed,
        device=settings.device,
        progress=False,
    )
    _guard_resume(outdir / "fit", {"hyper_params": hp.to_dict(), "settings": asdict(settings)})
    started = time.perf_counter()
    result = fit(
        model,
        train_loader,
        valid_loader,
        weighted_bce,
        config,
        outdir / "fit",
        evaluate_fn=auroc_evaluator,
    )
    seconds = time.perf_counter() - started
    train_seconds = sum(row["seconds"] for row in result.history)
    save_model_checkpoint(
        outdir / "model.pt",
        model,
        kind=KIND,
        config={
            "hyper_params": hp.to_dict(),
            "n_a": store_a.n_features,
            "n_b": store_b.n_features,
            "seed": seed,
            "settings": asdict(settings),
        },
        tags=tags_of(store_a, store_b),
        split=split_info or {},
        normalisation={"a": scales[0].to_dict(), "b": scales[1].to_dict()},
    )
    summary = {
        "seed": seed,
        "hyper_params": hp.to_dict(),
        "best_valid_auroc": result.best_metric,
        "best_epoch": result.best_epoch,
        "epochs": result.epochs_done,
        "train_positives": int(train_ex[:, 2].sum()),
        "train_examples": len(train_ex),
        "seconds": round(seconds, 3),
        "examples_per_second": round(len(train_ex) * result.epochs_done / max(train_seconds, 1e-9)),
    }
    with atomic_open(outdir / "summary.json") as handle:
        json.dump(summary, handle, indent=2)
    log.info(
        "network seed %d: best valid AUROC %.4f at epoch %d/%d",
        seed,
        result.best_metric or float("nan"),
        result.best_epoch,
        result.epochs_done,
    )
    return summary


def load_network(path: str | Path, store_a: FeatureStore, store_b: FeatureStore):
    """(model in eval mode, (scale A, scale B)); feature names must match the stores exactly."""
    ckpt = load_model_checkpoint(path, expected_tags=tags_of(store_a, store_b), expected_kind=KIND)
    hp = HyperParams.from_dict(ckpt.config["hyper_params"])
    model = PairNet(store_a.n_features, store_b.n_features, hp)
    load_weights_strict(model, ckpt)
    model.eval()
    norm = ckpt.normalisation or {}
    return model, (SignalScale.from_dict(norm["a"]), SignalScale.from_dict(norm["b"]))
