"""A stage's sections appear only when its files are there (no crash without them), and bad input
ends in one `error:` line, as everywhere in plantreg."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.report.helpers import multiqc_table, section

EVALUATION = ("mark\tn_pos\tn_neg\tchance_auprc\tauroc\tauprc\tbaseline_auroc\tbaseline_auprc\n"
              "ATAC\t30\t70\t0.3\t0.91\t0.8\t0.66\t0.48\n"
              "H3K4ME3\t20\t80\t0.2\t0.74\t0.58\t0.52\t0.35\n")


def _results(root: Path, evaluation: str = EVALUATION) -> Path:
    """A results folder of PREPARE_DATA's split and TRAIN_CHROMATIN's evaluation only."""
    (root / "prepare_data/split").mkdir(parents=True)
    (root / "prepare_data/split/split.json").write_text(json.dumps(
        {"train": ["Chr1", "Chr4"], "valid": ["Chr2"], "test": ["Chr3"], "excluded": [],
         "method": "given"}))
    (root / "train_chromatin/evaluate").mkdir(parents=True)
    (root / "train_chromatin/evaluate/evaluation.tsv").write_text(evaluation)
    return root


def test_only_the_stages_there_have_sections(tmp_path: Path) -> None:
    results, out = _results(tmp_path / "results"), tmp_path / "report"
    assert run_cli("report", "multiqc", str(results), "--outdir", str(out)) == 0
    written = sorted(p.name for p in (out / "custom_content").iterdir())
    assert written == ["chromatin_mqc.tsv", "plantreg_mqc_versions.yml", "split_mqc.tsv"]
    html = (out / "multiqc_report.html").read_text()
    assert 'id="plantreg_chromatin"' in html and 'id="plantreg_split"' in html
    assert "plantreg_coexpression" not in html and "plantreg_parameters" not in html
    assert multiqc_table(out, "chromatin").loc["H3K4ME3", "auroc"] == pytest.approx(0.74)
    assert section(out, "split").loc["train", "count"] == 2


def test_nextflow_versions_are_listed_from_the_newest_table(tmp_path: Path) -> None:
    results, out = _results(tmp_path / "results"), tmp_path / "report"
    (results / "pipeline_info").mkdir()
    for time, version in (("2026-01-02_10-00-00", "0.0.9"), ("2026-01-03_09-00-00", "0.1.0")):
        (results / "pipeline_info" / f"plantreg_software_versions_{time}.tsv").write_text(
            f"process\ttool\tversion\nPLANTREG:PREPARE_DATA:PREP_SPLIT\tplantreg\t{version}\n")
    assert run_cli("report", "multiqc", str(results), "--outdir", str(out)) == 0
    shown = (out / "custom_content" / "plantreg_mqc_versions.yml").read_text()
    assert "PLANTREG:PREPARE_DATA:PREP_SPLIT:\n  plantreg: 0.1.0" in shown
    assert "plantreg report:" in shown and "multiqc:" in shown and "torch:" in shown


def test_a_stage_folder_not_there_is_left_out(tmp_path: Path) -> None:
    """`plantreg run --stage` may leave a later stage's folder unwritten: it is left out."""
    results, out = _results(tmp_path / "results"), tmp_path / "report"
    absent = results / "train_expression" / "evaluate"
    assert run_cli("report", "multiqc", str(results / "prepare_data"), str(absent),
                   "--outdir", str(out)) == 0
    assert sorted(p.name for p in (out / "custom_content").glob("*.tsv")) == ["split_mqc.tsv"]


@pytest.mark.parametrize(("case", "needle"), [
    ("missing", "nowhere: no such results folder or file"),
    ("empty", "no plantreg results found"),
    ("bad table", "evaluation.tsv: the table has no column(s) auroc"),
    ("bad params", "params.yaml: not valid YAML"),
])
def test_bad_input_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture, case: str,
                               needle: str) -> None:
    results = tmp_path / "results"
    args = [str(results), "--outdir", str(tmp_path / "report")]
    if case == "missing":
        args[0] = str(tmp_path / "nowhere")
    elif case == "empty":
        results.mkdir()
    elif case == "bad table":
        _results(results, EVALUATION.replace("\tauroc\t", "\tau_roc\t"))
    else:
        _results(results)
        (tmp_path / "params.yaml").write_text("outdir: [unclosed\n")
        args += ["--params", str(tmp_path / "params.yaml")]
    assert run_cli("report", "multiqc", *args) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("error: ") and needle in err[-1], err
    assert not any("Traceback" in line for line in err)
