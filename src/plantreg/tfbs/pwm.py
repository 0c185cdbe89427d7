"""The PWM scan baseline: a window's score is the best log-odds match of the TF's matrix on
either strand. On simulated data, with the planted matrix, this is the ceiling a learned model
approaches; on real data it is the classical method to beat.

Matrices come from a MEME file (read with ``memelite``; JASPAR's MEME export, or the simulator's
``motifs/motifs.meme``) and are picked by TF name or matrix id.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from plantreg.errors import InputError

PSEUDOCOUNT = 0.01


def read_matrix(meme: str | Path, tf: str) -> tuple[str, np.ndarray]:
    """``(motif name, (4, w) probabilities)`` of the motif whose id or name equals ``tf``."""
    from memelite.io import read_meme

    try:
        motifs = read_meme(str(meme))
    except (OSError, ValueError, IndexError) as err:
        raise InputError(f"cannot read the MEME file ({err})", meme) from err
    for name, matrix in motifs.items():
        if tf in name.split() or name == tf:
            return name, np.asarray(matrix, dtype=np.float64)
    raise InputError(f"no motif named {tf!r} (its id or name) among {len(motifs)} motifs", meme)


def log_odds(prob: np.ndarray, background: np.ndarray | None = None) -> np.ndarray:
    """``(4, w)`` probabilities → ``(5, w)`` log2-odds; row 4 (N) scores as a strong mismatch."""
    bg = np.full(4, 0.25) if background is None else np.asarray(background, dtype=np.float64)
    lo = np.log2((prob + PSEUDOCOUNT) / (1 + 4 * PSEUDOCOUNT) / bg[:, None])
    return np.vstack([lo, np.full((1, prob.shape[1]), -8.0)])


def strand_scores(codes: np.ndarray, lo: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Scores ``(n, P)`` of ``lo`` at every start of each ``(n, L)`` row: plus, minus strand."""
    width = lo.shape[1]
    if codes.shape[1] < width:
        raise InputError(f"windows of {codes.shape[1]} bp are shorter than the {width} bp matrix")
    rc = lo[[3, 2, 1, 0, 4], ::-1]  # the reverse-complement matrix
    windows = np.lib.stride_tricks.sliding_window_view(codes, width, axis=1)  # (n, P, w)
    cols = np.arange(width)
    return lo[windows, cols].sum(axis=2), rc[windows, cols].sum(axis=2)


def scan_max(codes: np.ndarray, lo: np.ndarray) -> np.ndarray:
    """Best score over every position and both strands of each ``(n, L)`` row of codes."""
    plus, minus = strand_scores(codes, lo)
    return np.maximum(plus.max(axis=1), minus.max(axis=1))
