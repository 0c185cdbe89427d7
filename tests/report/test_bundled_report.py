"""The report of the bundled run, built by both executors' steps: `plantreg run`'s last step, and
MULTIQC's script rendered by Groovy as Nextflow would run it, in a task folder staged as Nextflow
stages it. Its tables hold the run's own figures, read back from the report."""

from __future__ import annotations

import json
import os
from dataclasses import replace
from fnmatch import fnmatch
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from plantreg import __version__
from plantreg.run.params import load_params
from plantreg.run.report import report_steps, run_params
from tests.conftest import REPO, TEST_PARAMS, run_cli
from tests.report.helpers import multiqc_table, section
from tests.run.test_argv_equality import _tasks

SECTIONS = ("split", "windows", "promoters", "chromatin", "cross_species",
            "cross_species_windows", "coexpression", "conservation_search", "conservation",
            "tfbs", "expression", "expression_cre", "parameters")
# section -> (stage table, its row column, the columns the section copies)
LONG = {
    "chromatin": ("train_chromatin/evaluate/evaluation.tsv", "mark",
                  ["auroc", "auprc", "baseline_auroc", "baseline_auprc", "n_pos"]),
    "cross_species": ("cross_species_inference/score/evaluation.tsv", "mark",
                      ["auroc", "auprc", "baseline_auroc", "baseline_auprc"]),
    "cross_species_windows": ("cross_species_inference/score/score.report.tsv", "chrom",
                              ["scored", "dropped_n"]),
    "windows": ("prepare_data/windows/windows.report.tsv", "chrom", ["grid", "dropped_n"]),
    "tfbs": ("train_tfbs/summary/tfbs_summary.tsv", "tf",
             ["cnn_auroc", "lm_auroc", "pwm_scan_auroc", "best_match_name"]),
}


@pytest.fixture(scope="module")
def report(bundled_run: Path) -> Path:
    return bundled_run / "multiqc"


def test_the_run_builds_its_report(report: Path) -> None:
    html = (report / "multiqc_report.html").read_text()
    for name in SECTIONS:
        assert f'id="plantreg_{name}"' in html, name
    assert "Chromatin_ROC_curves_mqc.png" in html and "data:image/png;base64" in html
    assert "multiqc_software_versions" in html


@pytest.mark.parametrize("name", sorted(LONG))
def test_tables_hold_the_stage_figures(bundled_run: Path, report: Path, name: str) -> None:
    path, key, columns = LONG[name]
    stage = pd.read_csv(bundled_run / path, sep="\t", index_col=key)[columns]
    for table in (section(report, name), multiqc_table(report, name)):
        got = table.loc[stage.index, columns]
        pd.testing.assert_frame_equal(got, stage, check_dtype=False, check_names=False,
                                      check_exact=False, rtol=1e-9)


def test_expression_spearman_per_species(bundled_run: Path, report: Path) -> None:
    stage = pd.read_csv(bundled_run / "train_expression/evaluate/evaluation.tsv", sep="\t")
    shown = multiqc_table(report, "expression")
    assert {"speciesA", "speciesB", "macro"} <= set(shown.index)
    for row in stage.itertuples():
        assert shown.loc[row.species, f"{row.method}_spearman"] == pytest.approx(row.spearman)


def test_cre_evaluation_per_species(bundled_run: Path, report: Path) -> None:
    stage = pd.read_csv(bundled_run / "explain/merged/cre_evaluation.tsv", sep="\t",
                        index_col="species")
    shown = multiqc_table(report, "expression_cre")
    assert sorted(shown.index) == sorted(stage.index) == ["all", "speciesA", "speciesB"]
    for column in ("cres", "precision", "recall", "sign_agreement"):
        np.testing.assert_allclose(shown.loc[stage.index, column], stage[column], rtol=1e-9)
    assert (report / "custom_content" / "Expression_importance_and_CREs_mqc.png").is_file()


def test_coexpression_beside_baselines_and_recovery(bundled_run: Path, report: Path) -> None:
    stage = pd.read_csv(bundled_run / "train_coexpression/evaluate/metrics.tsv", sep="\t")
    shown = multiqc_table(report, "coexpression")
    assert "recovery" in set(shown.index)  # the withheld pairs (coexpression_hidden_pairs)
    for row in stage.itertuples():
        assert shown.loc[row.set, f"{row.scorer}_auprc"] == pytest.approx(row.auprc)


