"""Resume keyed on content, as Nextflow's ``-resume``: a step is skipped only when the hash of its
command line, its input files' contents and the plantreg version equals the one recorded when it
last finished, and its outputs are still there. Any change reruns the step; steps that read its
outputs rerun in turn when those outputs' contents changed.

Inputs are the paths the command line names that exist before the step runs and are not its
outputs (files, every file under a folder, each element of a comma list). File digests are kept
by (path, size, mtime) so an unchanged multi-gigabyte genome is read once, not on every run.
"""

from __future__ import annotations

import glob
import hashlib
import json
import logging
import os
import shutil
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

    def start(self, step: Step, key: str) -> None:
        """Before a step runs: a step that last started with another key (its options or inputs
        changed) begins afresh, as a Nextflow task does in a new folder, so a training step does
        not resume a checkpoint of other settings; one interrupted with the same key keeps its
        folder and resumes."""
        marker = self.steps / f"{step.key_name}.started"
        if not (marker.is_file() and marker.read_text() == key):
            for folder in step_folders(step):
                if folder.is_dir():
                    log.info("%s: settings or inputs changed: clearing %s", step.label, folder)
                    shutil.rmtree(folder)
        self.steps.mkdir(parents=True, exist_ok=True)
        marker.write_text(key)

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


def _is_output_flag(flag: str) -> bool:
    return flag == "--out" or flag.startswith(("--out-", "--outdir"))


def step_folders(step: Step) -> list[Path]:
    """The folders a step writes into as a whole (its ``--outdir``)."""
    return [Path(value) for flag, value in zip(step.argv, step.argv[1:], strict=False)
            if flag == "--outdir"]


def step_inputs(step: Step) -> list[Path]:
    """What a step reads: the files and folders of ``Step.inputs``, and the existing paths its
    argv names (a file prefix such as ``--norm-prefix norm`` stands for its ``norm.*`` files),
    less its outputs and the values of output options (``--out``, ``--out-*``, ``--outdir``)."""
    outputs = [p.resolve() for p in step.outputs]
    candidates = [str(v).rstrip("/") for value in step.inputs.values() if value
                  for v in (value if isinstance(value, (list, tuple)) else [value])]
    for flag, token in zip(["", *step.argv], step.argv, strict=False):
        if not _is_output_flag(flag) and not token.startswith("-"):
            candidates += token.split(",")
    found: dict[Path, None] = {}
    for part in candidates:
        for path in _existing(part):
            resolved = path.resolve()
            if not any(resolved == out or resolved in out.parents for out in outputs):
                found[path] = None
    return sorted(found, key=str)


def _existing(part: str) -> list[Path]:
    if not part:
        return []
    if os.path.exists(part):
        return [Path(part)]
    prefix = Path(part)
    if "/" in part and prefix.parent.is_dir():
        return sorted(prefix.parent.glob(glob.escape(prefix.name) + ".*"))
    return []


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
