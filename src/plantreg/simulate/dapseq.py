"""DAP-seq-like tracks: in-vitro binding follows motif matches only (no chromatin context).

Occupancy per base is a logistic function of the best PWM score (both strands), pooled per bin,
smoothed like a fragment pile-up, scaled by a per-TF sequencing depth, plus Poisson background.
"""

from __future__ import annotations

import numpy as np

from plantreg.simulate.motifs import Motif, max_score, scan
from plantreg.simulate.sequence import to_codes
from plantreg.simulate.tracks import gauss_kernel

MATCH_FRACTION = 0.75  # a site binds when its score exceeds this fraction of the best score


def occupancy(codes: np.ndarray, motif: Motif, kidx: np.ndarray | None = None) -> np.ndarray:
    score = scan(codes, motif, kidx)
    thr = MATCH_FRACTION * max_score(motif)
    with np.errstate(over="ignore"):
        return (1.0 / (1.0 + np.exp(-(score - thr) / 1.0))).astype(np.float32)


def dap_bins(seq: np.ndarray, motif: Motif, bin_size: int, depth: float, background: float,
             rng: np.random.Generator, kidx: np.ndarray | None = None) -> np.ndarray:
    """Integer counts per bin for one chromosome (uint8 ASCII sequence)."""
    occ = occupancy(to_codes(seq), motif, kidx)
    n_bins = -(-seq.size // bin_size)
    padded = np.zeros(n_bins * bin_size, dtype=np.float32)
    padded[: occ.size] = occ
    # A bound site sits at the window start; centre it by shifting half a motif.
    padded = np.roll(padded, motif.length // 2)
    per_bin = padded.reshape(n_bins, bin_size).max(axis=1)
    mean = np.convolve(per_bin, gauss_kernel(50.0 / bin_size), mode="same") * depth
    return rng.poisson(mean + background).astype(np.float64)


def input_bins(seq: np.ndarray, bin_size: int, rng: np.random.Generator) -> np.ndarray:
    """Input control: flat background, a little higher in GC-richer bins, zero over N runs."""
    codes = to_codes(seq)
    n_bins = -(-seq.size // bin_size)
    gc = np.zeros(n_bins * bin_size, dtype=np.float32)
    valid = np.zeros_like(gc)
    gc[: codes.size] = (codes == 1) | (codes == 2)
    valid[: codes.size] = codes < 4
    gc = gc.reshape(n_bins, bin_size).mean(axis=1)
    valid = valid.reshape(n_bins, bin_size).mean(axis=1)
    return rng.poisson((0.1 + 0.4 * gc) * valid * bin_size / 10).astype(np.float64)