def test_conservation_search_and_ensemble(bundled_run: Path, report: Path) -> None:
    tested = pd.read_csv(bundled_run / "train_conservation/evaluate/test_metrics.tsv", sep="\t")
    shown = multiqc_table(report, "conservation")
    for row in tested.itertuples():
        assert shown.loc[f"{row.half} {row.model}", "auroc"] == pytest.approx(row.auroc)
    search = multiqc_table(report, "conservation_search")
    for half in ("odd", "even"):
        best = json.loads((bundled_run / f"train_conservation/search/{half}/best.json")
                          .read_text())
        assert search.loc[f"{half} trial{best['trial']}", "valid_auroc"] == pytest.approx(
            best["valid_auroc"])


def test_split_promoters_versions_and_parameters(bundled_run: Path, report: Path) -> None:
    split = json.loads((bundled_run / "prepare_data/split/split.json").read_text())
    shown = section(report, "split")
    assert shown.loc["test", "chromosomes"] == ", ".join(split["test"])
    promoters = pd.read_csv(bundled_run / "prepare_data/promoters/promoters.tsv", sep="\t")
    clipped = section(report, "promoters").loc["clipped at the 5′ side", "genes"]
    assert clipped == (promoters["clipped_5p"] > 0).sum() > 0
    versions = pd.read_csv(report / "multiqc_data" / "multiqc_software_versions.txt", sep="\t",
                           index_col=0)
    assert versions.loc["plantreg report", "plantreg"] == __version__
    parameters = section(report, "parameters", dtype=str)["value"]
    assert parameters["train_stride"] == "64" and parameters["outdir"] == str(bundled_run)
    assert "window_size" not in parameters  # the default (1024)


def test_nextflow_task_builds_the_same_report(bundled_run: Path, report: Path, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """MULTIQC's script as Nextflow renders it, run in a task folder holding its inputs where
    the module stages them and the run's params as Nextflow's JSON: the same sections."""
    from tests.nextflow.render import render

    monkeypatch.chdir(REPO)
    params = replace(load_params(TEST_PARAMS, {"outdir": str(bundled_run)}),
                     work_dir=bundled_run.parent / "work")
    (task,) = _tasks(report_steps(params), params)
    (argv,) = render([task])
    for name, staged in task.staged.items():
        if staged is None or name == "params_file":  # a stage that did not run; the params
            continue
        value = task.inputs[name]
        sources, names = ((value, staged) if isinstance(staged, list) else ([value], [staged]))
        for source, where in zip(sources, names, strict=True):
            (tmp_path / where).parent.mkdir(parents=True, exist_ok=True)
            os.symlink(Path(source.rstrip("/")).resolve(), tmp_path / where)
    values = yaml.safe_load(run_params(params.work_dir).read_text())
    (tmp_path / task.staged["params_file"]).write_text(json.dumps(values, indent=4))  # as JSON
    monkeypatch.chdir(tmp_path)
    assert run_cli(*argv) == 0
    for name in SECTIONS:
        assert section(tmp_path / "multiqc", name).equals(section(report, name)), name
    ours = sorted(p.name for p in (report / "custom_content").iterdir())
    assert sorted(p.name for p in (tmp_path / "multiqc" / "custom_content").iterdir()) == ours


def test_tower_lists_the_report_and_the_metrics_tables(bundled_run: Path) -> None:
    """Seqera Platform shows the files tower.yml names: each is one the run writes (those in
    pipeline_info/ are Nextflow's own)."""
    reports = yaml.safe_load((REPO / "tower.yml").read_text())["reports"]
    assert "**/multiqc/multiqc_report.html" in reports
    produced = [p.relative_to(bundled_run).as_posix() for p in bundled_run.rglob("*")]
    for pattern in reports:
        if "/pipeline_info/" not in pattern:
            assert any(fnmatch(f"results/{path}", pattern) for path in produced), pattern
    for table in ("train_chromatin/evaluate/evaluation.tsv",
                  "train_coexpression/evaluate/metrics.tsv",
                  "train_expression/evaluate/evaluation.tsv"):
        assert f"**/{table}" in reports, table
