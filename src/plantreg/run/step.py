"""One step of the one-machine runner: a ``plantreg prep …`` call and the files it must leave."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Step:
    process: str  # the Nextflow process this step mirrors, e.g. PREP_LABELS
    argv: list[str]  # arguments after `plantreg prep`
    outputs: list[Path]  # the step is skipped when every one of these exists
    tag: str = ""  # the Nextflow `tag` (mark, split), for the log
    group: str = field(default="prep")

    @property
    def label(self) -> str:
        return f"{self.process} ({self.tag})" if self.tag else self.process

    def done(self) -> bool:
        return all(path.exists() for path in self.outputs)

    def command(self) -> list[str]:
        return [self.group, *self.argv]
