"""The one-machine runner runs the steps of the Nextflow graph, in its order, with its commands,
and leaves its files where the Nextflow configuration publishes them."""

from __future__ import annotations

import re
from fnmatch import fnmatch
from pathlib import Path

import pytest

from plantreg.run.params import load_params
from plantreg.run.runner import STAGES, plan
from tests.conftest import bundled_params
from tests.nextflow.graph import (
    prepare_data_commands,
    prepare_data_steps,
    stage_calls,
    stage_commands,
    stage_steps,
    stages,
)
from tests.nextflow.nfsource import CONF, all_processes, selector_matches, with_name_blocks
from tests.nextflow.render import ext_settings
from tests.run.conftest import REPO, TEST_PARAMS

# Processes that only Nextflow runs (none: the runner scatters and gathers as the workflow does).
NEXTFLOW_ONLY: dict[str, set[str]] = {}


def _unique(seq: list[str]) -> list[str]:
    return list(dict.fromkeys(seq))


def _stage_key(stage: str) -> str:
    return stage.lower()


@pytest.fixture()
def params(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(REPO)
    return load_params(TEST_PARAMS)


@pytest.fixture()
def runner_steps(params):
    return list(plan(params, ["prepare_data"]))


def test_same_processes_in_same_order(runner_steps) -> None:
    assert _unique([s.process for s in runner_steps]) == prepare_data_steps()


def test_same_commands(runner_steps) -> None:
    runner = {s.process: f"{s.group} {s.argv[0]}" for s in runner_steps}
    nextflow = dict(zip(prepare_data_steps(), prepare_data_commands(), strict=True))
    assert runner == nextflow


def test_same_stages_in_same_order() -> None:
    assert list(STAGES) == [_stage_key(s) for s in stages()]


@pytest.mark.parametrize("stage", stages())
def test_stage_runs_the_same_steps(stage: str, params) -> None:
    """The bundled parameters switch every stage on; each runs the subworkflow's processes in
    its order, each through the same `plantreg <group> <command>`."""
    steps = plan(params, [_stage_key(stage)])
    assert steps, f"{stage} has no steps with {TEST_PARAMS.name}"
    skipped = NEXTFLOW_ONLY.get(_stage_key(stage), set())
    nextflow = [
        (step, command)
        for step, command in zip(stage_steps(stage), stage_commands(stage), strict=True)
        if step not in skipped
    ]
    assert _unique([s.process for s in steps]) == [step for step, _ in nextflow]
    runner = {(s.process, f"{s.group} {s.argv[0]}") for s in steps}
    assert runner == set(nextflow)


def _published_folder(call: str, stage: str) -> str:
    """The folder (under outdir) a process call of a stage is published to by conf/*.config."""
    names = {call, f"PLANTREG:{stage}:{call}"}
    paths = [
        path
        for config in sorted(CONF.glob("*.config"))
        for selector, body in with_name_blocks(config)
        if selector_matches(selector, names)
        for path in re.findall(r'path:\s*\{\s*"\$\{params\.outdir\}/([^"]+)"\s*\}', body)
    ]
    assert len(paths) == 1, f"{call} in {stage}: publishDir paths {paths}"
    return paths[0]


@pytest.mark.parametrize("stage", ["TRAIN_CHROMATIN", "CROSS_SPECIES_INFERENCE"])
def test_runner_writes_where_nextflow_publishes(stage: str, params) -> None:
    """Every runner output sits in the folder the same process is published to (CHROMATIN_PREDICT
    writes one <CHUNK>/ folder per chunk below it, in both executors; see docs/output.md)."""
    outdir = Path(params["outdir"])
    calls = dict(zip(stage_steps(stage), stage_calls(stage), strict=True))
    for step in plan(params, [_stage_key(stage)]):
        folder = _published_folder(calls[step.process], stage)
        for output in step.outputs:
            parent = output.parent.parent if step.process == "CHROMATIN_PREDICT" else output.parent
            assert parent.relative_to(outdir).as_posix() == folder, (step.label, output)


def _with_meta(text: str, meta: dict) -> str:
    """``${meta.key}`` of a config string replaced by the task's value."""
    return re.sub(r"\$\{meta\.(\w+)\}", lambda m: str(meta[m.group(1)]), text)


def _prefix(call: str, meta: dict) -> str:
    """The task's ext.prefix: a literal, a closure of one string (``{ "${meta.chunk}" }``), or
    meta.id when none is set (the modules' default)."""
    text = ext_settings(call).get("prefix")
    if text is None:
        return str(meta["id"])
    literal = re.fullmatch(r"\{?\s*(?:'([^']*)'|\"([^\"]*)\")\s*\}?", text.strip())
    assert literal, f"{call}: ext.prefix {text} is not a plain string"
    return _with_meta(next(g for g in literal.groups() if g is not None), meta)


def _published(call: str, stage: str, process: str, meta: dict) -> list[str]:
    """Where Nextflow publishes each output of one task, under outdir: the publishDir path, then
    the output's name in the task folder (``${prefix}`` resolved; saveAs may drop the first
    folder); a folder output (``${prefix}``) stands for every file below it."""
    folder = _with_meta(_published_folder(call, stage), meta)
    body = " ".join(b for config in sorted(CONF.glob("*.config"))
                    for s, b in with_name_blocks(config)
                    if selector_matches(s, {call, f"PLANTREG:{stage}:{call}"}))
    strips_first = "fn.substring(fn.indexOf('/') + 1)" in body
    prefix = _prefix(call, meta)
    places = []
    for pattern in all_processes()[process].output_patterns():
        name = pattern.replace("${prefix}", prefix)
        name = name.split("/", 1)[-1] if strips_first else name
        places.append(f"{folder}/{name}")
    return places


@pytest.mark.parametrize("stage", ["TRAIN_TFBS", "TRAIN_EXPRESSION", "EXPLAIN", "REPORT"])
def test_runner_writes_each_file_where_nextflow_publishes_it(stage: str, params) -> None:
    """Every file a runner step must leave is one Nextflow publishes at the same place: a file
    output of the same process, or a file inside a folder output (the modules of these stages
    write one folder each, named by ext.prefix, and publish it whole)."""
    outdir = Path(params["outdir"])
    calls = dict(zip(stage_steps(stage), stage_calls(stage), strict=True))
    steps = plan(params, [_stage_key(stage)])
    assert steps
    for step in steps:
        places = _published(calls[step.process], stage, step.process, dict(step.meta))
        for output in step.outputs:
            rel = output.relative_to(outdir).as_posix()
            assert any(fnmatch(rel, place) or rel.startswith(f"{place}/") for place in places), (
                step.label, rel, places)


def test_expression_stages_follow_their_parameters(tmp_path: Path, monkeypatch) -> None:
    """No species sheet: neither TRAIN_EXPRESSION nor EXPLAIN runs. explain_chunks sets the
    scatter: one EXPR_EXPLAIN per chunk (0-based), one CRE threshold over all, one EXPR_SCAN_CRE
    per chunk reading it, one gather of all."""
    monkeypatch.chdir(REPO)
    off = load_params(_write(tmp_path, expression_input=None))
    assert plan(off, ["train_expression", "explain"]) == []
    three = load_params(_write(tmp_path, explain_chunks=3))
    steps = plan(three, ["explain"])
    assert [s.label for s in steps] == [
        "EXPR_EXPLAIN (chunk0)", "EXPR_EXPLAIN (chunk1)", "EXPR_EXPLAIN (chunk2)",
        "EXPR_CRE_THRESHOLD", "EXPR_SCAN_CRE (chunk0)", "EXPR_SCAN_CRE (chunk1)",
        "EXPR_SCAN_CRE (chunk2)", "EXPR_GATHER"]
    (threshold,) = [s for s in steps if s.process == "EXPR_CRE_THRESHOLD"]
    assert len(threshold.inputs["scores"]) == 3
    for scan in (s for s in steps if s.process == "EXPR_SCAN_CRE"):
        assert scan.argv[scan.argv.index("--threshold") + 1] == str(threshold.outputs[0])
    explain = [s for s in steps if s.process == "EXPR_EXPLAIN"]
    assert [s.argv[s.argv.index("--chunk") + 1] for s in explain] == ["0", "1", "2"]
    assert {s.argv[s.argv.index("--n-chunks") + 1] for s in explain} == {"3"}
    (gather,) = [s for s in steps if s.process == "EXPR_GATHER"]
    assert len(gather.inputs["scores"]) == len(gather.inputs["beds"]) == 3
    assert gather.argv[gather.argv.index("--truth-sites") + 1] == gather.inputs["truth"]
    unscored = load_params(_write(tmp_path, expr_truth_sites=None))
    assert "--truth-sites" not in plan(unscored, ["explain"])[-1].argv
    (dataset,) = plan(three, ["train_expression"])[:1]
    assert dataset.argv.count("--species") == 2  # one per row of the bundled species sheet


_write = bundled_params


def test_cross_species_stage_follows_its_parameters(tmp_path: Path, monkeypatch) -> None:
    """No target genome: no cross-species steps (TRAIN_CHROMATIN still runs); no truth and no
    peaks: no scoring; peaks only: scored against them, as the workflow does."""
    monkeypatch.chdir(REPO)
    off = load_params(_write(tmp_path, target_fasta=None, target_truth=None))
    assert plan(off, ["cross_species_inference"]) == []
    assert [s.process for s in plan(off, ["train_chromatin"])] == stage_steps("TRAIN_CHROMATIN")
    unscored = load_params(_write(tmp_path, target_truth=None))
    processes = [s.process for s in plan(unscored, ["cross_species_inference"])]
    assert "CHROMATIN_SCORE" not in processes and "CHROMATIN_MERGE_TRACKS" in processes
    peaks = sorted(str(p.relative_to(REPO)) for p in REPO.glob("assets/test_data/speciesB/peaks/*"))
    by_peaks = load_params(_write(tmp_path, target_truth=None, target_peaks=",".join(peaks[:2])))
    (score,) = [s for s in plan(by_peaks, ["cross_species_inference"])
                if s.process == "CHROMATIN_SCORE"]
    assert score.argv.count("--peaks") == 2 and "--truth" not in score.argv
