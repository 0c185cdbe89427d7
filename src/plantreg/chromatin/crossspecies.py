"""Score genome-wide prediction tracks on a species against its planted truth or its peaks.

Evaluation windows tile the target genome at ``eval_stride`` (a multiple of the prediction stride,
so each window's central bin is exactly one predicted window). Per mark, a window is positive by
the same overlap rule as the training labels (SeiPlant mode, ≥ ``min_overlap``) against the merged
truth intervals (``marks.tsv``: mark, chrom, start, end) or the merged peaks of that mark. The
model's score is the exported bigWig's value on the central bin; the k-mer baseline, fitted on the
training species' training windows, scores the same windows from their sequence. Windows with too
many N, or whose bin has no predicted value, are left out and counted in the report.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyBigWig

from plantreg.chromatin.predict import central_bins, check_stride
from plantreg.errors import InputError
from plantreg.genome.fasta import open_fasta, read_fai
from plantreg.genome.windows import max_n_allowed, tile_chromosome
from plantreg.io import atomic_open
from plantreg.tracks.overlap import label_windows
from plantreg.tracks.peaks import merge_peaks

log = logging.getLogger(__name__)

REPORT_NAME = "score.report.tsv"


def read_truth(path: str | Path, tags: Sequence[str]) -> dict[str, pd.DataFrame]:
    """``marks.tsv`` (header: mark chrom start end ...) → intervals per mark of ``tags``."""
    path = Path(path)
    try:
        table = pd.read_csv(path, sep="\t", dtype={"mark": str, "chrom": str})
    except (OSError, pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        raise InputError(f"cannot read the truth table ({err})", path) from err
    missing = {"mark", "chrom", "start", "end"} - set(table.columns)
    if missing:
        raise InputError(f"missing column(s) {sorted(missing)}", path)
    absent = [t for t in tags if t not in set(table["mark"])]
    if absent:
        log.warning("%s: no truth intervals for %s (all windows negative)", path, absent)
    return {t: table.loc[table["mark"] == t, ["chrom", "start", "end"]] for t in tags}


def _peak_mark(name: str, tags: Sequence[str]) -> str:
    """The longest tag that ``name`` starts with, followed by '.' or '_' (marks may hold dots)."""
    found = [t for t in tags if name.startswith(t) and name[len(t):len(t) + 1] in (".", "_")]
    return max(found, key=len) if found else name.split(".")[0].split("_")[0]


def read_peak_sets(paths: Sequence[str | Path], tags: Sequence[str],
                   sizes: dict[str, int]) -> dict[str, pd.DataFrame]:
    """Peak files named ``<MARK>...`` → intervals per mark (several files of a mark are pooled)."""
    from plantreg.tracks.peaks import read_intervals

    by_mark: dict[str, list[pd.DataFrame]] = {t: [] for t in tags}
    for path in paths:
        mark = _peak_mark(Path(path).name, tags)
        if mark not in by_mark:
            raise InputError(f"mark {mark!r} is not among the model's tags {list(tags)}", path)
        by_mark[mark].append(read_intervals(path, sizes)[["chrom", "start", "end"]])
    return {t: pd.concat(f, ignore_index=True) if f else pd.DataFrame(
        {"chrom": [], "start": [], "end": []}) for t, f in by_mark.items()}


def _bin_values(bw, chrom: str, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """The track value of each bin ``[lo, hi)`` (a whole predicted interval), NaN if none."""
    out = np.full(len(lo), np.nan)
    if chrom not in bw.chroms():
        return out
    entries = bw.intervals(chrom) or ()
    if not entries:
        return out
    arr = np.asarray(entries, dtype=np.float64)
    starts, ends, values = arr[:, 0].astype(np.int64), arr[:, 1].astype(np.int64), arr[:, 2]
    idx = np.clip(np.searchsorted(starts, lo), 0, len(starts) - 1)
    hit = (starts[idx] == lo) & (ends[idx] == hi)
    out[hit] = values[idx[hit]]
    return out


def score_tracks(
    tracks_dir: str | Path,
    fasta: str | Path,
    tags: Sequence[str],
    intervals: dict[str, pd.DataFrame],
    outdir: str | Path,
    baseline_dataset: str | Path,
    predict_stride: int = 128,
    eval_stride: int = 512,
    min_overlap: float = 0.5,
    max_n_fraction: float = 0.0,
) -> dict[str, float | None]:
    """Per-mark AUROC/AUPRC of the tracks (and the k-mer baseline) on the target's windows."""
    from plantreg.chromatin.evaluate import write_evaluation

    tracks_dir = Path(tracks_dir)
    if eval_stride % predict_stride:
        raise InputError(f"--eval-stride {eval_stride} must be a multiple of the prediction "
                         f"stride {predict_stride}")
    paths = [tracks_dir / f"{t}.bw" for t in tags]
    for path in paths:
        if not path.is_file():
            raise InputError("prediction bigWig not found", path)
    baseline = _fit_baseline(baseline_dataset, tags)
    handles = [pyBigWig.open(str(p)) for p in paths]
    try:
        window = int(np.load(Path(baseline_dataset) / "train.seq.npy", mmap_mode="r").shape[1])
        check_stride(window, predict_stride)
        with open_fasta(fasta) as handle:
            order = [c for c, _ in read_fai(fasta)]
            merged = {t: merge_peaks([intervals[t]], order) for t in tags}
            rows, report = _collect(handle, order, fasta, handles, baseline, window,
                                    (predict_stride, eval_stride),
                                    max_n_allowed(window, max_n_fraction))
    finally:
        for bw in handles:
            bw.close()
    windows = pd.DataFrame({"chrom": rows["chrom"], "start": rows["start"],
                            "end": rows["start"] + window})
    if windows.empty:
        raise InputError("no window of the target genome has a prediction to score", tracks_dir)
    labels = np.stack([label_windows(windows, merged[t], "seiplant", min_overlap) for t in tags],
                      axis=1).astype(np.uint8)
    outdir = Path(outdir)
    means = write_evaluation(outdir, labels, rows["probs"], list(tags), rows["baseline"])
    with atomic_open(outdir / REPORT_NAME) as out:
        pd.DataFrame(report).to_csv(out, sep="\t", index=False)
    return means


