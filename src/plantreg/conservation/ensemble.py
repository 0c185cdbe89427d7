"""The ensemble: M networks with the best settings, each with its own seed and random training
subset (trained by :func:`plantreg.conservation.train.train_network`); a pair's score is the mean
of the networks' probabilities."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from plantreg.errors import InputError
from plantreg.io import atomic_open

log = logging.getLogger(__name__)

SCORE_COLUMNS = [
    "index",
    "chrom_a",
    "start_a",
    "end_a",
    "window_end_a",
    "chrom_b",
    "start_b",
    "end_b",
    "strand",
    "score",
    "n_networks",
]


def member_seed(seed: int, member: int) -> int:
    """Ensemble member ``member`` (0-based) trains with seed ``seed + 1000 + member``."""
    return seed + 1000 + member


def load_scores(paths: Sequence[str | Path], n: int) -> np.ndarray:
    """(n_networks, n) probabilities; every file must score the same ``n`` examples."""
    arrays = []
    for path in paths:
        try:
            arr = np.load(path)
        except (OSError, ValueError) as err:
            raise InputError(f"cannot read the scores ({err})", path) from err
        if arr.shape != (n,):
            raise InputError(f"holds {arr.shape} scores, expected ({n},)", path)
        arrays.append(arr.astype(np.float32))
    if not arrays:
        raise InputError("no score files given")
    return np.stack(arrays)


def write_pair_scores(
    pairs: pd.DataFrame, examples: np.ndarray, scores: np.ndarray, out: str | Path
) -> pd.DataFrame:
    """Pairs (by ``examples[:, 0]`` = pair index) with their mean score."""
    table = pairs.set_index("index").loc[examples[:, 0]].reset_index()
    table["score"] = scores.mean(axis=0).round(6)
    table["n_networks"] = scores.shape[0]
    table = table[SCORE_COLUMNS]
    with atomic_open(out) as handle:
        table.to_csv(handle, sep="\t", index=False)
    log.info("%d pairs scored by %d networks → %s", len(table), scores.shape[0], out)
    return table
