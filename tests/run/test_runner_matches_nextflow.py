"""The one-machine runner runs the steps of the Nextflow graph, in its order, with its commands,
and leaves its files where the Nextflow configuration publishes them."""

from __future__ import annotations

import re
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
from tests.nextflow.nfsource import CONF, selector_matches, with_name_blocks
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
