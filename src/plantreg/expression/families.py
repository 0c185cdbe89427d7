"""Gene families kept on one side of the split: a family with a held-out member loses its members
on training chromosomes (a paralog in training would leak the held-out gene's sequence)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from plantreg.errors import InputError


def read_families(path: str | Path) -> dict[str, str]:
    """``gene → family`` from a two-column TSV (header ``gene_id, family``)."""
    path = Path(path)
    if not path.is_file():
        raise InputError("gene family table not found", path)
    table = pd.read_csv(path, sep="\t", dtype=str)
    if list(table.columns[:2]) != ["gene_id", "family"]:
        raise InputError("gene family table needs the header 'gene_id<TAB>family'", path)
    if table.empty:
        raise InputError("gene family table is empty", path)
    return dict(zip(table["gene_id"], table["family"], strict=True))


def keep_families_apart(gene_ids: np.ndarray, split: np.ndarray,
                        families: dict[str, str]) -> tuple[np.ndarray, int]:
    """Drop (split −1) family members on a less held-out side than the family's most held-out
    member (test > valid > train); return the new split codes and how many were dropped."""
    family = pd.Series([families.get(g, f"__own_{g}") for g in gene_ids])
    strongest = pd.Series(split).groupby(family.to_numpy()).transform("max").to_numpy()
    drop = (split >= 0) & (split < strongest)
    out = np.where(drop, -1, split).astype(np.int8)
    return out, int(drop.sum())
