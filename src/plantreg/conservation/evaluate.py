"""Evaluation: AUROC/AUPRC of single networks and of the ensemble on held-out test pairs, and how
well the score separates regulatory elements kept in B from those lost (simulator truth)."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score, roc_auc_score

from plantreg.errors import InputError
from plantreg.io import atomic_open

log = logging.getLogger(__name__)


def test_metrics(examples: np.ndarray, scores: np.ndarray, half: str) -> pd.DataFrame:
    """One row per network and one for the ensemble mean (``scores``: networks × examples)."""
    label = examples[:, 2]
    if label.min() == label.max():
        raise InputError(f"the {half} test examples hold a single class")
    rows = [
        {
            "half": half,
            "model": f"network{i}",
            "auroc": roc_auc_score(label, s),
            "auprc": average_precision_score(label, s),
        }
        for i, s in enumerate(scores)
    ]
    mean = scores.mean(axis=0)
    rows.append(
        {
            "half": half,
            "model": "ensemble",
            "auroc": roc_auc_score(label, mean),
            "auprc": average_precision_score(label, mean),
        }
    )
    table = pd.DataFrame(rows)
    single = table[table["model"] != "ensemble"]["auroc"].mean()
    log.info(
        "%s test: ensemble AUROC %.4f, mean single-network AUROC %.4f",
        half,
        table["auroc"].iloc[-1],
        single,
    )
    return table


def write_metrics(table: pd.DataFrame, out: str | Path) -> None:
    with atomic_open(out) as handle:
        table.to_csv(handle, sep="\t", index=False, float_format="%.6f")


def read_truth(path: str | Path) -> pd.DataFrame:
    try:
        truth = pd.read_csv(path, sep="\t", dtype={"chrom_a": str})
    except (OSError, ValueError, pd.errors.ParserError) as err:
        raise InputError(f"cannot read the truth table ({err})", path) from err
    need = {"id", "chrom_a", "start_a", "end_a", "status"}
    if not need <= set(truth.columns):
        raise InputError(f"truth table needs columns {sorted(need)}", path)
    return truth


def element_scores(scores: pd.DataFrame, truth: pd.DataFrame) -> pd.DataFrame:
    """Mean score of the windows overlapping each element (NaN where none aligns)."""
    out = truth[["id", "chrom_a", "start_a", "end_a", "status"]].copy()
    means = np.full(len(out), np.nan)
    counts = np.zeros(len(out), dtype=np.int64)
    for chrom, sub in scores.groupby("chrom_a", sort=False):
        sub = sub.sort_values("start_a")
        starts, ends = sub["start_a"].to_numpy(), sub["window_end_a"].to_numpy()
        csum = np.r_[0.0, np.cumsum(sub["score"].to_numpy())]
        rows = np.flatnonzero(out["chrom_a"].to_numpy() == chrom)
        lo = np.searchsorted(ends, out["start_a"].to_numpy()[rows], side="right")
        hi = np.searchsorted(starts, out["end_a"].to_numpy()[rows], side="left")
        n = np.maximum(hi - lo, 0)
        counts[rows] = n
        ok = n > 0
        means[rows[ok]] = (csum[hi[ok]] - csum[lo[ok]]) / n[ok]
    out["n_windows"] = counts
    out["score"] = means
    return out


def separation(elements: pd.DataFrame) -> dict[str, float]:
    """AUROC of the element score for kept (positive) vs lost elements, and the two means."""
    scored = elements[elements["status"].isin(["kept", "lost"]) & elements["score"].notna()]
    kept = scored["status"] == "kept"
    if kept.all() or not kept.any():
        raise InputError("need both kept and lost elements with a score to compare")
    return {
        "kept_vs_lost_auroc": float(roc_auc_score(kept, scored["score"])),
        "mean_kept": float(scored.loc[kept, "score"].mean()),
        "mean_lost": float(scored.loc[~kept, "score"].mean()),
        "n_kept": int(kept.sum()),
        "n_lost": int((~kept).sum()),
        "n_unscored": int(len(elements) - len(scored)),
    }
