"""Discovered motifs matched to JASPAR CORE plants with TomTom (``memelite``), with q-values.

The database is the JASPAR release that ``pyjaspar`` ships (no network), or any MEME file. TomTom
gives a p-value per query and target (best over offsets and strands); the q-values are
Benjamini–Hochberg over each query's targets, as MEME's tomtom reports them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import false_discovery_control

from plantreg.errors import InputError

log = logging.getLogger(__name__)

DEFAULT_RELEASE = "JASPAR2026"


@dataclass(frozen=True)
class Database:
    ids: list[str]
    names: list[str]
    matrices: list[np.ndarray]  # (4, w) probabilities

    @property
    def label(self) -> str:
        return f"{len(self.ids)} matrices"


def motif_database(motifs: list) -> Database:
    """A database of :class:`plantreg.simulate.motifs.Motif` (JASPAR id, name, matrix)."""
    return Database([m.jaspar_id for m in motifs], [m.name for m in motifs],
                    [np.ascontiguousarray(m.prob.T) for m in motifs])


def jaspar_plants(release: str = DEFAULT_RELEASE) -> Database:
    """JASPAR CORE plants of ``release`` (latest version of each matrix), read offline."""
    from plantreg.simulate.motifs import load_plant_motifs

    return motif_database(load_plant_motifs(release))


def meme_database(path: str | Path) -> Database:
    from memelite.io import read_meme

    try:
        motifs = read_meme(str(path))
    except (OSError, ValueError, IndexError) as err:
        raise InputError(f"cannot read the MEME file ({err})", path) from err
    if not motifs:
        raise InputError("the MEME file holds no motif", path)
    ids, names = zip(*[(k.split()[0], k.split()[-1]) for k in motifs], strict=True)
    return Database(list(ids), list(names), [np.asarray(m, dtype=np.float64)
                                             for m in motifs.values()])


def match(queries: dict[str, np.ndarray], db: Database, top: int = 5) -> pd.DataFrame:
    """The ``top`` targets of each query by p-value: query, rank, target id and name, p, q."""
    from memelite.tomtom import tomtom

    columns = ["query", "rank", "target_id", "target_name", "p_value", "q_value", "offset",
               "orientation"]
    if not queries:
        return pd.DataFrame(columns=columns)
    p, _, offsets, _, strands = tomtom([np.asarray(q, dtype=np.float64) for q in queries.values()],
                                       db.matrices)
    rows = []
    for i, name in enumerate(queries):
        q = false_discovery_control(np.clip(p[i], 0.0, 1.0), method="bh")
        for rank, j in enumerate(np.argsort(p[i], kind="stable")[:top], start=1):
            rows.append({"query": name, "rank": rank, "target_id": db.ids[j],
                         "target_name": db.names[j], "p_value": float(p[i, j]),
                         "q_value": float(q[j]), "offset": int(offsets[i, j]),
                         "orientation": "-" if strands[i, j] else "+"})
    return pd.DataFrame(rows, columns=columns)
