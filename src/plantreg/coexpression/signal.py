"""Promoter × TF base-level signal from DAP-seq bigWigs, vectorised per chromosome.

Layout: ``signal[g, t, k]`` (float32, genes × TFs × positions, memory-mapped ``.npy``) with
``k = 0`` the most upstream base of the promoter and ``k`` running 5'→3' on the gene's strand: on
``+`` position ``k`` is genome base ``vs + k``, on ``−`` it is ``ve − 1 − k`` (``[vs, ve)`` the
unclipped promoter), so the start codon sits at ``k = upstream`` for every gene. Bases beyond a
chromosome end (clipped promoters) are NaN, as are all bases of a chromosome that a bigWig lacks
(masked, with a warning and a report row), never zero. Bases inside a chromosome that the bigWig
has no interval for are read as 0 by default (bigWig convention: no interval = no reads; the count
is reported) or kept NaN with ``no_data="nan"``.

Input control: one bigWig, or several (replicates). Several are combined by one rule, here: the
control is their per-base arithmetic mean (float32; NaN at a base where any of them is NaN), and
its total signal, used to scale it, is the mean of their ``sumData`` (the ``sumData`` of the mean
track).

Speed: promoters of a chromosome are sorted by position and cut into chunks (at most ``chunk_bp``
bases, a bounded number of genes, no gap wider than ``MAX_GAP``); each chunk's span is read once
per bigWig (so each chromosome region is read once, never per gene) and all promoters of the chunk
are gathered from it with one fancy index into a genes × TFs × L block, written to the
memory-mapped output as whole gene rows. Memory is bounded by the block, not the genome.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from plantreg.errors import InputError
from plantreg.io import atomic_path
from plantreg.tracks.bigwig import BigWig, open_bigwig

log = logging.getLogger(__name__)

CHUNK_BP = 2_000_000
CHUNK_GENES = 2048
BLOCK_BYTES = 256 * 2**20  # genes × tracks × L block held in memory per chunk
MAX_GAP = 50_000  # a gap wider than this between promoters starts a new read
NO_DATA = ("zero", "nan")


@dataclass
class TrackStats:
    """What extraction saw in one bigWig (one row of the TF table and of the report)."""

    name: str
    path: str
    sum_data: float
    covered_bases: int
    no_data_bases: int = 0
    missing_chroms: tuple[str, ...] = ()


def track_name(path: str | Path) -> str:
    """Mark/TF name of a bigWig: its file name without the bigWig extension (contract)."""
    from plantreg.tracks.names import track_name as name_of

    return name_of(path)


def oriented_positions(genes: pd.DataFrame) -> np.ndarray:
    """(n, L) genome positions of each promoter base, 5'→3' on the gene's strand."""
    plus = (genes["strand"] == "+").to_numpy()
    start = genes["start"].to_numpy(np.int64)
    vs = start - np.where(plus, genes["clipped_5p"], genes["clipped_3p"]).astype(np.int64)
    length = int(genes["length"].iloc[0])
    k = np.arange(length, dtype=np.int64)
    return np.where(plus[:, None], vs[:, None] + k, vs[:, None] + (length - 1 - k))


def _chunks(first: np.ndarray, length: int, chunk_bp: int, max_genes: int):
    """Split sorted promoter starts into runs read with one ``values()`` call each: a run ends
    at ``max_genes`` promoters, at a span of ``chunk_bp``, or at a gap wider than ``MAX_GAP``
    (so that a sparse gene set does not read the whole chromosome)."""
    bounds, lo = [], 0
    gaps = np.flatnonzero(np.diff(first) > MAX_GAP + length) + 1
    for seg_lo, seg_hi in zip(np.r_[0, gaps], np.r_[gaps, len(first)], strict=True):
        lo = int(seg_lo)
        while lo < seg_hi:
            hi = int(np.searchsorted(first, first[lo] + chunk_bp, side="left"))
            hi = max(lo + 1, min(hi, lo + max_genes, int(seg_hi)))
            bounds.append((lo, hi))
            lo = hi
    return bounds


