"""Candidate cis-regulatory elements (CREs) from a per-base importance track, and their check
against planted truth.

Scan: the threshold is a quantile of ``|score|`` over every real base (N excluded) of every gene
given (in a pipeline run, of every gene explained: :mod:`.threshold`); bases with
``|score| ≥ threshold`` form runs, split where the sign changes; consecutive runs of the same sign
are merged across gaps of at most ``max_gap`` bases, and merged runs shorter than ``min_length``
are dropped. Runs are merged per sign (a run of the other sign between two runs blocks their
merge) so that an activating site next to a repressing one stays two CREs, each with its own sign,
and CREs never overlap. A CRE's score is the sum of the signed scores over its interval; its sign
is its runs' sign (+ activating, − repressing). Everything is numpy over whole arrays: no loop
over bases.

Evaluation (overlap ≥ 1 bp, same gene, same chromosome): precision = fraction of CREs that overlap
a truth site; recall = fraction of truth sites overlapped by a CRE; sign agreement = fraction of
overlapping (CRE, site) pairs whose signs agree (a site's sign is that of its ``log2_effect``).
Only the truth sites of the genes that were explained count for recall, and only sites with an
effect (``log2_effect ≠ 0``).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from plantreg.errors import InputError
from plantreg.genome.encode import N_CODE
from plantreg.io import atomic_open, atomic_path

log = logging.getLogger(__name__)

CRE_COLUMNS = ["gene_id", "start", "end", "name", "score", "sign"]
EVAL_COLUMNS = ["species", "genes", "cres", "sites", "precision", "recall", "sign_agreement",
                "pairs"]


@dataclass(frozen=True)
class CreSettings:
    threshold_quantile: float = 0.98
    max_gap: int = 10
    min_length: int = 6

    def check(self) -> None:
        if not 0.0 < self.threshold_quantile < 1.0:
            raise InputError("--threshold-quantile must be between 0 and 1 (exclusive), got "
                             f"{self.threshold_quantile}")
        if self.max_gap < 0 or self.min_length < 1:
            raise InputError(f"--max-gap must be ≥ 0 and --min-length ≥ 1, got {self.max_gap} "
                             f"and {self.min_length}")


def cre_threshold(scores: np.ndarray, quantile: float, codes: np.ndarray | None = None) -> float:
    """The ``quantile`` of ``|scores|`` over every base (only the non-N ones with ``codes``)."""
    values = np.abs(np.asarray(scores, dtype=np.float64))
    if codes is not None:
        values = values[np.asarray(codes) < N_CODE]
    values = values[np.isfinite(values)]
    return float(np.quantile(values, quantile)) if values.size else float("inf")


def signed_runs(score: np.ndarray, threshold: float) -> tuple[np.ndarray, ...]:
    """Maximal runs of ``|score| ≥ threshold`` with one sign: ``(starts, ends, signs)``."""
    score = np.asarray(score, dtype=np.float64)
    label = np.where(np.abs(score) >= threshold, np.sign(score), 0).astype(np.int8)
    padded = np.concatenate([[0], label, [0]])
    bounds = np.flatnonzero(padded[1:] != padded[:-1])  # where a run starts or ends
    starts, ends = bounds[:-1], bounds[1:]
    signs = label[starts]  # every start is < len(label): the last bound only ends a run
    keep = signs != 0
    return starts[keep], ends[keep], signs[keep]


def merge_runs(starts: np.ndarray, ends: np.ndarray, signs: np.ndarray,
               max_gap: int) -> tuple[np.ndarray, ...]:
    """Merge consecutive same-sign runs whose gap is at most ``max_gap`` bases."""
    if len(starts) == 0:
        return starts, ends, signs
    new = np.ones(len(starts), dtype=bool)
    new[1:] = (starts[1:] - ends[:-1] > max_gap) | (signs[1:] != signs[:-1])
    first = np.flatnonzero(new)
    return starts[first], np.maximum.reduceat(ends, first), signs[first]


def scan_track(score: np.ndarray, threshold: float, max_gap: int = 10,
               min_length: int = 6) -> pd.DataFrame:
    """CREs of one track: ``start, end, score, sign`` (window coordinates, half-open)."""
    score = np.nan_to_num(np.asarray(score, dtype=np.float64))
    if not np.isfinite(threshold) or threshold <= 0:
        # A zero threshold would call every nonzero base: a flat track has no CRE.
        starts = ends = signs = np.zeros(0, dtype=np.int64)
    else:
        starts, ends, signs = merge_runs(*signed_runs(score, threshold), max_gap)
    keep = ends - starts >= min_length
    starts, ends, signs = starts[keep], ends[keep], signs[keep]
    cum = np.concatenate([[0.0], np.cumsum(score)])
    return pd.DataFrame({"start": starts.astype(np.int64), "end": ends.astype(np.int64),
                         "score": cum[ends] - cum[starts],
                         "sign": np.where(signs > 0, "+", "-")})


def scan_genes(scores: np.ndarray, gene_ids: Sequence[str], settings: CreSettings,
               codes: np.ndarray | None = None,
               threshold: float | None = None) -> tuple[pd.DataFrame, float]:
    """CREs of every gene (rows of ``scores``) with one shared threshold; and that threshold.
    Without ``threshold``, the ``settings`` quantile of these genes' scores (a whole run's comes
    from :mod:`plantreg.expression.threshold`)."""
    settings.check()
    scores = np.asarray(scores)
    if threshold is None:
        threshold = cre_threshold(scores, settings.threshold_quantile, codes)
    frames = []
    for gene, track in zip(gene_ids, scores, strict=True):
        found = scan_track(track, threshold, settings.max_gap, settings.min_length)
        frames.append(found.assign(gene_id=str(gene)))
    table = pd.concat(frames, ignore_index=True) if frames else empty_cres()
    rank = table.groupby("gene_id", sort=False).cumcount()
    table["name"] = table["gene_id"] + ":cre" + (rank + 1).astype(str)
    log.info("%d CREs in %d genes (threshold |score| ≥ %.4g)", len(table), len(gene_ids),
             threshold)
    return table[CRE_COLUMNS], threshold


def empty_cres() -> pd.DataFrame:
    """A CRE table without rows (columns and dtypes as :func:`scan_genes` gives them)."""
    return pd.DataFrame({"gene_id": pd.Series(dtype=str), "start": pd.Series(dtype=np.int64),
                         "end": pd.Series(dtype=np.int64), "name": pd.Series(dtype=str),
                         "score": pd.Series(dtype=float), "sign": pd.Series(dtype=str)})


# --- BED I/O: window coordinates, chrom = gene_id, strand = the sign

def write_cre_bed(table: pd.DataFrame, path: str | Path, extra: Sequence[str] = ()) -> None:
    """BED6 (+ ``extra`` columns): chrom, start, end, name, signed score, sign as the strand."""
    chrom = "chrom" if "chrom" in table.columns else "gene_id"
    columns = [chrom, "start", "end", "name", "score", "sign", *extra]
    with atomic_open(path) as handle:
        table[columns].to_csv(handle, sep="\t", header=False, index=False, float_format="%.6g")


def read_cre_bed(path: str | Path) -> pd.DataFrame:
    """A ``scan-cre`` BED back as ``gene_id, start, end, name, score, sign``."""
    path = Path(path)
    if not path.is_file():
        raise InputError("CRE BED not found", path)
    try:
        table = pd.read_csv(path, sep="\t", header=None, comment="#", dtype={0: str, 3: str})
    except pd.errors.EmptyDataError:
        return empty_cres()
    if table.shape[1] < 6:
        raise InputError(f"a CRE BED needs 6 columns, found {table.shape[1]}", path)
    table = table.iloc[:, :6].set_axis(CRE_COLUMNS, axis=1)
    bad = ~table["sign"].isin(["+", "-"]) | (table["end"] <= table["start"])
    if bad.any() or not pd.api.types.is_integer_dtype(table["start"]):
        raise InputError("malformed CRE BED rows (start/end or strand); first at line "
                         f"{int(np.argmax(bad.to_numpy())) + 1}", path)
    return table


# --- evaluation against planted sites

TRUTH_COLUMNS = ["species", "gene_id", "tf", "chrom", "start", "end", "strand", "log2_effect"]


def read_truth_sites(path: str | Path) -> pd.DataFrame:
    """The simulator's truth sites TSV (``species, gene_id, tf, chrom, start, end, strand,
    log2_effect``)."""
    path = Path(path)
    if not path.is_file():
        raise InputError("truth sites file not found", path)
    table = pd.read_csv(path, sep="\t", dtype={"gene_id": str, "chrom": str, "species": str})
    missing = [c for c in TRUTH_COLUMNS if c not in table.columns]
    if missing:
        raise InputError(f"truth sites table lacks column(s) {', '.join(missing)}", path)
    return table


def _overlapping_pairs(cres: pd.DataFrame, sites: pd.DataFrame) -> pd.DataFrame:
    """Every (CRE, site) pair of one gene and chromosome that overlaps by at least 1 bp."""
    pairs = cres.reset_index(names="cre").merge(
        sites.reset_index(names="site"), on=["species", "gene_id", "chrom"], suffixes=("", "_t"))
    hit = (np.maximum(pairs["start"], pairs["start_t"])
           < np.minimum(pairs["end"], pairs["end_t"]))
    return pairs[hit.to_numpy()]


def _ratio(num: float, den: float) -> float:
    return num / den if den else float("nan")


def _figures(cres: pd.DataFrame, sites: pd.DataFrame, pairs: pd.DataFrame) -> dict:
    agree = (pairs["sign"] == np.where(pairs["log2_effect"] > 0, "+", "-")).sum()
    return {"cres": len(cres), "sites": len(sites),
            "precision": _ratio(pairs["cre"].nunique(), len(cres)),
            "recall": _ratio(pairs["site"].nunique(), len(sites)),
            "sign_agreement": _ratio(agree, len(pairs)), "pairs": len(pairs)}


def evaluate_cres(cres: pd.DataFrame, truth: pd.DataFrame, genes: pd.DataFrame,
                  species: Sequence[str] | None = None) -> pd.DataFrame:
    """Precision, recall and sign agreement per species and over all (``species = all``).

    ``cres``: ``species, gene_id, chrom, start, end, sign``; ``truth``: the truth sites table;
    ``genes``: ``species, gene_id`` of the explained genes (their sites are the ones to find);
    ``species``: the rows to report (default: the species of ``genes``). Both interval tables
    must be in the same coordinates (genome, from :mod:`.export`).
    """
    explained = genes[["species", "gene_id"]].drop_duplicates()
    # A site without effect (a simulator decoy) has no sign and is nothing a CRE should find.
    acting = truth[truth["log2_effect"] != 0]
    sites = acting.merge(explained, on=["species", "gene_id"]).reset_index(drop=True)
    cres = cres.reset_index(drop=True)
    pairs = _overlapping_pairs(cres, sites)
    rows = []
    for sp in species if species is not None else sorted(set(explained["species"])):
        rows.append({"species": sp, "genes": int((explained["species"] == sp).sum()),
                     **_figures(cres[cres["species"] == sp], sites[sites["species"] == sp],
                                pairs[pairs["species"] == sp])})
    rows.append({"species": "all", "genes": len(explained), **_figures(cres, sites, pairs)})
    return pd.DataFrame(rows, columns=EVAL_COLUMNS)


def write_evaluation(table: pd.DataFrame, path: str | Path) -> None:
    with atomic_open(path) as handle:
        table.to_csv(handle, sep="\t", index=False, float_format="%.4f", na_rep="NaN")


# --- figure

def plot_track(score: np.ndarray, cres: pd.DataFrame, path: str | Path, title: str = "",
               truth: pd.DataFrame | None = None, anchor: int | None = None) -> None:
    """An importance track with its CREs shaded (red +, blue −) and truth sites marked."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(12, 3))
    try:
        _draw_track(ax, np.asarray(score, dtype=np.float64), cres, truth, anchor)
        ax.set_title(title)
        fig.tight_layout()
        with atomic_path(path) as tmp:
            fig.savefig(tmp, format="png", dpi=100)
    finally:
        plt.close(fig)


