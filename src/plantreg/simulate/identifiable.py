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
    """JASPAR ids of ``candidates`` whose planted sites match themselves first in ``database``,
    with a p-value at least ``MARGIN`` times smaller than that of the runner-up."""
    from plantreg.tfbs.motifs.tomtom import match, motif_database

    if not candidates:
        return set()
    table = match({m.jaspar_id: _site_pfm(m) for m in candidates}, motif_database(database), top=2)
    best, second = (table[table["rank"] == r].set_index("query") for r in (1, 2))
    keep = {q for q in best.index if best.at[q, "target_id"] == q
            and second.at[q, "p_value"] >= MARGIN * best.at[q, "p_value"]}
    log.info("%d of %d candidate matrices are told from their JASPAR siblings by their own sites",
             len(keep), len(candidates))
    return keep
