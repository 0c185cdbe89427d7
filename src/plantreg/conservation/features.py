"""Functional-genomics features of one species at its side of the region pairs (1 bp each, as
LECIF does).

Binary features: overlap with each peak file (DNase/ATAC/ChIP); a one-hot of the state of each
ChromHMM-style segmentation (BED: chrom start end state); an optional CAGE-like matrix (TSV with
header ``chrom start end <experiment>...``, a peak where the value is > 0). Signal features: the
value of each bigWig at the base, stored as log1p (min/max scaling is fitted later, on the
training regions of each classifier).

Columns are computed one source at a time over all regions (a few MB each) and written straight
into the memory-mapped store, so peak memory is that of one source, never the dense matrix.

Zero variance: a feature that is constant over all regions carries no information. It is kept (the
feature order stays that of the inputs), logged as a warning and flagged in ``features.tsv``;
with ``fail_on_constant`` it is an error naming its file. Training refuses a species whose every
feature is constant on its training rows.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from plantreg.errors import InputError
from plantreg.tracks.bigwig import open_bigwig
from plantreg.tracks.peaks import read_intervals

from .store import BitPacker, StoreWriter

log = logging.getLogger(__name__)

CHUNK_BP = 4_000_000


@dataclass
class Points:
    """Region positions grouped by chromosome: ``groups[chrom]`` = row indices."""

    n: int
    pos: np.ndarray
    groups: dict[str, np.ndarray]

    @classmethod
    def from_arrays(cls, chrom: Sequence[str] | np.ndarray, pos: np.ndarray) -> Points:
        codes, names = pd.factorize(pd.Series(chrom, dtype=str))
        order = np.argsort(codes, kind="stable")
        bounds = np.searchsorted(codes[order], np.arange(len(names) + 1))
        groups = {str(names[i]): order[bounds[i] : bounds[i + 1]] for i in range(len(names))}
        return cls(len(pos), np.asarray(pos, dtype=np.int64), groups)


def _covered(pos: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Whether each position lies in any interval (intervals may overlap)."""
    order = np.argsort(starts, kind="stable")
    s, reach = starts[order], np.maximum.accumulate(ends[order])
    idx = np.searchsorted(s, pos, side="right") - 1
    hit = idx >= 0
    hit[hit] = reach[idx[hit]] > pos[hit]
    return hit


def peak_column(points: Points, path: Path, sizes: Mapping[str, int]) -> np.ndarray:
    frame = read_intervals(path, sizes, allow_empty=True)
    col = np.zeros(points.n, dtype=bool)
    for chrom, sub in frame.groupby("chrom", sort=False):
        rows = points.groups.get(str(chrom))
        if rows is not None:
            col[rows] = _covered(points.pos[rows], sub["start"].to_numpy(), sub["end"].to_numpy())
    return col


def _natural(label: str) -> tuple:
    return tuple(int(t) if t.isdigit() else t for t in re.split(r"(\d+)", label))


def read_states(path: Path, sizes: Mapping[str, int]) -> pd.DataFrame:
    """A segmentation BED (chrom start end state ...), validated like peak files."""
    try:
        frame = pd.read_csv(
            path,
            sep="\t",
            header=None,
            comment="#",
            usecols=[0, 1, 2, 3],
            names=["chrom", "start", "end", "state"],
            dtype={"chrom": str, "state": str},
        )
    except (OSError, ValueError, pd.errors.ParserError) as err:
        raise InputError(f"cannot read the state BED (need 4 columns: {err})", path) from err
    frame = frame[~frame["chrom"].str.startswith(("track", "browser"))]
    start = pd.to_numeric(frame["start"], errors="coerce")
    end = pd.to_numeric(frame["end"], errors="coerce")
    bad = start.isna() | end.isna() | (start < 0) | (end <= start)
    bad |= ~frame["chrom"].isin(list(sizes))
    bad |= end > frame["chrom"].map(sizes).fillna(-1)
    if bad.any():
        first = frame.index[bad.to_numpy()][0]
        raise InputError(
            f"row {first + 1}: bad interval or unknown chromosome ({int(bad.sum())} rows)", path
        )
    return frame.assign(start=start.astype(np.int64), end=end.astype(np.int64))


def state_columns(
    points: Points, path: Path, sizes: Mapping[str, int], states: Sequence[str] | None
) -> tuple[list[str], np.ndarray]:
    """One-hot of the state covering each position (all-zero where no segment covers it)."""
    frame = read_states(path, sizes)
    labels = list(states) if states else sorted(frame["state"].unique(), key=_natural)
    unknown = sorted(set(frame["state"]) - set(labels))
    if unknown:
        raise InputError(f"states {unknown[:5]} are not among the declared states", path)
    code = {s: i for i, s in enumerate(labels)}
    cols = np.zeros((points.n, len(labels)), dtype=bool)
    for chrom, sub in frame.groupby("chrom", sort=False):
        rows = points.groups.get(str(chrom))
        if rows is None:
            continue
        sub = sub.sort_values("start")
        pos = points.pos[rows]
        idx = np.searchsorted(sub["start"].to_numpy(), pos, side="right") - 1
        ok = idx >= 0
        ok[ok] = sub["end"].to_numpy()[idx[ok]] > pos[ok]
        state_idx = sub["state"].map(code).to_numpy()[idx[ok]]
        cols[rows[ok], state_idx] = True
    return labels, cols


