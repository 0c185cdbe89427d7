"""Gene models: random plant-like exon/intron structures, their coding sequence, and GFF3 output.

A gene is kept as a feature table (one row per gene/mRNA/exon/CDS/UTR), so that species B can be
rebuilt from lifted coordinates with the same writer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

FEATURE_ORDER = {
    "gene": 0, "mRNA": 1, "exon": 2, "five_prime_UTR": 3, "CDS": 4, "three_prime_UTR": 5
}
_STOPS = {"TAA", "TAG", "TGA"}
_SENSE = np.array(
    [a + b + c for a in "ACGT" for b in "ACGT" for c in "ACGT" if a + b + c not in _STOPS]
)
_COMP = bytes.maketrans(b"ACGTacgt", b"TGCAtgca")


@dataclass
class GeneModel:
    gene_id: str
    chrom: str
    strand: str
    exons: list[tuple[int, int]]  # transcript order, offsets along the transcript direction
    cds: tuple[int, int] | None  # spliced transcript coordinates of the CDS
    origin: int = 0  # genomic position of the TSS (+) or of the gene's last base + 1 (-)
    attrs: dict = field(default_factory=dict)

    @property
    def span(self) -> int:
        return self.exons[-1][1]

    def to_genome(self, a: int, b: int) -> tuple[int, int]:
        """Relative [a, b) along the transcript direction -> genomic half-open interval."""
        if self.strand == "+":
            return self.origin + a, self.origin + b
        return self.origin - b, self.origin - a


def sample_structure(rng: np.random.Generator, coding: bool) -> tuple[list, tuple | None]:
    n_ex = 1 + min(int(rng.poisson(2.5)), 9)
    ex_len = rng.integers(80, 350, n_ex)
    intr = rng.integers(70, 300, max(n_ex - 1, 0))  # plant introns are short
    starts = np.concatenate([[0], np.cumsum(ex_len[:-1] + intr)])
    cds = None
    if coding:
        u5, u3 = int(rng.integers(30, 200)), int(rng.integers(60, 300))
        short = 150 - (int(ex_len.sum()) - u5 - u3)
        if short > 0:  # make room for at least 50 codons
            ex_len[-1] += short
        cds_len = (int(ex_len.sum()) - u5 - u3) // 3 * 3
        cds = (u5, u5 + cds_len)
    exons = [(int(s), int(s + n)) for s, n in zip(starts, ex_len, strict=True)]
    return exons, cds


def _spliced_segments(exons: list, lo: int, hi: int) -> list[tuple[int, int]]:
    """Relative (unspliced) segments covering spliced transcript range [lo, hi)."""
    out, cum = [], 0
    for s, e in exons:
        a, b = max(lo, cum), min(hi, cum + e - s)
        if a < b:
            out.append((s + a - cum, s + b - cum))
        cum += e - s
    return out


def coding_sequence(rng: np.random.Generator, n_bases: int) -> bytes:
    n_codons = n_bases // 3
    body = rng.choice(_SENSE, n_codons - 2)
    stop = rng.choice(sorted(_STOPS))
    return ("ATG" + "".join(body) + stop).encode()


def write_gene_sequence(seq: np.ndarray, gene: GeneModel, rng: np.random.Generator) -> None:
    """Write CDS codons and GT..AG splice sites into ``seq`` (uint8 ASCII) in place."""
    for (_, e1), (s2, _) in zip(gene.exons[:-1], gene.exons[1:], strict=True):
        _write(seq, gene, e1, b"GT")
        _write(seq, gene, s2 - 2, b"AG")
    if gene.cds is None:
        return
    segs = _spliced_segments(gene.exons, *gene.cds)
    rel = np.concatenate([np.arange(s, e) for s, e in segs])
    cds = np.frombuffer(coding_sequence(rng, rel.size), dtype=np.uint8)
    if gene.strand == "+":
        seq[gene.origin + rel] = cds
    else:
        seq[gene.origin - 1 - rel] = np.frombuffer(cds.tobytes().translate(_COMP), np.uint8)


def _write(seq: np.ndarray, gene: GeneModel, rel: int, bases: bytes) -> None:
    arr = np.frombuffer(bases, dtype=np.uint8)
    pos = rel + np.arange(len(bases))
    if gene.strand == "+":
        seq[gene.origin + pos] = arr
    else:
        seq[gene.origin - 1 - pos] = np.frombuffer(bases.translate(_COMP), np.uint8)


def feature_rows(gene: GeneModel) -> list[dict]:
    """gene, mRNA, exon, UTR and CDS rows (genomic coordinates) for one gene model."""
    tx = f"{gene.gene_id}.1"
    g0, g1 = gene.to_genome(0, gene.span)
    rows = [
        dict(id=gene.gene_id, parent="", type="gene", start=g0, end=g1),
        dict(id=tx, parent=gene.gene_id, type="mRNA", start=g0, end=g1),
    ]
    for i, (s, e) in enumerate(gene.exons, 1):
        rows.append(dict(id=f"{tx}.exon{i}", parent=tx, type="exon", start=s, end=e))
    if gene.cds is not None:
        n_tx = sum(e - s for s, e in gene.exons)
        parts = [
            ("five_prime_UTR", "utr5", (0, gene.cds[0])),
            ("CDS", "cds", gene.cds),
            ("three_prime_UTR", "utr3", (gene.cds[1], n_tx)),
        ]
        for ftype, tag, (lo, hi) in parts:
            for i, (s, e) in enumerate(_spliced_segments(gene.exons, lo, hi), 1):
                rows.append(dict(id=f"{tx}.{tag}{i}", parent=tx, type=ftype, start=s, end=e))
    for row in rows[2:]:
        row["start"], row["end"] = gene.to_genome(row["start"], row["end"])
    for row in rows:
        row.update(chrom=gene.chrom, strand=gene.strand, gene_id=gene.gene_id)
    return rows


def cds_phases(features: pd.DataFrame) -> pd.Series:
    """GFF3 phase of each CDS row (transcript order), '.' for everything else."""
    phase = pd.Series(".", index=features.index, dtype=object)
    cds = features[features["type"] == "CDS"]
    for _, grp in cds.groupby("parent", sort=False):
        grp = grp.sort_values("start", ascending=grp["strand"].iloc[0] == "+")
        done = np.concatenate([[0], np.cumsum((grp["end"] - grp["start"]).to_numpy())[:-1]])
        phase[grp.index] = ((3 - done % 3) % 3).astype(str)
    return phase


def write_gff3(path: Path, features: pd.DataFrame, sizes: dict[str, int], source: str) -> None:
    """GFF3 with ID/Parent attributes; genes in genome order, children after their parents."""
    order = {c: i for i, c in enumerate(sizes)}
    f = features.copy()
    f["phase"] = cds_phases(f)
    gene_pos = f[f["type"] == "gene"].set_index("gene_id")["start"]
    f["_c"] = f["chrom"].map(order)
    f["_g"] = f["gene_id"].map(gene_pos)
    f["_t"] = f["type"].map(FEATURE_ORDER)
    f = f.sort_values(["_c", "_g", "gene_id", "_t", "start", "id"], kind="stable")
    lines = ["##gff-version 3"]
    lines += [f"##sequence-region {c} 1 {n}" for c, n in sizes.items()]
    for r in f.itertuples(index=False):
        attrs = f"ID={r.id}" + (f";Parent={r.parent}" if r.parent else "")
        if r.type == "gene":
            attrs += f";Name={r.id}"
        cols = [r.chrom, source, r.type, r.start + 1, r.end, ".", r.strand, r.phase, attrs]
        lines.append("\t".join(map(str, cols)))
    path.write_text("\n".join(lines) + "\n")


def genes_table(features: pd.DataFrame) -> pd.DataFrame:
    """One row per gene: coordinates, strand, TSS and start codon (-1 when there is no CDS)."""
    genes = features[features["type"] == "gene"][["id", "chrom", "start", "end", "strand"]]
    genes = genes.rename(columns={"id": "gene_id"}).reset_index(drop=True)
    cds = features[features["type"] == "CDS"]
    first = cds.groupby("gene_id").agg(lo=("start", "min"), hi=("end", "max"))
    genes = genes.join(first, on="gene_id")
    plus = genes["strand"] == "+"
    genes["tss"] = np.where(plus, genes["start"], genes["end"] - 1)
    codon = np.where(plus, genes["lo"], genes["hi"] - 1)
    genes["start_codon"] = np.where(genes["lo"].isna(), -1, codon).astype("int64")
    genes["coding"] = (~genes["lo"].isna()).astype(int)
    return genes.drop(columns=["lo", "hi"])