def _fit_baseline(dataset: str | Path, tags: Sequence[str]):
    from plantreg.chromatin.baseline import KmerBaseline
    from plantreg.chromatin.dataset import ChromatinDataset

    train = ChromatinDataset(dataset, "train", list(tags))
    return KmerBaseline(k=4).fit(*train.arrays())


def _collect(handle, order: list[str], fasta, handles, baseline, window: int,
             strides: tuple[int, int], max_n: int):
    predict_stride, eval_stride = strides
    sizes = dict(read_fai(fasta))
    parts: dict[str, list] = {"chrom": [], "start": [], "probs": [], "baseline": []}
    report = []
    for chrom in order:
        length = sizes[chrom]
        kept = no_value = dropped_n = 0
        for part in tile_chromosome(handle, chrom, length, window, eval_stride, max_n):
            lo, hi = central_bins(part.starts, window, predict_stride)
            probs = np.stack([_bin_values(bw, chrom, lo, hi) for bw in handles], axis=1)
            ok = ~np.isnan(probs).any(axis=1)
            no_value += int((~ok).sum())
            dropped_n += part.dropped_n
            kept += int(ok.sum())
            parts["chrom"].extend([chrom] * int(ok.sum()))
            parts["start"].append(part.starts[ok])
            parts["probs"].append(probs[ok])
            if ok.any():
                parts["baseline"].append(baseline.predict_proba(part.codes[ok]))
        report.append({"chrom": chrom, "length": length, "scored": kept,
                       "dropped_n": dropped_n, "no_prediction": no_value})
    n_marks = len(handles)
    rows = {
        "chrom": parts["chrom"],
        "start": np.concatenate(parts["start"]) if parts["start"] else np.zeros(0, np.int64),
        "probs": np.concatenate(parts["probs"]) if parts["probs"] else np.zeros((0, n_marks)),
        "baseline": np.concatenate(parts["baseline"]) if parts["baseline"] else None,
    }
    return rows, report
