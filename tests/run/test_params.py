"""Parameters files and samplesheets: defaults, validation, one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from plantreg.errors import InputError
from plantreg.run.params import DEFAULTS, load_params
from plantreg.run.samplesheet import read_samplesheet
from plantreg.run.species_sheet import read_species_sheet
from tests.run.conftest import REPO, TEST_PARAMS, plantreg


def write_params(tmp_path: Path, **values: object) -> Path:
    path = tmp_path / "params.yaml"
    path.write_text(yaml.safe_dump(values))
    return path


def test_bundled_params_load_with_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    params = load_params(TEST_PARAMS)
    assert params["window_size"] == DEFAULTS["window_size"] == 1024
    assert Path(params["fasta"]).is_file()


def test_unknown_parameter_is_refused(tmp_path: Path) -> None:
    fasta = tmp_path / "g.fa"
    fasta.write_text(">c\nACGT\n")
    path = write_params(tmp_path, input=str(fasta), fasta=str(fasta), gff=str(fasta), windw=5)
    with pytest.raises(InputError, match="unknown parameter.*windw"):
        load_params(path)


def test_missing_required_and_bad_type(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="missing required parameter.*fasta"):
        load_params(write_params(tmp_path, input="x"))
    fasta = tmp_path / "g.fa"
    fasta.write_text(">c\nACGT\n")
    path = write_params(tmp_path, input=str(fasta), fasta=str(fasta), gff=str(fasta),
                        window_size="big")
    with pytest.raises(InputError, match="window_size.*is not of type integer"):
        load_params(path)


def test_missing_file_is_one_line_cli_error(tmp_path: Path) -> None:
    path = write_params(tmp_path, input="nope.csv", fasta="nope.fa", gff="nope.gff3")
    result = plantreg("run", str(path), "--outdir", str(tmp_path / "out"))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith("error: ") and str(path) in lines[-1] and "not found" in lines[-1]
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out" / "prepare_data").exists()


def test_samplesheet_validation(tmp_path: Path) -> None:
    sheet = tmp_path / "s.csv"
    sheet.write_text("sample,mark,type,file\nx,H3K4ME3,peakz,a.bed\n")
    with pytest.raises(InputError, match="line 2: type 'peakz'"):
        read_samplesheet(sheet)
    (tmp_path / "other.bw").write_bytes(b"")
    (tmp_path / "p.bed").write_bytes(b"")
    sheet.write_text("sample,mark,type,file\np,ATAC,peaks,p.bed\nx,H3K4ME3,signal,other.bw\n")
    with pytest.raises(InputError, match="named after its mark"):
        read_samplesheet(sheet)
    sheet.write_text("sample,mark,file\n")
    with pytest.raises(InputError, match="header must be"):
        read_samplesheet(sheet)


def test_species_sheet_paths_and_errors(tmp_path: Path) -> None:
    """Paths relative to the sheet's folder; a missing column, a missing file, a species listed
    twice or a bad name is one line naming the sheet (and the row)."""
    bundled = read_species_sheet(REPO / "assets" / "test_data" / "expression" / "species.csv")
    assert [s.name for s in bundled] == ["speciesA", "speciesB"]
    assert all(s.fasta.is_file() and s.gff.is_file() and s.expression.is_file() for s in bundled)
    for name in ("a.fa", "a.gff3", "a.tsv"):
        (tmp_path / name).write_text("")
    sheet = tmp_path / "species.csv"
    cases = {
        "species,fasta,gff\nA,a.fa,a.gff3\n": "header must be .*missing expression",
        "species,fasta,gff,expression\nA,a.fa,a.gff3,a.tsv\nA,a.fa,a.gff3,a.tsv\n":
            "line 3: same species as line 2: A",
        "species,fasta,gff,expression\nA,a.fa,a.gff3,nope.tsv\n":
            "line 2: A: expression file not found: .*nope.tsv",
        "species,fasta,gff,expression\nA B,a.fa,a.gff3,a.tsv\n": "line 2: species 'A B'",
        "species,fasta,gff,expression\nA,a.fa.gz,a.gff3,a.tsv\n": "line 2: fasta 'a.fa.gz'",
        "species,fasta,gff,expression\n": "no rows",
        "species,fasta,gff,expression,test\nA,a.fa,a.gff3,a.tsv,Chr1\n": "header must be",
        "species,fasta,gff,expression,test_chroms\nA,a.fa,a.gff3,a.tsv,Chr 1\n":
            "line 2: test_chroms 'Chr 1': .*separated by ';'",
    }
    for text, message in cases.items():
        sheet.write_text(text)
        with pytest.raises(InputError, match=message) as info:
            read_species_sheet(sheet)
        assert str(sheet) in str(info.value) and "\n" not in str(info.value)
    sheet.write_text(f"species,fasta,gff,expression\nA,{tmp_path / 'a.fa'},a.gff3,a.tsv\n")
    (row,) = read_species_sheet(sheet)
    assert row.fasta == tmp_path / "a.fa" and row.expression == tmp_path / "a.tsv"
    assert row.split_argv() == []


def test_species_sheet_names_held_out_chromosomes(tmp_path: Path) -> None:
    """Optional columns valid_chroms and test_chroms (';'-separated, empty = automatic) become
    the species' --valid-chroms / --test-chroms options of `expression dataset`."""
    for name in ("a.fa", "a.gff3", "a.tsv"):
        (tmp_path / name).write_text("")
    sheet = tmp_path / "species.csv"
    sheet.write_text("species,fasta,gff,expression,test_chroms,valid_chroms\n"
                     "A,a.fa,a.gff3,a.tsv,Chr5,Chr3;Chr4\nB,a.fa,a.gff3,a.tsv,,\n")
    a, b = read_species_sheet(sheet)
    assert (a.valid_chroms, a.test_chroms) == ("Chr3;Chr4", "Chr5")
    assert a.split_argv() == ["--valid-chroms", "A=Chr3;Chr4", "--test-chroms", "A=Chr5"]
    assert b.split_argv() == []


def test_bad_species_sheet_is_one_line_cli_error(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    sheet = tmp_path / "species.csv"
    sheet.write_text("species,fasta,gff\nA,a.fa,a.gff3\n")
    params = yaml.safe_load(TEST_PARAMS.read_text())
    params["expression_input"] = str(sheet)
    path = write_params(tmp_path, **params)
    with pytest.raises(InputError, match="header must be"):
        load_params(path)  # checked with the parameters, before any step (as nf-schema does)
    result = plantreg("run", str(path), "--outdir", str(tmp_path / "out"), "--dry-run")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith("error: ") and str(sheet) in lines[-1] and "header" in lines[-1]
    assert "Traceback" not in result.stderr
