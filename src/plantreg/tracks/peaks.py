"""Peak files (BED3+ and narrowPeak) and their merge.

Coordinates are BED: 0-based, half-open. Header lines (``#``, ``track``, ``browser``) and blank
lines are skipped; every other line must be a valid interval inside its chromosome, otherwise an
:class:`InputError` names the file, the first offending line and how many lines share the problem.
Files ending in ``.gz`` are read through gzip.
"""

from __future__ import annotations

import gzip
import logging
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from plantreg.errors import InputError
from plantreg.io import atomic_open

log = logging.getLogger(__name__)

_HEADER_PREFIXES = ("#", "track", "browser")
NARROWPEAK_COLUMNS = 10


def _split_lines(path: str | Path) -> tuple[list[list[str]], list[int]]:
    """Fields and 1-based line numbers of the data lines."""
    opener = gzip.open if str(path).endswith(".gz") else open
    rows: list[list[str]] = []
    numbers: list[int] = []
    try:
        with opener(path, "rt") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip() or line.startswith(_HEADER_PREFIXES):
                    continue
                fields = line.rstrip("\r\n").split("\t")
                rows.append(fields if len(fields) >= 3 else line.split())
                numbers.append(number)
    except (OSError, UnicodeDecodeError, EOFError) as err:
        raise InputError(f"cannot read the file ({err})", path) from err
    return rows, numbers


def _first_bad(
    mask: np.ndarray, numbers: np.ndarray, problem: Callable[[int], str], path: str | Path
) -> None:
    # Report the first offending line and how many share the problem: one message, not a flood.
    if mask.any():
        first = int(np.flatnonzero(mask)[0])
        count = int(mask.sum())
        more = f" ({count} lines have this problem)" if count > 1 else ""
        raise InputError(f"line {numbers[first]}: {problem(first)}{more}", path)


def read_intervals(
    path: str | Path,
    sizes: Mapping[str, int] | None = None,
    name_map: Mapping[str, str] | None = None,
    allow_empty: bool = False,
) -> pd.DataFrame:
    """Read a BED3+ file into ``chrom, start, end`` (plus narrowPeak extras), validated.

    ``name_map`` renames chromosomes before validation; with ``sizes`` every chromosome must be
    known and every interval must end inside it.
    """
    rows, numbers = _split_lines(path)
    if not rows and not allow_empty:
        raise InputError("no intervals in the file (empty or only header lines)", path)
    lines = np.asarray(numbers, dtype=np.int64)
    narrow = ".narrowpeak" in Path(path).name.lower()
    widths = np.array([len(r) for r in rows], dtype=np.int64)
    need = NARROWPEAK_COLUMNS if narrow else 3
    _first_bad(
        widths < need,
        lines,
        lambda i: f"expected at least {need} tab-separated columns, found {widths[i]}",
        path,
    )
    frame = pd.DataFrame([r[:need] for r in rows], columns=None if rows else range(need))
    chrom = frame[0].astype(str).map(lambda c: name_map.get(c, c)) if name_map else frame[0]
    start = pd.to_numeric(frame[1], errors="coerce").to_numpy(dtype=np.float64)
    end = pd.to_numeric(frame[2], errors="coerce").to_numpy(dtype=np.float64)
    _validate(path, lines, chrom.to_numpy(dtype=object), start, end, frame, sizes)
    out = pd.DataFrame(
        {"chrom": chrom.astype(str), "start": start.astype(np.int64), "end": end.astype(np.int64)}
    )
    if narrow:
        out = _narrowpeak_extras(out, frame, lines, path)
    return out


