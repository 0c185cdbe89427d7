"""`plantreg simulate` command line: refusals, README/motif files."""

from __future__ import annotations

from pathlib import Path

import pytest

from plantreg.cli.main import main
from tests.simulate.conftest import read_tsv


def _run(args: list[str]) -> int:
    with pytest.raises(SystemExit) as exc:
        main(args)
    return int(exc.value.code or 0)


def test_refuses_non_empty_outdir(tmp_path: Path, capsys) -> None:
    (tmp_path / "keep.txt").write_text("x")
    assert _run(["simulate", "--preset", "test", "--outdir", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(tmp_path) in err[0] and "--force" in err[0]
    assert (tmp_path / "keep.txt").read_text() == "x"


def test_unknown_preset_is_one_line(tmp_path: Path, capsys) -> None:
    assert _run(["simulate", "--preset", "huge", "--outdir", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "huge" in err[0]
    assert not (tmp_path / "o").exists()


def test_readme_and_motifs(sim: Path) -> None:
    readme = (sim / "README.md").read_text()
    assert "JASPAR" in readme and "CC BY 4.0" in readme
    motifs = read_tsv(sim / "motifs" / "motifs.tsv")
    assert list(motifs.columns) == ["tf", "jaspar_id", "name", "consensus"]
    assert len(motifs) == 12 and motifs["jaspar_id"].str.match(r"^MA\d{4}\.\d+$").all()
    meme = (sim / "motifs" / "motifs.meme").read_text()
    assert meme.count("\nMOTIF ") == 12
    assert not list(sim.parent.glob(".*tmp-*"))  # the temporary folder was renamed away
