"""`plantreg expression dataset`: windows, padding, targets, split, report and bad input."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from plantreg.errors import InputError
from plantreg.expression.dataset import (
    DatasetSettings,
    SpeciesInput,
    build_dataset,
    load_dataset,
    write_dataset,
)
from plantreg.expression.families import keep_families_apart
from plantreg.genome.encode import decode
from tests.conftest import REPO, run_cli

SET = REPO / "assets" / "test_data" / "expression"


def _bundled(name: str) -> SpeciesInput:
    return SpeciesInput(name, str(SET / name / "genome.fa"), str(SET / name / "genes.gff3"),
                        str(SET / name / "tpm.tsv"))


def _messy(tmp_path: Path, table_rows: list[str] | None = None) -> SpeciesInput:
    """Scaffold-level shapes: a gene at each chromosome end (both strands), a gene without a
    CDS, a soft-masked base, names like 1 / Pt / scaffold_812."""
    seq1 = "acgt" + "ACGT" * 40  # 164 bp, soft-masked start
    fasta = tmp_path / "g.fa"
    fasta.write_text(f">1\n{seq1}\n>Pt\n{'GGCC' * 30}\n>scaffold_812\n{'AT' * 20}\n")
    gff = tmp_path / "g.gff3"
    gff.write_text("\n".join([
        "##gff-version 3",
        "1\tx\tgene\t5\t40\t.\t+\t.\tID=gPlus",   # TSS at base 4 (0-based): 5′ padding
        "1\tx\tCDS\t10\t30\t.\t+\t0\tParent=gPlus",
        "1\tx\tgene\t120\t162\t.\t-\t.\tID=gMinus",  # TSS at 161: 5′ padding past the end
        "1\tx\tCDS\t130\t150\t.\t-\t0\tParent=gMinus",
        "Pt\tx\tgene\t20\t60\t.\t+\t.\tID=gNoCds",
        "scaffold_812\tx\tgene\t5\t30\t.\t+\t.\tID=gScaf",
        "scaffold_812\tx\tCDS\t8\t20\t.\t+\t0\tParent=gScaf",
    ]) + "\n")
    table = tmp_path / "t.tsv"
    rows = table_rows or ["gPlus\t5\t1", "gMinus\t0\t9", "gNoCds\t3\t3", "gScaf\t2\t2"]
    table.write_text("gene_id\tleaf\troot\n" + "\n".join(rows) + "\n")
    return SpeciesInput("messy", str(fasta), str(gff), str(table))


def test_windows_are_oriented_padded_and_recorded(tmp_path: Path) -> None:
    from plantreg.expression.dataset import _species_genes

    sp = _messy(tmp_path)
    sizes = {"1": 164, "Pt": 120, "scaffold_812": 40}
    genes, raw, outputs, dropped = _species_genes(sp, DatasetSettings(upstream=10, downstream=5),
                                                  sizes)
    row = genes.set_index("gene_id")
    assert row.loc["gPlus", "anchor"] == 4 and row.loc["gPlus", "pad_5p"] == 6
    assert row.loc["gMinus", "anchor"] == 161 and row.loc["gMinus", "pad_5p"] == 8
    assert row.loc["gMinus", "pad_3p"] == 0
    assert outputs == ["max"]
    np.testing.assert_allclose(raw[:, 0], np.log1p([5, 9, 3, 2]))
    from plantreg.expression.sequences import extract_codes

    codes = extract_codes(sp.fasta, genes, 10, 5)
    plus = decode(codes[0])
    assert plus == "N" * 6 + "ACGTACGTAC"  # soft-masked bases read as upper case
    minus = decode(codes[1])  # reverse complement of [156, 164) then 8 N
    assert minus == "N" * 8 + "ACGTACGT"[::-1].translate(str.maketrans("ACGT", "TGCA"))
    assert dropped["no strand in the GFF3"] == 0


def test_start_codon_anchor_drops_genes_without_cds(tmp_path: Path) -> None:
    from plantreg.expression.dataset import _species_genes

    sizes = {"1": 164, "Pt": 120, "scaffold_812": 40}
    genes, _, _, dropped = _species_genes(
        _messy(tmp_path), DatasetSettings(upstream=10, downstream=5, anchor="start_codon"), sizes)
    assert "gNoCds" not in set(genes["gene_id"])
    assert dropped["no CDS (no start codon)"] == 1
    assert genes.set_index("gene_id").loc["gMinus", "anchor"] == 149


def test_bundled_dataset_split_by_chromosome_and_scaled_on_training_genes(tmp_path: Path) -> None:
    data = build_dataset([_bundled("speciesA"), _bundled("speciesB")],
                         DatasetSettings(upstream=100, downstream=20))
    write_dataset(data, tmp_path / "d")
    back = load_dataset(tmp_path / "d")
    assert back.codes.shape == (len(back.gene_id), 121)
    for i, name in enumerate(back.meta["species"]):
        mine = back.genes[back.genes["species"] == name]
        for role, chroms in back.meta["splits"][name].items():
            if role in ("train", "valid", "test"):
                assert set(mine.loc[mine["split"] == role, "chrom"]) <= set(chroms)
        train = (back.species == i) & (back.split == 0)
        assert abs(back.target[train].mean()) < 1e-5 and abs(back.target[train].std() - 1) < 1e-4
        held = (back.species == i) & (back.split == 2)
        assert abs(back.target[held].mean()) > 1e-4  # test genes were not used for the scaling
    report = pd.read_csv(tmp_path / "d" / "report.tsv", sep="\t")
    assert report.loc[report["reason"] == "used", "count"].sum() == len(back.gene_id)


def test_bad_rows_are_counted_and_a_table_of_nothing_usable_refused(tmp_path: Path) -> None:
    from plantreg.expression.table import read_expression_table

    sp = _messy(tmp_path, ["gPlus\t5\t1", "gMinus\tNaN\t9", "gNoCds\t-3\t3", "gScaf\t2\t2",
                           "gScaf\t2\t2", "ghost\t1\t1"])
    table, dropped = read_expression_table(sp.table)
    assert dropped == {"duplicate gene ID in the table": 2, "NaN value": 1, "negative value": 1}
    assert list(table["gene_id"]) == ["gPlus", "ghost"]
    bad = _messy(tmp_path, ["gPlus\t-1\t1", "gMinus\tNaN\t9"])
    with pytest.raises(InputError, match="no usable row"):
        read_expression_table(bad.table)


@pytest.mark.parametrize("rows, message", [
    (["nope1\t1\t1", "nope2\t2\t2"], "no gene ID of the table is a gene"),
    (["gPlus\t-1\t1", "gMinus\tNaN\t9"], "no usable row"),
    (["gPlus\tlots\t1"], "not numbers"),
])
def test_bad_table_is_one_line_exit_2_and_nothing_written(tmp_path: Path, rows, message,
                                                          capsys) -> None:
    sp = _messy(tmp_path, rows)
    out = tmp_path / "out"
    code = run_cli("expression", "dataset", "--species", sp.name, "--fasta", sp.fasta,
                   "--gff", sp.gff, "--expression", sp.table, "--outdir", str(out),
                   "--upstream", "10", "--downstream", "5")
    err = capsys.readouterr().err
    assert code == 2
    assert message in err and "Traceback" not in err and sp.table in err
    assert not out.exists()


def test_families_keep_held_out_members_apart() -> None:
    split = np.array([0, 2, 0, 1, 0], dtype=np.int8)
    out, moved = keep_families_apart(np.array(["a", "b", "c", "d", "e"]), split,
                                     {"a": "F1", "b": "F1", "c": "F2", "d": "F2"})
    assert out.tolist() == [-1, 2, -1, 1, 0] and moved == 2


def test_bad_family_table_and_mismatched_tissues_are_one_line_errors(tmp_path: Path,
                                                                     capsys) -> None:
    sp = _messy(tmp_path)
    families = tmp_path / "fam.tsv"
    families.write_text("gene\tfam\ngPlus\tF1\n")
    base = ["expression", "dataset", "--species", sp.name, "--fasta", sp.fasta, "--gff", sp.gff,
            "--expression", sp.table, "--upstream", "10", "--downstream", "5"]
    assert run_cli(*base, "--families", str(families), "--outdir", str(tmp_path / "o1")) == 2
    err = capsys.readouterr().err
    assert "header 'gene_id<TAB>family'" in err and str(families) in err
    a, b = _bundled("speciesA"), _bundled("speciesB")
    table = tmp_path / "b.tsv"
    ids = pd.read_csv(b.table, sep="\t")["gene_id"]
    pd.DataFrame({"gene_id": ids, "leaf": 1.0, "stem": 2.0}).to_csv(table, sep="\t", index=False)
    code = run_cli("expression", "dataset", "--species", a.name, "--fasta", a.fasta, "--gff", a.gff,
                   "--expression", a.table, "--species", b.name, "--fasta", b.fasta,
                   "--gff", b.gff, "--expression", str(table), "--target", "tissues",
                   "--upstream", "10", "--downstream", "5", "--outdir", str(tmp_path / "o2"))
    err = capsys.readouterr().err
    assert code == 2 and "tissue columns ['leaf', 'stem'] differ" in err
    assert str(table) in err and "Traceback" not in err
    assert not (tmp_path / "o1").exists() and not (tmp_path / "o2").exists()


def test_genome_without_chromosomes_to_hold_out_is_a_clear_error(tmp_path: Path,
                                                                 capsys) -> None:
    sp = _messy(tmp_path)
    code = run_cli("expression", "dataset", "--species", sp.name, "--fasta", sp.fasta,
                   "--gff", sp.gff, "--expression", sp.table, "--upstream", "10",
                   "--downstream", "5", "--outdir", str(tmp_path / "out"))
    err = capsys.readouterr().err
    assert code == 2 and "messy: cannot hold out" in err and sp.fasta in err
    assert "--valid-chroms" not in err and not (tmp_path / "out").exists()


def test_held_out_chromosomes_can_be_named_per_species(tmp_path: Path) -> None:
    """--valid-chroms / --test-chroms (the species sheet's columns) replace the automatic choice
    for the species they name; the other species keeps it."""
    a, b = _bundled("speciesA"), _bundled("speciesB")
    out = tmp_path / "d"
    code = run_cli("expression", "dataset", *[x for sp in (a, b) for x in (
        "--species", sp.name, "--fasta", sp.fasta, "--gff", sp.gff, "--expression", sp.table)],
                   "--test-chroms", "speciesA=Chr2", "--valid-chroms", "speciesA=Chr3;Chr4",
                   "--upstream", "50", "--downstream", "10", "--outdir", str(out))
    assert code == 0
    back = load_dataset(out)
    split = back.meta["splits"]["speciesA"]
    assert (split["train"], split["valid"], split["test"]) == (["Chr1"], ["Chr3", "Chr4"],
                                                               ["Chr2"])
    assert "valid: explicit" in split["method"] and "test: explicit" in split["method"]
    assert "automatic" in back.meta["splits"]["speciesB"]["method"]
    mine = back.genes[back.genes["species"] == "speciesA"]
    assert set(mine.loc[mine["split"] == "test", "chrom"]) == {"Chr2"}


def test_named_chromosomes_let_a_scaffold_genome_be_split(tmp_path: Path) -> None:
    sp = _messy(tmp_path)
    base = ["expression", "dataset", "--species", sp.name, "--fasta", sp.fasta, "--gff", sp.gff,
            "--expression", sp.table, "--upstream", "10", "--downstream", "5"]
    assert run_cli(*base, "--valid-chroms", "messy=Pt", "--test-chroms", "messy=scaffold_812",
                   "--outdir", str(tmp_path / "ok")) == 0
    assert load_dataset(tmp_path / "ok").meta["splits"]["messy"]["train"] == ["1"]


@pytest.mark.parametrize("options, message", [
    (["--test-chroms", "messy=Chr9", "--valid-chroms", "messy=Pt"],
     "messy: --test-chroms names 'Chr9', which is not a chromosome"),
    (["--test-chroms", "messy=Pt", "--valid-chroms", "messy=Pt"], "in both"),
    (["--test-chroms", "other=Pt"], "names species 'other', which no --species gives"),
    (["--test-chroms", "Pt"], "takes SPECIES=CHR"),
    (["--test-chroms", "messy=Pt", "--test-chroms", "messy=1"], "given twice"),
])
def test_bad_held_out_chromosomes_are_one_line_errors(tmp_path: Path, capsys, options,
                                                       message) -> None:
    sp = _messy(tmp_path)
    code = run_cli("expression", "dataset", "--species", sp.name, "--fasta", sp.fasta,
                   "--gff", sp.gff, "--expression", sp.table, "--upstream", "10",
                   "--downstream", "5", *options, "--outdir", str(tmp_path / "out"))
    err = capsys.readouterr().err
    assert code == 2 and message in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1 and not (tmp_path / "out").exists()
