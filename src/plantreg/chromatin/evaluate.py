"""Evaluation of a chromatin model on a held-out split: per-mark AUROC/AUPRC against the k-mer
baseline, ROC and PR curves, the training loss curve, and the numbers as TSV and JSON."""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Sequence
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import torch
from matplotlib.figure import Figure
from sklearn.metrics import precision_recall_curve, roc_curve
from torch.utils.data import DataLoader

from plantreg.errors import InputError
from plantreg.io import atomic_open, atomic_path
from plantreg.training.metrics import binarize, per_task_metrics

log = logging.getLogger(__name__)


@torch.no_grad()
def predict_proba(model: torch.nn.Module, loader: DataLoader, device: torch.device) -> np.ndarray:
    """Probabilities ``(n, n_marks)``: the model's logits through one sigmoid."""
    model.eval()
    model.to(device)
    parts = []
    for inputs, _ in loader:
        parts.append(torch.sigmoid(model(inputs.to(device)).float()).cpu().numpy())
    return np.concatenate(parts)


def evaluation_table(
    y_true: np.ndarray,
    probs: np.ndarray,
    tags: Sequence[str],
    baseline_probs: np.ndarray | None = None,
) -> pd.DataFrame:
    """One row per mark: positives, negatives, chance AUPRC, model (and baseline) AUROC/AUPRC."""
    model = per_task_metrics(y_true, probs, tags)
    table = pd.DataFrame(
        {
            "mark": list(tags),
            "n_pos": model.n_pos,
            "n_neg": model.n_neg,
            "chance_auprc": model.n_pos / np.maximum(model.n_pos + model.n_neg, 1),
            "auroc": model.auroc,
            "auprc": model.auprc,
        }
    )
    if baseline_probs is not None:
        base = per_task_metrics(y_true, baseline_probs, tags)
        table["baseline_auroc"] = base.auroc
        table["baseline_auprc"] = base.auprc
    return table


def summary(table: pd.DataFrame) -> dict[str, float | None]:
    """Means over marks with a defined value (single-class marks are NaN and left out)."""
    columns = [c for c in table.columns if c.endswith(("auroc", "auprc"))]
    out: dict[str, float | None] = {}
    for column in columns:
        values = table[column].to_numpy(dtype=float)
        finite = values[~np.isnan(values)]
        out[f"mean_{column}"] = float(finite.mean()) if finite.size else None
    return out


def _plot_curves(
    y_true: np.ndarray,
    probs: np.ndarray,
    tags: Sequence[str],
    baseline_probs: np.ndarray | None,
    kind: str,
    path: Path,
) -> None:
    y = binarize(y_true)
    # Figure without pyplot: no global backend state; PNGs are drawn by Agg
    fig = Figure(figsize=(6, 5))
    ax = fig.subplots()
    colours = matplotlib.colormaps["tab20"]
    for j, tag in enumerate(tags):
        if y[:, j].min() == y[:, j].max():
            continue  # undefined for a single class (reported as NaN in the table)
        sets = [("model", probs, "-")]
        if baseline_probs is not None:
            sets.append(("k-mer baseline", baseline_probs, "--"))
        for name, scores, style in sets:
            if kind == "roc":
                fx, fy, _ = roc_curve(y[:, j], scores[:, j])
            else:
                fy, fx, _ = precision_recall_curve(y[:, j], scores[:, j])
            label = f"{tag} ({name})" if baseline_probs is not None else tag
            ax.plot(fx, fy, style, color=colours(j % 20), lw=1.2, label=label)
    if kind == "roc":
        ax.plot([0, 1], [0, 1], ":", color="grey", lw=0.8)
        ax.set(xlabel="false positive rate", ylabel="true positive rate", title="ROC per mark")
    else:
        ax.set(xlabel="recall", ylabel="precision", title="Precision–recall per mark")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    ax.legend(fontsize=6, loc="lower right" if kind == "roc" else "lower left", ncol=2)
    _save_figure(fig, path)


def _save_figure(fig: Figure, path: Path) -> None:
    fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=120)


