"""Windows over a genome: the training grid with peak/background selection, genome-wide tiling,
and encoding of a windows BED into a ``(n, window)`` uint8 array.

Sequence is always fetched from the indexed FASTA in bounded chunks (``chunk_bp`` bases, or
``batch`` windows), so memory does not grow with chromosome or genome size. N policy (contract): a
window is dropped when its N fraction exceeds ``max_n_fraction``; drops are counted per chromosome,
logged and written to the report TSV.
"""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm import tqdm

from plantreg.errors import InputError
from plantreg.genome.encode import N_CODE, encode, npy_row_writer
from plantreg.genome.fasta import open_fasta, read_fai
from plantreg.genome.split import SETS
from plantreg.io import atomic_open, atomic_path
from plantreg.tracks.peaks import read_intervals, read_peaks

log = logging.getLogger(__name__)

CHUNK_BP = 4_000_000  # bases fetched at once when counting N or encoding listed windows
TILE_BATCH = 8192  # windows per tiling batch (≈ 8 MB at 1024 bp)


# ----------------------------------------------------------------------------- small helpers
def max_n_allowed(window: int, max_n_fraction: float) -> int:
    """Largest N count a window may hold; the epsilon keeps e.g. 0.1 × 1000 from rounding down."""
    if not 0.0 <= max_n_fraction <= 1.0:
        raise InputError(f"--max-n-fraction must be within [0, 1], got {max_n_fraction}")
    return math.floor(max_n_fraction * window + 1e-9)


def grid_starts(length: int, window: int, stride: int) -> np.ndarray:
    """Training grid: starts at 0, stride, ... plus one window ending at the chromosome end."""
    if length < window:
        return np.zeros(0, dtype=np.int64)
    starts = np.arange(0, length - window + 1, stride, dtype=np.int64)
    if starts[-1] != length - window:
        starts = np.append(starts, length - window)
    return starts


def overlaps_any(starts: np.ndarray, window: int, peak_starts: np.ndarray,
                 peak_ends: np.ndarray) -> np.ndarray:
    """Boolean per window (sorted ``starts``): does ``[s, s+window)`` overlap any peak by ≥1 bp?"""
    hit = np.zeros(len(starts) + 1, dtype=np.int64)
    if len(peak_starts):
        # window i overlaps peak [a, b) iff a - window < s_i < b
        lo = np.searchsorted(starts, peak_starts - window, side="right")
        hi = np.searchsorted(starts, peak_ends, side="left")
        np.add.at(hit, lo, 1)
        np.add.at(hit, hi, -1)
    return np.cumsum(hit[:-1]) > 0


def _codes(handle, chrom: str, start: int, end: int) -> np.ndarray:
    return encode(handle.fetch(chrom, start, end))


def _n_prefix(codes: np.ndarray) -> np.ndarray:
    prefix = np.zeros(len(codes) + 1, dtype=np.int32)
    np.cumsum(codes == N_CODE, out=prefix[1:])
    return prefix


def n_counts(handle, chrom: str, starts: np.ndarray, window: int,
             chunk_bp: int = CHUNK_BP) -> np.ndarray:
    """N count of every window ``[s, s+window)`` (``starts`` sorted), fetched in bounded chunks."""
    counts = np.zeros(len(starts), dtype=np.int64)
    for rows in _blocks(starts, chunk_bp):
        a = int(starts[rows[0]])
        prefix = _n_prefix(_codes(handle, chrom, a, int(starts[rows[-1]]) + window))
        rel = starts[rows] - a
        counts[rows] = prefix[rel + window] - prefix[rel]
    return counts


def _blocks(starts: np.ndarray, chunk_bp: int) -> Iterator[np.ndarray]:
    """Consecutive index ranges of sorted ``starts`` spanning at most ``chunk_bp`` bases each."""
    i = 0
    while i < len(starts):
        j = int(np.searchsorted(starts, starts[i] + chunk_bp, side="left"))
        yield np.arange(i, max(j, i + 1))
        i = max(j, i + 1)


