"""The samplesheet (``sample,mark,type,file``), checked as ``assets/schema_input.json`` does."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from plantreg.errors import InputError

COLUMNS = ("sample", "mark", "type", "file")
TYPES = ("peaks", "signal", "dapseq", "control")


@dataclass(frozen=True)
class Row:
    sample: str
    mark: str
    type: str
    file: Path


def read_samplesheet(path: str | Path) -> list[Row]:
    """Parse and validate a samplesheet; ``file`` is absolute or relative to the sheet's folder."""
    path = Path(path)
    with open(path, newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise InputError(f"header must be '{','.join(COLUMNS)}', got {reader.fieldnames}", path)
        rows = [_row(path, n, rec) for n, rec in enumerate(reader, start=2)]
    if not rows:
        raise InputError("samplesheet has no rows", path)
    return rows


def _row(path: Path, line: int, rec: dict[str, str]) -> Row:
    if rec["type"] not in TYPES:
        raise InputError(
            f"line {line}: type '{rec['type']}' is not one of {', '.join(TYPES)}", path
        )
    if not rec["mark"] or not rec["sample"]:
        raise InputError(f"line {line}: empty sample or mark", path)
    file = Path(rec["file"])
    file = file if file.is_absolute() else path.parent / file
    if not file.is_file():
        raise InputError(f"line {line}: file not found: {file}", path)
    if rec["type"] in ("signal", "dapseq") and file.name.split(".")[0] != rec["mark"]:
        # label arrays name these channels after the file, so the name must be the mark's
        raise InputError(
            f"line {line}: a {rec['type']} bigWig must be named after its mark "
            f"({rec['mark']}.bw), got {file.name}",
            path,
        )
    return Row(rec["sample"], rec["mark"], rec["type"], file)