def plot_loss_curve(metrics_tsv: str | Path, path: str | Path, metric: str = "mean_auprc") -> None:
    """Training and validation loss per epoch (and ``metric`` on a second axis) from fit's TSV."""
    from plantreg.chromatin.curve import read_history

    history = read_history(metrics_tsv, ("epoch", "train_loss", "valid_loss"))
    fig = Figure(figsize=(6, 4))
    ax = fig.subplots()
    ax.plot(history["epoch"], history["train_loss"], "o-", label="train loss")
    ax.plot(history["epoch"], history["valid_loss"], "s-", label="validation loss")
    ax.set(xlabel="epoch", ylabel="loss", title="Training curve")
    handles, labels = ax.get_legend_handles_labels()
    if metric in history.columns:
        twin = ax.twinx()
        twin.plot(history["epoch"], history[metric], "^-", color="tab:green", label=metric)
        twin.set_ylabel(metric)
        more = twin.get_legend_handles_labels()
        handles, labels = handles + more[0], labels + more[1]
    ax.legend(handles, labels, fontsize=8)
    _save_figure(fig, Path(path))


def write_evaluation(
    outdir: str | Path,
    y_true: np.ndarray,
    probs: np.ndarray,
    tags: Sequence[str],
    baseline_probs: np.ndarray | None = None,
    metrics_tsv: str | Path | None = None,
) -> dict[str, float | None]:
    """Write evaluation.tsv/.json, roc_curves.png, pr_curves.png (and loss_curve.png)."""
    outdir = Path(outdir)
    table = evaluation_table(y_true, probs, tags, baseline_probs)
    means = summary(table)
    with atomic_open(outdir / "evaluation.tsv") as handle:
        table.to_csv(handle, sep="\t", index=False, float_format="%.6g")
    records = [
        {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in row.items()}
        for row in table.astype(object).to_dict(orient="records")
    ]
    with atomic_open(outdir / "evaluation.json") as handle:
        json.dump(
            {"marks": records, "summary": means, "n_windows": int(len(y_true))},
            handle,
            indent=2,
            default=_json_number,
        )
    _plot_curves(y_true, probs, tags, baseline_probs, "roc", outdir / "roc_curves.png")
    _plot_curves(y_true, probs, tags, baseline_probs, "pr", outdir / "pr_curves.png")
    if metrics_tsv is not None:
        plot_loss_curve(metrics_tsv, outdir / "loss_curve.png")
    return means


def _json_number(value: object) -> object:
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return None if np.isnan(value) else float(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def evaluate_checkpoint(
    checkpoint: str | Path,
    dataset_dir: str | Path,
    outdir: str | Path,
    split: str = "test",
    metrics_tsv: str | Path | None = None,
    baseline_k: int = 4,
    batch_size: int = 256,
    device: str = "cpu",
) -> dict[str, float | None]:
    """Score a checkpoint on ``dataset_dir/{split}`` next to the k-mer baseline fitted on train."""
    from plantreg.chromatin.baseline import KmerBaseline
    from plantreg.chromatin.dataset import ChromatinDataset, read_tags
    from plantreg.chromatin.load import load_chromatin_model
    from plantreg.training.device import select_device
    from plantreg.training.sampler import make_loader

    dataset_dir = Path(dataset_dir)
    tags = read_tags(dataset_dir / "tags.txt")
    model, _ = load_chromatin_model(checkpoint, expected_tags=tags)
    held_out = ChromatinDataset(dataset_dir, split, tags)
    if len(held_out) == 0:
        raise InputError(f"the {split} split holds no windows: nothing to evaluate",
                         held_out.seq_path)
    train = ChromatinDataset(dataset_dir, "train", tags)
    probs = predict_proba(model, make_loader(held_out, batch_size, False), select_device(device))
    codes, labels = held_out.arrays()
    baseline = KmerBaseline(k=baseline_k).fit(*train.arrays()).predict_proba(codes)
    means = write_evaluation(outdir, np.asarray(labels), probs, tags, baseline, metrics_tsv)
    log.info("%s split: mean AUPRC %.4f (k-mer baseline %.4f)", split,
             means["mean_auprc"] or float("nan"), means["mean_baseline_auprc"] or float("nan"))
    return means
