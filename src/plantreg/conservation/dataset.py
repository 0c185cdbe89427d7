"""Batches of example pairs for :func:`plantreg.training.loop.fit`, built a whole batch at a time.

The sampler yields arrays of example positions (one array per batch, order a pure function of
``(seed, epoch)``); the dataset turns one array into dense float32 tensors by unpacking only those
rows of the memory-mapped stores. No per-example Python work.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset, Sampler

from plantreg.training.seed import derive_seed

from .store import FeatureStore, SignalScale


class EpochBatchSampler(Sampler[np.ndarray]):
    """Batches of positions of ``range(n)``; shuffled per ``(seed, epoch)`` when asked."""

    def __init__(self, n: int, batch_size: int, seed: int, shuffle: bool) -> None:
        self.n, self.batch_size, self.seed, self.shuffle = n, batch_size, seed, shuffle
        self.epoch = 1

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch

    def __len__(self) -> int:
        return (self.n + self.batch_size - 1) // self.batch_size

    def __iter__(self) -> Iterator[np.ndarray]:
        if self.shuffle:
            order = np.random.default_rng(derive_seed(self.seed, self.epoch)).permutation(self.n)
        else:
            order = np.arange(self.n)
        for lo in range(0, self.n, self.batch_size):
            yield order[lo : lo + self.batch_size]


class PairBatches(Dataset):
    """``dataset[positions]`` → ``((xa, xb), (label, weight))`` for those examples."""

    def __init__(
        self,
        store_a: FeatureStore,
        store_b: FeatureStore,
        examples: np.ndarray,
        scales: tuple[SignalScale, SignalScale],
        neg_ratio: float = 50.0,
    ) -> None:
        self.a, self.b, self.examples = store_a, store_b, examples
        self.scale_a, self.scale_b = scales
        self.neg_ratio = neg_ratio

    def __len__(self) -> int:
        return len(self.examples)

    def __getitem__(self, positions: np.ndarray):
        rows = self.examples[positions]
        xa = torch.from_numpy(self.a.dense(rows[:, 0], self.scale_a))
        xb = torch.from_numpy(self.b.dense(rows[:, 1], self.scale_b))
        label = torch.from_numpy(rows[:, 2].astype(np.float32))
        # LECIF weighs a negative neg_ratio times a positive (positives get 1/ratio)
        weight = torch.where(label > 0.5, 1.0 / self.neg_ratio, 1.0)
        return (xa, xb), (label, weight)


def make_pair_loader(dataset: PairBatches, batch_size: int, seed: int, shuffle: bool) -> DataLoader:
    sampler = EpochBatchSampler(len(dataset), batch_size, seed, shuffle)
    # batch_size=None: the sampler already yields whole batches
    return DataLoader(dataset, batch_size=None, sampler=sampler, num_workers=0)
