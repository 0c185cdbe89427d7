"""DAP-seq-like tracks: in-vitro binding follows motif matches only (no chromatin context).

Occupancy per base is a logistic function of the best PWM score (both strands), pooled per bin,
smoothed like a fragment pile-up, scaled by a per-TF sequencing depth, plus Poisson background.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

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


FALSE_PEAK_FRACTION = 0.05  # peaks at random places, as a real caller reports some
MISSED_FRACTION = 0.1  # bound sites a real caller misses


def dap_peaks(chrom: str, seq: np.ndarray, motif: Motif, depth: float, rng: np.random.Generator,
              kidx: np.ndarray | None = None) -> pd.DataFrame:
    """narrowPeak rows for one chromosome: a peak around every bound motif match (one per cluster
    of overlapping matches, its best), minus a missed fraction, plus random false peaks.

    The summit is the middle of the match; the peak spans 150-300 bp around it, clipped to the
    chromosome. Columns: chrom start end name score strand signal p q summit-offset.
    """
    score = scan(to_codes(seq), motif, kidx)
    hits = np.flatnonzero(score > MATCH_FRACTION * max_score(motif))
    if hits.size:
        # Matches closer than a motif length belong to one site: keep each cluster's best.
        first = np.flatnonzero(np.r_[True, np.diff(hits) >= motif.length])
        best = np.maximum.reduceat(score[hits], first)
        order = [hits[a:b][score[hits[a:b]] == m][0]
                 for a, b, m in zip(first, np.r_[first[1:], hits.size], best, strict=True)]
        sites = np.asarray(order, dtype=np.int64) + motif.length // 2
        strength = best
        kept = rng.random(sites.size) >= MISSED_FRACTION
        sites, strength = sites[kept], strength[kept]
    else:
        sites, strength = np.zeros(0, np.int64), np.zeros(0)
    n_false = int(round(FALSE_PEAK_FRACTION * max(sites.size, 1)))
    false_sites = rng.integers(0, seq.size, n_false)
    summits = np.r_[sites, false_sites]
    signal = np.r_[strength * depth / 10, rng.uniform(0.5, 2.0, n_false) * depth / 10]
    half = rng.integers(75, 151, summits.size)
    start = np.clip(summits - half, 0, seq.size - 1)
    end = np.clip(summits + half, start + 1, seq.size)
    summits = np.clip(summits, start, end - 1)
    order = np.argsort(start, kind="stable")
    p = np.round(signal * 2, 3)
    return pd.DataFrame({
        "chrom": chrom, "start": start[order], "end": end[order],
        "name": [f"{motif.tf}_{chrom}_{i + 1}" for i in range(summits.size)],
        "score": np.minimum((signal[order] * 50).astype(np.int64), 1000), "strand": ".",
        "signal": np.round(signal[order], 3), "p": p[order], "q": np.round(p[order] * 0.8, 3),
        "peak": (summits - start)[order],
    })
