"""The per-species feature store: memory-mappable, compact, written in chunks.

Folder layout::

    binary.npy    uint8 (n_regions, ceil(n_binary / 8)), bits packed little-endian per row
    signal.npy    float16 (n_regions, n_signal), log1p of the raw signal (≥ 0)
    features.tsv  index name kind source n_nonzero min max constant   (binary first, then signal)
    meta.json     n_regions, n_binary, n_signal, species

A million regions × 2,000 binary features take 250 MB on disk and are never held in RAM: readers
memory-map both arrays and unpack only the rows of a batch.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from plantreg.errors import InputError
from plantreg.io import atomic_open, atomic_path

log = logging.getLogger(__name__)

FEATURE_COLUMNS = ["index", "name", "kind", "source", "n_nonzero", "min", "max", "constant"]


def n_bytes(n_binary: int) -> int:
    return (n_binary + 7) // 8


@dataclass
class StoreWriter:
    """Open memory-maps under temporary names; :meth:`commit` renames them into place."""

    outdir: Path
    n_regions: int
    n_binary: int
    n_signal: int

    def __post_init__(self) -> None:
        self.outdir.mkdir(parents=True, exist_ok=True)
        self._bin_ctx = atomic_path(self.outdir / "binary.npy")
        self._sig_ctx = atomic_path(self.outdir / "signal.npy")
        bin_tmp, sig_tmp = self._bin_ctx.__enter__(), self._sig_ctx.__enter__()
        self.binary = np.lib.format.open_memmap(
            bin_tmp, mode="w+", dtype=np.uint8, shape=(self.n_regions, n_bytes(self.n_binary))
        )
        self.signal = np.lib.format.open_memmap(
            sig_tmp, mode="w+", dtype=np.float16, shape=(self.n_regions, self.n_signal)
        )
        self.rows: list[dict] = []

    def add_feature(self, name: str, kind: str, source: str, values: np.ndarray) -> None:
        nonzero = int(np.count_nonzero(values))
        vmin = float(values.min()) if values.size else 0.0
        vmax = float(values.max()) if values.size else 0.0
        self.rows.append(
            {
                "index": len(self.rows),
                "name": name,
                "kind": kind,
                "source": source,
                "n_nonzero": nonzero,
                "min": vmin,
                "max": vmax,
                "constant": int(vmin == vmax),
            }
        )

    def commit(self, species: str, extra: dict | None = None) -> None:
        for array in (self.binary, self.signal):
            array.flush()
        del self.binary, self.signal
        self._bin_ctx.__exit__(None, None, None)
        self._sig_ctx.__exit__(None, None, None)
        table = pd.DataFrame(self.rows, columns=FEATURE_COLUMNS)
        with atomic_open(self.outdir / "features.tsv") as handle:
            table.to_csv(handle, sep="\t", index=False)
        meta = {
            "n_regions": self.n_regions,
            "n_binary": self.n_binary,
            "n_signal": self.n_signal,
            "species": species,
            **(extra or {}),
        }
        with atomic_open(self.outdir / "meta.json") as handle:
            json.dump(meta, handle, indent=2)

    def abort(self) -> None:
        for ctx in (self._bin_ctx, self._sig_ctx):
            try:
                ctx.__exit__(RuntimeError, RuntimeError("aborted"), None)
            except RuntimeError:
                pass


class BitPacker:
    """Collects boolean columns and writes them to the packed matrix 8 at a time."""

    def __init__(self, target: np.ndarray, chunk_rows: int = 262_144) -> None:
        self.target = target
        self.pending: list[np.ndarray] = []
        self.byte = 0
        self.chunk = chunk_rows

    def add(self, columns: np.ndarray) -> None:
        self.pending.extend(columns[:, j] for j in range(columns.shape[1]))
        while len(self.pending) >= 8:
            self._write(self.pending[:8])
            self.pending = self.pending[8:]

    def _write(self, cols: list[np.ndarray]) -> None:
        n = cols[0].shape[0]
        for lo in range(0, n, self.chunk):
            block = np.stack([c[lo : lo + self.chunk] for c in cols], axis=1).astype(bool)
            if block.shape[1] < 8:
                block = np.pad(block, ((0, 0), (0, 8 - block.shape[1])))
            self.target[lo : lo + self.chunk, self.byte] = np.packbits(
                block, axis=1, bitorder="little"
            )[:, 0]
        self.byte += 1

    def close(self) -> None:
        if self.pending:
            self._write(self.pending)
            self.pending = []


class FeatureStore:
    """Read side: memory-mapped arrays and the feature table."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        meta_path = self.folder / "meta.json"
        try:
            self.meta = json.loads(meta_path.read_text())
            self.binary = np.load(self.folder / "binary.npy", mmap_mode="r")
            self.signal = np.load(self.folder / "signal.npy", mmap_mode="r")
            self.features = pd.read_csv(self.folder / "features.tsv", sep="\t")
        except (OSError, ValueError) as err:
            raise InputError(f"not a feature store ({err})", self.folder) from err
        self.n_binary = int(self.meta["n_binary"])
        self.n_signal = int(self.meta["n_signal"])
        self.n_regions = int(self.meta["n_regions"])
        if (
            self.binary.shape != (self.n_regions, n_bytes(self.n_binary))
            or self.signal.shape != (self.n_regions, self.n_signal)
            or len(self.features) != self.n_binary + self.n_signal
        ):
            raise InputError("feature store arrays do not match meta.json", self.folder)

    @property
    def n_features(self) -> int:
        return self.n_binary + self.n_signal

    @property
    def names(self) -> list[str]:
        return [str(n) for n in self.features["name"]]

    def check_rows(self, rows: np.ndarray, what: str) -> None:
        if rows.size and (rows.min() < 0 or rows.max() >= self.n_regions):
            raise InputError(
                f"{what} refers to row {int(rows.max())} but the store has {self.n_regions} rows",
                self.folder,
            )

    def dense(self, rows: np.ndarray, scale: SignalScale) -> np.ndarray:
        """float32 (len(rows), n_features): unpacked bits then scaled signal."""
        order = np.argsort(rows, kind="stable")
        sorted_rows = rows[order]  # sorted reads are kinder to the page cache
        bits = np.unpackbits(
            self.binary[sorted_rows], axis=1, count=self.n_binary, bitorder="little"
        )
        out = np.empty((rows.size, self.n_features), dtype=np.float32)
        out[order, : self.n_binary] = bits
        if self.n_signal:
            out[order, self.n_binary :] = scale.apply(self.signal[sorted_rows])
        return out


