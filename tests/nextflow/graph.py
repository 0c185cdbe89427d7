"""The pipeline's call graph as written in the Nextflow sources.

``prepare_data_steps()`` is the ordered list of process calls of the PREPARE_DATA subworkflow (the
steps the one-machine runner must run in the same order); ``prepare_data_commands()`` the
``plantreg`` sub-command each of them calls; ``qualified_names()`` every process's fully qualified
name (``PLANTREG:PREPARE_DATA:PREP_INDEX``), as Nextflow matches ``withName:`` selectors.
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.nextflow.nfsource import REPO, read_processes, strip_comments

MAIN = REPO / "main.nf"
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
    for step, command in zip(prepare_data_steps(), prepare_data_commands(), strict=True):
        print(f"{step}\tplantreg {command}")
