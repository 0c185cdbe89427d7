"""The baseline in the same report: ridge regression on k-mer counts of the same sequences
(both strands' k-mers are kept apart: the windows are oriented 5′→3′ of the gene), with the
penalty chosen on the validation genes."""

from __future__ import annotations

import logging

import numpy as np
from scipy.stats import spearmanr
from sklearn.linear_model import Ridge

from plantreg.chromatin.baseline import kmer_counts

log = logging.getLogger(__name__)

ALPHAS = (0.1, 1.0, 10.0, 100.0, 1000.0)


def kmer_frequencies(codes: np.ndarray, k: int) -> np.ndarray:
    """``(n, 4**k)`` k-mer frequencies per sequence, on the window's strand (k-mers with an N
    are skipped)."""
    counts = kmer_counts(codes, k)
    return counts / np.maximum(counts.sum(axis=1, keepdims=True), 1.0)


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
