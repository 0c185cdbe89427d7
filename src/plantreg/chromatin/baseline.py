"""Baseline: per-mark logistic regression on k-mer frequencies (both strands).

A model that cannot see motif positions or combinations; the network must beat it to be worth its
cost. Counting is vectorised: each k-mer becomes a base-4 index and rows are counted with one
``bincount``, chunk by chunk.
"""

from __future__ import annotations

import logging

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

from plantreg.training.metrics import binarize

log = logging.getLogger(__name__)


def kmer_counts(codes: np.ndarray, k: int, chunk: int = 4096) -> np.ndarray:
    """``(n, L)`` uint8 codes → ``(n, 4**k)`` float32 counts; k-mers containing N are skipped."""
    codes = np.asarray(codes)
    n, length = codes.shape
    if length < k:
        raise ValueError(f"sequences of {length} bp are shorter than k = {k}")
    out = np.zeros((n, 4**k), dtype=np.float32)
    weights = 4 ** np.arange(k - 1, -1, -1, dtype=np.int64)
    for start in range(0, n, chunk):
        block = np.asarray(codes[start : start + chunk], dtype=np.int64)
        windows = np.lib.stride_tricks.sliding_window_view(block, k, axis=1)
        index = windows @ weights  # (rows, L-k+1)
        valid = (windows < 4).all(axis=2)
        rows = np.broadcast_to(np.arange(block.shape[0])[:, None], index.shape)
        flat = rows[valid] * 4**k + index[valid]
        counts = np.bincount(flat, minlength=block.shape[0] * 4**k)
        out[start : start + block.shape[0]] = counts.reshape(block.shape[0], 4**k)
    return out


def reverse_complement_codes(codes: np.ndarray) -> np.ndarray:
    """RC of uint8 codes: 3 − code for A/C/G/T, N (4) stays N."""
    codes = np.asarray(codes)[:, ::-1]
    return np.where(codes < 4, 3 - codes, codes).astype(np.uint8)


def kmer_features(codes: np.ndarray, k: int) -> np.ndarray:
    """Frequencies of k-mers on both strands (so a motif counts whichever strand it is on)."""
    counts = kmer_counts(codes, k) + kmer_counts(reverse_complement_codes(codes), k)
    totals = counts.sum(axis=1, keepdims=True)
    return counts / np.maximum(totals, 1.0)


class KmerBaseline:
    """One L2 logistic regression per mark on standardised k-mer frequencies."""

    def __init__(self, k: int = 4, c: float = 1.0, max_iter: int = 2000, seed: int = 0) -> None:
        if k not in (3, 4, 5, 6):
            raise ValueError(f"k must be 3–6, got {k}")
        self.k, self.c, self.max_iter, self.seed = k, c, max_iter, seed
        self.scaler = StandardScaler()
        self.models: list[LogisticRegression | float] = []

    def fit(self, codes: np.ndarray, labels: np.ndarray) -> KmerBaseline:
        x = self.scaler.fit_transform(kmer_features(codes, self.k))
        y = binarize(labels)
        self.models = []
        for j in range(y.shape[1]):
            if y[:, j].min() == y[:, j].max():
                log.warning("baseline: mark %d has one class in training; predicting its rate", j)
                self.models.append(float(y[:, j].mean()))
                continue
            model = LogisticRegression(C=self.c, max_iter=self.max_iter, random_state=self.seed)
            self.models.append(model.fit(x, y[:, j]))
        return self

    def predict_proba(self, codes: np.ndarray) -> np.ndarray:
        """``(n, n_marks)`` probabilities of each mark."""
        if not self.models:
            raise RuntimeError("the baseline is not fitted")
        x = self.scaler.transform(kmer_features(codes, self.k))
        columns = [
            np.full(x.shape[0], m) if isinstance(m, float) else m.predict_proba(x)[:, 1]
            for m in self.models
        ]
        return np.stack(columns, axis=1)
