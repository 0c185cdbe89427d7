"""``plantreg tfbs pretrain``: a small DNA language model trained from scratch on one genome.

Pretrained weights on a model hub cannot be reached on every cluster, so plantreg can make its
own: masked language modelling on random windows of the training chromosomes (validation on the
validation chromosomes; windows with N are redrawn), saved with ``save_pretrained`` so that
``plantreg tfbs train --base-model <folder>`` loads it exactly as it loads a downloaded model.
Given the TFs' datasets, NyxBind's contrastive step follows (:mod:`.contrastive`).
The settings, seed and library versions go to ``plantreg_pretrain.json`` beside the weights.
"""

from __future__ import annotations

import json
import logging
import shutil
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np
import torch
from torch.utils.data import TensorDataset

import plantreg
from plantreg.errors import InputError
from plantreg.genome.encode import N_CODE
from plantreg.genome.fasta import open_fasta, read_fai
from plantreg.genome.split import read_split
from plantreg.tfbs.lm.contrastive import contrastive_step
from plantreg.tfbs.lm.model import LmConfig, MaskedLmOnCodes, masked_lm_loss, new_masked_lm
from plantreg.tfbs.lm.tokenizer import CodeIds, build_tokenizer
from plantreg.tfbs.windows import fetch_windows
from plantreg.training.config import TrainConfig
from plantreg.training.loop import fit
from plantreg.training.sampler import make_loader

log = logging.getLogger(__name__)


@dataclass
class PretrainSettings:
    length: int = 101
    train_windows: int = 20_000
    valid_windows: int = 2_000
    epochs: int = 10
    patience: int = 3
    contrastive_epochs: int = 20
    batch_size: int = 128
    lr: float = 1e-3
    seed: int = 0
    device: str = "auto"
    amp: bool = True
    model: LmConfig = field(default_factory=LmConfig)


def sample_windows(fasta, chroms: list[str], sizes: dict[str, int], length: int, n: int,
                   rng: np.random.Generator) -> np.ndarray:
    """``n`` random windows without N from ``chroms`` (uniform over usable positions)."""
    chroms = [c for c in chroms if sizes[c] >= length]
    if not chroms:
        raise InputError(f"no chromosome of the set is at least {length} bp long")
    usable = np.array([sizes[c] - length + 1 for c in chroms], dtype=np.float64)
    out: list[np.ndarray] = []
    have = 0
    for _ in range(20):
        which = rng.choice(len(chroms), size=2 * (n - have) + 16, p=usable / usable.sum())
        starts = (rng.random(len(which)) * usable[which]).astype(np.int64)
        codes = fetch_windows(fasta, np.asarray(chroms, dtype=object)[which], starts, length)
        codes = codes[(codes != N_CODE).all(axis=1)][: n - have]
        out.append(codes)
        have += len(codes)
        if have >= n:
            return np.concatenate(out)
    raise InputError(f"found only {have} of {n} windows without N on {', '.join(chroms[:5])}")


def pretrain(fasta_path: str | Path, split_path: str | Path, outdir: str | Path,
             settings: PretrainSettings | None = None, bound: str | Path | None = None) -> Path:
    """Train and save the model in ``outdir`` (config.json, model.safetensors, tokenizer).

    With ``bound`` (a NyxBind-layout root of TF folders), the contrastive step follows.
    """
    settings = settings or PretrainSettings()
    if settings.length > settings.model.max_length:
        raise InputError(f"--length {settings.length} exceeds the model's max_length "
                         f"{settings.model.max_length}")
    fasta = open_fasta(fasta_path)
    sizes = dict(read_fai(fasta_path))
    split = read_split(split_path, sizes)
    rng = np.random.default_rng(settings.seed)
    train = sample_windows(fasta, split["train"], sizes, settings.length,
                           settings.train_windows, rng)
    valid = sample_windows(fasta, split["valid"], sizes, settings.length,
                           settings.valid_windows, rng)
    tokenizer = build_tokenizer()
    model = new_masked_lm(settings.model, tokenizer, settings.seed)
    ids = CodeIds(tokenizer)
    log.info("pretraining a DNA language model (%s parameters) on %d + %d windows of %d bp",
             f"{sum(p.numel() for p in model.parameters()):,}", len(train), len(valid),
             settings.length)
    config = TrainConfig(max_epochs=settings.epochs, patience=settings.patience, lr=settings.lr,
                         monitor="valid_loss", seed=settings.seed, device=settings.device,
                         amp=settings.amp)

    def loader(codes: np.ndarray, shuffle: bool):
        data = torch.from_numpy(codes.astype(np.int64))
        return make_loader(TensorDataset(data, data), settings.batch_size, shuffle,
                           settings.seed)

    outdir = Path(outdir)
    work = outdir / "training"
    fit(MaskedLmOnCodes(model, ids, settings.seed), loader(train, True), loader(valid, False),
        masked_lm_loss, config, work)
    if bound is not None and settings.contrastive_epochs > 0:
        # the [CLS] embeddings start out nearly collapsed: the loss can sit flat for a few
        # epochs before it falls, so early stopping waits longer than for masked LM
        patient = replace(config, max_epochs=settings.contrastive_epochs,
                          patience=max(config.patience, 8), grad_clip=None)
        contrastive_step(model, ids, bound, patient, outdir / "contrastive", settings.batch_size)
    model.save_pretrained(outdir)
    tokenizer.save_pretrained(outdir)
    record = {"plantreg": plantreg.__version__, "torch": torch.__version__,
              "transformers": _version("transformers"), "fasta": str(fasta_path),
              "split": split, "bound": str(bound) if bound else None,
              "settings": asdict(settings)}
    (outdir / "plantreg_pretrain.json").write_text(json.dumps(record, indent=2, default=str))
    shutil.copy(work / "metrics.tsv", outdir / "metrics.tsv")
    log.info("wrote the pretrained model to %s", outdir)
    return outdir


def _version(package: str) -> str:
    from importlib.metadata import version

    return version(package)
