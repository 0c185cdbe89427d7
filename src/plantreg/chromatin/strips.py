"""Validation windows scored as strips: consecutive grid windows in one forward pass.

Why: at a grid stride of 64 bp a validation window shares 15/16 of its bases with the next one,
and scoring a sample of 4,096 windows on both strands cost about as much as the epoch's training
itself. Windows of the sample that follow each other on the grid (a window whose first
``L − step`` bases are the previous window's last) go to the network as one strip
(:meth:`SeiNetwork.forward_strip`, exact to float rounding, as in genome-wide inference); the
others go in ordinary batches. Which windows are scored, and their scores, do not change.

Adjacency is read from the sequences themselves, so it needs no coordinates in the dataset: two
windows whose overlap is identical give the same logits in a strip as one by one, whether or not
they were neighbours on the genome.
"""

from __future__ import annotations

import logging

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset

from plantreg.chromatin.dataset import ChromatinDataset, one_hot

log = logging.getLogger(__name__)

MAX_STRIP = 64  # windows per strip: bounds the strip's memory (1,024 + 63 × 64 bp at stride 64)
MIN_STRIP = 2  # a run this long is worth a strip (two windows at stride 64: 1,088 bp, not 2,048)


def follows_previous(codes: np.ndarray, rows: np.ndarray, step: int,
                     chunk: int = 8192) -> np.ndarray:
    """``out[i]``: window ``rows[i + 1]`` starts ``step`` bp after window ``rows[i]`` (their
    overlapping bases are equal). Read in chunks: ``codes`` may be a memory map."""
    out = np.zeros(max(len(rows) - 1, 0), dtype=bool)
    for start in range(0, len(out), chunk):
        stop = min(start + chunk, len(out))
        a = np.asarray(codes[rows[start:stop]])
        b = np.asarray(codes[rows[start + 1 : stop + 1]])
        out[start:stop] = (a[:, step:] == b[:, :-step]).all(axis=1)
    return out


def runs(rows: np.ndarray, follows: np.ndarray, max_len: int = MAX_STRIP) -> list[np.ndarray]:
    """``rows`` cut into runs of consecutive windows, each at most ``max_len`` long."""
    breaks = np.flatnonzero(~follows) + 1
    pieces = np.split(np.asarray(rows), breaks)
    return [piece[i : i + max_len] for piece in pieces for i in range(0, len(piece), max_len)]


class StripBatches(Dataset):
    """Items are whole batches: ``((strip, step), labels (n, marks))`` for a run of consecutive
    windows, ``(one-hot (B, 4, L), labels (B, marks))`` for the windows left over."""

    def __init__(self, data: ChromatinDataset, rows: np.ndarray, step: int,
                 batch_size: int) -> None:
        self.data = data
        self.step = step
        codes, _ = data.arrays()
        rows = np.sort(rows)
        pieces = runs(rows, follows_previous(codes, rows, step))
        self.strips = [p for p in pieces if len(p) >= MIN_STRIP]
        single = np.sort(np.concatenate([p for p in pieces if len(p) < MIN_STRIP] or [[]]))
        self.batches = [single[i : i + batch_size].astype(np.int64)
                        for i in range(0, len(single), batch_size)]
        log.info("validation: %d windows as %d strip(s), %d in batches", len(rows) - len(single),
                 len(self.strips), len(single))

    def __len__(self) -> int:
        return len(self.strips) + len(self.batches)

    def __getitem__(self, index: int):
        codes, labels = self.data.arrays()
        if index < len(self.strips):
            rows = self.strips[index]
            tails = np.asarray(codes[rows[1:]])[:, -self.step :].ravel()
            strip = self.data.checked(np.concatenate([codes[rows[0]], tails]))
            x = torch.from_numpy(one_hot(strip))
            inputs = (x[None], self.step)
        else:
            rows = self.batches[index - len(self.strips)]
            inputs = torch.from_numpy(one_hot(self.data.checked(np.asarray(codes[rows]))))
        return inputs, torch.from_numpy(np.asarray(labels[rows], np.float32))


def strip_loader(data: ChromatinDataset, rows: np.ndarray, step: int,
                 batch_size: int) -> DataLoader:
    """A validation loader of :class:`StripBatches` (already batched: ``batch_size=None``)."""
    return DataLoader(StripBatches(data, rows, step, batch_size), batch_size=None, shuffle=False)
