"""Prediction tracks → one bedGraph + one bigWig per mark (pyBigWig), raw probabilities.

Shards (one bedGraph per chunk of records, as the Nextflow scatter writes them; an empty shard, from
a chunk of records shorter than the window, adds nothing) are gathered in the order of the sizes
file, streamed in blocks of rows, and checked on the way: known chromosomes, intervals inside them,
sorted and non-overlapping, each chromosome in one shard only, finite values in [0, 1]. Anything
else is an :class:`InputError` naming the shard.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyBigWig

from plantreg.errors import InputError
from plantreg.io import atomic_open, atomic_path

log = logging.getLogger(__name__)

CHUNK_ROWS = 500_000
_DTYPES = {"chrom": str, "start": np.int64, "end": np.int64, "value": np.float64}


def mark_of(path: str | Path) -> str:
    """``ATAC.bedGraph`` → ``ATAC``; ``PK02532.1.bedGraph`` → ``PK02532.1`` (dots kept)."""
    from plantreg.tracks.names import track_name

    return track_name(path)


def _first_chrom(path: Path) -> str | None:
    with open(path) as handle:
        for line in handle:
            if line.strip() and not line.startswith(("track", "#", "browser")):
                return line.split("\t", 1)[0]
    return None


def _chunks(path: Path) -> Iterator[pd.DataFrame]:
    try:
        yield from pd.read_csv(path, sep="\t", header=None, names=list(_DTYPES), dtype=_DTYPES,
                               comment="#", chunksize=CHUNK_ROWS)
    except (ValueError, pd.errors.ParserError) as err:
        raise InputError(f"not a 4-column bedGraph ({err})", path) from err


class _Checker:
    """Order and bounds across all shards of one mark (positions within a chromosome included)."""

    def __init__(self, sizes: dict[str, int]) -> None:
        self.sizes, self.rank = sizes, {c: i for i, c in enumerate(sizes)}
        self.last_rank, self.last_end, self.done, self.rows = -1, 0, set(), 0

    def check(self, frame: pd.DataFrame, path: Path) -> None:
        unknown = sorted(set(frame["chrom"]) - set(self.sizes))
        if unknown:
            raise InputError(f"chromosome(s) not in the sizes file: {', '.join(unknown[:5])}", path)
        if frame[["start", "end", "value"]].isna().any().any():
            raise InputError("missing start, end or value", path)
        values = frame["value"].to_numpy()
        if not np.isfinite(values).all() or (values < 0).any() or (values > 1).any():
            raise InputError("values must be probabilities in [0, 1]", path)
        ranks = frame["chrom"].map(self.rank).to_numpy()
        starts, ends = frame["start"].to_numpy(), frame["end"].to_numpy()
        lengths = np.array([self.sizes[c] for c in frame["chrom"]], dtype=np.int64)
        if (starts < 0).any() or (ends <= starts).any() or (ends > lengths).any():
            raise InputError("an interval is empty or outside its chromosome", path)
        prev_rank = np.r_[self.last_rank, ranks[:-1]]
        prev_end = np.r_[self.last_end, ends[:-1]]
        new_chrom = ranks != prev_rank
        if (ranks < prev_rank).any() or (~new_chrom & (starts < prev_end)).any():
            raise InputError("intervals overlap or are not sorted (sizes-file order)", path)
        for chrom in frame["chrom"][new_chrom].unique():
            if chrom in self.done:
                raise InputError(f"chromosome {chrom!r} appears in more than one shard", path)
            self.done.add(chrom)
        self.last_rank, self.last_end = int(ranks[-1]), int(ends[-1])
        self.rows += len(frame)


def merge_tracks(
    shards: Sequence[str | Path], sizes: dict[str, int], out_prefix: str | Path
) -> int:
    """Gather bedGraph shards of one mark into ``<prefix>.bedGraph`` and ``<prefix>.bw``."""
    shards = [Path(p) for p in shards]
    if not shards:
        raise InputError("no bedGraph shard given")
    for path in shards:
        if not path.is_file():
            raise InputError("bedGraph not found", path)
    rank = {c: i for i, c in enumerate(sizes)}
    firsts = {p: _first_chrom(p) for p in shards}
    unknown = [p for p, c in firsts.items() if c is not None and c not in rank]
    if unknown:
        raise InputError(f"chromosome {firsts[unknown[0]]!r} is not in the sizes file", unknown[0])
    ordered = sorted((p for p in shards if firsts[p] is not None), key=lambda p: rank[firsts[p]])
    checker = _Checker(sizes)
    prefix = str(out_prefix)
    with atomic_path(f"{prefix}.bw") as tmp_bw, atomic_open(f"{prefix}.bedGraph") as bedgraph:
        bw = pyBigWig.open(str(tmp_bw), "w")
        try:
            bw.addHeader(list(sizes.items()), maxZooms=10)
            for path in ordered:
                for frame in _chunks(path):
                    checker.check(frame, path)
                    bw.addEntries(frame["chrom"].tolist(), frame["start"].tolist(),
                                  ends=frame["end"].tolist(), values=frame["value"].tolist())
                    frame.to_csv(bedgraph, sep="\t", header=False, index=False,
                                 float_format="%.6g")
        finally:
            bw.close()
    log.info("%s: %d intervals from %d shard(s) → %s.bw", mark_of(prefix), checker.rows,
             len(shards), prefix)
    return checker.rows


def export_predictions(predictions: str | Path, sizes: dict[str, int], outdir: str | Path) -> list[
        str]:
    """Every ``<MARK>.bedGraph`` of a ``predict`` folder → ``outdir/<MARK>.{bedGraph,bw}``."""
    predictions = Path(predictions)
    files = sorted(predictions.glob("*.bedGraph"))
    if not files:
        raise InputError("no <MARK>.bedGraph files in the predictions folder", predictions)
    marks = []
    for path in files:
        merge_tracks([path], sizes, Path(outdir) / mark_of(path))
        marks.append(mark_of(path))
    return marks
