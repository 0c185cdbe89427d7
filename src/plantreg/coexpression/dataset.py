"""Pair batches: each batch carries its distinct promoters once, plus local pair indices.

A batch of pairs usually shares genes (hub genes, small gene sets); encoding every distinct gene
once per batch instead of twice per pair is what makes CPU training practical.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import torch
from torch.utils.data import DataLoader, Dataset

from plantreg.errors import InputError
from plantreg.training.sampler import EpochShuffleSampler

log = logging.getLogger(__name__)


def gene_index(gene_ids, pairs: pd.DataFrame, path) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Pairs whose genes are in ``gene_ids`` (others dropped and counted), with their rows."""
    where = pd.Series(np.arange(len(gene_ids)), index=pd.Index(gene_ids))
    known = pairs["gene_a"].isin(where.index) & pairs["gene_b"].isin(where.index)
    if not known.all():
        log.warning(
            "%d pair(s) name genes without usable signal (dropped before); left out",
            int((~known).sum()),
        )
    pairs = pairs[known].reset_index(drop=True)
    if pairs.empty:
        raise InputError("no pair left whose two genes have signal", path)
    return (
        pairs,
        where.loc[pairs["gene_a"]].to_numpy(),
        where.loc[pairs["gene_b"]].to_numpy(),
    )


class PairDataset(Dataset):
    """Item ``i``: ``(gene row a, gene row b, label)``; :meth:`collate` builds the batch."""

    def __init__(self, inputs: torch.Tensor, ia: np.ndarray, ib: np.ndarray, labels) -> None:
        self.inputs = inputs
        self.ia = np.asarray(ia, dtype=np.int64)
        self.ib = np.asarray(ib, dtype=np.int64)
        self.labels = np.asarray(labels, dtype=np.float32)

    def __len__(self) -> int:
        return len(self.labels)

    def __getitem__(self, i: int) -> tuple[int, int, float]:
        return int(self.ia[i]), int(self.ib[i]), float(self.labels[i])

    def collate(self, items: list[tuple[int, int, float]]):
        """``((x_unique, local_a, local_b), labels)`` for the shared loop."""
        a, b, y = (np.array(v) for v in zip(*items, strict=True))
        rows, local = np.unique(np.concatenate([a, b]), return_inverse=True)
        x = self.inputs[torch.as_tensor(rows)]
        la = torch.as_tensor(local[: len(a)], dtype=torch.long)
        lb = torch.as_tensor(local[len(a) :], dtype=torch.long)
        return (x, la, lb), torch.as_tensor(y, dtype=torch.float32)


def pair_loader(ds: PairDataset, batch_size: int, shuffle: bool, seed: int) -> DataLoader:
    """Order is a function of (seed, epoch) through the shared sampler (resumable)."""
    return DataLoader(
        ds,
        batch_size=batch_size,
        sampler=EpochShuffleSampler(len(ds), seed, shuffle),
        collate_fn=ds.collate,
        generator=torch.Generator().manual_seed(seed),
    )


def as_tensor(inputs: np.ndarray, input_mode: str) -> torch.Tensor:
    if input_mode == "tokens":
        return torch.from_numpy(np.array(inputs, dtype=np.int64))
    return torch.from_numpy(np.array(inputs, dtype=np.float32))
