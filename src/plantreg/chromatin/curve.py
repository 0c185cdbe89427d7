"""The learning curve of a training run: validation AUPRC against wall time (PNG).

Plotted against seconds rather than epochs because an epoch's size is a setting
(``epoch_windows``): time is what a user waits for, and what a baseline is beaten in.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from plantreg.errors import InputError
from plantreg.io import atomic_path

CURVE_NAME = "learning_curve.png"


def read_history(
    metrics_tsv: str | Path, columns: tuple[str, ...] = ("epoch", "seconds", "mean_auprc")
) -> pd.DataFrame:
    """fit's ``metrics.tsv`` (which must hold ``columns``) with ``wall_seconds``: the running
    total of each epoch's seconds."""
    metrics_tsv = Path(metrics_tsv)
    try:
        history = pd.read_csv(metrics_tsv, sep="\t")
    except (FileNotFoundError, pd.errors.EmptyDataError) as err:
        raise InputError(f"cannot read training metrics ({err})", metrics_tsv) from err
    missing = set(columns) - set(history.columns)
    if missing:
        raise InputError(f"missing columns {sorted(missing)}", metrics_tsv)
    if "seconds" in history.columns:
        history = history.assign(wall_seconds=history["seconds"].cumsum())
    return history


def seconds_to_reach(history: pd.DataFrame, value: float, column: str = "mean_auprc") -> float:
    """Wall seconds at the end of the first epoch whose ``column`` exceeds ``value``; NaN: never."""
    above = history[history[column] > value]
    return float(above["wall_seconds"].iloc[0]) if len(above) else float("nan")


def plot_learning_curve(
    metrics_tsv: str | Path,
    path: str | Path,
    best_epoch: int | None = None,
    baselines: dict[str, float] | None = None,
) -> None:
    """Mean and per-mark validation AUPRC against wall time; ``baselines`` ({label: AUPRC}) are
    drawn as horizontal lines, and the best epoch is marked."""
    history = read_history(metrics_tsv)
    fig = Figure(figsize=(6.5, 4.2))
    ax = fig.subplots()
    minutes = history["wall_seconds"] / 60.0
    marks = [c for c in history.columns if c.startswith("auprc_")]
    colours = matplotlib.colormaps["tab10"]
    for j, column in enumerate(marks):
        ax.plot(minutes, history[column], "-", lw=0.9, alpha=0.6, color=colours(j % 10),
                label=column.removeprefix("auprc_"))
    ax.plot(minutes, history["mean_auprc"], "o-", color="black", lw=2, label="mean")
    for k, (label, value) in enumerate((baselines or {}).items()):
        ax.axhline(value, ls="--", color="grey" if k == 0 else "tab:red", lw=1.2, label=label)
    if best_epoch and best_epoch in set(history["epoch"]):
        row = history[history["epoch"] == best_epoch].iloc[0]
        ax.plot([row["wall_seconds"] / 60.0], [row["mean_auprc"]], "*", ms=14, color="gold",
                mec="black", label=f"best (epoch {best_epoch})")
    top = np.nanmax(history[marks + ["mean_auprc"]].to_numpy()) if len(history) else 1.0
    ax.set(xlabel="wall time (min)", ylabel="validation AUPRC", title="Learning curve",
           ylim=(0, min(1.02, max(top, *(baselines or {}).values(), 0.1) * 1.1)))
    ax.legend(fontsize=7, loc="lower right", ncol=2)
    fig.tight_layout()
    with atomic_path(Path(path)) as tmp:
        fig.savefig(tmp, format="png", dpi=120)
