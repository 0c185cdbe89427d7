"""The TF vocabulary: promoter windows summarised per TF, clustered into tokens.

A promoter of ``L`` bases gives ``n_w = (L − w) // s + 1`` windows of ``w`` bases at stride ``s``
(window ``i`` covers positions ``[i·s, i·s + w)`` of the 5'→3' promoter). Each window becomes a
vector with one aggregate (mean, max or sum over the window's non-missing bases) per TF. Vectors
of the training genes are clustered with MiniBatchKMeans (``k`` clusters, seeded); every window of
every gene then gets its nearest centroid's id. A window without any data (clipped away) gets the
extra token ``k`` (padding, ignored by the model).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.cluster import MiniBatchKMeans

from plantreg.errors import InputError

log = logging.getLogger(__name__)

AGGREGATES = ("mean", "max", "sum")
BLOCK = 512
TOP_TFS = 5


@dataclass
class Vocabulary:
    centroids: np.ndarray  # k × n_tf float32
    tfs: list[str]
    window: int
    stride: int
    aggregate: str

    @property
    def k(self) -> int:
        return int(self.centroids.shape[0])

    @property
    def pad(self) -> int:
        return self.k

    def meta(self) -> dict:
        return {
            "k": self.k,
            "pad_token": self.pad,
            "tfs": self.tfs,
            "window": self.window,
            "stride": self.stride,
            "aggregate": self.aggregate,
        }


def n_windows(length: int, window: int, stride: int) -> int:
    if window < 1 or stride < 1 or window > length:
        raise InputError(f"window {window} / stride {stride} do not fit a {length} bp promoter")
    return (length - window) // stride + 1


def window_block(x: np.ndarray, window: int, stride: int, aggregate: str) -> np.ndarray:
    """(g, t, L) → (g, n_w, t) per-window aggregates over non-missing bases (NaN if none)."""
    if aggregate not in AGGREGATES:
        raise ValueError(f"aggregate must be one of {AGGREGATES}")
    starts = np.arange(n_windows(x.shape[-1], window, stride)) * stride
    nan = np.isnan(x)
    if aggregate == "max":
        view = np.lib.stride_tricks.sliding_window_view(np.where(nan, -np.inf, x), window, -1)
        out = view[..., starts, :].max(axis=-1)
        out[np.isneginf(out)] = np.nan
    else:
        zero = np.concatenate([np.zeros(x.shape[:-1] + (1,)), np.where(nan, 0.0, x)], axis=-1)
        cs = np.cumsum(zero, axis=-1)
        cnt = np.concatenate([np.zeros(x.shape[:-1] + (1,)), np.cumsum(~nan, axis=-1)], axis=-1)
        total = cs[..., starts + window] - cs[..., starts]
        count = cnt[..., starts + window] - cnt[..., starts]
        with np.errstate(invalid="ignore", divide="ignore"):
            out = total / count if aggregate == "mean" else np.where(count > 0, total, np.nan)
    return np.swapaxes(out, 1, 2).astype(np.float32)


def window_vectors(signal: np.ndarray, window: int, stride: int, aggregate: str) -> np.ndarray:
    """All genes' window vectors, computed block by block from a (memory-mapped) signal."""
    n_w = n_windows(signal.shape[2], window, stride)
    out = np.empty((signal.shape[0], n_w, signal.shape[1]), dtype=np.float32)
    for lo in range(0, signal.shape[0], BLOCK):
        out[lo : lo + BLOCK] = window_block(
            np.asarray(signal[lo : lo + BLOCK]), window, stride, aggregate
        )
    return out


def _valid(vectors: np.ndarray) -> np.ndarray:
    """A window is usable when no TF is missing (clipped windows lose all TFs at once)."""
    return ~np.isnan(vectors).any(axis=-1)


