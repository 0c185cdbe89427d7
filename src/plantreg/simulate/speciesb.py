"""Species B from the evolved genome: lifted gene models, lifted elements with their fate, and the
truth tables that tie B back to A. Lost elements (scrambled in B) keep no activity."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from plantreg.simulate.evolve import EvolvedSpecies
from plantreg.simulate.grammar import ELEMENT_MARKS

log = logging.getLogger(__name__)


def b_id(a_id: str) -> str:
    """Gene/feature ids carry the species: SA1G00010 -> SB1G00010."""
    return "SB" + a_id[2:] if a_id.startswith("SA") else a_id


def evolve_features(features: pd.DataFrame, elements: pd.DataFrame,
                    sites: pd.DataFrame | None = None) -> pd.DataFrame:
    """The evolve interface's feature table: every GFF interval plus every regulatory element,
    and (pairs grammar) every planted site, so that B's sites are known with their strand."""
    gff = features[["id", "chrom", "start", "end", "strand"]].assign(regulatory=False)
    reg = elements[["id", "chrom", "start", "end"]].assign(strand=".", regulatory=True)
    parts = [gff, reg]
    if sites is not None:
        parts.append(sites[["site_id", "chrom", "start", "end", "strand"]].rename(
            columns={"site_id": "id"}).assign(regulatory=False))
    return pd.concat(parts, ignore_index=True)


def lift_sites(sites_a: pd.DataFrame, evolved: EvolvedSpecies,
               elements_b: pd.DataFrame) -> pd.DataFrame:
    """B sites (pairs grammar) of the elements lifted to B: lifted coordinates and strand (an
    inverted segment flips it), and the element's fate in column ``lost``."""
    lifted = evolved.lifted.set_index("id")
    lost = elements_b.set_index("id")["lost"]
    s = sites_a[sites_a["site_id"].isin(lifted.index)
                & sites_a["element_id"].isin(lost.index)].copy()
    s[["chrom", "start", "end", "strand"]] = lifted.loc[
        s["site_id"], ["chrom", "start", "end", "strand"]].to_numpy()
    s["lost"] = s["element_id"].map(lost).astype(int)
    return s.astype({"start": "int64", "end": "int64"}).reset_index(drop=True)


def lift_genes(features_a: pd.DataFrame, evolved: EvolvedSpecies) -> pd.DataFrame:
    """B feature table: genes whose every feature lifted whole to one B chromosome, same strand."""
    lifted = evolved.lifted.set_index("id")
    f = features_a[features_a["id"].isin(lifted.index)].copy()
    f[["chrom", "start", "end", "strand"]] = lifted.loc[f["id"], ["chrom", "start", "end",
                                                                   "strand"]].to_numpy()
    n_parts = features_a.groupby("gene_id").size()
    agg = f.groupby("gene_id").agg(n=("id", "size"), nc=("chrom", "nunique"),
                                   ns=("strand", "nunique"))
    whole = agg[(agg["n"] == n_parts[agg.index]) & (agg["nc"] == 1) & (agg["ns"] == 1)].index
    dropped = features_a["gene_id"].nunique() - len(whole)
    log.info("species B: %d genes lifted whole, %d dropped (split or not lifted)", len(whole),
             dropped)
    f = f[f["gene_id"].isin(whole)].copy()
    for col in ("id", "parent", "gene_id"):
        f[col] = f[col].map(b_id)
    return f.astype({"start": "int64", "end": "int64"}).reset_index(drop=True)


def lift_elements(elements_a: pd.DataFrame, evolved: EvolvedSpecies,
                  genes_b: set[str]) -> pd.DataFrame:
    """B elements at their lifted coordinates; lost ones keep the row but lose every mark."""
    lifted = evolved.lifted.set_index("id")
    el = elements_a[elements_a["id"].isin(lifted.index)].copy()
    el[["chrom", "start", "end"]] = lifted.loc[el["id"], ["chrom", "start", "end"]].to_numpy()
    el["lost"] = lifted.loc[el["id"], "lost"].to_numpy().astype(int)
    for mark in ELEMENT_MARKS:
        el[mark] = np.where(el["lost"] == 1, 0, el[mark])
    el["gene_id"] = el["gene_id"].map(lambda g: b_id(g) if g else "")
    el.loc[~el["gene_id"].isin(genes_b), "gene_id"] = ""
    return el.astype({"start": "int64", "end": "int64"}).reset_index(drop=True)


def conservation_table(elements_a: pd.DataFrame, elements_b: pd.DataFrame) -> pd.DataFrame:
    """Element id in A, its A and lifted B coordinates, and status kept/lost/unaligned."""
    b = elements_b.set_index("id")[["chrom", "start", "end", "lost"]]
    b.columns = ["chrom_b", "start_b", "end_b", "lost"]
    out = elements_a[["id", "chrom", "start", "end", "kind"]].join(b, on="id")
    out = out.rename(columns={"chrom": "chrom_a", "start": "start_a", "end": "end_a"})
    status = np.where(out["lost"].isna(), "unaligned", np.where(out["lost"] == 1, "lost", "kept"))
    out["status"] = status
    for col in ("start_b", "end_b"):
        out[col] = out[col].fillna(-1).astype("int64")
    out["chrom_b"] = out["chrom_b"].fillna(".")
    cols = ["id", "kind", "chrom_a", "start_a", "end_a", "chrom_b", "start_b", "end_b", "status"]
    return out[cols]


def restore_start_codons(genome: dict[str, np.ndarray], features: pd.DataFrame) -> int:
    """Purifying selection on start codons: rewrite ATG where mutation hit it; returns count."""
    cds = features[features["type"] == "CDS"]
    fixed = 0
    for (chrom, strand), grp in cds.groupby(["chrom", "strand"]):
        seq = genome[chrom]
        for _, segs in grp.groupby("parent"):
            pos = spliced_positions(segs, 3)
            # positions run in transcript order, so on '-' they hold the complement of A, T, G
            want = np.frombuffer(b"ATG" if strand == "+" else b"TAC", np.uint8)
            cur = seq[pos] & 0xDF  # upper-case view
            if not np.array_equal(cur, want):
                seq[pos] = want
                fixed += 1
    return fixed


def spliced_positions(cds: pd.DataFrame, n: int) -> np.ndarray:
    """Genomic positions of the first ``n`` CDS bases in transcript order (strand aware)."""
    strand = cds["strand"].iloc[0]
    segs = cds.sort_values("start", ascending=strand == "+")
    pos = []
    for s, e in zip(segs["start"], segs["end"], strict=True):
        rng_ = np.arange(s, e) if strand == "+" else np.arange(e - 1, s - 1, -1)
        pos.extend(rng_[: n - len(pos)].tolist())
        if len(pos) >= n:
            break
    return np.array(pos, dtype=np.int64)