def _take_index(pos: np.ndarray, length: int) -> tuple[np.ndarray, int, int, np.ndarray]:
    """Index into one read of ``[a, b)`` for every position; off-chromosome → the sentinel."""
    valid = (pos >= 0) & (pos < length)
    a = int(max(0, pos.min()))
    b = int(min(length, pos.max() + 1))
    return np.where(valid, pos - a, b - a), a, b, valid


def _read_into(bw: BigWig, chrom: str, span, out: np.ndarray, no_data: str) -> int:
    """Fill ``out`` (n, L) from one ``values()`` read; return the count of bases without data."""
    take, a, b, valid = span
    values = np.empty(b - a + 1, dtype=np.float32)
    values[:-1] = bw.handle.values(bw.names[chrom], a, b, numpy=True)
    values[-1] = np.nan  # sentinel for positions beyond the chromosome
    np.take(values, take, out=out)
    if not np.isnan(values[:-1]).any():
        return 0
    no_value = np.isnan(out) & valid
    if no_data == "zero":
        out[no_value] = 0.0
    return int(no_value.sum())


def extract_tracks(
    bws: list[BigWig],
    genes: pd.DataFrame,
    out: np.ndarray,
    no_data: str = "zero",
    chunk_bp: int = CHUNK_BP,
) -> list[TrackStats]:
    """Fill ``out`` (genes × tracks × L, or genes × L for one track) chunk by chunk: each chunk's
    span is read once per bigWig and written to ``out`` as one block of whole gene rows."""
    positions = oriented_positions(genes)
    first = positions.min(axis=1)
    length = positions.shape[1]
    stats = [_stats(bw) for bw in bws]
    per_gene = len(bws) * length * 4
    max_genes = max(1, min(CHUNK_GENES, BLOCK_BYTES // per_gene))
    missing: list[list[str]] = [[] for _ in bws]
    # one buffer reused by every chunk: fresh pages per chunk would cost more than the reads
    buffer = np.empty((len(bws), min(max_genes, len(genes)), length), dtype=np.float32)
    for chrom, rows in genes.groupby("chrom", sort=False).indices.items():
        rows = rows[np.argsort(first[rows], kind="stable")]
        present = {t for t, bw in enumerate(bws) if chrom in bw.names}
        for t, bw in enumerate(bws):
            if chrom not in bw.names:
                missing[t].append(chrom)
        chrom_len = bws[min(present)].lengths[chrom] if present else 0
        for lo, hi in _chunks(first[rows], length, chunk_bp, max_genes):
            idx = rows[lo:hi]
            order = np.argsort(idx)
            idx, pos = idx[order], positions[idx[order]]
            block = buffer[:, : len(idx)]
            span = _take_index(pos, chrom_len) if present else None
            for t in range(len(bws)):
                if t in present:
                    stats[t].no_data_bases += _read_into(bws[t], chrom, span, block[t], no_data)
                else:  # chromosome absent from this bigWig: masked (NaN), reported below
                    block[t] = np.nan
            # genes × tracks × L; or genes × L: the one track, or the per-base mean of several
            out[idx] = np.moveaxis(block, 0, 1) if out.ndim == 3 else _mean_tracks(block)
    for t, bw in enumerate(bws):
        _check_missing(bw, genes, missing[t])
        stats[t].missing_chroms = tuple(missing[t])
    return stats


def _mean_tracks(block: np.ndarray) -> np.ndarray:
    """Per-base mean over the tracks (axis 0) of a tracks × genes × L block; NaN if any is NaN."""
    if len(block) == 1:
        return block[0]
    return block.mean(axis=0, dtype=np.float32)


def _stats(bw: BigWig) -> TrackStats:
    header = bw.handle.header()
    return TrackStats(
        name=track_name(bw.path),
        path=bw.path,
        sum_data=float(header.get("sumData", 0.0)),
        covered_bases=int(header.get("nBasesCovered", 0)),
    )


def _check_missing(bw: BigWig, genes: pd.DataFrame, missing: list[str]) -> None:
    chroms = genes["chrom"].unique()
    if len(chroms) and len(missing) == len(chroms):
        raise InputError(
            "none of the promoters' chromosomes is in this bigWig: "
            f"{', '.join(map(str, chroms[:5]))} (check names or --name-map)",
            bw.path,
        )
    for chrom in missing:
        n = int((genes["chrom"] == chrom).sum())
        log.warning("%s: no chromosome %s; %d promoters masked (NaN) for it", bw.path, chrom, n)


def _open_all(paths, sizes, name_map) -> list[BigWig]:
    opened: list[BigWig] = []
    try:
        for path in paths:
            opened.append(open_bigwig(path, sizes, name_map))
    except InputError:
        for bw in opened:
            bw.close()
        raise
    return opened


def _extract_to(path, shape, paths, genes, sizes, name_map, no_data, chunk_bp):
    bws = _open_all(paths, sizes, name_map)
    try:
        with atomic_path(path) as tmp:
            array = np.lib.format.open_memmap(tmp, mode="w+", dtype=np.float32, shape=shape)
            stats = extract_tracks(bws, genes, array, no_data, chunk_bp)
            array.flush()
            del array
    finally:
        for bw in bws:
            bw.close()
    return stats


def extract_signal(
    genes: pd.DataFrame,
    bigwigs: Sequence[str | Path],
    out_path: str | Path,
    sizes: Mapping[str, int],
    name_map: Mapping[str, str] | None = None,
    no_data: str = "zero",
    chunk_bp: int = CHUNK_BP,
) -> list[TrackStats]:
    """Write ``out_path`` (genes × TFs × L float32 ``.npy``) atomically; return per-TF stats."""
    if no_data not in NO_DATA:
        raise ValueError(f"no_data must be one of {NO_DATA}")
    names = [track_name(p) for p in bigwigs]
    if len(set(names)) != len(names):
        dup = sorted({n for n in names if names.count(n) > 1})
        raise InputError(f"two bigWigs share the TF name(s) {', '.join(dup)}", bigwigs[0])
    shape = (len(genes), len(bigwigs), int(genes["length"].iloc[0]))
    return _extract_to(out_path, shape, bigwigs, genes, sizes, name_map, no_data, chunk_bp)


def extract_control(
    genes: pd.DataFrame,
    bigwigs: str | Path | Sequence[str | Path],
    out_path: str | Path,
    sizes: Mapping[str, int],
    name_map: Mapping[str, str] | None = None,
    no_data: str = "zero",
    chunk_bp: int = CHUNK_BP,
) -> list[TrackStats]:
    """The input control as a genes × L array, same orientation and masking as the TFs; with
    several control bigWigs, their per-base mean (module docstring). Returns per-file stats."""
    paths = [bigwigs] if isinstance(bigwigs, (str, Path)) else list(bigwigs)
    if not paths:
        raise ValueError("no control bigWig")
    names = [track_name(p) for p in paths]
    if len(set(names)) != len(names):
        dup = sorted({n for n in names if names.count(n) > 1})
        raise InputError(f"two control bigWigs share the name(s) {', '.join(dup)}", paths[0])
    shape = (len(genes), int(genes["length"].iloc[0]))
    return _extract_to(out_path, shape, paths, genes, sizes, name_map, no_data, chunk_bp)


def control_sum(sums: Sequence[float]) -> float:
    """Total signal of the combined control: the mean of its files' ``sumData``."""
    return float(np.mean(np.asarray(sums, dtype=np.float64)))


def naive_signal(genes: pd.DataFrame, bigwigs: Sequence[str | Path]) -> np.ndarray:
    """Reference: one pyBigWig ``values()`` call per gene per TF (slow; tests and benchmark)."""
    import pyBigWig

    length = int(genes["length"].iloc[0])
    out = np.full((len(genes), len(bigwigs), length), np.nan, dtype=np.float32)
    for t, path in enumerate(bigwigs):
        bw = pyBigWig.open(str(path))
        for g, row in enumerate(genes.itertuples(index=False)):
            vals = np.asarray(bw.values(row.chrom, int(row.start), int(row.end)), np.float32)
            vals = np.nan_to_num(vals, nan=0.0)
            if row.strand == "-":
                out[g, t, row.clipped_5p : row.clipped_5p + len(vals)] = vals[::-1]
            else:
                out[g, t, row.clipped_5p : row.clipped_5p + len(vals)] = vals
        bw.close()
    return out
