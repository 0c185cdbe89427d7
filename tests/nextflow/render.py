"""Render a module's real ``script:`` block with real Groovy, as Nextflow would for one task.

The Groovy runtime is the one inside the Nextflow language-server jar (tests/nextflow/langserver.py
fetches it). For each task we bind what Nextflow binds: ``params``, ``meta``, ``task`` (``ext.args``
and ``ext.prefix`` evaluated from the real ``conf/*.config`` closures, ``cpus``, ``accelerator``)
and every ``input:`` name as the path Nextflow stages it under (its file name, or its ``stageAs``
pattern); then we evaluate the module's script text. The shell command it returns is split as
bash would split it, globs expanded against the staged files.
"""

from __future__ import annotations

import fnmatch
import json
import re
import shlex
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.nextflow.langserver import ensure_jar
from tests.nextflow.nfsource import CONF, Process, _braced, selector_matches, strip_comments

# Config files whose withName blocks set ext.*, in the order nextflow.config includes them.
CONFIGS = ("modules.config", "args.config")

_GROOVY = r"""
import groovy.json.JsonOutput
import groovy.json.JsonSlurper

// A staged input as a script sees it: interpolates as its path in the task folder, and has
// Nextflow's `name` / `baseName` (plain Groovy's Path has neither).
class StagedPath {
    final String path
    StagedPath(String path) { this.path = path }
    String getName() { path.tokenize('/')[-1] }
    String getBaseName() {
        def n = getName()
        n.contains('.') ? n.substring(0, n.lastIndexOf('.')) : n
    }
    String toString() { path }
}

def toValue(v) {
    if (v instanceof BigDecimal) return v.doubleValue()
    if (v instanceof Map) return v.collectEntries { k, x -> [k, toValue(x)] }
    if (v instanceof List) return v.collect { x -> toValue(x) }
    return v
}
// Nextflow interpolates a list of staged files as "a b c" (its BlankSeparatedList), not "[a, b]".
def renderScript(Object value) {
    if (!(value instanceof GString)) return String.valueOf(value)
    def out = new StringBuilder()
    value.strings.eachWithIndex { text, i ->
        out << text
        if (i < value.values.length) {
            def item = value.values[i]
            out << (item instanceof Collection ? item.join(' ') : renderScript(item))
        }
    }
    return out.toString()
}
def evalExpr(String text, Map vars) {
    def value = new GroovyShell(new Binding(vars)).evaluate("def __v = " + text + "\n__v")
    return value instanceof Closure ? value.call() : value
}
def cases = new JsonSlurper().parse(new File(args[0]))
def results = []
for (c in cases) {
    try {
        def params = toValue(c.params)
        def meta = toValue(c.meta)
        def ext = [:]
        def scope = [params: params, meta: meta]
        if (c.args != null) ext.args = evalExpr(c.args, scope)
        if (c.prefix != null) ext.prefix = evalExpr(c.prefix, scope)
        def task = [ext: ext, cpus: c.cpus, accelerator: c.accelerator ? [request: 1] : null,
                    process: c.process]
        def vars = [params: params, meta: meta, task: task]
        c.inputs.each { name, staged ->
            vars[name] = staged == null ? [] :
                staged instanceof List ? staged.collect { s -> new StagedPath(s) }
                    : new StagedPath(staged)
        }
        def command = new GroovyShell(new Binding(vars)).evaluate(c.script)
        results << [ok: true, command: renderScript(command)]
    } catch (Throwable err) {
        results << [ok: false, error: err.toString()]
    }
}
new File(args[1]).text = JsonOutput.toJson(results)
"""

INPUT_RE = re.compile(
    r"path\s*\(?\s*(\w+)\s*(?:,\s*stageAs:\s*['\"]([^'\"]+)['\"])?\s*\)?"
)


@dataclass
class Task:
    """One task of a module: its process, the name it is called by, and what Nextflow binds."""

    process: Process
    alias: str
    params: dict[str, Any]
    meta: dict[str, Any]
    inputs: dict[str, Any]  # input name -> path, list of paths, or None (an empty input)
    cpus: int
    accelerator: bool
    staged: dict[str, Any] = field(default_factory=dict)


def input_patterns(process: Process) -> dict[str, str | None]:
    """``path`` inputs of a module → their ``stageAs`` pattern (None: the file's own name)."""
    return {m.group(1): m.group(2) for m in INPUT_RE.finditer(process.sections["input"])}


def stage(value: Any, pattern: str | None) -> Any:
    """The name(s) Nextflow gives an input in the task folder: its own name; or ``stageAs``,
    where a run of ``?`` is the file's index zero-padded to at least that width (Nextflow pads and
    never cuts: 100 under ``??`` is ``100``), a ``*`` before the last ``/`` the index, and a final
    ``/*`` the file's own name. The modules gather with ``'<folder>/*/*'``: one folder per file,
    named by its index, however many files."""
    if value is None or value == []:
        return None
    if isinstance(value, str) and value.endswith("/"):
        # a folder: Nextflow stages its files into one folder, named by the pattern
        return pattern[:-2] if pattern and pattern.endswith("/*") else Path(value).name
    many = isinstance(value, (list, tuple))
    names = [Path(str(v)).name for v in (value if many else [value])]
    staged = [_staged_name(name, index, pattern) for index, name in enumerate(names, start=1)]
    return staged if many else staged[0]


