"""Signal bigWigs: validated opening and per-window mean/max summaries, streamed in chunks.

Missing data policy: bases without data (NaN from ``pyBigWig.values``) count as 0, so the mean of
a window is the sum of its signal divided by the window length (not by the covered bases, which
is what ``pyBigWig.stats`` returns), and the max of a window with no data is 0. Windows are
summarised from per-base values fetched over chunks of ``chunk_bp`` bases (sorted by start), so
memory is bounded by the chunk size, not the genome size.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyBigWig

from plantreg.errors import InputError

log = logging.getLogger(__name__)

SUMMARIES = ("mean", "max")
CHUNK_BP = 4_000_000
_MAGIC = (0x888FFC26).to_bytes(4, "little")
_SHOWN = 8


@dataclass
class BigWig:
    """An open bigWig and the genome name → bigWig name lookup (after the name map)."""

    path: str
    handle: object
    names: dict[str, str] = field(default_factory=dict)  # genome name -> name in the file
    lengths: dict[str, int] = field(default_factory=dict)  # genome name -> length in the file

    def close(self) -> None:
        self.handle.close()

    def __enter__(self) -> BigWig:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _check_magic(path: Path) -> None:
    # Checked before pyBigWig.open, whose C library prints noise to stderr on bad files.
    try:
        with open(path, "rb") as handle:
            magic = handle.read(4)
    except OSError as err:
        raise InputError(f"cannot read the bigWig ({err.strerror})", path) from err
    if magic != _MAGIC:
        raise InputError("not a bigWig file (bad magic number)", path)


def open_bigwig(
    path: str | Path,
    sizes: Mapping[str, int] | None = None,
    name_map: Mapping[str, str] | None = None,
) -> BigWig:
    """Open a bigWig; with ``sizes``, every chromosome must be in the genome with its length."""
    path = Path(path)
    _check_magic(path)
    try:
        handle = pyBigWig.open(str(path))
    except RuntimeError as err:
        raise InputError("cannot open the bigWig (corrupt file?)", path) from err
    chroms = handle.chroms() or {}
    mapping = name_map or {}
    names = {mapping.get(c, c): c for c in chroms}
    lengths = {mapping.get(c, c): int(n) for c, n in chroms.items()}
    if sizes is not None:
        try:
            _check_against_genome(path, lengths, sizes)
        except InputError:
            handle.close()
            raise
    return BigWig(str(path), handle, names, lengths)


def _check_against_genome(path: Path, lengths: Mapping[str, int], sizes: Mapping[str, int]):
    unknown = [c for c in lengths if c not in sizes]
    if unknown:
        shown = ", ".join(unknown[:_SHOWN]) + (" ..." if len(unknown) > _SHOWN else "")
        raise InputError(
            f"{len(unknown)} chromosome(s) not in the genome: {shown} (check names or --name-map)",
            path,
        )
    differ = [f"{c} ({n} vs {sizes[c]})" for c, n in lengths.items() if n != sizes[c]]
    if differ:
        raise InputError(
            f"chromosome lengths differ from the genome: {', '.join(differ[:_SHOWN])}", path
        )


def _chunk_summary(values: np.ndarray, rel_s: np.ndarray, rel_e: np.ndarray, stat: str):
    values = np.nan_to_num(values, nan=0.0)
    if stat == "mean":
        cum = np.concatenate([[0.0], np.cumsum(values, dtype=np.float64)])
        return (cum[rel_e] - cum[rel_s]) / (rel_e - rel_s)
    # reduceat over interleaved (start, end) pairs: even slots are the windows' maxima; the
    # padding element keeps an end equal to the chunk length a valid index.
    padded = np.append(values, 0.0)
    pairs = np.column_stack([rel_s, rel_e]).ravel()
    return np.maximum.reduceat(padded, pairs)[::2]


def _chrom_summary(bw: BigWig, chrom: str, starts, ends, stat: str, chunk_bp: int) -> np.ndarray:
    out = np.zeros(len(starts), dtype=np.float64)
    order = np.argsort(starts, kind="stable")
    s, e = starts[order], ends[order]
    bounds = np.flatnonzero(np.diff(s // chunk_bp)) + 1
    for lo, hi in zip(np.r_[0, bounds], np.r_[bounds, len(s)], strict=True):
        a, b = int(s[lo]), int(e[lo:hi].max())
        values = bw.handle.values(bw.names[chrom], a, b, numpy=True)
        out[order[lo:hi]] = _chunk_summary(values, s[lo:hi] - a, e[lo:hi] - a, stat)
    return out


def window_summaries(
    bw: BigWig, windows: pd.DataFrame, stat: str = "mean", chunk_bp: int = CHUNK_BP
) -> np.ndarray:
    """Per-window ``mean`` or ``max`` signal (float32); see the module doc for missing data."""
    if stat not in SUMMARIES:
        raise ValueError(f"summary must be one of {', '.join(SUMMARIES)}, got {stat!r}")
    out = np.zeros(len(windows), dtype=np.float32)
    starts = windows["start"].to_numpy(np.int64)
    ends = windows["end"].to_numpy(np.int64)
    groups = windows.groupby("chrom", sort=False).indices
    absent = {c: len(rows) for c, rows in groups.items() if c not in bw.names}
    if groups and len(absent) == len(groups):
        raise InputError(
            "none of the windows' chromosomes is in this bigWig: "
            f"{', '.join(list(absent)[:_SHOWN])} (check names or --name-map)",
            bw.path,
        )
    for chrom, n in absent.items():
        log.warning("%s: no chromosome %s; %d windows get signal 0", bw.path, chrom, n)
    for chrom, rows in groups.items():
        if chrom in absent:
            continue
        too_far = ends[rows] > bw.lengths[chrom]
        if too_far.any():
            raise InputError(
                f"{int(too_far.sum())} window(s) end past {chrom} (length {bw.lengths[chrom]})",
                bw.path,
            )
        out[rows] = _chrom_summary(bw, chrom, starts[rows], ends[rows], stat, chunk_bp)
    return out
