"""The one-machine runner runs the steps of the Nextflow graph, in its order, with its commands."""

from __future__ import annotations

import pytest

from plantreg.run.params import load_params
from plantreg.run.runner import plan
from tests.nextflow.graph import prepare_data_commands, prepare_data_steps
from tests.run.conftest import REPO, TEST_PARAMS


def _unique(seq: list[str]) -> list[str]:
    return list(dict.fromkeys(seq))


@pytest.fixture()
def runner_steps(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(REPO)
    return [s for s in plan(load_params(TEST_PARAMS), ["prepare_data"])]


def test_same_processes_in_same_order(runner_steps) -> None:
    assert _unique([s.process for s in runner_steps]) == prepare_data_steps()


def test_same_commands(runner_steps) -> None:
    runner = {s.process: f"{s.group} {s.argv[0]}" for s in runner_steps}
    nextflow = dict(zip(prepare_data_steps(), prepare_data_commands(), strict=True))
    assert runner == nextflow
