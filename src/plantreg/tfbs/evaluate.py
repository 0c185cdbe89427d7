"""``plantreg tfbs evaluate``: every method of one TF on the same held-out windows, in one table.

AUROC and AUPRC read the scores; MCC and F1 need a cut, and each method gets its own, chosen the
same way: the score that maximises F1 on the dev split (never on test). A method is skipped, with
a log line, only when its input was not given (no checkpoint, no matrix).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import (
    average_precision_score,
    f1_score,
    matthews_corrcoef,
    precision_recall_curve,
    roc_auc_score,
)

from plantreg.errors import InputError
from plantreg.io import atomic_open
from plantreg.tfbs.nyxcsv import read_tf_folder

log = logging.getLogger(__name__)

Scorer = Callable[[np.ndarray], np.ndarray]


def best_f1_threshold(labels: np.ndarray, scores: np.ndarray) -> float:
    precision, recall, cuts = precision_recall_curve(labels, scores)
    f1 = 2 * precision[:-1] * recall[:-1] / np.maximum(precision[:-1] + recall[:-1], 1e-12)
    return float(cuts[int(np.argmax(f1))])


def binary_metrics(labels: np.ndarray, scores: np.ndarray, cut: float) -> dict[str, float]:
    called = scores >= cut
    return {"auroc": float(roc_auc_score(labels, scores)),
            "auprc": float(average_precision_score(labels, scores)),
            "mcc": float(matthews_corrcoef(labels, called)),
            "f1": float(f1_score(labels, called, zero_division=0.0)),
            "threshold": cut}


def evaluate_methods(tf: str, folder: str | Path, scorers: dict[str, Scorer]) -> pd.DataFrame:
    """One row per method: metrics on test.csv, with the F1 cut chosen on dev.csv."""
    splits = read_tf_folder(folder)
    (dev_x, dev_y), (test_x, test_y) = splits["valid"], splits["test"]
    rows = []
    for method, score in scorers.items():
        cut = best_f1_threshold(dev_y, score(dev_x))
        rows.append({"tf": tf, "method": method, "n_test": len(test_y),
                     "n_pos": int(test_y.sum()), "chance_auprc": float(test_y.mean()),
                     **binary_metrics(test_y, score(test_x), cut)})
    return pd.DataFrame(rows)


def write_evaluation(table: pd.DataFrame, outdir: str | Path) -> None:
    outdir = Path(outdir)
    if table.empty:
        raise InputError("no method to evaluate (give a checkpoint or a motif file)", outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    with atomic_open(outdir / "evaluation.tsv") as out:
        table.to_csv(out, sep="\t", index=False, float_format="%.4f")
    with atomic_open(outdir / "evaluation.json") as out:
        json.dump(table.to_dict(orient="records"), out, indent=2)
    for row in table.itertuples():
        log.info("%s %s: AUROC %.3f AUPRC %.3f (chance %.3f) MCC %.3f F1 %.3f", row.tf,
                 row.method, row.auroc, row.auprc, row.chance_auprc, row.mcc, row.f1)
