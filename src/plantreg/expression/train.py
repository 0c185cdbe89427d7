"""``plantreg expression train``: the hybrid model on every species at once.

Loss = MSE on the scaled expression + ``species_weight`` × cross-entropy on the species. Shared
training loop (AdamW, warm-up + cosine, AMP on a GPU, resume), early stopping on the validation
macro Spearman (the mean over species). The checkpoint holds the weights, the model and training
settings, the species map (its tags), the scaling statistics and the split; loading is strict and
refuses a checkpoint of another stage (Mix_cre's ``strict=False`` ran random weights silently).
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from scipy.stats import spearmanr
from torch.utils.data import Dataset

from plantreg.chromatin.seeds import seed_from_training
from plantreg.expression.dataset import ExpressionData, load_dataset
from plantreg.expression.model import ExpressionModel, ExpressionModelConfig, preset_config
from plantreg.training.checkpoint import (
    load_model_checkpoint,
    load_weights_strict,
    save_model_checkpoint,
)
from plantreg.training.config import TrainConfig
from plantreg.training.loop import fit
from plantreg.training.sampler import make_loader

log = logging.getLogger(__name__)

KIND = "expression.hybrid"


@dataclass
class ExpressionTrainSettings:
    preset: str = "small"
    epochs: int = 40
    patience: int = 10
    batch_size: int = 16
    lr: float = 1e-3
    weight_decay: float = 1e-2
    species_weight: float = 0.2
    rc_pool: bool = False
    # random shift of each training window by up to this many bases (N-filled): a TSS annotated
    # a few bases off must not change the prediction
    jitter: int = 10
    motif_seeds: int = 12  # stem filters seeded per direction (raising / lowering): see seed_stem
    seed: int = 0
    device: str = "auto"
    amp: bool = True


class _Genes(Dataset):
    def __init__(self, data: ExpressionData, rows: np.ndarray, jitter: int, seed: int) -> None:
        self.codes = torch.from_numpy(data.codes[rows].astype(np.int64))
        self.target = torch.from_numpy(data.target[rows])
        self.species = torch.from_numpy(data.species[rows].astype(np.int64))
        self.jitter, self.seed = jitter, seed

    def __len__(self) -> int:
        return len(self.codes)

    def __getitem__(self, i: int) -> tuple[torch.Tensor, tuple[torch.Tensor, torch.Tensor]]:
        codes = self.codes[i]
        if self.jitter:
            shift = int(torch.randint(-self.jitter, self.jitter + 1, ()).item())
            codes = _shift(codes, shift)
        return codes, (self.target[i], self.species[i])


def _shift(codes: torch.Tensor, shift: int) -> torch.Tensor:
    if shift == 0:
        return codes
    out = torch.full_like(codes, 4)
    if shift > 0:
        out[shift:] = codes[:-shift]
    else:
        out[:shift] = codes[-shift:]
    return out


def seed_stem(model: ExpressionModel, data: ExpressionData, rows: np.ndarray, per_side: int,
              seed: int) -> list[tuple[str, str, float]]:
    """Seed the stem with the 8-mers most enriched in the training genes of the top third of
    each species' expression (activators) and of the bottom third (repressors), as the chromatin
    scanner is seeded: a few hundred genes are too few for random filters to find the sites."""
    if per_side == 0:
        return []
    target = data.target[rows].mean(axis=1)
    labels = np.zeros((len(rows), 2), dtype=np.float32)
    for s in np.unique(data.species[rows]):
        mine = data.species[rows] == s
        lo, hi = np.quantile(target[mine], [1 / 3, 2 / 3])
        labels[mine, 0] = target[mine] >= hi
        labels[mine, 1] = target[mine] <= lo
    found = seed_from_training(model.stem[0], data.codes[rows], labels, ["raising", "lowering"],
                               per_side, seed=seed)
    for side, word, z in found:
        log.info("seed %-8s %s (z %.1f)", side, word, z)
    return found


def make_loss(species_weight: float):
    mse, ce = torch.nn.MSELoss(), torch.nn.CrossEntropyLoss()

    def loss(outputs: tuple, targets: tuple) -> torch.Tensor:
        return mse(outputs[0].float(), targets[0]) + species_weight * ce(outputs[1].float(),
                                                                         targets[1])
    return loss


def macro_spearman(pred: np.ndarray, target: np.ndarray, species: np.ndarray) -> float:
    """Mean over species of the Spearman correlation (average ranks for ties)."""
    values = [spearmanr(pred[species == s], target[species == s])[0]
              for s in np.unique(species) if (species == s).sum() > 2]
    return float(np.nanmean(values)) if values else float("nan")


def evaluate_outputs(outputs: tuple, targets: tuple) -> dict[str, float]:
    pred, species_logits = (o.numpy() for o in outputs)
    target, species = (t.numpy() for t in targets)
    return {"macro_spearman": macro_spearman(pred.mean(1), target.mean(1), species),
            "species_accuracy": float((species_logits.argmax(1) == species).mean())}


def train_expression(dataset: str | Path, outdir: str | Path,
                     settings: ExpressionTrainSettings | None = None) -> Path:
    """Train on the training genes, stop on the validation genes; write ``outdir/model.pt``."""
    settings = settings or ExpressionTrainSettings()
    data = load_dataset(dataset)
    config = preset_config(settings.preset, n_outputs=data.target.shape[1],
                           n_species=len(data.meta["species"]), length=int(data.meta["length"]),
                           rc_pool=settings.rc_pool)
    torch.manual_seed(settings.seed)
    model = ExpressionModel(config)
    train_rows, valid_rows = data.rows("train"), data.rows("valid")
    seeds = seed_stem(model, data, train_rows, settings.motif_seeds, settings.seed)
    log.info("%s model, %s parameters; %d training and %d validation genes of %d species",
             settings.preset, f"{sum(p.numel() for p in model.parameters()):,}", len(train_rows),
             len(valid_rows), len(data.meta["species"]))
    loop = TrainConfig(max_epochs=settings.epochs, patience=settings.patience, lr=settings.lr,
                       weight_decay=settings.weight_decay,
                       monitor="macro_spearman", seed=settings.seed, device=settings.device,
                       amp=settings.amp, min_epochs=min(5, settings.epochs))
    train = make_loader(_Genes(data, train_rows, settings.jitter, settings.seed),
                        settings.batch_size, True, settings.seed)
    valid = make_loader(_Genes(data, valid_rows, 0, settings.seed), 64, False, settings.seed)
    result = fit(model, train, valid, make_loss(settings.species_weight), loop, outdir,
                 evaluate_fn=evaluate_outputs)
    path = Path(outdir) / "model.pt"
    training = {k: v for k, v in asdict(settings).items() if k != "device"}
    save_model_checkpoint(
        path, model, kind=KIND,
        config={"model": config.to_dict(), "training": training, "dataset": _dataset_meta(data),
                "seeds": [list(s) for s in seeds]},
        tags=data.meta["species"],
        split={"species": data.meta["splits"], "best_epoch": result.best_epoch},
        normalisation=data.meta["scaling"])
    log.info("best epoch %d (validation macro Spearman %.3f); wrote %s", result.best_epoch,
             result.best_metric, path)
    return path


def _dataset_meta(data: ExpressionData) -> dict[str, Any]:
    keys = ("upstream", "downstream", "anchor", "target", "outputs", "length")
    return {k: data.meta[k] for k in keys}


def load_expression_model(path: str | Path,
                          species: list[str] | None = None) -> tuple[ExpressionModel, Any]:
    """The model of a TRAIN_EXPRESSION checkpoint (strict), in eval mode, and the checkpoint."""
    ckpt = load_model_checkpoint(path, expected_tags=species, expected_kind=KIND)
    model = ExpressionModel(ExpressionModelConfig(**ckpt.config["model"]))
    load_weights_strict(model, ckpt)
    return model.eval(), ckpt
