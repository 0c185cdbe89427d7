"""Data order as a pure function of (seed, epoch), so that a resumed run sees the same batches."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset, Sampler

from plantreg.training.seed import derive_seed


class EpochShuffleSampler(Sampler[int]):
    """A permutation of ``range(n)`` drawn from ``(seed, epoch)``; ``fit`` calls ``set_epoch``.

    With ``epoch_size`` (< n) an epoch is the first ``epoch_size`` items of that permutation: a
    fresh sample without replacement each epoch, so an epoch's cost is set by the caller rather
    than by how densely the items overlap.
    """

    def __init__(self, n: int, seed: int, shuffle: bool = True,
                 epoch_size: int | None = None) -> None:
        if epoch_size is not None and epoch_size < 1:
            raise ValueError(f"epoch_size must be at least 1, got {epoch_size}")
        if epoch_size is not None and not shuffle:
            raise ValueError("epoch_size needs shuffle (a sample of the items per epoch)")
        self.n = n
        self.seed = seed
        self.shuffle = shuffle
        self.size = n if epoch_size is None else min(epoch_size, n)
        self.epoch = 1

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch

    def __len__(self) -> int:
        return self.size

    def __iter__(self) -> Iterator[int]:
        if not self.shuffle:
            return iter(range(self.n))
        rng = np.random.default_rng(derive_seed(self.seed, self.epoch))
        return iter(rng.permutation(self.n)[: self.size].tolist())


def make_loader(
    dataset: Dataset,
    batch_size: int,
    shuffle: bool,
    seed: int = 0,
    num_workers: int = 0,
    drop_last: bool = False,
    pin_memory: bool = False,
    epoch_size: int | None = None,
) -> DataLoader:
    """A DataLoader whose order (and worker seeds) depend only on ``(seed, epoch)``; with
    ``epoch_size``, each epoch is a fresh sample of that many items."""
    sampler = EpochShuffleSampler(len(dataset), seed, shuffle, epoch_size)  # type: ignore[arg-type]
    generator = torch.Generator().manual_seed(seed)
    return DataLoader(
        dataset,
        batch_size=batch_size,
        sampler=sampler,
        num_workers=num_workers,
        drop_last=drop_last,
        pin_memory=pin_memory,
        generator=generator,
        persistent_workers=False,
    )
