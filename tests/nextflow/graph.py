"""The pipeline's call graph as written in the Nextflow sources.

``stages()`` is the ordered list of subworkflow calls of workflows/plantreg.nf; ``stage_steps(S)``
the ordered process calls of subworkflow S (the steps the one-machine runner must run in the same
order; an alias such as ``PREP_INDEX as PREP_INDEX_TARGET`` is given as the process it names) and
``stage_commands(S)`` the ``plantreg`` sub-command each of them calls. ``prepare_data_steps()`` and
``prepare_data_commands()`` are those of PREPARE_DATA. ``qualified_names()`` gives every process's
fully qualified name (``PLANTREG:PREPARE_DATA:PREP_INDEX``), as Nextflow matches ``withName:``.
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.nextflow.nfsource import REPO, read_processes, strip_comments

MAIN = REPO / "main.nf"
WORKFLOW = REPO / "workflows" / "plantreg.nf"
PREPARE_DATA = REPO / "subworkflows" / "local" / "prepare_data" / "main.nf"

INCLUDE_RE = re.compile(r"include\s*\{([^}]*)\}\s*from\s*['\"]([^'\"]+)['\"]")
WORKFLOW_RE = re.compile(r"^workflow(?:\s+([A-Z][A-Z0-9_]*))?\s*\{", re.M)
CALL_RE = re.compile(r"\b([A-Z][A-Z0-9_]*)\s*\(")


def includes(path: Path) -> dict[str, Path | None]:
    """Name (or alias) -> the included script; None for plugin functions."""
    found: dict[str, Path | None] = {}
    for names, source in INCLUDE_RE.findall(strip_comments(path.read_text())):
        target = None
        if not source.startswith("plugin/"):
            target = (path.parent / source).resolve()
            target = target / "main.nf" if target.is_dir() else target.with_suffix(".nf")
        for item in names.split(";"):
            parts = item.split()
            if parts:
                found[parts[-1]] = target  # `A` or `A as B`
    return found


def aliases(path: Path) -> dict[str, str]:
    """Alias -> the included component's own name, for `include { A as B }`."""
    found: dict[str, str] = {}
    for names, _source in INCLUDE_RE.findall(strip_comments(path.read_text())):
        for item in names.split(";"):
            parts = item.split()
            if len(parts) == 3 and parts[1] == "as":
                found[parts[2]] = parts[0]
    return found


def workflow_calls(path: Path, name: str | None) -> list[str]:
    """Included components called in the ``main:`` body of one workflow, in source order (a
    component called twice is listed twice)."""
    text = strip_comments(path.read_text())
    for match in WORKFLOW_RE.finditer(text):
        if match.group(1) == name:
            body = _workflow_body(text, match.end() - 1)
            known = includes(path)
            return [c for c in CALL_RE.findall(body) if c in known]
    raise ValueError(f"no workflow {name or '(entry)'} in {path}")


def stages() -> list[str]:
    """The subworkflows called by the PLANTREG workflow, in source order."""
    return list(dict.fromkeys(workflow_calls(WORKFLOW, "PLANTREG")))


def _subworkflow(stage: str) -> Path:
    target = includes(WORKFLOW)[stage]
    assert target is not None, stage
    return target


def stage_calls(stage: str) -> list[str]:
    """The process calls of one subworkflow, in source order, as written (aliases kept)."""
    return workflow_calls(_subworkflow(stage), stage)


def stage_steps(stage: str) -> list[str]:
    """The process calls of one subworkflow, in source order, aliases given as their process."""
    named = aliases(_subworkflow(stage))
    return [named.get(call, call) for call in stage_calls(stage)]


def stage_commands(stage: str) -> list[str]:
    """``<group> <command>`` of the ``plantreg`` call of each step of ``stage_steps(stage)``."""
    path = _subworkflow(stage)
    known = includes(path)
    commands = []
    for call, step in zip(stage_calls(stage), stage_steps(stage), strict=True):
        (process,) = [p for p in read_processes(known[call]) if p.name == step]
        match = re.search(r"plantreg\s+([a-z]+\s+[a-z][a-z-]*)", process.script_command())
        commands.append(" ".join(match.group(1).split()) if match else "")
    return commands


def prepare_data_steps() -> list[str]:
    """The ordered PREP_* process calls of the PREPARE_DATA subworkflow."""
    return [c for c in workflow_calls(PREPARE_DATA, "PREPARE_DATA") if c.startswith("PREP_")]


def prepare_data_commands() -> list[str]:
    """``prep <command>`` called by each step of ``prepare_data_steps()``, in the same order."""
    known = includes(PREPARE_DATA)
    commands = []
    for step in prepare_data_steps():
        (process,) = [p for p in read_processes(known[step]) if p.name == step]
        match = re.search(r"plantreg\s+(prep\s+[a-z][a-z-]*)", process.script_command())
        commands.append(" ".join(match.group(1).split()) if match else "")
    return commands


def qualified_names() -> dict[str, set[str]]:
    """Process name -> its fully qualified names, following the calls from main.nf's entry."""
    names: dict[str, set[str]] = {}

    def visit(path: Path, workflow: str | None, prefix: list[str]) -> None:
        known = includes(path)
        for call in dict.fromkeys(workflow_calls(path, workflow)):
            target = known[call]
            if target is None:
                continue
            original = aliases(path).get(call, call)
            if any(p.name == original for p in read_processes(target)):
                # An alias (`PREP_INDEX as PREP_INDEX_B`) is a process of its own to withName.
                names.setdefault(call, set()).add(":".join([*prefix, call]))
            else:
                visit(target, call, [*prefix, call])

    visit(MAIN, None, [])
    return names


def _workflow_body(text: str, open_at: int) -> str:
    depth = 0
    for i in range(open_at, len(text)):
        depth += {"{": 1, "}": -1}.get(text[i], 0)
        if depth == 0:
            body = text[open_at + 1 : i]
            # Only the main: section calls components (take:/emit: name channels).
            main = re.search(r"^\s*main:\s*$(.*?)(?=^\s*emit:\s*$|\Z)", body, re.M | re.S)
            return main.group(1) if main else body
    raise ValueError("unbalanced braces in workflow")


if __name__ == "__main__":
    for stage in stages():
        for step, command in zip(stage_steps(stage), stage_commands(stage), strict=True):
            print(f"{stage}\t{step}\tplantreg {command}")
