"""Seqlets and motif clustering with TF-MoDISco (``modisco-lite``), and PFMs trimmed to the part
the model uses.

TF-MoDISco's defaults are sized for genome-wide runs (a metacluster needs 100 seqlets); one TF's
peaks are often a few hundred windows, so the sizes scale with the number of windows. A pattern
is trimmed to the columns whose information reaches a fraction of its most informative
column, so the PFM holds the motif and not the flanks TF-MoDISco adds; every kept column is
written (NyxBind's converter dropped one).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Pattern:
    name: str
    pfm: np.ndarray  # (4, w) probabilities, A C G T rows
    n_seqlets: int
    sign: int  # +1: raises binding, -1: lowers it


@dataclass(frozen=True)
class ModiscoSettings:
    window: int = 15
    flank: int = 5
    trim_fraction: float = 0.2
    max_seqlets: int = 2000
    leiden_runs: int = 8
    seed: int = 0


def information(ppm: np.ndarray) -> np.ndarray:
    """Bits of each ``(w, 4)`` column against a uniform background."""
    p = ppm / ppm.sum(axis=1, keepdims=True)
    return 2.0 + (p * np.log2(np.clip(p, 1e-12, None))).sum(axis=1)


def trim_pattern(ppm: np.ndarray, fraction: float) -> np.ndarray:
    """Columns from the first to the last holding ≥ ``fraction`` × the pattern's peak bits."""
    bits = information(ppm)
    keep = np.flatnonzero(bits >= fraction * bits.max())
    return ppm[keep[0]:keep[-1] + 1]


def discover(one_hot: np.ndarray, hypothetical: np.ndarray,
             settings: ModiscoSettings = ModiscoSettings()) -> list[Pattern]:
    """Patterns of ``(n, 4, L)`` one-hot windows and their hypothetical contributions."""
    from modiscolite.tfmodisco import TFMoDISco

    n = len(one_hot)
    min_cluster = max(10, n // 20)
    np.random.seed(settings.seed)  # TF-MoDISco draws from numpy's global generator
    try:
        positive, negative = TFMoDISco(
            one_hot=np.ascontiguousarray(one_hot.transpose(0, 2, 1)),
            hypothetical_contribs=np.ascontiguousarray(hypothetical.transpose(0, 2, 1)),
            sliding_window_size=settings.window, flank_size=settings.flank,
            min_metacluster_size=min_cluster, final_min_cluster_size=min_cluster,
            min_num_to_trim_to=min_cluster,
            trim_to_window_size=settings.window + 2 * settings.flank,
            max_seqlets_per_metacluster=settings.max_seqlets, n_leiden_runs=settings.leiden_runs,
            target_seqlet_fdr=0.2, verbose=False)
    except ValueError as err:  # raised when no window passes its seqlet thresholds
        log.warning("TF-MoDISco found no seqlets in %d windows (%s): no motif", n, err)
        return []
    patterns = []
    for sign, found in ((1, positive), (-1, negative)):
        for k, pattern in enumerate(found or []):
            ppm = trim_pattern(pattern.sequence, settings.trim_fraction)
            prob = ppm / ppm.sum(axis=1, keepdims=True)
            patterns.append(Pattern(name=f"{'pos' if sign > 0 else 'neg'}_pattern_{k}",
                                    pfm=prob.T.copy(), n_seqlets=len(pattern.seqlets),
                                    sign=sign))
    log.info("TF-MoDISco: %d pattern(s) from %d windows (%s)", len(patterns), n,
             ", ".join(f"{p.name}: {p.n_seqlets} seqlets, {p.pfm.shape[1]} bp"
                       for p in patterns) or "none")
    return patterns
