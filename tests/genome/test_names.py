"""Chromosome names across FASTA, peaks, bigWigs and GFF3; the name map."""

from __future__ import annotations

import pandas as pd
import pytest

from plantreg.errors import InputError
from plantreg.genome.names import apply_name_map, check_names, read_name_map
from tests.tracks.builders import write_bed, write_bigwig, write_fasta

SIZES = {"Chr1": 300, "Chr2": 200, "ChrC": 100}


@pytest.fixture
def files(tmp_path):
    fasta = write_fasta(tmp_path / "genome.fa", {c: "ACGT" * (n // 4) for c, n in SIZES.items()})
    peaks = write_bed(tmp_path / "H3K4ME3_rep1.bed", [("1", 0, 10), ("Chr2", 5, 9)], header=True)
    bigwig = write_bigwig(tmp_path / "H3K4ME3.bw", {"1": 300, "2": 200, "C": 100}, {})
    gff = tmp_path / "genes.gff3"
    gff.write_text("##gff-version 3\nChr1\tt\tgene\t1\t50\t.\t+\t.\tID=a\n")
    files = [(peaks, "peaks"), (bigwig, "bigwig"), (gff, "gff")]
    return fasta, files, tmp_path


def test_mismatch_lists_offending_files(files) -> None:
    fasta, inputs, tmp = files
    report = tmp / "names.report.tsv"
    with pytest.raises(InputError) as err:
        check_names(fasta, inputs, report)
    message = str(err.value)
    peaks, bigwig, gff = (str(p) for p, _ in inputs)
    assert f"{peaks} (peaks): 1;" in message and f"{bigwig} (bigwig): 1, 2, C" in message
    assert gff not in message and "--name-map" in message
    rows = pd.read_csv(report, sep="\t")
    assert list(rows.columns) == ["file", "kind", "chrom", "status"]
    missing = rows[rows.status == "missing"]
    assert sorted(missing.chrom) == ["1", "1", "2", "C"]
    assert set(rows[rows.kind == "fasta"].chrom) == set(SIZES)


def test_name_map_fixes_it(files) -> None:
    fasta, inputs, tmp = files
    name_map = tmp / "map.tsv"
    name_map.write_text("1\tChr1\n2\tChr2\nC\tChrC\n")
    result = check_names(fasta, inputs, tmp / "r.tsv", name_map)
    assert not result.missing
    rows = pd.read_csv(tmp / "r.tsv", sep="\t", dtype=str)
    assert set(rows.status) == {"ok", "mapped:Chr1", "mapped:Chr2", "mapped:ChrC"}


def test_name_map_reading_and_applying(tmp_path) -> None:
    good = tmp_path / "m.tsv"
    good.write_text("# from\tto\nchr01\tChr1\n")
    mapping = read_name_map(good)
    frame = pd.DataFrame({"chrom": ["chr01", "chr02"], "start": [0, 1]})
    assert apply_name_map(frame, mapping)["chrom"].tolist() == ["Chr1", "chr02"]
    assert frame["chrom"].tolist() == ["chr01", "chr02"]  # the input is not modified
    bad = tmp_path / "bad.tsv"
    bad.write_text("chr01 Chr1\n")
    with pytest.raises(InputError, match=r"bad.tsv: line 1: expected 'from<TAB>to'"):
        read_name_map(bad)
