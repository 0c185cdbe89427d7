"""Every bad input named by the PREPARE_DATA issue, through the real CLI: exit code 2, one line
`error: <file>: <problem>`, no traceback, and no output file left behind."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
A = REPO / "assets" / "test_data" / "speciesA"
B = REPO / "assets" / "test_data" / "speciesB"


@pytest.fixture(scope="module")
def genome(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private copy of species A's genome, so indexing never touches the committed files."""
    root = tmp_path_factory.mktemp("genome")
    for name in ("genome.fa", "genome.fa.fai", "genome.size", "genes.gff3"):
        shutil.copy2(A / name, root / name)
    return root


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def gff_without_cds(root: Path) -> Path:
    lines = (A / "genes.gff3").read_text().splitlines()
    return write(root / "nocds.gff3", "\n".join(x for x in lines if "\tCDS\t" not in x) + "\n")


def gff_duplicate_gene(root: Path) -> Path:
    lines = (A / "genes.gff3").read_text().splitlines()
    gene = next(x for x in lines if "\tgene\t" in x)
    return write(root / "dup.gff3", "\n".join([*lines, gene]) + "\n")


CASES = {
    "malformed FASTA": lambda g, t: (
        ["prep", "index", "--fasta", str(write(t / "bad.fa", "ACGT\n>chr1\nACGT\n")),
         "--out-sizes", str(t / "out.size")], t / "bad.fa", "header"),
    "bigWig on chromosomes absent from the FASTA": lambda g, t: (
        ["prep", "check-names", "--fasta", str(g / "genome.fa"),
         "--bigwig", str(B / "signal" / "H3K4ME3.bw"), "--out-report", str(t / "out.tsv")],
        B / "signal" / "H3K4ME3.bw", "chr01"),
    "peaks on chromosomes absent from the FASTA": lambda g, t: (
        ["prep", "merge-peaks", "--mark", "ATAC", "--sizes", str(g / "genome.size"),
         "--out", str(t / "out.bed"), str(B / "peaks" / "ATAC_leaf_rep1.narrowPeak")],
        B / "peaks" / "ATAC_leaf_rep1.narrowPeak", "chr01"),
    "peak end past chromosome end": lambda g, t: (
        ["prep", "merge-peaks", "--mark", "M", "--sizes", str(g / "genome.size"),
         "--out", str(t / "out.bed"),
         str(write(t / "past.bed", "Chr1\t100\t200\nChr4\t149990\t150010\n"))],
        t / "past.bed", "150000"),
    "empty peak file": lambda g, t: (
        ["prep", "merge-peaks", "--mark", "M", "--sizes", str(g / "genome.size"),
         "--out", str(t / "out.bed"), str(write(t / "empty.bed", ""))],
        t / "empty.bed", "no intervals"),
    "GFF3 without CDS for every gene": lambda g, t: (
        ["prep", "promoters", "--gff", str(gff_without_cds(t)), "--fasta", str(g / "genome.fa"),
         "--out-prefix", str(t / "out")], t / "nocds.gff3", "CDS"),
    "duplicate gene IDs": lambda g, t: (
        ["prep", "promoters", "--gff", str(gff_duplicate_gene(t)), "--fasta", str(g / "genome.fa"),
         "--out-prefix", str(t / "out")], t / "dup.gff3", "duplicate"),
    "window size larger than a chromosome": lambda g, t: (
        ["prep", "tile", "--fasta", str(g / "genome.fa"), "--window", "1000000",
         "--out-prefix", str(t / "out")], g / "genome.fa", "larger than every chromosome"),
    "split naming an unknown chromosome": lambda g, t: (
        ["prep", "split", "--sizes", str(g / "genome.size"), "--test-chroms", "Chr9",
         "--out", str(t / "out.json")], g / "genome.size", "Chr9"),
    "split leaving a set empty": lambda g, t: (
        ["prep", "split", "--sizes", str(g / "genome.size"), "--valid-chroms", "Chr1,Chr2,Chr3",
         "--test-chroms", "Chr4", "--out", str(t / "out.json")], g / "genome.size", "train"),
}


@pytest.mark.parametrize("case", CASES)
def test_bad_input_is_one_line(case: str, genome: Path, tmp_path: Path) -> None:
    argv, named_file, problem = CASES[case](genome, tmp_path)
    result = subprocess.run([sys.executable, "-m", "plantreg.cli.main", *argv],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 2, result.stderr
    lines = [line for line in result.stderr.splitlines() if " INFO " not in line]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert str(named_file) in lines[0] and problem in lines[0], lines[0]
    assert not list(tmp_path.glob(".*part"))
    if argv[1] == "check-names":
        # the name report is complete and is what the user reads to fix the mismatch
        assert "missing" in (tmp_path / "out.tsv").read_text()
    else:
        assert not list(tmp_path.glob("out*"))
