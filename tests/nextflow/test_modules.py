"""Module anatomy (nf-core order) and the strict-syntax conventions of every .nf file."""

from __future__ import annotations

import re
import shlex
from fnmatch import fnmatch

import pytest

from tests.nextflow.langserver import nextflow_files
from tests.nextflow.nfsource import (
    MODULES,
    REPO,
    all_processes,
    module_files,
    read_processes,
    strip_comments,
)

PROCESSES = all_processes()
LABELS = {"process_single", "process_low", "process_medium", "process_high", "process_gpu"}
SECTIONS = ["input", "output", "when", "script", "stub"]
VERSIONS = (
    "tuple val(\"${task.process}\"), val('plantreg'), "
    "eval(\"plantreg --version | sed 's/plantreg //'\"), emit: versions, topic: versions"
)


def test_one_process_per_module_named_after_its_path():
    for path in module_files():
        names = [p.name for p in read_processes(path)]
        parts = path.parent.relative_to(MODULES / "local").parts
        assert names == ["_".join(parts).upper()], path


@pytest.mark.parametrize("process", sorted(PROCESSES))
def test_directives_in_order(process):
    header = PROCESSES[process].header
    lines = [line.strip() for line in header.splitlines() if line.strip()]
    # No `container`: every process runs the one image nextflow.config's process.container names
    # (tests/nextflow/test_profiles.py).
    assert [line.split()[0] for line in lines] == ["tag", "label"]
    assert lines[0] == 'tag "${meta.id}"'
    labels = re.findall(r"label\s+'([a-z_]+)'", lines[1])
    assert labels and set(labels) <= LABELS


@pytest.mark.parametrize("process", sorted(PROCESSES))
def test_sections_in_order(process):
    proc = PROCESSES[process]
    assert proc.order == SECTIONS
    assert proc.sections["input"].split()[:2] == ["tuple", "val(meta),"]
    assert proc.sections["when"].strip() == "task.ext.when == null || task.ext.when"


@pytest.mark.parametrize("process", sorted(PROCESSES))
def test_outputs_are_named_and_versions_go_to_the_topic(process):
    lines = [line.strip() for line in PROCESSES[process].sections["output"].splitlines()]
    lines = [line for line in lines if line]
    assert lines[-1] == VERSIONS
    for line in lines[:-1]:
        assert re.search(r", emit: [a-z_]+(, optional: true)?$", line), line
        assert line.startswith("tuple val(meta), path(")


@pytest.mark.parametrize("process", sorted(PROCESSES))
def test_script_uses_ext_args_and_prefix(process):
    proc = PROCESSES[process]
    script = proc.sections["script"]
    assert "def args = task.ext.args ?: ''" in script
    assert 'prefix = task.ext.prefix ?: "${meta.id}"' in script
    assert "${args}" in proc.script_command()
    # The stub names its outputs with the same prefix as the script.
    assert 'prefix = task.ext.prefix ?: "${meta.id}"' in proc.sections["stub"]


def _stub_files(stub: str) -> list[str]:
    command = re.search(r'"""(.*?)"""', stub, re.S).group(1)
    files = []
    for line in command.splitlines():
        words = shlex.split(line)
        if words[:1] == ["touch"]:
            files += words[1:]
        elif words[:2] == ["mkdir", "-p"]:
            files += [w + "/" for w in words[2:]]
    return files


@pytest.mark.parametrize("process", sorted(PROCESSES))
def test_stub_creates_every_declared_output(process):
    proc = PROCESSES[process]
    touched = _stub_files(proc.sections["stub"])
    # a folder output (path("${prefix}")) is made by the stub's `mkdir -p ${prefix}`
    missing = [p for p in proc.output_patterns()
               if not any(fnmatch(f, p) or (f.endswith("/") and fnmatch(f[:-1], p))
                          for f in touched)]
    assert missing == [], f"{process}: the stub creates nothing matching {missing}"


def test_stub_reader_sees_files():
    """The stub check can fail: a stub that touches one file covers only that file's pattern."""
    stub = '    """\n    mkdir -p out\n    touch ${prefix}.bed out/a.txt\n    """\n'
    files = _stub_files(stub)
    assert files == ["out/", "${prefix}.bed", "out/a.txt"]
    assert not any(fnmatch(f, "${prefix}.seq.npy") for f in files)


@pytest.mark.parametrize(
    "path", [p.relative_to(REPO).as_posix() for p in nextflow_files() if p.suffix == ".nf"]
)
def test_strict_syntax_conventions(path):
    text = strip_comments((REPO / path).read_text())
    assert not re.search(r"\bChannel\s*\.", text), "use lowercase `channel.`"
    # No implicit closure parameter: `{ it ... }` is deprecated in strict syntax.
    assert not re.search(r"\{[^{}]*\bit\b", text), "declare closure parameters explicitly"
    # Channels built in workflows are named ch_* (emit: names are the interface, not channels).
    body = re.sub(r"^\s*emit:\s*$.*?^\}", "", text, flags=re.M | re.S)
    names = re.findall(r"^\s*(\w+)\s*=\s*(?:channel\.|ch_\w+\s*$|ch_\w+\s*\.)", body, re.M)
    assert [n for n in names if not n.startswith("ch_")] == []
