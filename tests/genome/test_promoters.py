"""Promoters against a table worked out by hand, and the sequences they cut out."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from plantreg.cli.main import main
from plantreg.genome.gff import read_gff
from plantreg.genome.promoters import compute_promoters
from tests.tracks.builders import random_seq, write_fasta

SIZES = {"Chr1": 10_000, "Chr2": 6_000}

# GFF3 is 1-based inclusive; the table below is 0-based half-open.
HAND_GFF = """\
##gff-version 3
Chr1\tt\tgene\t3001\t4000\t.\t+\t.\tID=G1
Chr1\tt\tmRNA\t3001\t4000\t.\t+\t.\tID=G1.1;Parent=G1
Chr1\tt\tCDS\t3101\t3400\t.\t+\t0\tID=c1;Parent=G1.1
Chr1\tt\tCDS\t3501\t3800\t.\t+\t0\tID=c1;Parent=G1.1
Chr1\tt\tgene\t5001\t6500\t.\t-\t.\tID=G2
Chr1\tt\tmRNA\t5001\t6500\t.\t-\t.\tID=G2.1;Parent=G2
Chr1\tt\tCDS\t5201\t5500\t.\t-\t0\tParent=G2.1
Chr1\tt\tmRNA\t5001\t6500\t.\t-\t.\tID=G2.2;Parent=G2
Chr1\tt\tCDS\t5101\t5300\t.\t-\t0\tParent=G2.2
Chr1\tt\tCDS\t5401\t6200\t.\t-\t0\tParent=G2.2
Chr1\tt\tgene\t7001\t7500\t.\t+\t.\tID=G5
Chr1\tt\tncRNA\t7001\t7500\t.\t+\t.\tID=G5.1;Parent=G5
Chr1\tt\texon\t7001\t7500\t.\t+\t.\tParent=G5.1
Chr1\tt\tgene\t101\t1500\t.\t-\t.\tID=G6
Chr1\tt\tmRNA\t101\t1500\t.\t-\t.\tID=G6.1;Parent=G6
Chr1\tt\tCDS\t101\t400\t.\t-\t0\tParent=G6.1
Chr2\tt\tgene\t901\t2000\t.\t+\t.\tID=G3
Chr2\tt\tmRNA\t901\t2000\t.\t+\t.\tID=G3.1;Parent=G3
Chr2\tt\tCDS\t1001\t1300\t.\t+\t0\tParent=G3.1
Chr2\tt\tgene\t4501\t5100\t.\t-\t.\tID=G4
Chr2\tt\tmRNA\t4501\t5100\t.\t-\t.\tID=G4.1;Parent=G4
Chr2\tt\tCDS\t4801\t5000\t.\t-\t0\tParent=G4.1
Chr2\tt\tgene\t3001\t3200\t.\t.\t.\tID=G7
Chr2\tt\tmRNA\t3001\t3200\t.\t.\t.\tID=G7.1;Parent=G7
Chr2\tt\tCDS\t3001\t3100\t.\t.\t0\tParent=G7.1
"""

# Worked by hand, upstream 2000, downstream 500 (p = 0-based first base of ATG):
# G1 +: CDS [3100,3400)+[3500,3800); p = 3100; [3100-2000, 3100+501) = [1100, 3601), 2501 bp.
# G2 -: G2.1 CDS 300 bp, G2.2 CDS 200+800 = 1000 bp (longer, second in file) → CDS end 6200;
#       p = 6199; [6199-500, 6199+2001) = [5699, 8200), 2501 bp.
# G6 -: p = 400-1 = 399; [399-500, 399+2001) = [-101, 2400) → [0, 2400): 101 bp lost on the
#       left, which is the 3' side on -; 2400 bp.
# G3 +: p = 1000; [-1000, 1501) → [0, 1501): 1000 bp lost on the 5' side; 1501 bp.
# G4 -: p = 4999; [4499, 7000) → [4499, 6000) (Chr2 is 6000 bp): 1000 bp lost on the right,
#       the 5' side on -; 1501 bp.
# G5 has no CDS, G7 has no strand: no promoter, listed in the report.
EXPECTED = [
    # gene_id chrom strand start_codon start end clipped_5p clipped_3p length
    ("G1", "Chr1", "+", 3100, 1100, 3601, 0, 0, 2501),
    ("G2", "Chr1", "-", 6199, 5699, 8200, 0, 0, 2501),
    ("G6", "Chr1", "-", 399, 0, 2400, 0, 101, 2400),
    ("G3", "Chr2", "+", 1000, 0, 1501, 1000, 0, 1501),
    ("G4", "Chr2", "-", 4999, 4499, 6000, 1000, 0, 1501),
]
REPORT = [("G5", "no CDS"), ("G7", "no strand")]

COMPLEMENT = {"A": "T", "C": "G", "G": "C", "T": "A", "N": "N"}


def revcomp(seq: str) -> str:
    return "".join(COMPLEMENT[b] for b in reversed(seq))


@pytest.fixture
def inputs(tmp_path):
    rng = np.random.default_rng(5)
    seqs = {c: list(random_seq(rng, n)) for c, n in SIZES.items()}
    # Plant the start codons: ATG on +, its reverse complement CAT ending at p on -.
    for chrom, p in [("Chr1", 3100), ("Chr2", 1000)]:
        seqs[chrom][p : p + 3] = "ATG"
    for chrom, p in [("Chr1", 6199), ("Chr1", 399), ("Chr2", 4999)]:
        seqs[chrom][p - 2 : p + 1] = "CAT"
    genome = {c: "".join(s) for c, s in seqs.items()}
    genome["Chr1"] = (
        genome["Chr1"][:5000] + genome["Chr1"][5000:7000].lower() + genome["Chr1"][7000:]
    )
    gff = tmp_path / "genes.gff3"
    gff.write_text(HAND_GFF)
    return write_fasta(tmp_path / "genome.fa", genome), gff, genome


def test_hand_checked_table(inputs) -> None:
    _, gff, _ = inputs
    table, report = compute_promoters(read_gff(gff), SIZES, 2000, 500)
    assert [tuple(r) for r in table.itertuples(index=False)] == EXPECTED
    assert [tuple(r) for r in report.itertuples(index=False)] == REPORT


def test_cli_outputs_and_sequences(inputs, tmp_path) -> None:
    fasta, gff, genome = inputs
    prefix = tmp_path / "out" / "promoters"
    with pytest.raises(SystemExit) as done:
        main(
            [
                "prep",
                "promoters",
                "--gff",
                str(gff),
                "--fasta",
                str(fasta),
                "--out-prefix",
                str(prefix),
            ]
        )
    assert done.value.code == 0
    tsv = pd.read_csv(f"{prefix}.tsv", sep="\t")
    assert [tuple(r) for r in tsv.itertuples(index=False)] == EXPECTED
    bed = pd.read_csv(f"{prefix}.bed", sep="\t", header=None)
    assert bed.values.tolist() == [[c, s, e, g, 0, st] for g, c, st, _, s, e, *_ in EXPECTED]
    report = pd.read_csv(f"{prefix}.report.tsv", sep="\t")
    assert [tuple(r) for r in report.itertuples(index=False)] == REPORT
    records = _read_fasta(f"{prefix}.fa")
    assert list(records) == [row[0] for row in EXPECTED]
    for gene, chrom, strand, _, start, end, clip5, _, length in EXPECTED:
        genomic = genome[chrom][start:end].upper()
        seq = records[gene]
        assert len(seq) == length
        assert seq == (genomic if strand == "+" else revcomp(genomic))
        # The start codon sits 2000 bases in (the 2001st base), less what the 5' clip removed.
        assert seq[2000 - clip5 : 2003 - clip5] == "ATG", gene


def test_longest_cds_tie_takes_first_transcript(tmp_path) -> None:
    gff = tmp_path / "tie.gff3"
    gff.write_text(
        "Chr1\tt\tgene\t1001\t3000\t.\t+\t.\tID=T\n"
        "Chr1\tt\tmRNA\t1001\t3000\t.\t+\t.\tID=T.1;Parent=T\n"
        "Chr1\tt\tCDS\t2001\t2300\t.\t+\t0\tParent=T.1\n"
        "Chr1\tt\tmRNA\t1001\t3000\t.\t+\t.\tID=T.2;Parent=T\n"
        "Chr1\tt\tCDS\t1501\t1800\t.\t+\t0\tParent=T.2\n"
    )
    table, _ = compute_promoters(read_gff(gff), SIZES, 2000, 500)
    assert table["start_codon"].tolist() == [2000]  # T.1 (first in file), not T.2 (1500)


def _read_fasta(path) -> dict[str, str]:
    records: dict[str, str] = {}
    name = None
    for line in open(path).read().splitlines():
        if line.startswith(">"):
            name = line[1:].split()[0]
            records[name] = ""
        else:
            records[name] += line
    return records
