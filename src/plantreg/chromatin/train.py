"""TRAIN_CHROMATIN, the training half: PREPARE_DATA arrays (or SeiPlant FASTAs) → model checkpoint.

Outputs in ``outdir``: ``model.pt`` (weights + model config + tag order + split + versions, written
only when training is over), and the training loop's ``last.ckpt``, ``best.weights.pt`` and
``metrics.tsv``. Re-running with the same settings into the same folder resumes from the last epoch
and ends with the same result as an uninterrupted run.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch.utils.data import DataLoader, Subset

from plantreg.chromatin.curve import CURVE_NAME, plot_learning_curve
from plantreg.chromatin.dataset import ChromatinDataset, positive_class_weights, read_tags
from plantreg.chromatin.load import MODEL_KIND
from plantreg.chromatin.model import (
    SeiConfig,
    SeiNetwork,
    build_model,
    count_parameters,
    preset_config,
)
from plantreg.chromatin.seeds import seed_from_training
from plantreg.chromatin.strips import strip_loader
from plantreg.errors import InputError
from plantreg.training.checkpoint import save_model_checkpoint
from plantreg.training.config import TrainConfig
from plantreg.training.loop import FitResult, fit
from plantreg.training.metrics import logits_evaluator
from plantreg.training.sampler import make_loader
from plantreg.training.seed import derive_seed

log = logging.getLogger(__name__)

MODEL_NAME = "model.pt"
MIN_EPOCH_WINDOWS = 2048  # automatic epochs no smaller: validation runs after each one


@dataclass
class TrainSettings:
    preset: str = "small"
    epochs: int = 20
    batch_size: int = 64
    lr: float = 1e-3
    patience: int = 5
    seed: int = 0
    device: str = "auto"
    class_weights: bool = False
    rc_average: bool = True
    rc_augment: bool = True  # train on both strands of every window
    stop_after: int | None = None  # epochs in this invocation (the rest on a resumed call)
    epoch_windows: int | None = None  # windows drawn per epoch; None: see epoch_size()
    grid_stride: int | None = None  # bp between neighbouring training windows, when known
    valid_windows: int | None = 4096  # fixed sample of validation windows; None: all
    motif_seeds: int = 4  # enriched 8-mers per mark that seed the motif scanner (seeds.py)
    model_overrides: dict[str, Any] = field(default_factory=dict)



def import_seiplant_split(seiplant_fasta: Path, tags: Path, workdir: Path, split: str) -> None:
    """SeiPlant training FASTA + tag file → ``workdir/{split}.seq.npy``/``.labels.npy``/tags."""
    from plantreg.genome.seiplant import import_seiplant

    n = import_seiplant(seiplant_fasta, tags, workdir / split)
    log.info("%s split: %d windows imported from %s", split, n, seiplant_fasta)


def read_split_json(path: Path | None) -> dict[str, Any]:
    if path is None:
        return {}
    try:
        return dict(json.loads(Path(path).read_text()))
    except (OSError, ValueError) as err:
        raise InputError(f"cannot read the split JSON ({err})", path) from err


def open_splits(
    dataset_dir: Path, tags: list[str], rc_augment: bool = False
) -> tuple[ChromatinDataset, ChromatinDataset]:
    train = ChromatinDataset(dataset_dir, "train", tags, rc_augment=rc_augment)
    valid = ChromatinDataset(dataset_dir, "valid", tags)
    for data in (train, valid):
        if len(data) == 0:
            raise InputError(f"the {data.split} split holds no windows", data.seq_path)
    return train, valid


def train_chromatin(
    dataset_dir: str | Path, outdir: str | Path, settings: TrainSettings, split_json: Path | None
) -> FitResult:
    """Train the Sei-style model on ``dataset_dir/{train,valid}.*``; write ``outdir/model.pt``."""
    dataset_dir, outdir = Path(dataset_dir), Path(outdir)
    tags = read_tags(dataset_dir / "tags.txt")
    train, valid = open_splits(dataset_dir, tags, settings.rc_augment)
    config = _model_config(settings, len(tags), train.length)
    torch.manual_seed(settings.seed)  # the initial weights depend on the seed alone
    model = build_model(config)
    seeds: list[tuple[str, str, float]] = []
    if settings.motif_seeds and model.motifs is not None:
        overlap = math.ceil(train.length / settings.grid_stride) if settings.grid_stride else 1
        seeds = seed_from_training(model.motifs, *train.arrays(), tags, settings.motif_seeds,
                                   seed=settings.seed, overlap=overlap)
        log.info("seeds (mark:word z): %s", ", ".join(f"{m}:{w} {z:.0f}" for m, w, z in seeds))
    log.info("%s model: %s parameters, %d marks", settings.preset, f"{count_parameters(model):,}",
             len(tags))
    loss_fn = _loss(train, settings.class_weights)
    train_config = TrainConfig(
        max_epochs=settings.epochs,
        lr=settings.lr,
        patience=settings.patience,
        seed=settings.seed,
        device=settings.device,
        max_epochs_this_run=settings.stop_after,
    )
    n_epoch = epoch_size(train, settings)
    valid_rows = validation_rows(valid, settings.valid_windows, settings.seed)
    log.info("an epoch: %s of %s training windows (%s distinct bp), validation on %s windows",
             f"{n_epoch:,}", f"{len(train):,}", f"{distinct_bases(train, settings):,}",
             f"{len(valid_rows):,}")
    result = fit(
        model,
        make_loader(train, settings.batch_size, shuffle=True, seed=settings.seed,
                    epoch_size=n_epoch),
        validation_loader(model, valid, valid_rows, settings),
        loss_fn,
        train_config,
        outdir,
        logits_evaluator(tags),
    )
    plot_learning_curve(result.metrics_tsv, outdir / CURVE_NAME, result.best_epoch)
    if not result.finished:
        log.warning("stopped after epoch %d of %d: run again to resume", result.epochs_done,
                    settings.epochs)
        return result
    split = read_split_json(split_json)
    split["training"] = {"dataset": str(dataset_dir), "n_train": train.n, "n_valid": valid.n,
                         "epoch_windows": n_epoch, "valid_windows": len(valid_rows),
                         "motif_seeds": [f"{m}:{w}" for m, w, _ in seeds],
                         "rc_augment": settings.rc_augment,
                         "best_epoch": result.best_epoch, "train": train_config.identity()}
    save_model_checkpoint(outdir / MODEL_NAME, model.cpu(), kind=MODEL_KIND,
                          config=config.to_dict(), tags=tags, split=split)
    log.info("best epoch %d (valid mean AUPRC %.4f); wrote %s", result.best_epoch,
             result.best_metric or float("nan"), outdir / MODEL_NAME)
    return result


def distinct_bases(train: ChromatinDataset, settings: TrainSettings) -> int:
    """Training bases counted once: windows × stride when they overlap on a grid."""
    stride = settings.grid_stride or train.length
    return train.n * min(stride, train.length)


def epoch_size(train: ChromatinDataset, settings: TrainSettings) -> int:
    """Windows per epoch: ``epoch_windows``, or by default as many as hold each training base
    about once (on one strand, drawn at random), so that an epoch's cost follows the genome, not
    how densely its windows overlap (at stride 64 a full pass shows every base 16 times); at
    least ``MIN_EPOCH_WINDOWS`` (or all), so that validation stays a fraction of an epoch."""
    if settings.epoch_windows is not None:
        if settings.epoch_windows < 1:
            raise InputError(f"epoch_windows must be at least 1, got {settings.epoch_windows}")
        return min(settings.epoch_windows, len(train))
    once = math.ceil(distinct_bases(train, settings) / train.length)
    return min(len(train), max(once, MIN_EPOCH_WINDOWS))


def validation_rows(valid: ChromatinDataset, n: int | None, seed: int) -> np.ndarray:
    """The same ``n`` validation windows every epoch (a seeded sample, sorted), or all of them."""
    if n is None or n >= len(valid):
        return np.arange(len(valid))
    if n < 1:
        raise InputError(f"valid_windows must be at least 1, got {n}")
    rng = np.random.default_rng(derive_seed(seed, 0, 7))
    return np.sort(rng.choice(len(valid), n, replace=False))


def validation_loader(model: SeiNetwork, valid: ChromatinDataset, rows: np.ndarray,
                      settings: TrainSettings) -> DataLoader:
    """Consecutive grid windows as strips when the model allows it at the grid stride
    (:mod:`plantreg.chromatin.strips`), otherwise ordinary batches; the same windows either way."""
    batch = max(settings.batch_size, 256)
    step = settings.grid_stride
    if step and step < valid.length and model.config.padding == "valid" \
            and step % model.config.strip_step == 0:
        return strip_loader(valid, rows, step, batch)
    return make_loader(Subset(valid, rows.tolist()), batch, shuffle=False)


def _model_config(settings: TrainSettings, n_marks: int, length: int) -> SeiConfig:
    overrides = {k: tuple(v) if isinstance(v, list) else v
                 for k, v in settings.model_overrides.items()}
    known = {f.name for f in dataclasses.fields(SeiConfig)} - {"n_marks", "input_length", "preset"}
    unknown = sorted(set(overrides) - known)
    if unknown:
        raise InputError(f"unknown model setting(s) {', '.join(unknown)}; known: "
                         f"{', '.join(sorted(known))}")
    return preset_config(settings.preset, n_marks, input_length=length,
                         rc_average=settings.rc_average, **overrides)


def _loss(train: ChromatinDataset, class_weights: bool) -> torch.nn.Module:
    if not class_weights:
        return torch.nn.BCEWithLogitsLoss()
    weights = positive_class_weights(train.arrays()[1])
    log.info("positive class weights: %s", np.round(weights, 3).tolist())
    # seen on the bundled data: the head's ReLU units all died early and AUPRC stayed at chance
    log.warning("class weights can stop the small preset from learning (dead head units): "
                "check that the validation AUPRC rises above chance in the learning curve")
    return torch.nn.BCEWithLogitsLoss(pos_weight=torch.from_numpy(weights))