# ----------------------------------------------------------------------------- BED readers
def read_peak_files(paths: list[Path], sizes: dict[str, int]) -> dict[str, tuple[np.ndarray,
                                                                                  np.ndarray]]:
    """Union of all peak files as per-chromosome sorted (starts, ends) arrays."""
    frames = [_read_peaks(p, sizes) for p in paths]
    allp = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        {"chrom": [], "start": [], "end": []})
    out = {}
    for chrom, group in allp.groupby("chrom", sort=False):
        group = group.sort_values("start")
        out[str(chrom)] = (group["start"].to_numpy(np.int64), group["end"].to_numpy(np.int64))
    return out


def _read_peaks(path: Path, sizes: dict[str, int]) -> pd.DataFrame:
    # Only the intervals matter here: which grid windows overlap a peak.
    return read_peaks(path, sizes)[["chrom", "start", "end"]]


# ----------------------------------------------------------------------------- training windows
@dataclass
class ChromCounts:
    chrom: str
    split: str
    length: int
    grid: int = 0
    peak: int = 0
    background: int = 0
    dropped_n: int = 0
    dropped_n_peak: int = 0
    status: str = "ok"
    peak_starts: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64), repr=False)
    candidates: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64), repr=False)


def _scan_chromosome(handle, chrom: str, split: str, length: int, peaks, window: int,
                     stride: int, max_n: int) -> ChromCounts:
    counts = ChromCounts(chrom, split, length)
    if length < window:
        counts.status = "too_short"
        log.warning("%s (%d bp) is shorter than the window (%d bp): skipped", chrom, length,
                    window)
        return counts
    starts = grid_starts(length, window, stride)
    empty = np.zeros(0, np.int64)
    is_peak = overlaps_any(starts, window, *peaks.get(chrom, (empty, empty)))
    ok = n_counts(handle, chrom, starts, window) <= max_n
    counts.grid = len(starts)
    counts.dropped_n = int((~ok).sum())
    counts.dropped_n_peak = int((~ok & is_peak).sum())
    counts.peak_starts = starts[is_peak & ok]
    counts.candidates = starts[~is_peak & ok]
    counts.peak = len(counts.peak_starts)
    if counts.dropped_n:
        log.info("%s: %d of %d grid windows dropped for N (%d of them peak windows)", chrom,
                 counts.dropped_n, counts.grid, counts.dropped_n_peak)
    return counts


def _sample_background(per_chrom: list[ChromCounts], ratio: float,
                       rng: np.random.Generator, split: str) -> list[np.ndarray]:
    n_peak = sum(c.peak for c in per_chrom)
    offsets = np.cumsum([0] + [len(c.candidates) for c in per_chrom])
    wanted = int(round(ratio * n_peak))
    if wanted > offsets[-1]:
        log.warning("%s: %d background windows wanted but only %d available: taking all", split,
                    wanted, offsets[-1])
        wanted = int(offsets[-1])
    chosen = np.sort(rng.choice(int(offsets[-1]), size=wanted, replace=False))
    picked = []
    for i, counts in enumerate(per_chrom):
        local = chosen[(chosen >= offsets[i]) & (chosen < offsets[i + 1])] - offsets[i]
        picked.append(counts.candidates[local])
        counts.background = len(local)
    return picked


