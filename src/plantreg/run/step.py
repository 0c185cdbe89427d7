"""One step of the one-machine runner: a ``plantreg …`` call, what it reads, what it must leave."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Step:
    process: str  # the Nextflow process this step mirrors, e.g. PREP_LABELS
    argv: list[str]  # arguments after `plantreg <group>`
    outputs: list[Path]  # what the step must leave (checked before it counts as done)
    tag: str = ""  # the Nextflow `tag` (mark, split, chunk), for the log
    group: str = "prep"
    # The Nextflow module's `input:` names → this step's files (a path, a list, or None), and the
    # task's `meta`: what the argv-equality test hands to the module's own script block.
    inputs: Mapping[str, Any] = field(default_factory=dict)
    meta: Mapping[str, Any] = field(default_factory=dict)
    alias: str = ""  # the name the subworkflow calls the process by, when it aliases it
    # The stage's later steps depend on this step's output (a scatter it decides, as the chunk
    # list does): the runner plans the stage again after running it.
    replan: bool = False

    @property
    def called(self) -> str:
        return self.alias or self.process

    @property
    def label(self) -> str:
        return f"{self.process} ({self.tag})" if self.tag else self.process

    @property
    def key_name(self) -> str:
        """A file-name-safe identity of this step within a run (process and tag)."""
        safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in self.tag)
        return f"{self.process}.{safe}" if safe else self.process

    def outputs_exist(self) -> bool:
        return all(path.exists() for path in self.outputs)

    def command(self) -> list[str]:
        return [self.group, *self.argv]


def device_args(params: Any) -> list[str]:
    """``--device`` as a Nextflow task picks it (``task.accelerator ? 'cuda' : 'cpu'``): the
    runner uses the GPU only when ``use_gpu`` asks for it, as ``-profile gpu`` does."""
    return ["--device", "cuda" if params["use_gpu"] else "cpu"]


def threads_args(params: Any) -> list[str]:
    """``--threads`` as a Nextflow task gives it (``task.cpus``): the ``threads`` parameter, or
    every core of this machine when it is 0."""
    return ["--threads", str(runner_threads(params))]


def runner_threads(params: Any) -> int:
    return int(params["threads"]) or (os.cpu_count() or 1)
