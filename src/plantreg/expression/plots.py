"""Figures of TRAIN_EXPRESSION: the target per species before and after scaling, the learning
curve (validation macro Spearman against wall time), predicted against observed expression, and
the species confusion matrix."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from scipy.stats import spearmanr

from plantreg.chromatin.curve import read_history
from plantreg.expression.dataset import ExpressionData
from plantreg.io import atomic_path


def _save(fig: Figure, path: str | Path) -> None:
    fig.tight_layout()
    with atomic_path(Path(path)) as tmp:
        fig.savefig(tmp, format="png", dpi=110)


def target_plot(data: ExpressionData, path: str | Path) -> None:
    """Histograms of log1p TPM (left) and of the scaled target (right), one colour per species."""
    fig = Figure(figsize=(8, 3.4))
    raw_ax, scaled_ax = fig.subplots(1, 2)
    for i, name in enumerate(data.meta["species"]):
        mine = data.species == i
        raw_ax.hist(data.raw[mine].mean(axis=1), bins=30, alpha=0.55, label=name)
        scaled_ax.hist(data.target[mine].mean(axis=1), bins=30, alpha=0.55, label=name)
    raw_ax.set(xlabel="log1p TPM", ylabel="genes", title="before scaling")
    scaled_ax.set(xlabel="z (training genes of the species)", title="after scaling")
    raw_ax.legend(fontsize=8)
    _save(fig, path)


def learning_curve(metrics_tsv: str | Path, path: str | Path) -> None:
    """Validation macro Spearman and species accuracy against wall time."""
    history = read_history(metrics_tsv, ("epoch", "seconds", "macro_spearman"))
    fig = Figure(figsize=(6, 3.8))
    ax = fig.subplots()
    minutes = history["wall_seconds"] / 60.0
    ax.plot(minutes, history["macro_spearman"], "o-", color="black", label="macro Spearman")
    if "species_accuracy" in history:
        ax.plot(minutes, history["species_accuracy"], "s--", color="tab:blue", ms=4,
                label="species accuracy")
    best = int(np.nanargmax(history["macro_spearman"].to_numpy())) if len(history) else None
    if best is not None:
        ax.plot([minutes.iloc[best]], [history["macro_spearman"].iloc[best]], "*", ms=14,
                color="gold", mec="black", label=f"best (epoch {history['epoch'].iloc[best]})")
    ax.set(xlabel="wall time (min)", ylabel="validation", title="Learning curve", ylim=(-0.1, 1.02))
    ax.legend(fontsize=8, loc="lower right")
    _save(fig, path)


def scatter_plot(path: Path, true: np.ndarray, sp: np.ndarray, preds: dict,
                 species: list[str]) -> None:
    """Predicted against observed (scaled) expression: one row per method, one column per
    species."""
    fig = Figure(figsize=(3.4 * len(species), 3.2 * len(preds)))
    axes = fig.subplots(len(preds), len(species), squeeze=False)
    for r, (method, pred) in enumerate(preds.items()):
        for c, name in enumerate(species):
            ax, mine = axes[r, c], sp == c
            ax.scatter(true[mine], pred[mine], s=8, alpha=0.6)
            rho = spearmanr(pred[mine], true[mine])[0] if mine.sum() > 2 else float("nan")
            ax.set_title(f"{name} · {method}\nSpearman {rho:.2f}", fontsize=9)
            ax.set(xlabel="observed (z)", ylabel="predicted (z)")
    _save(fig, path)


def confusion_plot(path: Path, confusion: pd.DataFrame) -> None:
    """The species head's true × predicted counts."""
    fig = Figure(figsize=(1.2 + 1.1 * len(confusion), 1 + 1.0 * len(confusion)))
    ax = fig.subplots()
    ax.imshow(confusion.values, cmap="Blues")
    for (i, j), v in np.ndenumerate(confusion.values):
        ax.text(j, i, str(v), ha="center", va="center")
    ax.set_xticks(range(len(confusion)), confusion.columns, rotation=30)
    ax.set_yticks(range(len(confusion)), confusion.index)
    ax.set(xlabel="predicted species", ylabel="true species")
    _save(fig, path)
