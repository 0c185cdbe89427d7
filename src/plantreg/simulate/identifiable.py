"""Which JASPAR matrices TomTom can tell from their siblings, judged on sites planted from them.

JASPAR plants holds families of near-identical matrices (SPL8A/SPL8B, WRKY7/WRKY11, bHLH112/
bHLH130). A motif recovered perfectly from sites of one of them matches its sibling about as often
as itself, so "the best match is the planted matrix" would be a coin toss, not a test of motif
discovery. The simulator can therefore plant only matrices that their own sites identify.
"""

from __future__ import annotations

import logging

import numpy as np

from plantreg.simulate.motifs import Motif, sample_site

log = logging.getLogger(__name__)

N_SITES = 200  # about as many sites as a simulated TF has peaks
MARGIN = 10.0  # the nearest other matrix must be this many times less significant


def _site_pfm(motif: Motif) -> np.ndarray:
    """(4, length) frequencies of ``N_SITES`` sites drawn as the simulator plants them."""
    rng = np.random.default_rng(0)  # a property of the matrix, not of the simulation's seed
    sites = np.stack([sample_site(motif, rng) for _ in range(N_SITES)])
    counts = np.stack([(sites == b).sum(axis=0) for b in range(4)]).astype(float) + 0.5
    return counts / counts.sum(axis=0)


def identifiable(candidates: list[Motif], database: list[Motif]) -> set[str]:
    """JASPAR ids of ``candidates`` whose planted sites match themselves in ``database`` with a
    p-value at least ``MARGIN`` times smaller than that of any other matrix."""
    from memelite.tomtom import tomtom

    if not candidates:
        return set()
    targets = [np.ascontiguousarray(m.prob.T, dtype=np.float64) for m in database]
    p, *_ = tomtom([_site_pfm(m) for m in candidates], targets)
    column = {m.jaspar_id: j for j, m in enumerate(database)}
    keep = set()
    for i, m in enumerate(candidates):
        own = p[i, column[m.jaspar_id]]
        others = np.delete(p[i], column[m.jaspar_id])
        if others.min() >= MARGIN * own:
            keep.add(m.jaspar_id)
    log.info("%d of %d candidate matrices are told from their JASPAR siblings by their own sites",
             len(keep), len(candidates))
    return keep
