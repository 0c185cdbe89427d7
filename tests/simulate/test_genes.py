"""GFF3 gene models: hierarchy, strands, non-coding genes, chromosome ends, start codons."""

from __future__ import annotations

from pathlib import Path

import pysam
import pytest

from tests.simulate.conftest import gff_table, read_sizes

_RC = str.maketrans("ACGTacgt", "TGCAtgca")


@pytest.mark.parametrize("species", ["speciesA", "speciesB"])
def test_gff_structure(sim: Path, species: str) -> None:
    gff = gff_table(sim / species / "genes.gff3")
    assert set(gff["type"]) == {"gene", "mRNA", "exon", "CDS", "five_prime_UTR",
                                "three_prime_UTR"}
    assert gff["id"].is_unique
    ids = set(gff["id"])
    children = gff[gff["type"] != "gene"]
    assert children["parent"].isin(ids).all()
    genes = gff[gff["type"] == "gene"]
    assert set(genes["strand"]) == {"+", "-"}
    assert len(genes) >= 200
    mrna_with_cds = set(gff.loc[gff["type"] == "CDS", "parent"])
    mrnas = gff[gff["type"] == "mRNA"]
    assert (~mrnas["id"].isin(mrna_with_cds)).sum() >= 2  # genes without CDS
    sizes = read_sizes(sim / species / "genome.size")
    length = genes["chrom"].map(sizes)
    dist_end = genes["start"].where(genes["start"] < length - genes["end"], length - genes["end"])
    assert (dist_end < 500).sum() >= 2  # genes hugging chromosome ends
    assert (genes["end"] <= length).all()


@pytest.mark.parametrize("species", ["speciesA", "speciesB"])
def test_cds_starts_with_atg(sim: Path, species: str) -> None:
    fa = pysam.FastaFile(str(sim / species / "genome.fa"))
    gff = gff_table(sim / species / "genes.gff3")
    cds = gff[gff["type"] == "CDS"]
    checked = {"+": 0, "-": 0}
    for _, segs in cds.groupby("parent"):
        strand = segs["strand"].iloc[0]
        segs = segs.sort_values("start")
        spliced = "".join(fa.fetch(c, s, e) for c, s, e in
                          zip(segs["chrom"], segs["start"], segs["end"], strict=True)).upper()
        if strand == "-":
            spliced = spliced.translate(_RC)[::-1]
        assert spliced.startswith("ATG"), segs["parent"].iloc[0]
        checked[strand] += 1
    assert checked["+"] > 50 and checked["-"] > 50