def _validate(
    path: str | Path,
    lines: np.ndarray,
    chrom: np.ndarray,
    start: np.ndarray,
    end: np.ndarray,
    frame: pd.DataFrame,
    sizes: Mapping[str, int] | None,
) -> None:
    bad_int = ~np.isfinite(start) | ~np.isfinite(end) | (start % 1 != 0) | (end % 1 != 0)
    _first_bad(
        bad_int,
        lines,
        lambda i: f"start/end must be integers, got {frame.iat[i, 1]!r}, {frame.iat[i, 2]!r}",
        path,
    )
    _first_bad(start < 0, lines, lambda i: f"negative start {int(start[i])}", path)
    _first_bad(
        start >= end,
        lines,
        lambda i: f"start {int(start[i])} is not before end {int(end[i])}",
        path,
    )
    if sizes is None:
        return
    known = np.array([c in sizes for c in chrom], dtype=bool)
    _first_bad(
        ~known,
        lines,
        lambda i: f"chromosome {chrom[i]!r} is not in the genome (check names or --name-map)",
        path,
    )
    length = np.array([sizes[c] for c in chrom], dtype=np.float64)
    _first_bad(
        end > length,
        lines,
        lambda i: f"end {int(end[i])} is past the end of {chrom[i]!r} (length {int(length[i])})",
        path,
    )


def _narrowpeak_extras(
    out: pd.DataFrame, frame: pd.DataFrame, lines: np.ndarray, path: str | Path
) -> pd.DataFrame:
    signal = pd.to_numeric(frame[6], errors="coerce").to_numpy(dtype=np.float64)
    offset = pd.to_numeric(frame[9], errors="coerce").to_numpy(dtype=np.float64)
    _first_bad(
        ~np.isfinite(signal),
        lines,
        lambda i: f"signalValue {frame.iat[i, 6]!r} is not a number",
        path,
    )
    length = (out["end"] - out["start"]).to_numpy()
    bad = ~np.isfinite(offset) | (offset % 1 != 0) | (offset < -1) | (offset >= length)
    _first_bad(
        bad, lines, lambda i: f"peak offset {frame.iat[i, 9]!r} is not -1 or inside the peak", path
    )
    out["signal_value"] = signal
    # -1 means "no summit called": use the midpoint, as MACS2 consumers usually do.
    offset = np.where(offset < 0, length // 2, offset).astype(np.int64)
    out["summit"] = out["start"].to_numpy() + offset
    return out


def read_peaks(
    path: str | Path,
    sizes: Mapping[str, int] | None,
    name_map: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Read and validate one peak file (at least one peak required)."""
    peaks = read_intervals(path, sizes, name_map, allow_empty=False)
    log.debug("%s: %d peaks", path, len(peaks))
    return peaks


def merge_peaks(frames: Iterable[pd.DataFrame], order: Iterable[str] | None = None) -> pd.DataFrame:
    """Merge intervals like ``bedtools merge``: overlapping and book-ended intervals join.

    Output is ``chrom, start, end`` sorted by chromosome (``order`` if given, e.g. FASTA order,
    else by name) then start.
    """
    parts = [f[["chrom", "start", "end"]] for f in frames]
    allp = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    if allp.empty:
        return pd.DataFrame({"chrom": [], "start": [], "end": []}).astype(
            {"start": np.int64, "end": np.int64}
        )
    names = list(dict.fromkeys(order)) if order is not None else sorted(allp["chrom"].unique())
    names += sorted(set(allp["chrom"]) - set(names))
    rank = allp["chrom"].map({name: i for i, name in enumerate(names)}).to_numpy()
    idx = np.lexsort((allp["start"].to_numpy(), rank))
    rank, start, end = rank[idx], allp["start"].to_numpy()[idx], allp["end"].to_numpy()[idx]
    # Running max of ends within a chromosome: an interval starts a new block when it begins
    # after every earlier end of its chromosome (start == end is book-ended, so it joins).
    reach = pd.Series(end).groupby(rank).cummax().to_numpy()
    new = np.ones(len(start), dtype=bool)
    new[1:] = (rank[1:] != rank[:-1]) | (start[1:] > reach[:-1])
    first = np.flatnonzero(new)
    return pd.DataFrame(
        {
            "chrom": np.asarray(names, dtype=object)[rank[first]],
            "start": start[first].astype(np.int64),
            "end": np.maximum.reduceat(end, first).astype(np.int64),
        }
    )


def write_bed3(frame: pd.DataFrame, path: str | Path) -> None:
    """Write ``chrom start end`` (no header) atomically."""
    with atomic_open(path) as handle:
        frame[["chrom", "start", "end"]].to_csv(handle, sep="\t", header=False, index=False)
