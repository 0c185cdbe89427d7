"""Per-task classification metrics: AUROC and AUPRC per output column, and their means.

A task whose labels hold a single class has no defined AUROC/AUPRC: it is reported as NaN, left
out of the means, and named in a warning (never silently scored 0.5 or dropped).
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import torch
from sklearn.metrics import average_precision_score, roc_auc_score

log = logging.getLogger(__name__)


@dataclass
class TaskMetrics:
    """AUROC/AUPRC per task, in the order of ``names``."""

    names: list[str]
    auroc: np.ndarray
    auprc: np.ndarray
    n_pos: np.ndarray
    n_neg: np.ndarray

    @property
    def mean_auroc(self) -> float:
        return _nanmean(self.auroc)

    @property
    def mean_auprc(self) -> float:
        return _nanmean(self.auprc)

    @property
    def undefined(self) -> list[str]:
        return [n for n, v in zip(self.names, self.auroc, strict=True) if np.isnan(v)]

    def as_dict(self, per_task: bool = True) -> dict[str, float]:
        """Flat ``{name: value}``: the means first, then ``auroc_<task>`` / ``auprc_<task>``."""
        out = {"mean_auroc": self.mean_auroc, "mean_auprc": self.mean_auprc}
        if per_task:
            for i, name in enumerate(self.names):
                out[f"auroc_{name}"] = float(self.auroc[i])
                out[f"auprc_{name}"] = float(self.auprc[i])
        return out


def _nanmean(values: np.ndarray) -> float:
    finite = values[~np.isnan(values)]
    return float(finite.mean()) if finite.size else float("nan")


def binarize(y_true: np.ndarray) -> np.ndarray:
    """Labels as booleans; continuous scores (SeiPlant-style) are positive at ≥ 0.5."""
    return np.asarray(y_true) >= 0.5


def per_task_metrics(
    y_true: np.ndarray, y_score: np.ndarray, names: Sequence[str] | None = None
) -> TaskMetrics:
    """AUROC and AUPRC (average precision) of each column of ``y_score`` against ``y_true``."""
    y_true = binarize(y_true)
    y_score = np.asarray(y_score, dtype=np.float64)
    if y_true.ndim == 1:
        y_true, y_score = y_true[:, None], y_score[:, None]
    if y_true.shape != y_score.shape:
        raise ValueError(f"labels {y_true.shape} and scores {y_score.shape} differ in shape")
    n_tasks = y_true.shape[1]
    names = list(names) if names is not None else [f"task{i}" for i in range(n_tasks)]
    if len(names) != n_tasks:
        raise ValueError(f"{len(names)} task names for {n_tasks} columns")
    n_pos = y_true.sum(axis=0)
    n_neg = y_true.shape[0] - n_pos
    auroc = np.full(n_tasks, np.nan)
    auprc = np.full(n_tasks, np.nan)
    for i in range(n_tasks):
        if n_pos[i] == 0 or n_neg[i] == 0:
            continue
        auroc[i] = roc_auc_score(y_true[:, i], y_score[:, i])
        auprc[i] = average_precision_score(y_true[:, i], y_score[:, i])
    result = TaskMetrics(names, auroc, auprc, n_pos.astype(np.int64), n_neg.astype(np.int64))
    if result.undefined:
        message = (
            f"{len(result.undefined)} task(s) have a single class and are left out of the means "
            f"(AUROC/AUPRC reported as NaN): {', '.join(result.undefined)}"
        )
        log.warning(message)
        warnings.warn(message, UserWarning, stacklevel=2)
    return result


def logits_evaluator(
    names: Sequence[str], per_task: bool = True
) -> Callable[[torch.Tensor, torch.Tensor], dict[str, float]]:
    """An ``evaluate_fn`` for :func:`plantreg.training.loop.fit` on multi-label logits.

    The sigmoid is applied here, once (the models output logits).
    """
    names = list(names)

    def evaluate(logits: torch.Tensor, targets: torch.Tensor) -> dict[str, float]:
        scores = torch.sigmoid(logits.float()).numpy()
        return per_task_metrics(targets.numpy(), scores, names).as_dict(per_task)

    return evaluate