def training_windows(fasta: str | Path, sizes: dict[str, int], split: dict[str, list[str]],
                     peak_paths: list[Path], outdir: str | Path, window: int = 1024,
                     stride: int = 512, background_ratio: float = 1.0,
                     max_n_fraction: float = 0.0, seed: int = 0,
                     split_path: str | Path | None = None) -> list[ChromCounts]:
    """Write ``{train,valid,test}.bed``, ``{split}.index.tsv`` and ``windows.report.tsv``."""
    _check_geometry(window, stride)
    if background_ratio < 0:
        raise InputError(f"--background-ratio must be >= 0, got {background_ratio}")
    max_n = max_n_allowed(window, max_n_fraction)
    if all(n < window for c, n in sizes.items() if c not in split["excluded"]):
        raise InputError(f"window size {window} larger than every chromosome in {fasta}", fasta)
    peaks = read_peak_files(peak_paths, sizes)
    outdir = Path(outdir)
    report: list[ChromCounts] = []
    with open_fasta(fasta) as handle:
        for index, name in enumerate(SETS):
            per_chrom = [_scan_chromosome(handle, c, name, sizes[c], peaks, window, stride, max_n)
                         for c in split[name]]
            if not any(c.peak for c in per_chrom):
                raise InputError(f"the {name} set has no peak window (chromosomes "
                                 f"{', '.join(split[name])}): check the peaks and the split",
                                 split_path)
            rng = np.random.default_rng([seed, index])
            background = _sample_background(per_chrom, background_ratio, rng, name)
            _write_split_windows(outdir, name, per_chrom, background, window)
            report.extend(per_chrom)
    report.extend(ChromCounts(c, "excluded", sizes[c], status="excluded")
                  for c in split["excluded"])
    _write_report(outdir / "windows.report.tsv", report,
                  ["chrom", "split", "length", "grid", "peak", "background", "dropped_n",
                   "dropped_n_peak", "status"])
    return report


def _check_geometry(window: int, stride: int) -> None:
    if window <= 0 or stride <= 0:
        raise InputError(f"--window and --stride must be positive (got {window}, {stride})")


def _write_split_windows(outdir: Path, name: str, per_chrom: list[ChromCounts],
                         background: list[np.ndarray], window: int) -> None:
    frames = []
    for counts, bg in zip(per_chrom, background, strict=True):
        starts = np.concatenate([counts.peak_starts, bg])
        kinds = np.array(["peak"] * counts.peak + ["background"] * len(bg), dtype=object)
        order = np.argsort(starts, kind="stable")
        frames.append(pd.DataFrame({"chrom": counts.chrom, "start": starts[order],
                                    "end": starts[order] + window, "kind": kinds[order]}))
    table = pd.concat(frames, ignore_index=True)
    bed = table.assign(score=0, strand=".")[["chrom", "start", "end", "kind", "score", "strand"]]
    with atomic_open(outdir / f"{name}.bed") as out:
        bed.to_csv(out, sep="\t", header=False, index=False)
    index = table.assign(row=np.arange(len(table)))[["row", "chrom", "start", "end", "kind"]]
    with atomic_open(outdir / f"{name}.index.tsv") as out:
        index.to_csv(out, sep="\t", index=False)
    log.info("%s: %d windows (%d peak, %d background)", name, len(table),
             int((table["kind"] == "peak").sum()), int((table["kind"] == "background").sum()))


def _write_report(path: Path, rows: list, columns: list[str]) -> None:
    table = pd.DataFrame([{c: getattr(r, c) for c in columns} for r in rows], columns=columns)
    with atomic_open(path) as out:
        table.to_csv(out, sep="\t", index=False)


# ----------------------------------------------------------------------------- inference tiling
@dataclass
class TileCounts:
    chrom: str
    length: int
    grid: int = 0
    kept: int = 0
    dropped_n: int = 0
    status: str = "ok"


@dataclass
class TileBatch:
    chrom: str
    starts: np.ndarray
    codes: np.ndarray  # (n, window) uint8
    dropped_n: int


