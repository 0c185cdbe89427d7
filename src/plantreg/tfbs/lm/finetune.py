"""``plantreg tfbs train --model lm``: a DNA language model fine-tuned per TF, fully or with LoRA.

The base model is a local folder or a hub id (``tfbs_base_model``), read with ``AutoTokenizer``
and ``AutoModelForSequenceClassification``. With LoRA (``peft``; NyxBind: r 8, alpha 16 on
query/key/value/dense) only the adapters and the classification head train; the trainable and
total parameter counts are logged and stored. The result is saved twice over: the merged model and
its tokenizer with ``save_pretrained`` in ``outdir/model/`` (so any Hugging Face tool reads it),
and ``outdir/model.pt``, a strict plantreg checkpoint that names the TF, the base model and the
tokenizer's vocabulary, which loading compares with the tokenizer it finds.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch
from torch.utils.data import TensorDataset

from plantreg.errors import InputError
from plantreg.tfbs.lm.model import CodeClassifier, load_classifier, load_tokenizer
from plantreg.tfbs.lm.tokenizer import CodeIds
from plantreg.tfbs.nyxcsv import read_tf_folder
from plantreg.tfbs.train import evaluate_logits
from plantreg.training.checkpoint import (
    load_model_checkpoint,
    load_weights_strict,
    save_model_checkpoint,
)
from plantreg.training.config import TrainConfig
from plantreg.training.loop import fit
from plantreg.training.sampler import make_loader

log = logging.getLogger(__name__)

KIND = "tfbs.lm"


@dataclass
class LoraSettings:
    enabled: bool = True
    rank: int = 8
    alpha: int = 16
    dropout: float = 0.05
    target_modules: list[str] = field(default_factory=lambda: ["query", "key", "value",
                                                               "dense"])


@dataclass
class LmTrainSettings:
    epochs: int = 20
    patience: int = 5
    # small batches and a high rate: a TF's few hundred windows give LoRA few steps otherwise
    # (at 32 and 2e-3 some TFs stayed at chance for 20 epochs)
    batch_size: int = 16
    lr: float = 5e-3
    seed: int = 0
    device: str = "auto"
    amp: bool = True
    lora: LoraSettings = field(default_factory=LoraSettings)


def _with_lora(model, lora: LoraSettings):
    from peft import LoraConfig, get_peft_model

    config = LoraConfig(r=lora.rank, lora_alpha=lora.alpha, lora_dropout=lora.dropout,
                        target_modules=list(lora.target_modules), task_type="SEQ_CLS")
    try:
        return get_peft_model(model, config)
    except ValueError as err:
        raise InputError(f"LoRA target modules {lora.target_modules} do not fit the base model "
                         f"({str(err).splitlines()[0]})") from err


def parameter_counts(model: torch.nn.Module) -> tuple[int, int]:
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    return trainable, sum(p.numel() for p in model.parameters())


def train_lm(tf: str, folder: str | Path, base_model: str | Path, outdir: str | Path,
             settings: LmTrainSettings | None = None) -> Path:
    settings = settings or LmTrainSettings()
    splits = read_tf_folder(folder)
    tokenizer, hf_model = load_classifier(base_model)
    torch.manual_seed(settings.seed)
    if settings.lora.enabled:
        hf_model = _with_lora(hf_model, settings.lora)
    trainable, total = parameter_counts(hf_model)
    log.info("%s: %s of %s parameters train (%s)", tf, f"{trainable:,}", f"{total:,}",
             "LoRA" if settings.lora.enabled else "full fine-tuning")
    model = CodeClassifier(hf_model, CodeIds(tokenizer, base_model))
    config = TrainConfig(max_epochs=settings.epochs, patience=settings.patience, lr=settings.lr,
                         monitor="auprc", seed=settings.seed, device=settings.device,
                         amp=settings.amp)

    def loader(split: str, shuffle: bool):
        codes, labels = splits[split]
        data = TensorDataset(torch.from_numpy(codes.astype(np.int64)),
                             torch.from_numpy(labels.astype(np.float32)))
        return make_loader(data, settings.batch_size if shuffle else 256, shuffle, settings.seed)

    outdir = Path(outdir)
    result = fit(model, loader("train", True), loader("valid", False),
                 torch.nn.BCEWithLogitsLoss(), config, outdir / "training",
                 evaluate_fn=evaluate_logits)
    merged = hf_model.merge_and_unload() if settings.lora.enabled else hf_model
    merged.save_pretrained(outdir / "model")
    tokenizer.save_pretrained(outdir / "model")
    save_model_checkpoint(
        outdir / "model.pt", merged, kind=KIND, tags=[tf],
        config={"base_model": str(base_model), "vocab": tokenizer.get_vocab(),
                "length": int(splits["train"][0].shape[1]),
                "parameters": {"trainable": trainable, "total": total},
                "training": asdict(settings)},
        split={"folder": str(folder), "best_epoch": result.best_epoch})
    log.info("%s: best epoch %d (dev AUPRC %.3f); wrote %s", tf, result.best_epoch,
             result.best_metric, outdir)
    return outdir / "model.pt"


def load_lm(path: str | Path, tf: str | None = None) -> CodeClassifier:
    """The fine-tuned model of ``path`` (model.pt beside its ``model/`` folder), strictly."""
    path = Path(path)
    ckpt = load_model_checkpoint(path, expected_tags=[tf] if tf else None, expected_kind=KIND)
    folder = path.parent / "model"
    tokenizer = load_tokenizer(folder)
    if tokenizer.get_vocab() != ckpt.config["vocab"]:
        raise InputError(f"the tokenizer in {folder} does not match the one the model was "
                         f"trained with (vocabularies of {len(tokenizer.get_vocab())} and "
                         f"{len(ckpt.config['vocab'])} tokens differ)", path)
    _, hf_model = load_classifier(folder)
    load_weights_strict(hf_model, ckpt)
    return CodeClassifier(hf_model, CodeIds(tokenizer, folder)).eval()
