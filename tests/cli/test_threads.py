"""Every command that computes with torch or threaded numpy takes ``--threads`` (declared once in
:mod:`plantreg.threads`), and the value reaches torch: the command bounds ``torch`` to that many
threads before its work starts. The Nextflow modules pass ``${task.cpus}`` and the runner the
``threads`` parameter (tests/run/test_argv_equality.py checks both sides agree)."""

from __future__ import annotations

import pytest
import torch
import typer.main
from threadpoolctl import threadpool_limits

import plantreg.threads
from plantreg.cli import (
    chromatin,
    coexpression,
    conservation,
    expression,
    expression_explain,
    tfbs,
)
from plantreg.cli.main import app, main

# group → its commands that take --threads (docs/usage.md lists the same)
THREADED = {
    "chromatin": ["train", "evaluate", "predict"],
    "coexpression": ["vocabulary", "train", "evaluate", "network", "attention"],
    "conservation": ["search", "train", "predict"],
    "expression": ["train", "evaluate", "explain", "predict"],
    "tfbs": ["pretrain", "train", "evaluate", "motifs"],
}
CASES = [(group, name) for group, names in THREADED.items() for name in names]
# the CLI modules that call set_threads (expression's explain lives in expression_explain)
CLI_MODULES = (chromatin, coexpression, conservation, expression, expression_explain, tfbs)


class Reached(Exception):
    """Raised once the command has set its threads: the test stops it before any real work."""


def _required_placeholders(group: str, name: str) -> list[str]:
    """Every required option and argument with the value 1 (valid for a path, a name or a number;
    never read: the command stops at --threads)."""
    command = typer.main.get_command(app).commands[group].commands[name]
    words: list[str] = []
    for param in command.params:
        if param.required:
            words += [param.opts[0], "1"] if param.param_type_name == "option" else ["1"]
    return words


def test_threaded_commands_are_the_listed_ones() -> None:
    """No command gains or loses --threads without this list (and the docs) following."""
    root = typer.main.get_command(app)
    found = {
        (group, name)
        for group, cmd in root.commands.items()
        for name, sub in getattr(cmd, "commands", {}).items()
        if any("--threads" in p.opts for p in sub.params)
    }
    assert found == set(CASES)


@pytest.fixture()
def stop_at_set_threads(monkeypatch: pytest.MonkeyPatch):
    """Each CLI module's set_threads runs for real, then stops the command; torch's and BLAS's
    thread counts are put back afterwards."""
    real = plantreg.threads.set_threads

    def set_and_stop(threads: int) -> None:
        real(threads)
        raise Reached

    for module in CLI_MODULES:
        monkeypatch.setattr(module, "set_threads", set_and_stop)
    before = torch.get_num_threads()
    with threadpool_limits(limits=None):  # leaving it restores the BLAS limits found here
        yield
    torch.set_num_threads(before)


@pytest.mark.parametrize(("group", "name"), CASES, ids=[f"{g}-{n}" for g, n in CASES])
def test_threads_bound_torch(group: str, name: str, stop_at_set_threads) -> None:
    argv = [group, name, *_required_placeholders(group, name), "--threads", "1"]
    torch.set_num_threads(3)
    with pytest.raises(Reached):
        main(argv)
    assert torch.get_num_threads() == 1
