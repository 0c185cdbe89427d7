"""Parameters files and samplesheets: defaults, validation, one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from plantreg.errors import InputError
from plantreg.run.params import DEFAULTS, load_params
from plantreg.run.samplesheet import read_samplesheet
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
