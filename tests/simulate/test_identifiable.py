"""The test preset plants only JASPAR matrices that their own sites tell from every sibling, so
CI can score "the discovered motif's best TomTom match is the planted matrix"."""

from __future__ import annotations

import numpy as np
import pandas as pd

from plantreg.simulate.identifiable import identifiable
from plantreg.simulate.motifs import load_plant_motifs, select_motifs
from tests.conftest import REPO

TRUTH = REPO / "assets" / "test_data" / "truth" / "tfs.tsv"


def _by_name(names: list[str]) -> list:
    motifs = {m.tf: m for m in load_plant_motifs("JASPAR2026")}
    return [motifs[n] for n in names]


def test_siblings_are_told_apart_only_where_the_sites_do() -> None:
    database = load_plant_motifs("JASPAR2026")
    # SPL8A/SPL8B and bHLH130/bHLH112 are near copies; MYB118 and AGL63 stand alone
    siblings, alone = _by_name(["SPL8A", "bHLH130"]), _by_name(["MYB118", "AGL63"])
    kept = identifiable(siblings + alone, database)
    assert kept == {m.jaspar_id for m in alone}


def test_bundled_tfs_are_identifiable_and_the_draw_keeps_its_stream() -> None:
    database = load_plant_motifs("JASPAR2026")
    planted = pd.read_csv(TRUTH, sep="\t")
    assert set(planted["jaspar_id"]) <= identifiable(_by_name(list(planted["tf"])), database)
    rng_any, rng_ident = np.random.default_rng(3), np.random.default_rng(3)
    anyone = select_motifs(database, 12, 5, 3, rng_any)
    chosen = select_motifs(database, 12, 5, 3, rng_ident, identifiable_only=True)
    allowed = identifiable(anyone + chosen, database)
    assert {m.jaspar_id for m in chosen} <= allowed
    assert not {m.jaspar_id for m in anyone} <= allowed  # the filter changed this draw
    assert rng_any.random() == rng_ident.random()  # and nothing drawn after it