def cage_columns(
    points: Points, path: Path, sizes: Mapping[str, int]
) -> tuple[list[str], np.ndarray]:
    """Presence (> 0) of a peak per experiment column of a CAGE-like matrix."""
    try:
        frame = pd.read_csv(path, sep="\t", dtype={0: str})
    except (OSError, ValueError, pd.errors.ParserError) as err:
        raise InputError(f"cannot read the CAGE matrix ({err})", path) from err
    if frame.shape[1] < 4:
        raise InputError("CAGE matrix needs chrom, start, end and at least one experiment", path)
    frame.columns = ["chrom", "start", "end", *frame.columns[3:]]
    frame["chrom"] = frame["chrom"].astype(str)
    unknown = sorted(set(frame["chrom"]) - set(sizes))
    if unknown:
        raise InputError(f"chromosome(s) not in the sizes file: {', '.join(unknown[:5])}", path)
    names = [str(c) for c in frame.columns[3:]]
    cols = np.zeros((points.n, len(names)), dtype=bool)
    for j, name in enumerate(names):
        values = pd.to_numeric(frame[name], errors="coerce")
        if values.isna().any():
            raise InputError(f"column {name!r} holds non-numeric values", path)
        on = frame[values.to_numpy() > 0]
        for chrom, sub in on.groupby("chrom", sort=False):
            rows = points.groups.get(str(chrom))
            if rows is not None:
                cols[rows, j] = _covered(
                    points.pos[rows], sub["start"].to_numpy(np.int64), sub["end"].to_numpy(np.int64)
                )
    return names, cols


def signal_column(points: Points, path: Path, sizes: Mapping[str, int]) -> np.ndarray:
    """log1p of the bigWig value at each position (no data → 0), fetched in 4 Mb chunks."""
    col = np.zeros(points.n, dtype=np.float32)
    with open_bigwig(path, sizes) as bw:
        for chrom, rows in points.groups.items():
            if chrom not in bw.names:
                continue
            pos = points.pos[rows]
            bucket = pos // CHUNK_BP
            for b in np.unique(bucket):
                lo, hi = int(b) * CHUNK_BP, min(int(b + 1) * CHUNK_BP, bw.lengths[chrom])
                sel = bucket == b
                try:
                    values = np.asarray(bw.handle.values(bw.names[chrom], lo, hi, numpy=True))
                except RuntimeError as err:
                    raise InputError(f"cannot read {chrom}:{lo}-{hi} ({err})", path) from err
                col[rows[sel]] = values[pos[sel] - lo]
    col = np.nan_to_num(col, nan=0.0)
    return np.log1p(np.maximum(col, 0.0))


@dataclass
class Inputs:
    peaks: Sequence[Path] = ()
    states: Sequence[Path] = ()
    cage: Path | None = None
    signal: Sequence[Path] = ()
    state_labels: Sequence[str] | None = None


def _stem(path: Path) -> str:
    name = path.name
    for suffix in (".gz", ".bw", ".bigwig", ".bigWig", ".narrowPeak", ".bed", ".tsv"):
        name = name.removesuffix(suffix)
    return name


def _count_binary(points: Points, inputs: Inputs, sizes: Mapping[str, int]) -> int:
    n = len(inputs.peaks)
    if inputs.states:
        n += sum(
            len(inputs.state_labels)
            if inputs.state_labels
            else read_states(p, sizes)["state"].nunique()
            for p in inputs.states
        )
    if inputs.cage is not None:
        n += len(pd.read_csv(inputs.cage, sep="\t", nrows=0).columns) - 3
    return n


def build_features(
    points: Points,
    inputs: Inputs,
    sizes: Mapping[str, int],
    outdir: str | Path,
    species: str,
    fail_on_constant: bool = False,
) -> list[str]:
    """Write the store for ``points``; return the names of constant features."""
    outdir = Path(outdir)
    n_binary = _count_binary(points, inputs, sizes)
    if n_binary + len(inputs.signal) == 0:
        raise InputError(f"species {species}: no feature inputs (peaks, states, CAGE or signal)")
    writer = StoreWriter(outdir, points.n, n_binary, len(inputs.signal))
    constant: list[str] = []

    def record(name: str, kind: str, source: Path, values: np.ndarray) -> None:
        writer.add_feature(name, kind, str(source), values)
        if writer.rows[-1]["constant"]:
            constant.append(name)
            if fail_on_constant:
                raise InputError(
                    f"feature {name!r} is constant over all {points.n} regions (zero variance)",
                    source,
                )

    try:
        packer = BitPacker(writer.binary)
        for path in inputs.peaks:
            col = peak_column(points, Path(path), sizes)
            record(f"peak:{_stem(Path(path))}", "peak", Path(path), col)
            packer.add(col[:, None])
        for path in inputs.states:
            labels, cols = state_columns(points, Path(path), sizes, inputs.state_labels)
            for j, label in enumerate(labels):
                record(f"state:{_stem(Path(path))}:{label}", "state", Path(path), cols[:, j])
            packer.add(cols)
        if inputs.cage is not None:
            names, cols = cage_columns(points, Path(inputs.cage), sizes)
            for j, name in enumerate(names):
                record(f"cage:{name}", "cage", Path(inputs.cage), cols[:, j])
            packer.add(cols)
        packer.close()
        for j, path in enumerate(inputs.signal):
            col = signal_column(points, Path(path), sizes)
            record(f"signal:{_stem(Path(path))}", "signal", Path(path), col)
            writer.signal[:, j] = col.astype(np.float16)
    except BaseException:
        writer.abort()
        raise
    writer.commit(species)
    if constant:
        log.warning(
            "species %s: %d constant feature(s) (zero variance, no information): %s",
            species,
            len(constant),
            ", ".join(constant[:10]),
        )
    log.info(
        "species %s: %d regions × %d binary + %d signal features in %s",
        species,
        points.n,
        n_binary,
        len(inputs.signal),
        outdir,
    )
    return constant
