"""The regulatory grammar: which planted elements carry which mark, decided by their motifs.

This is the ``roles`` grammar of the ``test`` and ``bench`` presets; the ``grammar`` preset's
motif-pair rules live in :mod:`plantreg.simulate.pairs`.

Rules (all within ~1 kb of the motifs, except H3K36ME3 which follows the gene body):
- ATAC: any element with >= 1 pioneer motif.
- H3K27AC: any element with >= 2 distinct activator TFs whose sites start <= 200 bp apart.
- H3K4ME3, H3K9AC: promoter elements with >= 1 activator motif (around the TSS).
- H3K4ME1: distal enhancers with >= 1 activator motif, on both flanks of the element.
- H3K36ME3: bodies of expressed genes (their promoter element holds an activator motif).
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from plantreg.simulate.layout import Element
from plantreg.simulate.motifs import Motif

log = logging.getLogger(__name__)

ELEMENT_MARKS = ("ATAC", "H3K27AC", "H3K4ME1", "H3K4ME3", "H3K9AC")
ACETYL_SPACING = 200
PROMOTER_REACH = 1000  # bp between a promoter element and its gene's TSS (at most ~250 when laid)


def element_activity(el: Element, roles: dict[str, str]) -> dict[str, bool]:
    act = [(s.start, s.tf) for s in el.sites if roles[s.tf] == "activator"]
    close_pair = any(
        t1 != t2 and abs(p1 - p2) <= ACETYL_SPACING for p1, t1 in act for p2, t2 in act
    )
    return {
        "ATAC": any(roles[s.tf] == "pioneer" for s in el.sites),
        "H3K27AC": close_pair,
        "H3K4ME1": el.kind == "enhancer" and bool(act),
        "H3K4ME3": el.kind == "promoter" and bool(act),
        "H3K9AC": el.kind == "promoter" and bool(act),
    }


def elements_table(elements: list[Element], motifs: list[Motif]) -> pd.DataFrame:
    roles = {m.tf: m.role for m in motifs}
    rows = []
    for el in elements:
        acts = element_activity(el, roles)
        rows.append(
            dict(id=el.element_id, chrom=el.chrom, start=el.start, end=el.end, kind=el.kind,
                 gene_id=el.gene_id, module=el.module, tfs=",".join(s.tf for s in el.sites),
                 n_activators=len({s.tf for s in el.sites if roles[s.tf] == "activator"}),
                 n_pioneers=len({s.tf for s in el.sites if roles[s.tf] == "pioneer"}),
                 **{k: int(v) for k, v in acts.items()})
        )
    return pd.DataFrame(rows)


def sites_table(elements: list[Element], motifs: list[Motif]) -> pd.DataFrame:
    length = {m.tf: m.length for m in motifs}
    rows = [
        dict(element_id=el.element_id, tf=s.tf, chrom=el.chrom, start=s.start,
             end=s.start + length[s.tf], strand=s.strand)
        for el in elements for s in el.sites
    ]
    return pd.DataFrame(rows)


def _clip(df: pd.DataFrame, sizes: dict[str, int]) -> pd.DataFrame:
    df = df.copy()
    df["start"] = df["start"].clip(lower=0)
    df["end"] = np.minimum(df["end"], df["chrom"].map(sizes))
    return df[df["end"] > df["start"]]


def _promoters_at_their_tss(prom: pd.DataFrame, genes: pd.DataFrame) -> pd.DataFrame:
    """Promoter elements with their gene's strand and TSS, when the TSS is still next to them.

    In species B a rearrangement can carry a gene away from its lifted promoter element (another
    chromosome, or a far point of the same one); the promoter marks, which run from the element
    into the gene, are then left out rather than drawn across everything in between.
    """
    merged = prom.merge(genes[["gene_id", "chrom", "strand", "tss"]].rename(
        columns={"chrom": "gene_chrom"}), on="gene_id")
    gap = np.maximum(merged["start"] - merged["tss"], merged["tss"] - merged["end"])
    near = (merged["chrom"] == merged["gene_chrom"]) & (gap <= PROMOTER_REACH)
    if (~near).any():
        log.info("%d promoter element(s) apart from their gene's TSS: no promoter marks",
                 int((~near).sum()))
    return merged[near].drop(columns="gene_chrom").reset_index(drop=True)


def interval_part(mark: str, sel: pd.DataFrame, start, end) -> pd.DataFrame:
    return pd.DataFrame(dict(mark=mark, chrom=sel["chrom"], start=start, end=end,
                             source=sel["id"]))


def gene_body_intervals(genes: pd.DataFrame) -> pd.DataFrame:
    """H3K36ME3: the 3' three quarters of the body of every expressed gene."""
    g = genes[genes["expressed"] == 1].rename(columns={"gene_id": "id"})
    skip = ((g["end"] - g["start"]) * 0.25).astype(int)
    pl = g["strand"] == "+"
    return interval_part("H3K36ME3", g, np.where(pl, g["start"] + skip, g["start"]),
                         np.where(pl, g["end"], g["end"] - skip))


def finish_intervals(parts: list[pd.DataFrame], sizes: dict[str, int]) -> pd.DataFrame:
    out = _clip(pd.concat(parts, ignore_index=True), sizes)
    out = out.astype({"start": "int64", "end": "int64"})
    return sort_intervals(out, ["mark", "chrom", "start", "end", "source"])


def mark_intervals(grammar: str, elements: pd.DataFrame, genes: pd.DataFrame,
                   sizes: dict[str, int]) -> pd.DataFrame:
    """The true intervals under the preset's rule set (``roles`` or ``pairs``)."""
    if grammar == "pairs":
        from plantreg.simulate.pairs import pair_mark_intervals

        return pair_mark_intervals(elements, genes, sizes)
    return true_mark_intervals(elements, genes, sizes)


def true_mark_intervals(
    elements: pd.DataFrame, genes: pd.DataFrame, sizes: dict[str, int]
) -> pd.DataFrame:
    """Columns mark, chrom, start, end, source (element or gene id): the truth behind the peaks."""
    parts = []
    el = elements

    def add(mark: str, sel: pd.DataFrame, start, end) -> None:
        parts.append(interval_part(mark, sel, start, end))

    a = el[el["ATAC"] == 1]
    add("ATAC", a, a["start"] - 50, a["end"] + 50)
    a = el[el["H3K27AC"] == 1]
    add("H3K27AC", a, a["start"] - 150, a["end"] + 150)
    a = el[el["H3K4ME1"] == 1]
    add("H3K4ME1", a, a["start"] - 700, a["start"] - 100)
    add("H3K4ME1", a, a["end"] + 100, a["end"] + 700)
    prom = _promoters_at_their_tss(el[(el["H3K4ME3"] == 1) | (el["H3K9AC"] == 1)], genes)
    plus = prom["strand"] == "+"
    for mark, up, into in (("H3K4ME3", 100, 700), ("H3K9AC", 50, 400)):
        p = prom[prom[mark] == 1]
        pl = plus[p.index]
        start = np.where(pl, np.minimum(p["start"], p["tss"]) - up, p["tss"] - into)
        end = np.where(pl, p["tss"] + into, np.maximum(p["end"], p["tss"] + 1) + up)
        add(mark, p, start, end)
    parts.append(gene_body_intervals(genes))
    return finish_intervals(parts, sizes)


def sort_intervals(df: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    return df.sort_values(keys, kind="stable").reset_index(drop=True)
