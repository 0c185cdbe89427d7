"""DAP-seq tracks follow motif matches; the vectorised scanner equals a naive one."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyBigWig

from plantreg.simulate.motifs import load_plant_motifs, scan


def test_dapseq_higher_at_planted_sites(sim: Path) -> None:
    sites = pd.read_csv(sim / "truth" / "sites.tsv", sep="\t")
    tfs = pd.read_csv(sim / "motifs" / "motifs.tsv", sep="\t")["tf"]
    for tf in tfs:
        bw = pyBigWig.open(str(sim / "speciesA" / "dapseq" / f"{tf}.bw"))
        own = sites[sites["tf"] == tf]
        at_sites = np.mean([bw.stats(c, s, e, type="max")[0] for c, s, e in
                            zip(own["chrom"], own["start"], own["end"], strict=True)])
        chroms = bw.chroms()
        mean = sum(bw.stats(c, 0, n)[0] * n for c, n in chroms.items()) / sum(chroms.values())
        assert at_sites > 5 * mean, tf
        bw.close()


def test_input_control_is_flat(sim: Path) -> None:
    bw = pyBigWig.open(str(sim / "speciesA" / "dapseq" / "input.bw"))
    c, n = next(iter(bw.chroms().items()))
    values = np.nan_to_num(np.array(bw.values(c, 0, n)))
    assert values.max() < 20 and values.mean() > 0


def test_scan_matches_naive_scoring() -> None:
    motif = next(m for m in load_plant_motifs("JASPAR2026") if m.length == 10)
    rng = np.random.default_rng(3)
    codes = rng.integers(0, 5, 400).astype(np.uint8)
    fast = scan(codes, motif)
    lo = motif.log_odds()
    rc = lo[::-1][:, [3, 2, 1, 0, 4]]
    idx = np.arange(motif.length)
    naive = [max(lo[idx, codes[i:i + 10]].sum(), rc[idx, codes[i:i + 10]].sum())
             for i in range(400 - 9)]
    assert np.allclose(fast[:391], naive, atol=1e-4)
    assert np.isneginf(fast[391:]).all()
