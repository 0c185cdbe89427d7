"""``plantreg tfbs train --model cnn``: one TF's CNN on its NyxBind-layout folder.

Uses the shared training loop (AdamW, warm-up + cosine, early stopping on validation AUPRC,
resume, mixed precision on a GPU). The checkpoint holds the weights, the model and training
settings, the TF as its one tag, and the window length; loading is strict.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch
from sklearn.metrics import average_precision_score, roc_auc_score
from torch.utils.data import TensorDataset

from plantreg.tfbs.cnn import CnnConfig, TfbsCnn
from plantreg.tfbs.nyxcsv import read_tf_folder
from plantreg.training.checkpoint import load_model_checkpoint, load_weights_strict
from plantreg.training.checkpoint import save_model_checkpoint as save_checkpoint
from plantreg.training.config import TrainConfig
from plantreg.training.loop import fit
from plantreg.training.sampler import make_loader

log = logging.getLogger(__name__)

KIND = "tfbs.cnn"


@dataclass
class CnnTrainSettings:
    # a TF often has fewer than 100 training peaks: small batches and many epochs give the few
    # hundred optimiser steps the filters need (at 64 and 30 epochs some TFs stayed at chance)
    epochs: int = 60
    patience: int = 15
    batch_size: int = 16
    lr: float = 3e-3
    seed: int = 0
    device: str = "auto"
    amp: bool = True
    model: CnnConfig = field(default_factory=CnnConfig)


def _dataset(codes: np.ndarray, labels: np.ndarray) -> TensorDataset:
    return TensorDataset(torch.from_numpy(codes.astype(np.int64)),
                         torch.from_numpy(labels.astype(np.float32)))


def evaluate_logits(logits: torch.Tensor, targets: torch.Tensor) -> dict[str, float]:
    y, s = targets.numpy(), logits.float().numpy()
    return {"auroc": float(roc_auc_score(y, s)), "auprc": float(average_precision_score(y, s))}


def train_cnn(tf: str, folder: str | Path, outdir: str | Path,
              settings: CnnTrainSettings | None = None) -> Path:
    """Train on ``folder``'s train.csv, stop on dev.csv; write ``outdir/model.pt``."""
    settings = settings or CnnTrainSettings()
    splits = read_tf_folder(folder)
    length = int(splits["train"][0].shape[1])
    torch.manual_seed(settings.seed)
    model = TfbsCnn(settings.model)
    n_params = sum(p.numel() for p in model.parameters())
    log.info("%s: CNN with %s parameters on %d training windows of %d bp", tf,
             f"{n_params:,}", len(splits["train"][1]), length)
    config = TrainConfig(max_epochs=settings.epochs, patience=settings.patience, lr=settings.lr,
                         monitor="auprc", seed=settings.seed, device=settings.device,
                         amp=settings.amp)
    train = make_loader(_dataset(*splits["train"]), settings.batch_size, True, settings.seed)
    valid = make_loader(_dataset(*splits["valid"]), 256, False, settings.seed)
    result = fit(model, train, valid, torch.nn.BCEWithLogitsLoss(), config, outdir,
                 evaluate_fn=evaluate_logits)
    path = Path(outdir) / "model.pt"
    save_checkpoint(path, model, kind=KIND,
                    config={"model": settings.model.to_dict(), "length": length,
                            "training": {k: v for k, v in asdict(settings).items()
                                         if k != "model"}},
                    tags=[tf], split={"folder": str(folder), "best_epoch": result.best_epoch})
    log.info("%s: best epoch %d (dev AUPRC %.3f); wrote %s", tf, result.best_epoch,
             result.best_metric, path)
    return path


def load_cnn(path: str | Path, tf: str | None = None) -> tuple[TfbsCnn, int]:
    """The CNN of a checkpoint (strict), and its window length."""
    ckpt = load_model_checkpoint(path, expected_tags=[tf] if tf else None, expected_kind=KIND)
    model = TfbsCnn(CnnConfig(**ckpt.config["model"]))
    load_weights_strict(model, ckpt)
    return model.eval(), int(ckpt.config["length"])


@torch.no_grad()
def model_scores(model: torch.nn.Module, codes: np.ndarray, batch: int = 1024) -> np.ndarray:
    """Logits of any TRAIN_TFBS model (CNN or language model) for ``(n, L)`` codes."""
    parts = [model(torch.from_numpy(codes[i:i + batch].astype(np.int64))).numpy()
             for i in range(0, len(codes), batch)]
    return np.concatenate(parts) if parts else np.zeros(0)
