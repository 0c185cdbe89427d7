"""The samplesheet (``sample,mark,type,file``), validated against ``assets/schema_input.json``
with ``jsonschema`` (the checks nf-schema makes for Nextflow), plus the two rules JSON Schema
cannot state: unique ``uniqueEntries`` and a bigWig named after its mark."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from plantreg.errors import InputError
from plantreg.run.schema import samplesheet_schema
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
    if not path.is_file():
        raise InputError("samplesheet not found", path)
    with open(path, newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise InputError(f"header must be '{','.join(COLUMNS)}', got {reader.fieldnames}", path)
        records = list(reader)
    if not records:
        raise InputError("samplesheet has no rows", path)
    _validate(records, path)
    return [_row(path, line, rec) for line, rec in enumerate(records, start=2)]


def _validate(records: list[dict[str, Any]], path: Path) -> None:
    sheet = samplesheet_schema()
    validator = Draft202012Validator(sheet["items"])
    for line, rec in enumerate(records, start=2):
        errors = sorted(validator.iter_errors(rec), key=lambda e: _column_order(e.path))
        error = errors[0] if errors else None
        if error is not None:
            raise InputError(f"line {line}: {_message(error, sheet['items'], rec)}", path)
    if not Draft202012Validator({"contains": sheet["contains"]}).is_valid(records):
        raise InputError(sheet["contains"]["errorMessage"], path)
    seen: dict[tuple, int] = {}
    for line, rec in enumerate(records, start=2):
        key = tuple(rec[k] for k in sheet["uniqueEntries"])
        if key in seen:
            columns = " and ".join(sheet["uniqueEntries"])
            raise InputError(f"line {line}: same {columns} as line {seen[key]}: {key}", path)
        seen[key] = line


def _column_order(path) -> int:
    """Errors reported in column order (sample, mark, type, file), as a reader scans a row."""
    column = next(iter(path), None)
    return COLUMNS.index(column) if column in COLUMNS else -1


def _message(error, items: dict[str, Any], rec: dict[str, Any]) -> str:
    """The schema's ``errorMessage`` for the column at fault (nf-schema's wording), with value."""
    column = next((p for p in error.path), None)
    if column is None and error.validator == "required":
        return error.message
    schema = error.schema if "errorMessage" in error.schema else items["properties"].get(column, {})
    return f"{column} '{rec.get(column)}': {schema.get('errorMessage', error.message)}"


def _row(path: Path, line: int, rec: dict[str, str]) -> Row:
    file = Path(rec["file"])
    file = file if file.is_absolute() else path.parent / file
    if not file.is_file():
        raise InputError(f"line {line}: file not found: {file}", path)
    if rec["type"] in ("signal", "dapseq") and track_name(file) != rec["mark"]:
        # label arrays name these channels after the file, so the name must be the mark's
        raise InputError(
            f"line {line}: a {rec['type']} bigWig must be named after its mark "
            f"({rec['mark']}.bw), got {file.name}",
            path,
        )
    return Row(rec["sample"], rec["mark"], rec["type"], file)
