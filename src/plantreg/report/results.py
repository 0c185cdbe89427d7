"""The stage files a report reads, known by their place in the results layout.

The report is given the results folder, or files and folders of it laid out as it is (Nextflow
stages them so into the task folder). A file is known by the last parts of its path, e.g.
``train_chromatin/evaluate/evaluation.tsv``: the same file of the layout under any root.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path

import pandas as pd

from plantreg.errors import InputError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Results:
    files: tuple[Path, ...]

    @classmethod
    def find(cls, paths: list[Path]) -> Results:
        """Every file of ``paths``: files as given, folders walked (staged links followed). A
        path that is not there is left out (a stage that did not run); none there is an error."""
        found: list[Path] = []
        missing = [path for path in map(Path, paths) if not path.exists()]
        if missing and len(missing) == len(paths):
            raise InputError("no such results folder or file", missing[0])
        for path in missing:
            log.warning("%s: not there, left out of the report", path)
        for path in map(Path, paths):
            if path.is_dir():
                found += sorted(Path(root) / name
                                for root, _dirs, names in os.walk(path, followlinks=True)
                                for name in names)
            elif path.is_file():
                found.append(path)
        return cls(tuple(found))

    def all(self, pattern: str) -> list[Path]:
        """The files whose path ends with ``pattern``, part by part (``*`` within one part)."""
        parts = pattern.split("/")
        return [f for f in self.files if len(f.parts) >= len(parts)
                and all(fnmatchcase(a, b) for a, b in zip(f.parts[-len(parts):], parts,
                                                          strict=True))]

    def one(self, pattern: str) -> Path | None:
        hits = self.all(pattern)
        return hits[0] if hits else None


def read_tsv(path: Path, columns: list[str]) -> pd.DataFrame:
    """A stage's tab-separated table, which must hold ``columns``."""
    try:
        table = pd.read_csv(path, sep="\t")
    except (OSError, ValueError, pd.errors.ParserError) as err:
        raise InputError(f"cannot read the table ({err})", path) from None
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise InputError(f"the table has no column(s) {', '.join(missing)}", path)
    return table
