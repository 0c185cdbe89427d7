"""The run's models as the web API uses them: loaded strictly, once, when the app starts.

Each service wraps one trained model and the pieces of its run it needs (the expression dataset for
gene IDs); a section of the page exists only when its model is in the results folder.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from plantreg.expression.cre import CreSettings, cre_threshold, scan_track
from plantreg.expression.explain import ExplainSettings, explain_one
from plantreg.expression.predict import unscale

log = logging.getLogger(__name__)

# Where TRAIN_EXPRESSION and TRAIN_CHROMATIN leave their model (docs/output.md).
EXPRESSION_MODEL = Path("train_expression/model/model.pt")
EXPRESSION_DATASET = Path("train_expression/dataset")
CHROMATIN_MODEL = Path("train_chromatin/model/model.pt")
EXPLAIN_METHODS = ("ism", "occlusion", "gxi")


@dataclass
class ExpressionService:
    """The expression model, its window and species, and the genes of its dataset."""

    model: torch.nn.Module
    species: list[str]
    outputs: list[str]
    scaling: dict
    length: int
    upstream: int
    genes: dict[str, tuple[str, np.ndarray]]  # gene_id → (species, window codes)
    lock: threading.Lock

    @classmethod
    def load(cls, results: Path) -> ExpressionService | None:
        from plantreg.expression.dataset import load_dataset
        from plantreg.expression.train import load_expression_model

        path = results / EXPRESSION_MODEL
        if not path.is_file():
            return None
        model, ckpt = load_expression_model(path)
        meta = ckpt.config["dataset"]
        genes: dict[str, tuple[str, np.ndarray]] = {}
        if (results / EXPRESSION_DATASET / "dataset.npz").is_file():
            data = load_dataset(results / EXPRESSION_DATASET)
            names = np.asarray(data.meta["species"], dtype=str)[data.species]
            genes = {g: (s, c) for g, s, c in zip(data.gene_id, names, data.codes, strict=True)}
        log.info("expression model: %s (%d bp windows, %d species, %d genes)", path,
                 int(meta["length"]), len(ckpt.tags), len(genes))
        return cls(model.eval(), list(ckpt.tags), list(meta["outputs"]), ckpt.normalisation,
                   int(meta["length"]), int(meta["upstream"]), genes, threading.Lock())

    def predict(self, codes: np.ndarray) -> dict:
        from plantreg.expression.evaluate import predict_codes

        with self.lock, torch.inference_mode():
            z, prob = predict_codes(self.model, codes[None, :])
        best = self.species[int(prob[0].argmax())]
        tpm = unscale(z[0], self.scaling, best)
        return {"outputs": self.outputs, "z": z[0].tolist(), "tpm": tpm.tolist(),
                "tpm_scale_of": best,
                "species_probabilities": dict(zip(self.species, prob[0].tolist(), strict=True))}

    def explain(self, codes: np.ndarray, method: str, settings: ExplainSettings) -> np.ndarray:
        with self.lock:
            return explain_one(self.model.expression_one_hot, codes, method, settings)

    @staticmethod
    def cres(score: np.ndarray, codes: np.ndarray, settings: CreSettings,
             threshold: float | None = None) -> tuple[pd.DataFrame, float]:
        """CREs of one track and the threshold used: ``threshold`` (the run's), or else the
        ``quantile`` of this track's non-N |scores|."""
        settings.check()
        if threshold is None:
            threshold = cre_threshold(score, settings.threshold_quantile, codes)
        return scan_track(score, threshold, settings.max_gap, settings.min_length), threshold


@dataclass
class ChromatinService:
    """The chromatin model: per-mark probabilities of one window."""

    model: torch.nn.Module
    marks: list[str]
    length: int
    lock: threading.Lock

    @classmethod
    def load(cls, results: Path) -> ChromatinService | None:
        from plantreg.chromatin.load import load_chromatin_model

        path = results / CHROMATIN_MODEL
        if not path.is_file():
            return None
        model, ckpt = load_chromatin_model(path)
        length = int(model.config.input_length)
        log.info("chromatin model: %s (%d bp windows, %d marks)", path, length, len(ckpt.tags))
        return cls(model, list(ckpt.tags), length, threading.Lock())

    def predict(self, codes: np.ndarray) -> dict[str, float]:
        from plantreg.chromatin.predict import OneHot, predict_codes

        encoder = OneHot(torch.device("cpu"))
        with self.lock:
            prob = predict_codes(self.model, encoder, np.array(codes[None, :]), 1,
                                 contextlib.nullcontext)
        return dict(zip(self.marks, prob[0].tolist(), strict=True))
