"""NyxBind's dataset layout: ``<TF>/train.csv, dev.csv, test.csv`` with columns ``sequence,label``.

plantreg writes this layout from peaks and reads it back, so a folder a user prepared for NyxBind
trains here unchanged. Reading validates everything a model would otherwise choke on later: the
header, the alphabet (ACGTN, any case), labels 0/1, one sequence length per file, and both classes
present; each problem is one :class:`InputError` naming the file and the first bad line.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import numpy as np
import pandas as pd

from plantreg.errors import InputError
from plantreg.genome.encode import decode, encode
from plantreg.io import atomic_open

log = logging.getLogger(__name__)

SPLIT_FILES = {"train": "train.csv", "valid": "dev.csv", "test": "test.csv"}
COLUMNS = ["sequence", "label"]
_BAD_LETTER = re.compile(r"[^ACGTNacgtn]")


def write_split_csv(path: str | Path, codes: np.ndarray, labels: np.ndarray) -> None:
    """One split file: upper-case sequences and integer labels, atomically written."""
    frame = pd.DataFrame({"sequence": [decode(row) for row in codes],
                          "label": np.asarray(labels, dtype=np.int64)})
    with atomic_open(path) as out:
        frame.to_csv(out, index=False)


def _first_line(mask: np.ndarray) -> int:
    return int(np.flatnonzero(mask)[0]) + 2  # +1 for the header, +1 for 1-based lines


def read_split_csv(path: str | Path) -> tuple[np.ndarray, np.ndarray]:
    """``(codes (n, L) uint8, labels (n,) int64)`` from one NyxBind CSV, validated."""
    path = Path(path)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as err:
        raise InputError(f"cannot read the CSV ({err})", path) from err
    if list(frame.columns[:2]) != COLUMNS:
        raise InputError(f"expected the header 'sequence,label', found {list(frame.columns)}",
                         path)
    if frame.empty:
        raise InputError("no sequences in the file", path)
    seqs = frame["sequence"].astype(str)
    bad = seqs.str.contains(_BAD_LETTER).to_numpy()
    if bad.any():
        letter = _BAD_LETTER.search(seqs.iloc[int(np.flatnonzero(bad)[0])]).group()
        raise InputError(f"line {_first_line(bad)}: letter {letter!r} in a sequence (only ACGTN "
                         f"allowed; {int(bad.sum())} sequences have other letters)", path)
    labels = pd.to_numeric(frame["label"], errors="coerce").to_numpy(dtype=np.float64)
    bad = ~np.isin(labels, (0.0, 1.0))
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        raise InputError(f"line {first + 2}: label {frame['label'].iloc[first]!r} is not 0 or 1",
                         path)
    lengths = seqs.str.len().to_numpy()
    bad = lengths != lengths[0]
    if bad.any():
        raise InputError(f"line {_first_line(bad)}: sequence of {lengths[bad][0]} bp, but line 2 "
                         f"has {lengths[0]} bp (one length per file)", path)
    if len(np.unique(labels)) < 2:
        raise InputError(f"only label {int(labels[0])} in the file: both classes are needed",
                         path)
    codes = encode("".join(seqs).encode("ascii")).reshape(len(seqs), int(lengths[0]))
    return codes, labels.astype(np.int64)


def read_tf_folder(folder: str | Path) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """All three splits of one TF's folder, keyed ``train``, ``valid``, ``test``."""
    folder = Path(folder)
    missing = [name for name in SPLIT_FILES.values() if not (folder / name).is_file()]
    if missing:
        raise InputError(f"missing {', '.join(missing)} (NyxBind layout: train.csv, dev.csv, "
                         f"test.csv)", folder)
    splits = {role: read_split_csv(folder / name) for role, name in SPLIT_FILES.items()}
    widths = {role: codes.shape[1] for role, (codes, _) in splits.items()}
    if len(set(widths.values())) > 1:
        raise InputError(f"the splits hold sequences of different lengths: {widths}", folder)
    return splits


def list_tf_folders(root: str | Path) -> list[Path]:
    """The TF folders under a NyxBind dataset root (each holding a ``train.csv``)."""
    root = Path(root)
    if not root.is_dir():
        raise InputError("not a folder (expected <TF>/train.csv, dev.csv, test.csv)", root)
    folders = sorted(p.parent for p in root.glob("*/train.csv"))
    if not folders:
        raise InputError("no <TF>/train.csv under the folder (NyxBind layout)", root)
    return folders
