"""Promoters around the annotated start codon (co-expression blueprint, contract).

Start codon ``p`` (0-based first base of the ATG in genome coordinates) comes from the transcript
with the longest total CDS (first in the file on ties): the smallest CDS start on ``+``, the
largest CDS end − 1 on ``−``. The promoter is ``[p − up, p + down + 1)`` on ``+`` and
``[p − down, p + up + 1)`` on ``−`` (upstream = larger coordinates on ``−``), 2,501 bp for the
defaults, clipped to the chromosome; bases lost are recorded per side (5′/3′ of the gene).
Sequences are upper-cased (soft-masking is ignored, contract) and reverse-complemented on ``−``.
Genes without a CDS or without a strand get no promoter; they are listed with the reason in the
report TSV, counted and logged.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from plantreg.errors import InputError
from plantreg.genome.fasta import open_fasta
from plantreg.genome.gff import Annotation
from plantreg.io import atomic_open

log = logging.getLogger(__name__)

COLUMNS = [
    "gene_id",
    "chrom",
    "strand",
    "start_codon",
    "start",
    "end",
    "clipped_5p",
    "clipped_3p",
    "length",
]
_COMPLEMENT = str.maketrans("ACGTRYKMBVDHNacgtrykmbvdhn", "TGCAYRMKVBHDNtgcayrmkvbhdn")


def reverse_complement(seq: str) -> str:
    return seq.translate(_COMPLEMENT)[::-1]


def _check_chroms(annotation: Annotation, sizes: Mapping[str, int]) -> None:
    unknown = sorted(set(annotation.genes["chrom"]) - set(sizes))
    if unknown:
        raise InputError(
            f"chromosome(s) not in the FASTA: {', '.join(unknown[:8])} (rename them in the GFF3)",
            annotation.path,
        )
    length = annotation.cds["chrom"].map(sizes)
    past = annotation.cds["end"] > length
    if past.any():
        row = annotation.cds[past].iloc[0]
        raise InputError(
            f"{int(past.sum())} CDS end(s) past the chromosome end, e.g. {row.transcript_id} "
            f"on {row.chrom} ends at {row.end} (length {sizes[row.chrom]})",
            annotation.path,
        )


def start_codons(annotation: Annotation) -> pd.DataFrame:
    """``gene_id, transcript_id, cds_start, cds_end`` of each gene's longest-CDS transcript."""
    cds = annotation.cds.assign(length=annotation.cds["end"] - annotation.cds["start"])
    keys = ["gene_id", "transcript_id"]
    per_tx = cds.groupby(keys, sort=False).agg(
        total=("length", "sum"),
        order=("transcript_order", "min"),
        cds_start=("start", "min"),
        cds_end=("end", "max"),
    )
    per_tx = per_tx.reset_index().sort_values(
        ["gene_id", "total", "order"], ascending=[True, False, True], kind="stable"
    )
    return per_tx.drop_duplicates("gene_id")[["gene_id", "transcript_id", "cds_start", "cds_end"]]


def compute_promoters(
    annotation: Annotation, sizes: Mapping[str, int], upstream: int = 2000, downstream: int = 500
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Promoter table (``COLUMNS``, GFF3 gene order) and the report of skipped genes."""
    if upstream < 0 or downstream < 0:
        raise ValueError("upstream and downstream must be >= 0")
    _check_chroms(annotation, sizes)
    genes = annotation.genes.merge(start_codons(annotation), on="gene_id", how="left")
    stranded = genes["strand"].isin(["+", "-"])
    has_cds = genes["cds_start"].notna()
    report = pd.concat(
        [
            pd.DataFrame({"gene_id": genes.loc[~has_cds, "gene_id"], "reason": "no CDS"}),
            pd.DataFrame(
                {"gene_id": genes.loc[has_cds & ~stranded, "gene_id"], "reason": "no strand"}
            ),
        ],
        ignore_index=True,
    )
    kept = genes[has_cds & stranded]
    plus = (kept["strand"] == "+").to_numpy()
    p = np.where(plus, kept["cds_start"], kept["cds_end"] - 1).astype(np.int64)
    window = window_table(kept[["gene_id", "chrom", "strand"]].assign(anchor=p), sizes,
                          upstream, downstream)
    table = pd.DataFrame(
        {
            "gene_id": kept["gene_id"].to_numpy(),
            "chrom": kept["chrom"].to_numpy(),
            "strand": kept["strand"].to_numpy(),
            "start_codon": p,
            "start": window["start"].to_numpy(),
            "end": window["end"].to_numpy(),
            "clipped_5p": window["pad_5p"].to_numpy(),
            "clipped_3p": window["pad_3p"].to_numpy(),
            "length": (window["end"] - window["start"]).to_numpy(),
        }
    )
    _log_summary(table, report)
    return table, report


def window_table(anchors: pd.DataFrame, sizes: dict[str, int], upstream: int,
                 downstream: int) -> pd.DataFrame:
    """Add ``start, end, pad_5p, pad_3p`` to a ``chrom, strand, anchor`` table: the window
    ``[anchor − upstream, anchor + downstream]`` read 5′→3′ of the gene, clipped to the chromosome,
    with the bases lost at each end of the gene (promoters here, expression windows too)."""
    plus = (anchors["strand"] == "+").to_numpy()
    a = anchors["anchor"].to_numpy(np.int64)
    lo = np.where(plus, a - upstream, a - downstream)
    hi = np.where(plus, a + downstream + 1, a + upstream + 1)
    length = anchors["chrom"].map(sizes).to_numpy(np.int64)
    cut_lo, cut_hi = np.maximum(0, -lo), np.maximum(0, hi - length)
    return anchors.assign(start=lo + cut_lo, end=hi - cut_hi,
                          pad_5p=np.where(plus, cut_lo, cut_hi),
                          pad_3p=np.where(plus, cut_hi, cut_lo))


def _log_summary(table: pd.DataFrame, report: pd.DataFrame) -> None:
    clipped = int(((table["clipped_5p"] > 0) | (table["clipped_3p"] > 0)).sum())
    log.info("%d promoters (%d clipped at a chromosome end)", len(table), clipped)
    for reason, n in report["reason"].value_counts().items():
        log.warning("%d gene(s) without a promoter: %s (listed in the report)", n, reason)


def write_promoters(
    table: pd.DataFrame, report: pd.DataFrame, fasta: str | Path, prefix: str | Path
) -> None:
    """Write ``{prefix}.fa``, ``.bed``, ``.tsv`` and ``.report.tsv`` (each atomically)."""
    prefix = str(prefix)
    with open_fasta(fasta) as genome, atomic_open(f"{prefix}.fa") as out:
        for row in table.itertuples(index=False):
            seq = genome.fetch(row.chrom, int(row.start), int(row.end)).upper()
            seq = reverse_complement(seq) if row.strand == "-" else seq
            out.write(f">{row.gene_id} {row.chrom}:{row.start}-{row.end}({row.strand})\n{seq}\n")
    bed = table[["chrom", "start", "end", "gene_id"]].assign(score=0, strand=table["strand"])
    with atomic_open(f"{prefix}.bed") as out:
        bed.to_csv(out, sep="\t", header=False, index=False)
    with atomic_open(f"{prefix}.tsv") as out:
        table[COLUMNS].to_csv(out, sep="\t", index=False)
    with atomic_open(f"{prefix}.report.tsv") as out:
        report.to_csv(out, sep="\t", index=False)
