"""Import LECIF's processed feature files (the ``.h``/``.m`` files its ``train.py`` reads).

One line per region, line-aligned between the species files of a set::

    chrom <TAB> start <TAB> end <TAB> pairIndex <TAB> |i1 <TAB> i2 ... <TAB> |v1 <TAB> v2 ...

``i`` are the sorted 0-based indices of the active features; the last ``n`` of them are
real-valued (RNA-seq) and their raw values follow the second ``|``. Files may be gzipped.

A set is (A file, B file, shuffled-B file), e.g. ``shuf_odd_training.h.gz``,
``shuf_odd_training.m.gz``, ``shufx2_odd_training.m.gz``: line i gives a positive (A_i, B_i) and a
negative (A_i, shuffledB_i), as LECIF's ``readBatch``. All files of a species go into one feature
store (rows in the order given) and each set becomes an examples array.

Deviation from LECIF: real values are stored as log1p (float16 would overflow on raw RNA-seq) and
min/max scaled on each network's training rows, not with species-wide constants.
"""

from __future__ import annotations

import gzip
import logging
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from plantreg.errors import InputError
from plantreg.io import atomic_open, save_npy

from .store import StoreWriter, n_bytes

log = logging.getLogger(__name__)

CHUNK = 8192


@dataclass
class Line:
    chrom: str
    start: int
    end: int
    pair: int
    indices: np.ndarray
    values: np.ndarray


def _open(path: Path):
    with open(path, "rb") as probe:
        gz = probe.read(2) == b"\x1f\x8b"
    return gzip.open(path, "rt") if gz else open(path)


def parse_line(text: str, n_features: int, path: Path, number: int) -> Line:
    parts = text.rstrip("\n").split("|")
    if len(parts) not in (2, 3):
        raise InputError(f"line {number}: expected 'chrom start end index |indices |values'", path)
    head = parts[0].split()
    try:
        if len(head) != 4:
            raise ValueError
        indices = np.array(parts[1].split(), dtype=np.int64)
        values = np.array(parts[2].split() if len(parts) == 3 else [], dtype=np.float64)
        start, end, pair = int(head[1]), int(head[2]), int(head[3])
    except ValueError as err:
        raise InputError(f"line {number}: malformed LECIF feature line", path) from err
    if indices.size and (indices.min() < 0 or indices.max() >= n_features):
        raise InputError(
            f"line {number}: feature index {int(indices.max())} outside "
            f"0..{n_features - 1} (wrong number of features?)",
            path,
        )
    if np.any(np.diff(indices) <= 0):
        raise InputError(f"line {number}: feature indices must be strictly increasing", path)
    if values.size > indices.size:
        raise InputError(
            f"line {number}: {values.size} real values for {indices.size} active features", path
        )
    return Line(head[0], start, end, pair, indices, values)


def iter_lines(path: str | Path, n_features: int) -> Iterator[Line]:
    path = Path(path)
    try:
        with _open(path) as handle:
            for number, text in enumerate(handle, start=1):
                if text.strip():
                    yield parse_line(text, n_features, path, number)
    except (EOFError, zlib.error, gzip.BadGzipFile) as err:
        raise InputError(f"truncated gzip or corrupt compressed data ({err})", path) from err
    except UnicodeDecodeError as err:
        raise InputError(f"not a LECIF text file ({err.reason})", path) from err
    except OSError as err:
        raise InputError(f"cannot read: {err}", path) from err


def scan(paths: Sequence[Path], n_features: int) -> tuple[list[int], int]:
    """Lines per file and the smallest index that ever carries a real value (n_features if none)."""
    counts, first_real = [], n_features
    for path in paths:
        n = 0
        for line in iter_lines(path, n_features):
            n += 1
            if line.values.size:
                first_real = min(first_real, int(line.indices[-line.values.size]))
        if n == 0:
            raise InputError("no feature lines in the file", path)
        counts.append(n)
    return counts, first_real


