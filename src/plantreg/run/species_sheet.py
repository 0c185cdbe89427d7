"""The species sheet of the expression model (``species,fasta,gff,expression``), validated against
``assets/schema_species.json`` with ``jsonschema`` (the checks nf-schema makes for Nextflow), plus
what JSON Schema cannot state: unique ``uniqueEntries`` and files that exist. Paths are absolute or
relative to the sheet's folder, as in the samplesheet. Every fault is one line naming the sheet."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from plantreg.errors import InputError
from plantreg.run.schema import species_schema

COLUMNS = ("species", "fasta", "gff", "expression")
FILES = ("fasta", "gff", "expression")


@dataclass(frozen=True)
class Species:
    name: str
    fasta: Path
    gff: Path
    expression: Path


def read_species_sheet(path: str | Path) -> list[Species]:
    """The rows of a species sheet, in sheet order, with their files resolved and checked."""
    path = Path(path)
    if not path.is_file():
        raise InputError("species sheet not found", path)
    with open(path, newline="") as handle:
        reader = csv.DictReader(handle)
        header = tuple(reader.fieldnames or ())
        if header != COLUMNS:
            missing = [c for c in COLUMNS if c not in header]
            detail = f" (missing {', '.join(missing)})" if missing else ""
            raise InputError(
                f"header must be '{','.join(COLUMNS)}', got '{','.join(header)}'{detail}", path
            )
        records = list(reader)
    if not records:
        raise InputError("species sheet has no rows", path)
    _validate(records, path)
    return [_row(path, line, rec) for line, rec in enumerate(records, start=2)]


def _validate(records: list[dict[str, Any]], path: Path) -> None:
    sheet = species_schema()
    items = sheet["items"]
    validator = Draft202012Validator(items)
    for line, rec in enumerate(records, start=2):
        errors = sorted(validator.iter_errors(rec), key=lambda e: _column_order(e.path))
        if errors:
            raise InputError(f"line {line}: {_message(errors[0], items, rec)}", path)
    seen: dict[tuple, int] = {}
    for line, rec in enumerate(records, start=2):
        key = tuple(rec[k] for k in sheet["uniqueEntries"])
        if key in seen:
            columns = " and ".join(sheet["uniqueEntries"])
            raise InputError(f"line {line}: same {columns} as line {seen[key]}: "
                             f"{', '.join(key)}", path)
        seen[key] = line


def _column_order(error_path) -> int:
    column = next(iter(error_path), None)
    return COLUMNS.index(column) if column in COLUMNS else -1


def _message(error, items: dict[str, Any], rec: dict[str, Any]) -> str:
    """The schema's ``errorMessage`` for the column at fault (nf-schema's wording), with value."""
    column = next(iter(error.path), None)
    if column is None:
        return error.message
    prop = items["properties"].get(column, {})
    return f"{column} '{rec.get(column)}': {prop.get('errorMessage', error.message)}"


def _row(path: Path, line: int, rec: dict[str, str]) -> Species:
    files = {}
    for column in FILES:
        file = Path(rec[column])
        file = file if file.is_absolute() else path.parent / file
        if not file.is_file():
            raise InputError(f"line {line}: {rec['species']}: {column} file not found: {file}",
                             path)
        files[column] = file
    return Species(rec["species"], **files)
