"""The baseline in the same report: ridge regression on k-mer counts of the same sequences
(both strands' k-mers are kept apart: the windows are oriented 5′→3′ of the gene), with the
penalty chosen on the validation genes."""

from __future__ import annotations

import logging

import numpy as np
from scipy.stats import spearmanr
from sklearn.linear_model import Ridge

log = logging.getLogger(__name__)

ALPHAS = (0.1, 1.0, 10.0, 100.0, 1000.0)


def kmer_counts(codes: np.ndarray, k: int) -> np.ndarray:
    """``(n, 4**k)`` k-mer frequencies per sequence (k-mers with an N are skipped)."""
    n, length = codes.shape
    if length < k:
        raise ValueError(f"sequences of {length} bp are shorter than k = {k}")
    valid = codes < 4
    index = np.zeros((n, length - k + 1), dtype=np.int64)
    ok = np.ones((n, length - k + 1), dtype=bool)
    for j in range(k):
        part = codes[:, j:length - k + 1 + j].astype(np.int64)
        index = index * 4 + np.where(valid[:, j:length - k + 1 + j], part, 0)
        ok &= valid[:, j:length - k + 1 + j]
    rows = np.broadcast_to(np.arange(n)[:, None], index.shape)
    counts = np.zeros((n, 4**k), dtype=np.float32)
    np.add.at(counts, (rows[ok], index[ok]), 1.0)
    return counts / np.maximum(ok.sum(axis=1, keepdims=True), 1)


def fit_ridge(train_x: np.ndarray, train_y: np.ndarray, valid_x: np.ndarray,
              valid_y: np.ndarray) -> Ridge:
    """Ridge with the penalty of best validation Spearman (mean over outputs), refit on train."""
    mean, sd = train_x.mean(axis=0), train_x.std(axis=0) + 1e-6
    best, best_alpha = -np.inf, ALPHAS[0]
    for alpha in ALPHAS:
        model = Ridge(alpha=alpha).fit((train_x - mean) / sd, train_y)
        pred = model.predict((valid_x - mean) / sd).reshape(len(valid_y), -1)
        rho = np.nanmean([spearmanr(pred[:, j], valid_y.reshape(len(valid_y), -1)[:, j])[0]
                          for j in range(pred.shape[1])])
        if rho > best:
            best, best_alpha = rho, alpha
    log.info("k-mer ridge: alpha %g (validation Spearman %.3f)", best_alpha, best)
    model = Ridge(alpha=best_alpha).fit((train_x - mean) / sd, train_y)
    model.feature_mean_, model.feature_sd_ = mean, sd
    return model


def predict_ridge(model: Ridge, x: np.ndarray) -> np.ndarray:
    return model.predict((x - model.feature_mean_) / model.feature_sd_).reshape(len(x), -1)