@dataclass
class SignalScale:
    """Min/max of each signal column on the training rows; constant columns scale to 0."""

    low: np.ndarray
    high: np.ndarray

    def apply(self, values: np.ndarray) -> np.ndarray:
        span = self.high - self.low
        safe = np.where(span > 0, span, 1.0)
        scaled = (values.astype(np.float32) - self.low) / safe
        scaled[:, span <= 0] = 0.0
        return np.clip(scaled, 0.0, 1.0)

    def to_dict(self) -> dict:
        return {"low": self.low.tolist(), "high": self.high.tolist()}

    @classmethod
    def from_dict(cls, data: dict) -> SignalScale:
        return cls(np.asarray(data["low"], np.float32), np.asarray(data["high"], np.float32))


def fit_scale(store: FeatureStore, rows: np.ndarray, chunk: int = 262_144) -> SignalScale:
    """Per-column min/max of the signal over ``rows`` (the training regions), in chunks."""
    low = np.full(store.n_signal, np.inf, np.float32)
    high = np.full(store.n_signal, -np.inf, np.float32)
    rows = np.unique(rows)
    for lo in range(0, rows.size, chunk):
        block = store.signal[rows[lo : lo + chunk]].astype(np.float32)
        if block.size:
            low = np.minimum(low, block.min(axis=0))
            high = np.maximum(high, block.max(axis=0))
    low[~np.isfinite(low)] = 0.0
    high[~np.isfinite(high)] = 0.0
    return SignalScale(low, high)


def constant_on(
    store: FeatureStore, rows: np.ndarray, scale: SignalScale, chunk: int = 262_144
) -> list[str]:
    """Names of the features that take a single value over ``rows`` (no information there)."""
    rows = np.unique(rows)
    any_on = np.zeros(store.n_binary, bool)
    all_on = np.ones(store.n_binary, bool)
    for lo in range(0, rows.size, chunk):
        bits = np.unpackbits(
            store.binary[rows[lo : lo + chunk]], axis=1, count=store.n_binary, bitorder="little"
        ).astype(bool)
        any_on |= bits.any(axis=0)
        all_on &= bits.all(axis=0)
    names = store.names
    const = [names[i] for i in np.flatnonzero(any_on == all_on)]
    span = scale.high - scale.low
    const += [names[store.n_binary + i] for i in np.flatnonzero(span <= 0)]
    return const
