"""The samplesheet (``sample,mark,type,file``), validated against ``assets/schema_input.json``
with ``jsonschema`` (the checks nf-schema makes for Nextflow; :mod:`plantreg.run.sheets`), plus
the rule only this sheet has: a bigWig named after its mark."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from plantreg.errors import InputError
from plantreg.run.schema import samplesheet_schema
from plantreg.run.sheets import read_rows, sheet_file, validate_rows
from plantreg.tracks.names import track_name

COLUMNS = ("sample", "mark", "type", "file")


@dataclass(frozen=True)
class Row:
    sample: str
    mark: str
    type: str
    file: Path


def read_samplesheet(path: str | Path) -> list[Row]:
    """Parse and validate a samplesheet; ``file`` is absolute or relative to the sheet's folder."""
    path = Path(path)
    rows = read_rows(path, COLUMNS, "samplesheet")
    validate_rows(rows, samplesheet_schema(), COLUMNS, path)
    return [_row(path, line, rec) for line, rec in enumerate(rows, start=2)]


def _row(path: Path, line: int, rec: dict[str, str]) -> Row:
    file = sheet_file(path, line, rec["file"])
    if rec["type"] in ("signal", "dapseq") and track_name(file) != rec["mark"]:
        # label arrays name these channels after the file, so the name must be the mark's
        raise InputError(
            f"line {line}: a {rec['type']} bigWig must be named after its mark "
            f"({rec['mark']}.bw), got {file.name}",
            path,
        )
    return Row(rec["sample"], rec["mark"], rec["type"], file)
