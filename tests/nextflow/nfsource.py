"""Small readers of the pipeline's Nextflow sources for the static tests (not a Nextflow parser:
the language-server test is the parser; these pick out the few pieces the tests compare)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
MODULES = REPO / "modules"
CONF = REPO / "conf"

PROCESS_RE = re.compile(r"^process\s+([A-Z][A-Z0-9_]*)\s*\{", re.M)
SECTION_RE = re.compile(r"^\s{4}(input|output|when|script|stub|exec|shell):\s*$", re.M)


def strip_comments(text: str) -> str:
    """Drop /* */ and // comments, keeping strings (a '//' inside quotes, e.g. a URL, stays)."""
    out, i, n = [], 0, len(text)
    quote: str | None = None
    while i < n:
        c = text[i]
        if quote:
            out.append(c)
            if c == "\\" and i + 1 < n:
                out.append(text[i + 1])
                i += 2
                continue
            if text.startswith(quote, i):
                out.append(text[i + 1 : i + len(quote)])
                i += len(quote)
                quote = None
                continue
            i += 1
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            i = n if end < 0 else end + 2
        elif text.startswith("//", i):
            end = text.find("\n", i)
            i = n if end < 0 else end
        elif c in "'\"":
            quote = c * 3 if text.startswith(c * 3, i) else c
            out.append(quote)
            i += len(quote)
        else:
            out.append(c)
            i += 1
    return "".join(out)


@dataclass
class Process:
    name: str
    path: Path
    header: str  # directives before the first section (tag, label, container, ...)
    sections: dict[str, str]  # section name -> body text, in file order
    order: list[str]

    def output_patterns(self) -> list[str]:
        """The file patterns of every `path(...)` output (without quotes)."""
        return re.findall(r"path\(\s*[\"']([^\"']+)[\"']", self.sections.get("output", ""))

    def script_command(self) -> str:
        """The text of the script's triple-quoted command string."""
        match = re.search(r'"""(.*?)"""', self.sections.get("script", ""), re.S)
        return match.group(1) if match else ""


def read_processes(path: Path) -> list[Process]:
    text = strip_comments(path.read_text())
    found = []
    for match in PROCESS_RE.finditer(text):
        body = _braced(text, match.end() - 1)
        marks = list(SECTION_RE.finditer(body))
        header = body[: marks[0].start()] if marks else body
        sections, order = {}, []
        for k, mark in enumerate(marks):
            end = marks[k + 1].start() if k + 1 < len(marks) else len(body)
            sections[mark.group(1)] = body[mark.end() : end]
            order.append(mark.group(1))
        found.append(Process(match.group(1), path, header, sections, order))
    return found


def module_files() -> list[Path]:
    return sorted(MODULES.rglob("main.nf"))


def all_processes() -> dict[str, Process]:
    return {p.name: p for f in module_files() for p in read_processes(f)}


def _braced(text: str, open_at: int) -> str:
    """The text between the brace at ``open_at`` and its match (braces in strings are rare
    enough in our sources that counting them all is exact for them)."""
    depth = 0
    for i in range(open_at, len(text)):
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            depth -= 1
            if depth == 0:
                return text[open_at + 1 : i]
    raise ValueError(f"unbalanced braces after offset {open_at}")


def with_name_blocks(path: Path) -> list[tuple[str, str]]:
    """(selector, body) of every ``withName:`` block of a config file."""
    text = strip_comments(path.read_text())
    blocks = []
    pattern = r"withName\s*:\s*(?:'([^']*)'|\"([^\"]*)\"|([A-Za-z0-9_:*|.]+))\s*\{"
    for match in re.finditer(pattern, text):
        selector = next(g for g in match.groups() if g is not None)
        blocks.append((selector, _braced(text, match.end() - 1)))
    return blocks


def selector_matches(selector: str, names: set[str]) -> bool:
    """Nextflow's withName rule: the selector is a regular expression matched in full against a
    process's simple name or its fully qualified name (``PLANTREG:PREPARE_DATA:PREP_LABELS``);
    a leading '!' negates it."""
    negate = selector.startswith("!")
    regex = re.compile(selector[1:] if negate else selector)
    hit = any(regex.fullmatch(name) for name in names)
    return hit != negate


class Expression(str):
    """A config value that is an expression rather than a literal."""


def config_block(path: Path, name: str, project_dir: Path = REPO) -> dict[str, object]:
    """``key = literal`` assignments of the top-level ``name { ... }`` block of a config file.

    Strings have ``${projectDir}`` expanded; anything that is not a literal comes back as an
    ``Expression``."""
    text = strip_comments(path.read_text())
    match = re.search(rf"^{name}\s*\{{", text, re.M)
    if match is None:
        return {}
    values: dict[str, object] = {}
    for line in _braced(text, match.end() - 1).splitlines():
        assignment = re.fullmatch(r"\s*(\w+)\s*=\s*(.+?)\s*", line)
        if assignment:
            key, raw = assignment.groups()
            values[key] = _literal(raw, project_dir)
    return values


def _literal(raw: str, project_dir: Path) -> object:
    if raw in ("null", "true", "false"):
        return {"null": None, "true": True, "false": False}[raw]
    if re.fullmatch(r"-?\d+", raw):
        return int(raw)
    if re.fullmatch(r"-?\d+\.\d*(e-?\d+)?", raw):
        return float(raw)
    quoted = re.fullmatch(r"'([^']*)'|\"([^\"]*)\"", raw)
    if quoted:
        single, double = quoted.groups()
        if single is not None:
            return single
        if re.search(r"\$\{(?!projectDir\})", double):
            return Expression(raw)
        return double.replace("${projectDir}", str(project_dir))
    return Expression(raw)
