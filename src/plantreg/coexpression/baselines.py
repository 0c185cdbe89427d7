"""Two baselines scored on the same pairs as the model, from each promoter's mean TF profile
(the mean of its window vectors over the windows with data):

- ``cosine``: cosine similarity of the two profiles (no training);
- ``logistic``: a logistic regression on symmetric pair features ``[|a − b|, a ⊙ b, a + b]``
  fitted on the training pairs (balanced class weights, standardised features, seeded).
"""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


def mean_profiles(vectors: np.ndarray) -> np.ndarray:
    """(g, W, T) window vectors → (g, T) mean over the windows with data (0 if none)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN genes are handled below
        out = np.nanmean(vectors, axis=1)
    return np.nan_to_num(out, nan=0.0)


def cosine_scores(profiles: np.ndarray, ia: np.ndarray, ib: np.ndarray) -> np.ndarray:
    norm = np.linalg.norm(profiles, axis=1, keepdims=True)
    unit = profiles / np.where(norm > 0, norm, 1.0)
    return np.einsum("ij,ij->i", unit[ia], unit[ib])


def pair_features(profiles: np.ndarray, ia: np.ndarray, ib: np.ndarray) -> np.ndarray:
    a, b = profiles[ia], profiles[ib]
    return np.hstack([np.abs(a - b), a * b, a + b])


def fit_logistic(profiles: np.ndarray, ia: np.ndarray, ib: np.ndarray, labels, seed: int):
    model = make_pipeline(
        StandardScaler(),
        LogisticRegression(max_iter=2000, class_weight="balanced", random_state=seed),
    )
    return model.fit(pair_features(profiles, ia, ib), np.asarray(labels))


def logistic_scores(model, profiles: np.ndarray, ia: np.ndarray, ib: np.ndarray) -> np.ndarray:
    out = np.empty(len(ia))
    for lo in range(0, len(ia), 200_000):
        feats = pair_features(profiles, ia[lo : lo + 200_000], ib[lo : lo + 200_000])
        out[lo : lo + 200_000] = model.predict_proba(feats)[:, 1]
    return out
