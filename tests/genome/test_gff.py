"""GFF3 reading: hierarchy, coordinates, and one clear error per kind of bad input."""

from __future__ import annotations

import pytest

from plantreg.errors import InputError
from plantreg.genome.gff import read_gff

GFF = """\
##gff-version 3
# a comment
Chr1\tsrc\tgene\t101\t900\t.\t+\t.\tID=AT1G01010;Name=NAC001
Chr1\tsrc\tmRNA\t101\t900\t.\t+\t.\tID=AT1G01010.1;Parent=AT1G01010
Chr1\tsrc\texon\t101\t900\t.\t+\t.\tParent=AT1G01010.1
Chr1\tsrc\tCDS\t151\t300\t.\t+\t0\tID=cds.1;Parent=AT1G01010.1
Chr1\tsrc\tCDS\t401\t700\t.\t+\t0\tID=cds.1;Parent=AT1G01010.1
Chr1\tsrc\tpseudogene\t1001\t1200\t.\t-\t.\tID=AT1G01020
Chr1\tsrc\tncRNA_gene\t1301\t1400\t.\t+\t.\tID=gene%3Bodd
Chr1\tsrc\tgene\t2001\t2600\t.\t-\t.\tID=G4
Chr1\tsrc\tCDS\t2101\t2400\t.\t-\t0\tParent=G4
Chr1\tsrc\tCDS\t2001\t2050\t.\t-\t0\tParent=ghost.1
##FASTA
>Chr1
ACGT
"""


def test_hierarchy_and_coordinates(tmp_path) -> None:
    path = tmp_path / "genes.gff3"
    path.write_text(GFF)
    ann = read_gff(path)
    assert ann.genes["gene_id"].tolist() == ["AT1G01010", "AT1G01020", "gene;odd", "G4"]
    first = ann.genes.iloc[0]
    assert (first.chrom, first.start, first.end, first.strand) == ("Chr1", 100, 900, "+")
    cds = ann.cds.sort_values("start")
    # 1-based inclusive 151..300 → 0-based half-open [150, 300); a CDS parented by the gene
    # itself counts as its own transcript; the orphan CDS (Parent=ghost.1) is dropped and logged.
    assert cds[["gene_id", "transcript_id", "start", "end"]].values.tolist() == [
        ["AT1G01010", "AT1G01010.1", 150, 300],
        ["AT1G01010", "AT1G01010.1", 400, 700],
        ["G4", "G4", 2100, 2400],
    ]


def _write(tmp_path, body: str):
    path = tmp_path / "bad.gff3"
    path.write_text("##gff-version 3\n" + body)
    return path


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (
            "Chr1\tsrc\tgene\t1\t10\t.\t+\tID=a\n",
            "line 2: expected 9 tab-separated columns, found 8",
        ),
        ("Chr1\tsrc\tgene\tone\t10\t.\t+\t.\tID=a\n", "line 2: start/end 'one', '10' are not"),
        ("Chr1\tsrc\tgene\t20\t10\t.\t+\t.\tID=a\n", "line 2: need 1 <= start <= end"),
        ("Chr1\tsrc\tgene\t1\t10\t.\tx\t.\tID=a\n", "line 2: strand 'x'"),
        ("Chr1\tsrc\tgene\t1\t10\t.\t+\t.\tID a\n", "line 2: attribute 'ID a' is not key=value"),
        ("Chr1\tsrc\tgene\t1\t10\t.\t+\t.\tName=a\n", "line 2: gene feature has no ID"),
        ("", "no gene features"),
    ],
)
def test_malformed_lines(tmp_path, body: str, problem: str) -> None:
    path = _write(tmp_path, body)
    with pytest.raises(InputError) as err:
        read_gff(path)
    assert str(err.value).startswith(f"{path}: ") and problem in str(err.value)


def test_duplicate_gene_ids_are_listed(tmp_path) -> None:
    lines = [
        f"Chr1\tsrc\tgene\t{i}\t{i + 5}\t.\t+\t.\tID={g}"
        for i, g in enumerate(["A", "B", "A", "C", "B", "D"], start=1)
    ]
    path = _write(tmp_path, "\n".join(lines) + "\n")
    with pytest.raises(InputError, match=r"2 duplicate gene ID\(s\), e.g. A, B"):
        read_gff(path)


def test_no_gene_with_cds(tmp_path) -> None:
    body = (
        "Chr1\tsrc\tgene\t1\t100\t.\t+\t.\tID=A\n"
        "Chr1\tsrc\tmRNA\t1\t100\t.\t+\t.\tID=A.1;Parent=A\n"
        "Chr1\tsrc\texon\t1\t100\t.\t+\t.\tParent=A.1\n"
    )
    path = _write(tmp_path, body)
    with pytest.raises(InputError) as err:
        read_gff(path)
    assert str(err.value) == f"{path}: none of the 1 genes has a CDS (a GFF3 with CDS is needed)"
