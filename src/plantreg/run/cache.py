"""Resume keyed on content, as Nextflow's ``-resume``: a step is skipped only when the hash of its
command line, its input files' contents and the plantreg version equals the one recorded when it
last finished, and its outputs are still there. Any change reruns the step; steps that read its
outputs rerun in turn when those outputs' contents changed.

Inputs are the paths the command line names that exist before the step runs and are not its
outputs (files, every file under a folder, each element of a comma list). File digests are kept
by (path, size, mtime) so an unchanged multi-gigabyte genome is read once, not on every run.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path

from plantreg import __version__
from plantreg.io import atomic_path
from plantreg.run.step import Step

log = logging.getLogger(__name__)

_CHUNK = 1 << 20


class StepCache:
    """Records of finished steps under ``<work>/plantreg-run/``."""

    def __init__(self, work_dir: Path) -> None:
        self.root = Path(work_dir) / "plantreg-run"
        self.steps = self.root / "steps"
        self.digest_file = self.root / "digests.json"
        self._digests: dict[str, list] = {}
        if self.digest_file.is_file():
            self._digests = json.loads(self.digest_file.read_text())

    def key(self, step: Step) -> str:
        inputs = {str(path): self._digest(path) for path in step_inputs(step)}
        blob = json.dumps(
            {"version": __version__, "argv": step.command(), "inputs": inputs}, sort_keys=True
        )
        return hashlib.sha256(blob.encode()).hexdigest()

    def is_done(self, step: Step, key: str) -> bool:
        record = self.steps / f"{step.key_name}.json"
        if not record.is_file() or not step.outputs_exist():
            return False
        return json.loads(record.read_text()).get("key") == key

    def record(self, step: Step, key: str, seconds: float) -> None:
        self.steps.mkdir(parents=True, exist_ok=True)
        entry = {"key": key, "argv": step.command(), "seconds": round(seconds, 3),
                 "outputs": [str(p) for p in step.outputs], "version": __version__}
        _write_json(self.steps / f"{step.key_name}.json", entry)
        self.save()

    def save(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        _write_json(self.digest_file, self._digests)

    def _digest(self, path: Path) -> str:
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file())
            return _hash_text([f"{p.relative_to(path)}:{self._digest(p)}" for p in files])
        stat = path.stat()
        token = [stat.st_size, stat.st_mtime_ns]
        cached = self._digests.get(str(path.resolve()))
        if cached and cached[:2] == token:
            return cached[2]
        digest = _hash_file(path)
        self._digests[str(path.resolve())] = [*token, digest]
        return digest


def step_inputs(step: Step) -> list[Path]:
    """Existing paths named by the step's argv that are not its outputs (nor hold them), nor
    the value of an output option (``--out``, ``--out-*``, ``--outdir``)."""
    outputs = [p.resolve() for p in step.outputs]
    found: dict[Path, None] = {}
    for flag, token in zip(["", *step.argv], step.argv, strict=False):
        if flag == "--out" or flag.startswith(("--out-", "--outdir")):
            continue
        for part in token.split(","):
            if not part or part.startswith("-") or not os.path.exists(part):
                continue
            resolved = Path(part).resolve()
            if any(resolved == out or resolved in out.parents for out in outputs):
                continue
            found[Path(part)] = None
    return list(found)


def _hash_file(path: Path) -> str:
    digest = hashlib.blake2b(digest_size=20)
    with open(path, "rb") as handle:
        while block := handle.read(_CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _hash_text(lines: list[str]) -> str:
    return hashlib.blake2b("\n".join(lines).encode(), digest_size=20).hexdigest()


def _write_json(path: Path, value: object) -> None:
    with atomic_path(path) as tmp:
        Path(tmp).write_text(json.dumps(value, indent=1, sort_keys=True))
