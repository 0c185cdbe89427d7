"""Every module's `plantreg ...` call names an existing command and only its existing options,
including the options that conf/modules.config adds through ext.args."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main

from plantreg import __version__
from plantreg.cli.main import app
from tests.nextflow.graph import qualified_names
from tests.nextflow.nfsource import CONF, all_processes, selector_matches, with_name_blocks

PROCESSES = all_processes()
OPTION_RE = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]*")
CALL_RE = re.compile(r"\bplantreg((?:\s+[a-z][a-z-]*)+)")


def _root():
    return typer.main.get_command(app)


def _command(words: list[str]):
    cmd = _root()
    for word in words:
        commands = getattr(cmd, "commands", {})
        assert word in commands, f"`plantreg {' '.join(words)}`: no command '{word}'"
        cmd = commands[word]
    return cmd


def _ext_args(process: str) -> str:
    names = {process} | qualified_names().get(process, set())
    return " ".join(
        body
        for config in sorted(CONF.glob("*.config"))
        for selector, body in with_name_blocks(config)
        if selector_matches(selector, names) and "ext.args" in body
    )


def _script_call(process: str) -> tuple[list[str], str, str]:
    proc = PROCESSES[process]
    # Groovy writes a shell line continuation as `\\` + newline.
    command = re.sub(r"\\+\n", " ", proc.script_command())
    calls = CALL_RE.findall(command)
    assert len(calls) == 1, f"{process}: expected one plantreg call, got {len(calls)}"
    lines = [line for line in command.splitlines() if line.strip()]
    assert len(lines) == 1, f"{process}: the script is more than the one plantreg call"
    return calls[0].split(), command, proc.sections["script"]


def test_every_module_is_checked():
    assert {"PREP_INDEX", "PREP_LABELS", "PREP_PROMOTERS", "PREP_TILE"} <= set(PROCESSES)


@pytest.mark.parametrize("process", sorted(PROCESSES))
def test_call_uses_existing_command_and_options(process):
    words, _command_text, script = _script_call(process)
    cmd = _command(words)
    # `--flag/--no-flag` options: the second spelling is a secondary option
    known = {
        opt
        for param in cmd.params
        for opt in [*param.opts, *getattr(param, "secondary_opts", [])]
        if opt.startswith("-")
    }
    used = set(OPTION_RE.findall(script)) | set(OPTION_RE.findall(_ext_args(process)))
    assert sorted(used - known) == [], f"`plantreg {' '.join(words)}` has no such option"
    required = {
        param.opts[0]
        for param in cmd.params
        if param.required and param.param_type_name == "option"
    }
    assert sorted(required - used) == [], f"{process} leaves out required options"


@pytest.mark.parametrize("process", sorted(PROCESSES))
def test_call_passes_required_arguments(process):
    """Positional arguments: as many `${input}` words outside option values as the command needs."""
    words, command, script = _script_call(process)
    cmd = _command(words)
    option_strings = set(re.findall(r"\bdef\s+(\w+)\s*=", script)) | {"args"}
    flags = {
        opt
        for p in cmd.params
        if getattr(p, "is_flag", False)
        for opt in [*p.opts, *getattr(p, "secondary_opts", [])]
    }
    tokens = command.split()
    tokens = tokens[tokens.index("plantreg") + 1 + len(words) :]
    positional, i = [], 0
    while i < len(tokens):
        token = tokens[i]
        if token.startswith("--"):
            i += 1 if token in flags else 2
            continue
        variable = re.fullmatch(r"\$\{(\w+)\}", token)
        if not (variable and variable.group(1) in option_strings):
            positional.append(token)
        i += 1
    arguments = [p for p in cmd.params if p.param_type_name == "argument"]
    if not arguments:
        assert positional == []
    for param in arguments:
        assert positional, f"{process}: `{' '.join(words)}` needs its {param.name} argument"


def test_versions_eval_prints_the_package_version():
    """The versions topic runs `plantreg --version | sed 's/plantreg //'`: check what it yields."""
    evals = {
        m
        for proc in PROCESSES.values()
        for m in re.findall(r'eval\("([^"]+)"\)', proc.sections["output"])
    }
    assert evals == {"plantreg --version | sed 's/plantreg //'"}
    out = subprocess.run(
        [str(Path(sys.executable).parent / "plantreg"), "--version"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out.strip().replace("plantreg ", "", 1) == __version__