def _draw_track(ax, score: np.ndarray, cres: pd.DataFrame, truth: pd.DataFrame | None,
                anchor: int | None) -> None:
    x = np.arange(len(score))
    ax.fill_between(x, score, 0, where=score >= 0, color="#b2182b", linewidth=0, step="mid")
    ax.fill_between(x, score, 0, where=score < 0, color="#2166ac", linewidth=0, step="mid")
    for row in cres.itertuples(index=False):  # one span per CRE, not per base
        ax.axvspan(row.start, row.end, color="#fdae61" if row.sign == "+" else "#abd9e9",
                   alpha=0.4, linewidth=0)
    if truth is not None and len(truth):
        low = float(score.min()) if len(score) else 0.0
        centres = (truth["start"] + truth["end"]) / 2
        colours = np.where(truth["log2_effect"] > 0, "#b2182b", "#2166ac")
        ax.scatter(centres, np.full(len(truth), low), marker="^", c=colours, s=40, zorder=3,
                   label="truth site")
        ax.legend(loc="upper right", fontsize=8)
    if anchor is not None:
        ax.axvline(anchor, color="grey", linestyle=":", linewidth=1)
    ax.axhline(0, color="black", linewidth=0.5)
    ax.set_xlim(0, max(len(score), 1))
    ax.set_xlabel("window position (bp, 5′ → 3′)")
    ax.set_ylabel("importance")