def tile_chromosome(handle, chrom: str, length: int, window: int, stride: int, max_n: int,
                    batch: int = TILE_BATCH) -> Iterator[TileBatch]:
    """Stream the tiling grid ``0, stride, ... <= length - window`` of one chromosome in batches.

    Unlike the training grid there is no extra window ending at the chromosome end: tiles stay on
    the stride lattice so that their central ``stride`` bp tile the genome without overlaps.
    """
    n_grid = (length - window) // stride + 1 if length >= window else 0
    for first in range(0, n_grid, batch):
        k = min(batch, n_grid - first)
        a = first * stride
        codes = _codes(handle, chrom, a, a + (k - 1) * stride + window)
        views = np.lib.stride_tricks.sliding_window_view(codes, window)[::stride]
        prefix = _n_prefix(codes)
        rel = np.arange(k, dtype=np.int64) * stride
        keep = prefix[rel + window] - prefix[rel] <= max_n
        yield TileBatch(chrom, a + rel[keep], views[keep], int(k - keep.sum()))


def tile_plan(fasta: str | Path, window: int, stride: int,
              chroms: list[str] | None, strict: bool = True) -> list[TileCounts]:
    """Which chromosomes are tiled (and which are too short), validated against the index.

    Records shorter than the window are never tiled: they get status ``too_short`` and are counted.
    ``strict`` (``--chrom`` and the whole genome): a named record shorter than the window, or a
    plan without any record as long as the window, is an :class:`InputError`. Not strict (the
    records of one chunk, :mod:`plantreg.genome.chunks`): short records are only counted, and a
    plan of short records alone is valid and empty.
    """
    _check_geometry(window, stride)
    sizes = dict(read_fai(fasta))
    if chroms:
        for chrom in chroms:
            if chrom not in sizes:
                raise InputError(f"--chrom {chrom!r} is not a sequence of the FASTA", fasta)
            if strict and sizes[chrom] < window:
                raise InputError(
                    f"--chrom {chrom!r} ({sizes[chrom]} bp) is shorter than the window ({window})",
                    fasta,
                )
    plan = [TileCounts(c, sizes[c]) for c in (chroms or list(sizes))]
    if strict and all(c.length < window for c in plan):
        raise InputError(f"window size {window} larger than every chromosome in {fasta}", fasta)
    for counts in plan:
        if counts.length < window:
            counts.status = "too_short"
            log.debug("%s (%d bp) is shorter than the window: not tiled", counts.chrom,
                      counts.length)
        else:
            counts.grid = (counts.length - window) // stride + 1
    short = [c.length for c in plan if c.status == "too_short"]
    if short:
        log.warning("%d record(s) shorter than the window (%d bp), %d bp in all: not tiled "
                    "(status too_short in the report)", len(short), window, sum(short))
    return plan


def tile_genome(fasta: str | Path, out_prefix: str | Path, window: int = 1024,
                stride: int = 128, chroms: list[str] | None = None,
                max_n_fraction: float = 0.0, batch: int = TILE_BATCH) -> list[TileCounts]:
    """Write ``<prefix>.bed``, ``<prefix>.seq.npy`` (streamed) and ``<prefix>.report.tsv``."""
    max_n = max_n_allowed(window, max_n_fraction)
    with open_fasta(fasta) as handle:
        plan = tile_plan(fasta, window, stride, chroms)
        prefix = str(out_prefix)
        with npy_row_writer(f"{prefix}.seq.npy", window, sum(c.grid for c in plan)) as rows, \
                atomic_open(f"{prefix}.bed") as bed:
            for counts in plan:
                _tile_one(handle, counts, window, stride, max_n, batch, rows, bed)
    _write_report(Path(f"{prefix}.report.tsv"), plan,
                  ["chrom", "length", "grid", "kept", "dropped_n", "status"])
    log.info("tiled %d windows (%d dropped for N)", sum(c.kept for c in plan),
             sum(c.dropped_n for c in plan))
    return plan


