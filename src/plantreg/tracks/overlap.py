"""Window × merged-peak overlap, vectorised with ``np.searchsorted`` (no per-window loop).

Three labelling modes (contract), for a window ``[s, e)`` of length ``W`` and merged peaks:

* ``seiplant``: positive when some peak ``p`` overlaps by ≥ ``f · min(len(p), W)``;
* ``peak``:     positive when some peak overlaps by ≥ ``f · len(p)``;
* ``window``:   positive when the peak-covered bases of the window are ≥ ``f · W``.

Merged peaks are sorted and pairwise disjoint. Among the peaks that touch a window only the first
and the last can stick out of it; every peak strictly between them lies inside the window and so
passes ``seiplant`` and ``peak`` for any ``f ≤ 1``. Checking the two end peaks therefore decides
every window in O(log n) without looking at the others.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

MODES = ("seiplant", "peak", "window")


def check_mode(mode: str, min_overlap: float) -> None:
    """Reject an unknown mode or a fraction outside (0, 1] (a programming or option error)."""
    if mode not in MODES:
        raise ValueError(f"overlap mode must be one of {', '.join(MODES)}, got {mode!r}")
    if not 0.0 < min_overlap <= 1.0:
        raise ValueError(f"min overlap must be in (0, 1], got {min_overlap}")


def _check_merged(pstart: np.ndarray, pend: np.ndarray) -> None:
    if len(pstart) > 1 and not np.all(pstart[1:] >= pend[:-1]):
        raise ValueError("peaks must be merged (sorted, disjoint) before computing overlaps")


def covered_bases(
    starts: np.ndarray, ends: np.ndarray, pstart: np.ndarray, pend: np.ndarray
) -> np.ndarray:
    """Peak-covered bases in each window (one chromosome, merged peaks)."""
    _check_merged(pstart, pend)
    cum = np.concatenate([[0], np.cumsum(pend - pstart)])

    def covered_before(x: np.ndarray) -> np.ndarray:
        # Peaks ending at or before x count whole; at most one more peak straddles x.
        j = np.searchsorted(pend, x, side="right")
        straddle = np.where(j < len(pstart), x - pstart[np.minimum(j, len(pstart) - 1)], 0)
        return cum[j] + np.maximum(straddle, 0)

    if len(pstart) == 0:
        return np.zeros(len(starts), dtype=np.int64)
    return (covered_before(ends) - covered_before(starts)).astype(np.int64)


def _end_peak_passes(
    idx: np.ndarray, starts, ends, pstart, pend, mode: str, min_overlap: float
) -> np.ndarray:
    ps, pe = pstart[idx], pend[idx]
    overlap = np.minimum(pe, ends) - np.maximum(ps, starts)
    plen = pe - ps
    need = plen if mode == "peak" else np.minimum(plen, ends - starts)
    return overlap >= min_overlap * need


def window_labels(
    starts: np.ndarray,
    ends: np.ndarray,
    pstart: np.ndarray,
    pend: np.ndarray,
    mode: str = "seiplant",
    min_overlap: float = 0.5,
) -> np.ndarray:
    """Boolean label per window (one chromosome, merged peaks)."""
    check_mode(mode, min_overlap)
    starts, ends = np.asarray(starts, np.int64), np.asarray(ends, np.int64)
    pstart, pend = np.asarray(pstart, np.int64), np.asarray(pend, np.int64)
    if mode == "window":
        return covered_bases(starts, ends, pstart, pend) >= min_overlap * (ends - starts)
    _check_merged(pstart, pend)
    if len(pstart) == 0:
        return np.zeros(len(starts), dtype=bool)
    lo = np.searchsorted(pend, starts, side="right")  # first peak ending after s
    hi = np.searchsorted(pstart, ends, side="left")  # peaks starting before e
    touching = hi - lo
    first = np.minimum(lo, len(pstart) - 1)
    last = np.clip(hi - 1, 0, len(pstart) - 1)
    args = (starts, ends, pstart, pend, mode, min_overlap)
    passes = _end_peak_passes(first, *args) | _end_peak_passes(last, *args)
    return (touching > 0) & (passes | (touching >= 3))


def _per_chrom(windows: pd.DataFrame, merged: pd.DataFrame, func, fill, dtype) -> np.ndarray:
    """Apply ``func(starts, ends, pstart, pend)`` per chromosome; windows without peaks get fill."""
    out = np.full(len(windows), fill, dtype=dtype)
    peaks_by_chrom = dict(tuple(merged.groupby("chrom", sort=False)))
    starts, ends = windows["start"].to_numpy(np.int64), windows["end"].to_numpy(np.int64)
    for chrom, rows in windows.groupby("chrom", sort=False).indices.items():
        peaks = peaks_by_chrom.get(chrom)
        if peaks is not None:
            out[rows] = func(
                starts[rows], ends[rows], peaks["start"].to_numpy(), peaks["end"].to_numpy()
            )
    return out


def label_windows(
    windows: pd.DataFrame, merged: pd.DataFrame, mode: str = "seiplant", min_overlap: float = 0.5
) -> np.ndarray:
    """Boolean labels for windows on any chromosomes; ``merged`` comes from ``merge_peaks``."""
    check_mode(mode, min_overlap)

    def func(s, e, ps, pe):
        return window_labels(s, e, ps, pe, mode, min_overlap)

    return _per_chrom(windows, merged, func, False, bool)


def window_coverage(windows: pd.DataFrame, merged: pd.DataFrame) -> np.ndarray:
    """Peak-covered bases per window, for windows on any chromosomes."""
    return _per_chrom(windows, merged, covered_bases, 0, np.int64)
