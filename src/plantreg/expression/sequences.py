"""Sequences around each gene's anchor (its TSS, or the start codon as in the co-expression
stage), strand-aware, N-padded at chromosome ends with the padding recorded.

Window position ``i`` is genome base ``anchor - upstream + i`` on ``+`` and
``anchor + upstream - i`` on ``-`` (the anchor sits at ``i = upstream``; upstream is 5′ of the
gene on both strands). ``start, end`` is the genome interval of real sequence (0-based,
half-open); ``pad_5p`` / ``pad_3p`` count the N added at each end of the window.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from plantreg.genome.encode import N_CODE, reverse_complement
from plantreg.genome.fasta import fetch_codes, open_fasta
from plantreg.genome.gff import Annotation
from plantreg.genome.promoters import start_codons

ANCHORS = ("tss", "start_codon")


def gene_anchors(annotation: Annotation, anchor: str) -> tuple[pd.DataFrame, dict[str, int]]:
    """``gene_id, chrom, strand, anchor`` per usable gene, and counts of genes left out by reason
    (no strand; no CDS when anchoring at the start codon)."""
    if anchor not in ANCHORS:
        raise ValueError(f"anchor must be one of {ANCHORS}")
    genes = annotation.genes
    stranded = genes["strand"].isin(["+", "-"])
    dropped = {"no strand in the GFF3": int((~stranded).sum())}
    genes = genes[stranded]
    plus = (genes["strand"] == "+").to_numpy()
    if anchor == "tss":
        pos = np.where(plus, genes["start"], genes["end"] - 1)
        table = genes.assign(anchor=pos.astype(np.int64))
    else:
        codons = start_codons(annotation).set_index("gene_id")
        table = genes.join(codons, on="gene_id", how="inner")
        dropped["no CDS (no start codon)"] = int(len(genes) - len(table))
        tplus = (table["strand"] == "+").to_numpy()
        pos = np.where(tplus, table["cds_start"], table["cds_end"] - 1)
        table = table.assign(anchor=pos.astype(np.int64))
    return table[["gene_id", "chrom", "strand", "anchor"]].reset_index(drop=True), dropped


def extract_codes(fasta: str, windows: pd.DataFrame, upstream: int, downstream: int) -> np.ndarray:
    """``(n, upstream + downstream + 1)`` uint8 codes, 5′→3′ of each gene, N where padded."""
    length = upstream + downstream + 1
    out = np.full((len(windows), length), N_CODE, dtype=np.uint8)
    with open_fasta(fasta) as genome:
        for i, row in enumerate(windows.itertuples(index=False)):
            codes = fetch_codes(genome, row.chrom, int(row.start), int(row.end))
            if row.strand == "-":
                codes = reverse_complement(codes)
            out[i, row.pad_5p:length - row.pad_3p] = codes
    return out