def fit_vocabulary(
    vectors: np.ndarray,
    train_rows: np.ndarray,
    k: int,
    tfs: list[str],
    window: int,
    stride: int,
    aggregate: str,
    seed: int,
    path: str | None = None,
) -> Vocabulary:
    """MiniBatchKMeans on the training genes' complete windows."""
    train = vectors[train_rows]
    train = train[_valid(train)]
    if k < 2:
        raise InputError(f"vocabulary size must be at least 2, got {k}", path)
    if k > len(train):
        raise InputError(
            f"vocabulary size {k} is larger than the number of training windows ({len(train)}); "
            "lower --k or the stride",
            path,
        )
    km = MiniBatchKMeans(
        n_clusters=k, random_state=seed, batch_size=4096, n_init=3, max_iter=200
    ).fit(train)
    return Vocabulary(km.cluster_centers_.astype(np.float32), list(tfs), window, stride, aggregate)


def tokenize(vectors: np.ndarray, vocab: Vocabulary) -> np.ndarray:
    """(g, n_w) token ids (int64): the nearest centroid, or the padding id for empty windows."""
    flat = vectors.reshape(-1, vectors.shape[-1])
    valid = _valid(flat)
    tokens = np.full(len(flat), vocab.pad, dtype=np.int64)
    c = vocab.centroids.astype(np.float64)
    c_sq = (c**2).sum(axis=1)
    rows = np.flatnonzero(valid)
    for lo in range(0, len(rows), 65536):
        idx = rows[lo : lo + 65536]
        x = flat[idx].astype(np.float64)
        tokens[idx] = np.argmin(c_sq[None, :] - 2.0 * x @ c.T, axis=1)
    return tokens.reshape(vectors.shape[:2])


def token_report(vocab: Vocabulary, tokens: np.ndarray) -> pd.DataFrame:
    """Per token: occurrences, frequency, genes holding it, its defining TFs (centroid ≥ 1)."""
    counts = np.bincount(tokens.ravel(), minlength=vocab.k + 1)[: vocab.k]
    genes = np.array([(tokens == t).any(axis=1).sum() for t in range(vocab.k)])
    total = max(1, int(counts.sum()))
    top = []
    for row in vocab.centroids:
        order = np.argsort(-row)[:TOP_TFS]
        top.append(",".join(f"{vocab.tfs[i]}:{row[i]:.2f}" for i in order))
    defining = [
        ",".join(vocab.tfs[i] for i in np.flatnonzero(row >= 1.0)[np.argsort(-row[row >= 1.0])])
        or "."
        for row in vocab.centroids
    ]
    return pd.DataFrame(
        {
            "token": np.arange(vocab.k),
            "count": counts,
            "frequency": np.round(counts / total, 6),
            "n_genes": genes,
            "defining_tfs": defining,
            "top_tfs": top,
        }
    )


def plot_vocabulary(vocab: Vocabulary, report: pd.DataFrame, path: str) -> None:
    """Heat-map of the centroids (tokens × TFs) with each token's frequency."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from plantreg.io import atomic_path

    height = max(3.0, 0.22 * vocab.k + 1.5)
    fig, ax = plt.subplots(figsize=(max(5.0, 0.35 * len(vocab.tfs) + 3), height))
    lim = float(np.nanmax(np.abs(vocab.centroids))) or 1.0
    im = ax.imshow(vocab.centroids, aspect="auto", cmap="RdBu_r", vmin=-lim, vmax=lim)
    ax.set_xticks(range(len(vocab.tfs)), vocab.tfs, rotation=90, fontsize=7)
    labels = [f"{t} ({f:.1%})" for t, f in zip(report["token"], report["frequency"], strict=True)]
    ax.set_yticks(range(vocab.k), labels, fontsize=6)
    ax.set_xlabel("TF")
    ax.set_ylabel("token (frequency)")
    ax.set_title(f"TF vocabulary: k={vocab.k}, {vocab.window} bp windows ({vocab.aggregate})")
    fig.colorbar(im, ax=ax, label="centroid (normalised signal)")
    fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=110)
    plt.close(fig)