def _staged_name(name: str, index: int, pattern: str | None) -> str:
    if pattern is None:
        return name
    keep_name = pattern.endswith("/*")
    head = pattern[:-2] if keep_name else pattern
    head = re.sub(r"\?+", lambda m: str(index).zfill(len(m.group(0))), head)
    head = head.replace("*", str(index))
    return f"{head}/{name}" if keep_name else head


def ext_settings(alias: str) -> dict[str, str]:
    """Groovy text of ``ext.args`` / ``ext.prefix`` for a process name, later configs winning."""
    found: dict[str, str] = {}
    for name in CONFIGS:
        text = strip_comments((CONF / name).read_text())
        pattern = r"withName\s*:\s*'([^']*)'\s*\{"
        for match in re.finditer(pattern, text):
            if not selector_matches(match.group(1), {alias}):
                continue
            body = _braced(text, match.end() - 1)
            for key in ("args", "prefix"):
                value = _assignment(body, f"ext.{key}")
                if value is not None:
                    found[key] = value
    return found


def _assignment(body: str, key: str) -> str | None:
    match = re.search(rf"{re.escape(key)}\s*=\s*", body)
    if match is None:
        return None
    rest = body[match.end():]
    if rest.startswith("{"):
        return "{" + _braced(rest, 0) + "}"
    return rest.splitlines()[0].strip()


def render(tasks: list[Task]) -> list[list[str]]:
    """The argv (after ``plantreg``) each task runs, or an AssertionError naming the task."""
    cases = []
    for task in tasks:
        patterns = input_patterns(task.process)
        missing = sorted(set(patterns) - set(task.inputs))
        assert not missing, f"{task.alias}: the runner step does not name inputs {missing}"
        task.staged = {k: stage(task.inputs[k], p) for k, p in patterns.items()}
        names = [n for v in task.staged.values() if v for n in (v if isinstance(v, list) else [v])]
        clashes = sorted({n for n in names if names.count(n) > 1})
        assert not clashes, f"{task.alias}: inputs staged under one name {clashes} (Nextflow " \
            "refuses such a task: give the input a stageAs folder)"
        settings = ext_settings(task.alias)
        cases.append({
            "process": task.alias, "params": task.params, "meta": task.meta,
            "inputs": task.staged, "cpus": task.cpus, "accelerator": task.accelerator,
            "args": settings.get("args"), "prefix": settings.get("prefix"),
            "script": task.process.sections["script"],
        })
    with tempfile.TemporaryDirectory() as tmp:
        given, taken = Path(tmp) / "cases.json", Path(tmp) / "results.json"
        given.write_text(json.dumps(cases, default=str))
        script = Path(tmp) / "render.groovy"
        script.write_text(_GROOVY)
        subprocess.run(
            ["java", "-cp", str(ensure_jar()), "groovy.ui.GroovyMain", str(script),
             str(given), str(taken)],
            check=True, capture_output=True, text=True, timeout=600,
        )
        results = json.loads(taken.read_text())
    argvs = []
    for task, result in zip(tasks, results, strict=True):
        assert result["ok"], f"{task.alias}: Groovy could not render the script: {result['error']}"
        argvs.append(_shell_words(result["command"], task.staged))
    return argvs


def _shell_words(command: str, staged: dict[str, Any]) -> list[str]:
    words = shlex.split(command.replace("\\\n", " "))
    files = sorted(
        name for value in staged.values() if value
        for name in (value if isinstance(value, list) else [value])
    )
    expanded: list[str] = []
    for word in words:
        if any(c in word for c in "*?["):
            hits = [f for f in files if fnmatch.fnmatchcase(f, word)]
            expanded += hits or [word]
        else:
            expanded.append(word)
    assert expanded[0] == "plantreg", command
    return expanded[1:]


def staged_argv(argv: list[str], task: Task) -> list[str]:
    """The runner's argv with each input path replaced by the name Nextflow stages it under."""
    names: dict[str, str] = {}
    for key, value in task.inputs.items():
        staged = task.staged.get(key)
        if value is None or staged is None:
            continue
        pairs = zip(value, staged, strict=True) if isinstance(value, list) else [(value, staged)]
        names.update({str(v).rstrip("/"): s for v, s in pairs})
    return [",".join(names.get(part, part) for part in word.split(",")) for word in argv]


def by_name(argv: list[str]) -> list[str]:
    """Paths compared by file name: Nextflow stages each input into the task folder under its
    name and publishes outputs by name; the runner passes the same files by their full path."""
    return [",".join(_name(part) for part in word.split(",")) for word in argv]


def _name(part: str) -> str:
    return part.rstrip("/").rsplit("/", 1)[-1] if "/" in part else part
