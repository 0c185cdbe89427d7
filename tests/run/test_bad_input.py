"""The issue's bad parameters and samplesheets, through the real CLI: each is refused with one
`error:` line naming the file and the problem, exit 2, before any step writes anything; and mark
or TF names that hold dots and dashes pass."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from plantreg.run.samplesheet import read_samplesheet
from tests.conftest import bundled_params
from tests.run.conftest import REPO, plantreg

SPECIES_A = REPO / "assets" / "test_data" / "speciesA"


_params = bundled_params


def _refused(tmp_path: Path, params: Path, *needles: str) -> None:
    out = tmp_path / "out"
    result = plantreg("run", str(params), "--outdir", str(out), "--work-dir", str(tmp_path / "w"))
    assert result.returncode == 2, result.stderr[-2000:]
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("error: ") and "Traceback" not in result.stderr
    for needle in needles:
        assert needle in last, last
    assert not (out / "prepare_data").exists()


@pytest.mark.parametrize(
    ("values", "needles"),
    [
        ({"chromatin_preset": "huge"}, ("chromatin_preset", "'huge' is not one of small, full")),
        ({"window_size": -5}, ("window_size", "minimum")),
        ({"conservation_ensemble": 0}, ("conservation_ensemble", "minimum")),
        ({"window_size": "big"}, ("window_size", "integer")),
        ({"chromatin_class_weights": "yes"}, ("chromatin_class_weights", "boolean")),
        ({"overlap_mode": "any"}, ("overlap_mode", "not one of")),
        ({"windw": 5}, ("unknown parameter", "windw")),
        ({"fasta": "assets/test_data/speciesA/genome.fa.gz"}, ("fasta", "uncompressed")),
        ({"chromatin_lr": "1e-4"}, ("chromatin_lr", "write 1.0e-4")),
        ({"target_truth": None, "target_peaks": "assets/test_data/speciesB/peaks/none.bed"},
         ("target_peaks", "file not found", "none.bed")),
    ],
)
def test_bad_parameters(tmp_path: Path, values: dict, needles: tuple[str, ...]) -> None:
    _refused(tmp_path, _params(tmp_path, **values), str(tmp_path / "params.yaml"), *needles)


def _sheet(tmp_path: Path, rows: list[str]) -> Path:
    data = tmp_path / "data"
    if not data.exists():
        shutil.copytree(SPECIES_A, data, ignore=shutil.ignore_patterns("*.fai"))
    sheet = data / "sheet.csv"
    sheet.write_text("sample,mark,type,file\n" + "\n".join(rows) + "\n")
    return sheet


PEAK = "ATAC_rep1,ATAC,peaks,peaks/ATAC_leaf_rep1.narrowPeak"


@pytest.mark.parametrize(
    ("rows", "needles"),
    [
        (["x,H3K4ME3,signal,signal/H3K4ME3.bw"], ("at least one row of type peaks",)),
        ([PEAK, PEAK], ("line 3", "same sample and type as line 2")),
        (["bad name!,ATAC,peaks,peaks/ATAC_leaf_rep1.narrowPeak"],
         ("line 2", "sample 'bad name!'")),
        ([PEAK, "t,PK0 2,dapseq,dapseq/x.bw"], ("line 3", "mark 'PK0 2'")),
        (["x,ATAC,peaks,peaks/ATAC.txt"], ("line 2", "must end in .bed")),
    ],
)
def test_bad_samplesheets(tmp_path: Path, rows: list[str], needles: tuple[str, ...]) -> None:
    sheet = _sheet(tmp_path, rows)
    _refused(tmp_path, _params(tmp_path, input=str(sheet)), str(sheet), *needles)


def test_marks_and_tfs_may_hold_dots_and_dashes(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(SPECIES_A, data, ignore=shutil.ignore_patterns("*.fai"))
    bigwig = next((data / "dapseq").glob("*.bw"))
    for name in ("PK02532.1.bw", "DOF4.7.bigWig", "ARF-2.bw"):
        shutil.copy(bigwig, data / "dapseq" / name)
    sheet = _sheet(tmp_path, [PEAK, "t1,PK02532.1,dapseq,dapseq/PK02532.1.bw",
                              "t2,DOF4.7,dapseq,dapseq/DOF4.7.bigWig",
                              "t3,ARF-2,dapseq,dapseq/ARF-2.bw"])
    rows = read_samplesheet(sheet)
    assert [r.mark for r in rows] == ["ATAC", "PK02532.1", "DOF4.7", "ARF-2"]
    wrong = _sheet(tmp_path, [PEAK, "t1,PK02532.2,dapseq,dapseq/PK02532.1.bw"])
    _refused(tmp_path, _params(tmp_path, input=str(wrong)), "line 3",
             "named after its mark (PK02532.2.bw), got PK02532.1.bw")
