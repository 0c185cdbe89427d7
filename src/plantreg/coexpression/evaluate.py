"""Evaluate the model next to the two baselines on the same pairs.

Metrics per scorer: AUPRC, AUROC, F1 at a threshold chosen on the validation pairs (best F1
there), precision at top k. Negatives are unlabelled pairs, not known negatives (every report
says so): the scores are a lower bound when unlisted true pairs hide among them.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from sklearn.metrics import (
    average_precision_score,
    f1_score,
    precision_recall_curve,
    roc_auc_score,
    roc_curve,
)

from plantreg.coexpression import baselines
from plantreg.coexpression.dataset import gene_index
from plantreg.coexpression.model import SiameseTransformer
from plantreg.coexpression.tables import PU_NOTE
from plantreg.io import atomic_path

log = logging.getLogger(__name__)

SCORERS = ("model", "cosine", "logistic")


def best_f1_threshold(labels: np.ndarray, scores: np.ndarray) -> float:
    precision, recall, thresholds = precision_recall_curve(labels, scores)
    f1 = 2 * precision * recall / np.maximum(precision + recall, 1e-12)
    return float(thresholds[int(np.argmax(f1[:-1]))]) if len(thresholds) else 0.5


def metrics(labels: np.ndarray, scores: np.ndarray, threshold: float, top_k: int) -> dict:
    labels = np.asarray(labels).astype(int)
    order = np.argsort(-scores, kind="stable")[: min(top_k, len(scores))]
    defined = 0 < labels.sum() < len(labels)
    return {
        "n_pairs": int(len(labels)),
        "n_listed": int(labels.sum()),
        "n_unlabelled": int(len(labels) - labels.sum()),
        "auprc": float(average_precision_score(labels, scores)) if defined else float("nan"),
        "auroc": float(roc_auc_score(labels, scores)) if defined else float("nan"),
        "threshold": float(threshold),
        "f1": float(f1_score(labels, scores >= threshold, zero_division=0)),
        "top_k": int(len(order)),
        "precision_at_k": float(labels[order].mean()) if len(order) else float("nan"),
        "base_rate": float(labels.mean()) if len(labels) else float("nan"),
    }


class Scorers:
    """The model and both baselines, ready to score any gene index pairs."""

    def __init__(
        self,
        model: SiameseTransformer,
        inputs: torch.Tensor,
        vectors: np.ndarray,
        genes: list[str],
        train_pairs: pd.DataFrame,
        seed: int,
        path,
    ) -> None:
        self.model = model.eval()
        with torch.no_grad():
            self.emb = torch.cat(
                [model.encode(inputs[i : i + 512]) for i in range(0, len(inputs), 512)]
            )
        self.genes = genes
        self.profiles = baselines.mean_profiles(vectors)
        train, ia, ib = gene_index(genes, train_pairs, path)
        self.logistic = baselines.fit_logistic(self.profiles, ia, ib, train["label"], seed)

    def score(self, ia: np.ndarray, ib: np.ndarray) -> dict[str, np.ndarray]:
        out = []
        for lo in range(0, len(ia), 1 << 18):
            a = torch.tensor(ia[lo : lo + (1 << 18)])
            b = torch.tensor(ib[lo : lo + (1 << 18)])
            out.append(torch.sigmoid(self.model.score_pairs(self.emb, a, b)).numpy())
        return {
            "model": np.concatenate(out) if out else np.zeros(0),
            "cosine": baselines.cosine_scores(self.profiles, ia, ib),
            "logistic": baselines.logistic_scores(self.logistic, self.profiles, ia, ib),
        }


def evaluate_sets(
    scorers: Scorers, sets: dict[str, pd.DataFrame], thresholds_from: str, top_k: int, path
) -> tuple[dict, dict]:
    """Metrics per pair set and scorer; thresholds from the ``thresholds_from`` set."""
    scored = {}
    for name, frame in sets.items():
        frame, ia, ib = gene_index(scorers.genes, frame, path)
        scored[name] = (frame, scorers.score(ia, ib))
    ref_frame, ref_scores = scored[thresholds_from]
    thresholds = {
        s: best_f1_threshold(ref_frame["label"].to_numpy(), ref_scores[s]) for s in SCORERS
    }
    report = {"note": PU_NOTE, "threshold_chosen_on": thresholds_from, "sets": {}}
    for name, (frame, scores) in scored.items():
        labels = frame["label"].to_numpy()
        report["sets"][name] = {
            s: metrics(labels, scores[s], thresholds[s], top_k) for s in SCORERS
        }
    return report, scored


def metrics_table(report: dict) -> pd.DataFrame:
    rows = []
    for set_name, per_scorer in report["sets"].items():
        for scorer, values in per_scorer.items():
            rows.append({"set": set_name, "scorer": scorer, **values, "negatives": "unlabelled"})
    return pd.DataFrame(rows)


def plot_curves(frame: pd.DataFrame, scores: dict[str, np.ndarray], title: str, path) -> None:
    """ROC and precision-recall curves of the three scorers on one pair set."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = frame["label"].to_numpy()
    fig, (roc_ax, pr_ax) = plt.subplots(1, 2, figsize=(10, 4.2))
    for name in SCORERS:
        fpr, tpr, _ = roc_curve(labels, scores[name])
        precision, recall, _ = precision_recall_curve(labels, scores[name])
        roc_ax.plot(fpr, tpr, label=f"{name} (AUROC {roc_auc_score(labels, scores[name]):.3f})")
        ap = average_precision_score(labels, scores[name])
        pr_ax.plot(recall, precision, label=f"{name} (AUPRC {ap:.3f})")
    roc_ax.plot([0, 1], [0, 1], color="grey", lw=0.8, ls="--")
    pr_ax.axhline(labels.mean(), color="grey", lw=0.8, ls="--", label="base rate")
    roc_ax.set(xlabel="false positive rate", ylabel="true positive rate", title=f"ROC: {title}")
    pr_ax.set(xlabel="recall", ylabel="precision", title=f"PR: {title}")
    for ax in (roc_ax, pr_ax):
        ax.legend(fontsize=8)
    fig.text(
        0.5, 0.005, "negatives are unlabelled pairs, not known negatives", ha="center", fontsize=8
    )
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    with atomic_path(Path(path)) as tmp:
        fig.savefig(tmp, format="png", dpi=110)
    plt.close(fig)


def recovery_set(genes: list[str], listed: pd.DataFrame, hidden: pd.DataFrame) -> pd.DataFrame:
    """Every unlisted pair among ``genes``: label 1 for the hidden (withheld) pairs, else 0."""
    g = np.array(sorted(genes))
    ia, ib = np.triu_indices(len(g), k=1)
    frame = pd.DataFrame({"gene_a": g[ia], "gene_b": g[ib]})
    key = frame["gene_a"] + "\t" + frame["gene_b"]
    listed_keys = set(listed["gene_a"] + "\t" + listed["gene_b"])
    hidden_keys = set(hidden["gene_a"] + "\t" + hidden["gene_b"])
    frame = frame[~key.isin(listed_keys)].reset_index(drop=True)
    key = frame["gene_a"] + "\t" + frame["gene_b"]
    return frame.assign(label=key.isin(hidden_keys).astype(int))
