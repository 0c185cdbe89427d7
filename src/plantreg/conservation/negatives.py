"""Training, validation and test examples of each half: aligned pairs and shuffled negatives.

An example is a row ``(a_row, b_row, label)`` of an int64 array: rows of the A and B feature
stores (for native data both are the pair ``index``). Positives are the aligned pairs; negatives
are the same A regions paired with the B regions of the same set shuffled (LECIF), with a
permutation that has no fixed point so no negative is an aligned pair by construction. Each set
gets its own independent shuffle (validation and test are not the training shuffle).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from plantreg.errors import InputError
from plantreg.io import atomic_open, save_npy

from .partition import HALVES, Partition, other, select

log = logging.getLogger(__name__)

EXAMPLE_SETS = ("training", "validation", "test", "prediction")


def derangement(n: int, rng: np.random.Generator) -> np.ndarray:
    """A random permutation with no fixed point (a random cycle order, shifted by one)."""
    if n < 2:
        raise ValueError("a shuffle needs at least 2 regions")
    order = rng.permutation(n)
    perm = np.empty(n, dtype=np.int64)
    perm[order] = np.roll(order, -1)
    return perm


def with_negatives(pos: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Positives ``(i, i, 1)`` then negatives ``(i, pos[π(i)], 0)``, in a shuffled order."""
    pos = rng.permutation(pos)
    neg_b = pos[derangement(pos.size, rng)]
    rows = np.concatenate(
        [np.stack([pos, pos, np.ones_like(pos)], 1), np.stack([pos, neg_b, np.zeros_like(pos)], 1)]
    )
    return rows.astype(np.int64)


@dataclass
class ExampleCounts:
    half: str
    set: str
    positives: int
    examples: int


def _sample(idx: np.ndarray, size: int, rng: np.random.Generator) -> np.ndarray:
    return idx if size <= 0 or size >= idx.size else np.sort(rng.choice(idx, size, replace=False))


def half_examples(
    pairs: pd.DataFrame,
    part: Partition,
    half: str,
    rng: np.random.Generator,
    valid_size: int = 0,
    test_size: int = 0,
) -> dict[str, np.ndarray]:
    """The four example sets of ``half``; test and prediction pairs come from the other half."""
    h, o = part.half(half), part.half(other(half))
    held_a, held_b = set(part.held_out_a), set(part.held_out_b)
    train = select(pairs, h.training_a, h.training_b)
    valid = _sample(select(pairs, h.validation_a, h.validation_b), valid_size, rng)
    test_a = [c for c in o.test_a if c not in held_a]
    test_b = [c for c in o.test_b if c not in held_b]
    test = _sample(select(pairs, test_a, test_b), test_size, rng)
    pred = select(pairs, o.prediction_a, None)
    sets: dict[str, np.ndarray] = {}
    for name, idx in (("training", train), ("validation", valid), ("test", test)):
        if idx.size < 2:
            raise InputError(
                f"the {half} {name} set has {idx.size} aligned pair(s): too few to train or "
                "evaluate (check the split against the alignment)"
            )
        sets[name] = with_negatives(idx, rng)
    sets["prediction"] = np.stack([pred, pred, np.ones_like(pred)], 1).astype(np.int64)
    return sets


def write_examples(
    pairs: pd.DataFrame,
    part: Partition,
    outdir: str | Path,
    seed: int,
    valid_size: int = 0,
    test_size: int = 0,
) -> list[ExampleCounts]:
    """``outdir/{half}.{set}.examples.npy`` for both halves + ``examples.report.tsv``."""
    outdir = Path(outdir)
    counts: list[ExampleCounts] = []
    for k, half in enumerate(HALVES):
        rng = np.random.default_rng([seed, k])
        for name, rows in half_examples(pairs, part, half, rng, valid_size, test_size).items():
            save_npy(outdir / f"{half}.{name}.examples.npy", rows)
            counts.append(ExampleCounts(half, name, int(rows[:, 2].sum()), len(rows)))
    used = set()
    for half in HALVES:
        for name in ("training", "validation"):
            used |= set(np.load(outdir / f"{half}.{name}.examples.npy")[:, 0].tolist())
    with atomic_open(outdir / "examples.report.tsv") as handle:
        handle.write("half\tset\tpositives\texamples\n")
        for c in counts:
            handle.write(f"{c.half}\t{c.set}\t{c.positives}\t{c.examples}\n")
        handle.write(f"all\tunused_for_training\t{len(pairs) - len(used)}\t0\n")
    log.info("examples: %s", ", ".join(f"{c.half}.{c.set}={c.positives}" for c in counts))
    return counts


def read_examples(path: str | Path) -> np.ndarray:
    path = Path(path)
    try:
        rows = np.load(path, mmap_mode="r")
    except (OSError, ValueError) as err:
        raise InputError(f"cannot read the examples ({err})", path) from err
    if rows.ndim != 2 or rows.shape[1] != 3 or rows.dtype != np.int64:
        raise InputError(f"examples must be int64 (n, 3), got {rows.dtype} {rows.shape}", path)
    return np.asarray(rows)