def _flush(writer: StoreWriter, lo: int, lines: list[Line], signal_from: int, stats: dict) -> None:
    n_bin = writer.n_binary
    packed = np.zeros((len(lines), n_bytes(n_bin)), dtype=np.uint8)
    signal = np.zeros((len(lines), writer.n_signal), dtype=np.float32)
    for r, line in enumerate(lines):
        k = line.values.size
        binary = line.indices[: line.indices.size - k]
        real_idx = line.indices[line.indices.size - k :]
        if binary.size and binary.max() >= signal_from:
            extra = binary[binary >= signal_from]  # active signal feature without a value: 1.0
            signal[r, extra - signal_from] = 1.0
            binary = binary[binary < signal_from]
        np.bitwise_or.at(packed[r], binary // 8, (1 << (binary % 8)).astype(np.uint8))
        if k:
            signal[r, real_idx - signal_from] = line.values
        stats["count"][line.indices] += 1
    signal = np.log1p(np.maximum(signal, 0.0))
    if writer.n_signal:
        stats["max"] = np.maximum(stats["max"], signal.max(axis=0))
        stats["min"] = np.minimum(stats["min"], signal.min(axis=0))
    writer.binary[lo : lo + len(lines)] = packed
    writer.signal[lo : lo + len(lines)] = signal.astype(np.float16)


def import_species(
    paths: Sequence[Path],
    n_features: int,
    outdir: Path,
    species: str,
    signal_from: int | None = None,
) -> list[int]:
    """One store for all ``paths`` (rows concatenated); returns the line count of each file."""
    counts, inferred = scan(paths, n_features)
    signal_from = inferred if signal_from is None else signal_from
    if not 0 <= signal_from <= n_features:
        raise InputError(f"signal block start {signal_from} outside 0..{n_features}")
    if inferred < signal_from:
        raise InputError(
            f"feature {inferred} carries a real value but the signal block starts at {signal_from}",
            paths[0],
        )
    total = sum(counts)
    writer = StoreWriter(outdir, total, signal_from, n_features - signal_from)
    stats = {
        "count": np.zeros(n_features, np.int64),
        "min": np.full(n_features - signal_from, np.inf, np.float32),
        "max": np.full(n_features - signal_from, -np.inf, np.float32),
    }
    regions = []
    try:
        row = 0
        for path in paths:
            buffer: list[Line] = []
            for line in iter_lines(path, n_features):
                buffer.append(line)
                regions.append((line.chrom, line.start, line.end, line.pair))
                if len(buffer) == CHUNK:
                    _flush(writer, row, buffer, signal_from, stats)
                    row, buffer = row + len(buffer), []
            if buffer:
                _flush(writer, row, buffer, signal_from, stats)
                row += len(buffer)
    except BaseException:
        writer.abort()
        raise
    for i in range(n_features):
        is_sig = i >= signal_from
        lo = float(stats["min"][i - signal_from]) if is_sig else float(stats["count"][i] == total)
        hi = float(stats["max"][i - signal_from]) if is_sig else float(stats["count"][i] > 0)
        writer.rows.append(
            {
                "index": i,
                "name": f"lecif:{i}",
                "kind": "signal" if is_sig else "binary",
                "source": str(paths[0]),
                "n_nonzero": int(stats["count"][i]),
                "min": lo,
                "max": hi,
                "constant": int(lo == hi),
            }
        )
    writer.commit(species, {"imported_from": [str(p) for p in paths], "signal_from": signal_from})
    frame = pd.DataFrame(regions, columns=["chrom", "start", "end", "pair_index"])
    with atomic_open(outdir / "regions.tsv") as handle:
        frame.to_csv(handle, sep="\t", index=False)
    log.info(
        "species %s: %d regions from %d LECIF file(s), %d binary + %d signal features",
        species,
        total,
        len(paths),
        signal_from,
        n_features - signal_from,
    )
    return counts


@dataclass
class LecifSet:
    name: str
    a: Path
    b: Path
    b_shuffled: Path


def import_lecif(
    sets: Sequence[LecifSet],
    n_features_a: int,
    n_features_b: int,
    outdir: str | Path,
    signal_from_a: int | None = None,
    signal_from_b: int | None = None,
) -> dict:
    """``outdir/a``, ``outdir/b`` stores and ``outdir/{set}.examples.npy``; return line counts."""
    outdir = Path(outdir)
    a_counts = import_species([s.a for s in sets], n_features_a, outdir / "a", "A", signal_from_a)
    b_files = [p for s in sets for p in (s.b, s.b_shuffled)]
    b_counts = import_species(b_files, n_features_b, outdir / "b", "B", signal_from_b)
    a_off, b_off = np.r_[0, np.cumsum(a_counts)], np.r_[0, np.cumsum(b_counts)]
    summary = {}
    for k, s in enumerate(sets):
        n = a_counts[k]
        if b_counts[2 * k] != n or b_counts[2 * k + 1] != n:
            raise InputError(
                f"set {s.name}: {n} A lines but {b_counts[2 * k]} B and "
                f"{b_counts[2 * k + 1]} shuffled-B lines (files must be line-aligned)",
                s.b,
            )
        a_rows = a_off[k] + np.arange(n)
        pos = np.stack([a_rows, b_off[2 * k] + np.arange(n), np.ones(n, np.int64)], 1)
        neg = np.stack([a_rows, b_off[2 * k + 1] + np.arange(n), np.zeros(n, np.int64)], 1)
        save_npy(outdir / f"{s.name}.examples.npy", np.concatenate([pos, neg]).astype(np.int64))
        summary[s.name] = n
    return summary
