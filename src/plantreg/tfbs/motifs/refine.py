"""One refinement pass over a discovered motif: its best site in every bound window, aligned
exactly, counted again.

TF-MoDISco's PFM averages seqlets aligned by cross-correlation of their attributions; jitter in
that alignment and seqlets that hold half a site blur it, and plant JASPAR holds whole families
of near-identical matrices (AP2/ERF, WRKY, SPL), where a blurred matrix matches a sibling better
than itself. Scanning every bound window with the pattern's log-odds, taking each window's best
site on either strand (those scoring at least ``min_fraction`` of the best possible score), and
counting those sites with ``flank`` bp either side gives the matrix a MEME-style EM step would,
from every window rather than from the seqlets alone.
"""

from __future__ import annotations

import numpy as np

from plantreg.genome.encode import N_CODE, reverse_complement
from plantreg.tfbs.motifs.discover import trim_pattern
from plantreg.tfbs.pwm import log_odds, strand_scores


def best_sites(codes: np.ndarray, prob: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per window: best start, strand (True = minus) and score of ``(4, w)`` ``prob``."""
    plus, minus = strand_scores(codes, log_odds(prob))
    strand = minus.max(axis=1) > plus.max(axis=1)
    scores = np.where(strand[:, None], minus, plus)
    start = scores.argmax(axis=1)
    return start, strand, scores[np.arange(len(codes)), start]


def refine_pfm(codes: np.ndarray, prob: np.ndarray, flank: int = 5, min_fraction: float = 0.5,
               trim_fraction: float = 0.2, pseudocount: float = 0.25) -> tuple[np.ndarray, int]:
    """``((4, w') probabilities, sites used)``: the pattern's sites counted again, trimmed."""
    width = prob.shape[1]
    start, minus, score = best_sites(codes, prob)
    ceiling = log_odds(prob)[:4].max(axis=0).sum()
    keep = score >= min_fraction * ceiling
    if keep.sum() < 5:
        return prob, int(keep.sum())
    padded = np.pad(codes[keep], ((0, 0), (flank, flank)), constant_values=N_CODE)
    offsets = start[keep][:, None] + np.arange(width + 2 * flank)
    sites = np.take_along_axis(padded, offsets, axis=1)
    sites = np.where(minus[keep][:, None], reverse_complement(sites), sites)
    counts = np.stack([(sites == b).sum(axis=0) for b in range(4)]) + pseudocount
    ppm = (counts / counts.sum(axis=0)).T
    return trim_pattern(ppm, trim_fraction).T.copy(), int(keep.sum())
