"""Torch dataset over the PREPARE_DATA arrays: ``{split}.seq.npy``, ``{split}.labels.npy``, tags.

Sequences are uint8 codes (A0 C1 G2 T3 N4), memory-mapped and one-hot encoded per item (N → all
zeros), so memory does not grow with the number of windows.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import torch
from torch.utils.data import Dataset

from plantreg.errors import InputError
from plantreg.genome.encode import reverse_complement

log = logging.getLogger(__name__)

N_CODE = 4
# row c of the table is the one-hot column of code c; code 4 (N) is all zeros
_ONEHOT = np.concatenate([np.eye(4, dtype=np.float32), np.zeros((1, 4), np.float32)])


def read_tags(path: str | Path) -> list[str]:
    """The output channel order: one mark per line, no blanks, no duplicates."""
    path = Path(path)
    try:
        lines = path.read_text().splitlines()
    except FileNotFoundError as err:
        raise InputError("tag file not found", path) from err
    tags = [line.strip() for line in lines if line.strip()]
    if not tags:
        raise InputError("tag file is empty", path)
    duplicates = sorted({t for t in tags if tags.count(t) > 1})
    if duplicates:
        raise InputError(f"duplicate tags: {', '.join(duplicates)}", path)
    return tags


def one_hot(codes: np.ndarray) -> np.ndarray:
    """uint8 codes ``(..., L)`` → float32 one-hot ``(..., 4, L)``."""
    return np.swapaxes(_ONEHOT[codes], -1, -2)


def _open_npy(path: Path) -> np.ndarray:
    if not path.exists():
        raise InputError("array file not found", path)
    try:
        return np.load(path, mmap_mode="r")
    except (ValueError, OSError) as err:
        raise InputError(f"not a readable .npy array ({err})", path) from err


class ChromatinDataset(Dataset):
    """Items ``(one-hot float32 (4, L), labels float32 (n_marks,))`` of one split.

    ``rc_augment`` doubles the split: items ``n … 2n−1`` are the reverse complements of items
    ``0 … n−1`` with the same labels (marks are strand-blind). Listing both strands, rather than
    flipping a coin per item, keeps an epoch a pure function of the shuffle seed, so resumed
    training still ends where an uninterrupted one does.
    """

    def __init__(
        self, dataset_dir: str | Path, split: str, tags: list[str] | None = None,
        rc_augment: bool = False,
    ) -> None:
        self.dir = Path(dataset_dir)
        self.split = split
        self.rc_augment = rc_augment
        self.seq_path = self.dir / f"{split}.seq.npy"
        self.labels_path = self.dir / f"{split}.labels.npy"
        self.tags_path = self.dir / "tags.txt"
        self.tags = read_tags(self.tags_path)
        if tags is not None and list(tags) != self.tags:
            raise InputError(
                f"tag order [{', '.join(self.tags)}] differs from expected [{', '.join(tags)}]",
                self.tags_path,
            )
        seq, labels = _open_npy(self.seq_path), _open_npy(self.labels_path)
        self._check(seq, labels)
        self.n, self.length = seq.shape
        # reopened lazily in each DataLoader worker: a memmap is not shared across processes
        self._seq: np.ndarray | None = None
        self._labels: np.ndarray | None = None

    def _check(self, seq: np.ndarray, labels: np.ndarray) -> None:
        if seq.dtype != np.uint8 or seq.ndim != 2:
            raise InputError(
                f"expected a 2-D uint8 array of base codes, got {seq.dtype} {seq.shape}",
                self.seq_path,
            )
        if labels.ndim != 2 or labels.shape[1] != len(self.tags):
            raise InputError(
                f"expected (n_windows, {len(self.tags)}) labels for {len(self.tags)} tags, "
                f"got {labels.shape}",
                self.labels_path,
            )
        if labels.shape[0] != seq.shape[0]:
            raise InputError(
                f"{labels.shape[0]} label rows but {seq.shape[0]} sequences in {self.seq_path}",
                self.labels_path,
            )

    def __len__(self) -> int:
        return 2 * self.n if self.rc_augment else self.n

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """The memory-mapped (codes, labels) arrays."""
        if self._seq is None or self._labels is None:
            self._seq = np.load(self.seq_path, mmap_mode="r")
            self._labels = np.load(self.labels_path, mmap_mode="r")
        return self._seq, self._labels

    def checked(self, codes: np.ndarray, where: str = "") -> np.ndarray:
        """``codes`` read from this split, refused when they hold a code above N."""
        if codes.max(initial=0) > N_CODE:
            raise InputError(f"{where}base codes above {N_CODE}", self.seq_path)
        return codes

    def __getitem__(self, index: int) -> tuple[torch.Tensor, torch.Tensor]:
        seq, labels = self.arrays()
        reverse, index = divmod(index, self.n)
        codes = self.checked(np.asarray(seq[index]), f"row {index} holds ")
        x = torch.from_numpy(one_hot(reverse_complement(codes) if reverse else codes))
        y = torch.from_numpy(np.asarray(labels[index], dtype=np.float32))
        return x, y


def positive_class_weights(
    labels: np.ndarray, max_weight: float = 100.0, chunk: int = 1 << 20
) -> np.ndarray:
    """Per-mark ``pos_weight = n_neg / n_pos`` for BCEWithLogitsLoss, clipped to [1/max, max].

    Counted in chunks so a memory-mapped label array is never loaded whole. A mark without
    positives gets ``max_weight`` (it cannot be balanced) and is logged.
    """
    n_rows = labels.shape[0]
    n_pos = np.zeros(labels.shape[1], dtype=np.int64)
    for start in range(0, n_rows, chunk):
        n_pos += (np.asarray(labels[start : start + chunk]) >= 0.5).sum(axis=0)
    n_neg = n_rows - n_pos
    with np.errstate(divide="ignore"):
        ratio = np.where(n_pos > 0, n_neg / np.maximum(n_pos, 1), max_weight)
    if (n_pos == 0).any():
        log.warning("%d mark(s) have no positive window", int((n_pos == 0).sum()))
    return np.clip(ratio, 1.0 / max_weight, max_weight).astype(np.float32)