def _tile_one(handle, counts: TileCounts, window: int, stride: int, max_n: int, batch: int,
              rows, bed) -> None:
    if not counts.grid:
        return
    with tqdm(total=counts.grid, desc=counts.chrom, unit="win", disable=None, leave=False) as bar:
        for part in tile_chromosome(handle, counts.chrom, counts.length, window, stride, max_n,
                                    batch):
            rows.write(part.codes)
            bed.write("".join(f"{counts.chrom}\t{s}\t{s + window}\n" for s in part.starts.tolist()))
            counts.kept += len(part.starts)
            counts.dropped_n += part.dropped_n
            bar.update(len(part.starts) + part.dropped_n)
    if counts.dropped_n:
        log.info("%s: %d of %d tiles dropped for N", counts.chrom, counts.dropped_n, counts.grid)


# ----------------------------------------------------------------------------- encode a BED
def read_windows_bed(path: str | Path, sizes: dict[str, int]) -> tuple[pd.DataFrame, int]:
    """A windows BED (BED3+) whose windows all have the same length; returns (frame, length)."""
    frame = read_intervals(path, sizes)[["chrom", "start", "end"]]
    lengths = (frame["end"] - frame["start"]).to_numpy()
    if (lengths != lengths[0]).any():
        row = int(np.flatnonzero(lengths != lengths[0])[0])
        raise InputError(f"record {row + 1}: window length {lengths[row]} differs from the first "
                         f"({lengths[0]}); all windows must have one length", path)
    return frame, int(lengths[0])


def iter_window_codes(handle, frame: pd.DataFrame, window: int,
                      chunk_bp: int = CHUNK_BP) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Yield ``(row_indices, codes)`` blocks covering every BED row (sorted by chrom, start)."""
    offsets = np.arange(window, dtype=np.int64)
    for chrom, group in frame.groupby("chrom", sort=False):
        order = np.argsort(group["start"].to_numpy(), kind="stable")
        starts = group["start"].to_numpy()[order]
        rows = group.index.to_numpy()[order]
        for block in _blocks(starts, chunk_bp):
            a = int(starts[block[0]])
            codes = _codes(handle, str(chrom), a, int(starts[block[-1]]) + window)
            yield rows[block], codes[(starts[block] - a)[:, None] + offsets]


def encode_windows(fasta: str | Path, bed: str | Path, out: str | Path) -> int:
    """Encode every window of ``bed`` (in BED row order) into ``out`` as ``(n, window)`` uint8."""
    with open_fasta(fasta) as handle:
        sizes = dict(read_fai(fasta))
        frame, window = read_windows_bed(bed, sizes)
        header = np.lib.format.header_data_from_array_1_0(np.zeros((0, window), np.uint8))
        header["shape"] = (len(frame), window)
        with atomic_path(out) as tmp, open(tmp, "wb") as fh:
            np.lib.format.write_array_header_1_0(fh, header)
            fh.flush()
            base = fh.tell()
            fh.truncate(base + len(frame) * window)
            done = tqdm(total=len(frame), desc="encode", unit="win", disable=None, leave=False)
            for rows, codes in iter_window_codes(handle, frame, window):
                _pwrite_rows(fh.fileno(), base, window, rows, codes)
                done.update(len(rows))
            done.close()
    log.info("encoded %d windows of %d bp from %s", len(frame), window, bed)
    return len(frame)


def _pwrite_rows(fd: int, base: int, window: int, rows: np.ndarray, codes: np.ndarray) -> None:
    # Rows are usually consecutive (sorted BED): one write per run of consecutive rows.
    order = np.argsort(rows, kind="stable")
    rows, codes = rows[order], codes[order]
    breaks = np.flatnonzero(np.diff(rows) != 1) + 1
    for lo, hi in zip(np.r_[0, breaks], np.r_[breaks, len(rows)], strict=True):
        os.pwrite(fd, codes[lo:hi].tobytes(), base + int(rows[lo]) * window)


__all__ = [
    "ChromCounts", "TileBatch", "TileCounts", "encode_windows", "grid_starts", "iter_window_codes",
    "max_n_allowed", "n_counts", "overlaps_any", "read_peak_files",
    "read_windows_bed", "tile_chromosome", "tile_genome", "tile_plan", "training_windows",
]
