"""What the samplesheet and the species sheet share: a CSV read with its header checked, rows
validated against the pipeline's JSON schema with ``jsonschema`` (the checks nf-schema makes for
Nextflow) plus the ``uniqueEntries`` rule JSON Schema cannot state, and files resolved against the
sheet's folder. Every fault is one :class:`InputError` line naming the sheet and the line."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from plantreg.errors import InputError


def read_rows(path: str | Path, columns: tuple[str, ...], what: str,
              optional: tuple[str, ...] = ()) -> list[dict[str, str]]:
    """The rows of a CSV sheet whose header is ``columns`` then any of ``optional``; at least one
    row. An empty optional cell is left out of its row (nf-schema reads it as absent)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{what} not found", path)
    with open(path, newline="") as handle:
        reader = csv.DictReader(handle)
        header = tuple(reader.fieldnames or ())
        extra = header[len(columns):]
        if header[:len(columns)] != columns or not set(extra) <= set(optional) or len(
                set(extra)) < len(extra):
            missing = [c for c in columns if c not in header]
            detail = f" (missing {', '.join(missing)})" if missing else ""
            also = f", then any of '{','.join(optional)}'" if optional else ""
            raise InputError(f"header must be '{','.join(columns)}'{also}, got "
                             f"'{','.join(header)}'{detail}", path)
        rows = [{k: v for k, v in row.items() if k in columns or v}
                for row in reader]
    if not rows:
        raise InputError(f"{what} has no rows", path)
    return rows


def validate_rows(rows: list[dict[str, Any]], sheet: dict[str, Any], columns: tuple[str, ...],
                  path: Path) -> None:
    """Each row against ``sheet["items"]`` (first fault in column order), then ``contains`` and
    ``uniqueEntries`` over the whole sheet."""
    items = sheet["items"]
    validator = Draft202012Validator(items)
    for line, row in enumerate(rows, start=2):
        errors = sorted(validator.iter_errors(row), key=lambda e: _column_order(e.path, columns))
        if errors:
            raise InputError(f"line {line}: {_message(errors[0], items, row)}", path)
    if "contains" in sheet and not Draft202012Validator({"contains": sheet["contains"]}).is_valid(
            rows):
        raise InputError(sheet["contains"]["errorMessage"], path)
    seen: dict[tuple, int] = {}
    for line, row in enumerate(rows, start=2):
        key = tuple(row[k] for k in sheet.get("uniqueEntries", ()))
        if key and key in seen:
            names = " and ".join(sheet["uniqueEntries"])
            raise InputError(f"line {line}: same {names} as line {seen[key]}: "
                             f"{', '.join(key)}", path)
        seen[key] = line


def sheet_file(path: Path, line: int, value: str, label: str = "file") -> Path:
    """A file named by a sheet: absolute, or relative to the sheet's folder; it must exist."""
    file = Path(value)
    file = file if file.is_absolute() else path.parent / file
    if not file.is_file():
        raise InputError(f"line {line}: {label} not found: {file}", path)
    return file


def _column_order(error_path, columns: tuple[str, ...]) -> int:
    """Faults in column order, as a reader scans a row."""
    column = next(iter(error_path), None)
    return columns.index(column) if column in columns else -1


def _message(error, items: dict[str, Any], row: dict[str, Any]) -> str:
    """The schema's ``errorMessage`` for the column at fault (nf-schema's wording), with value."""
    column = next(iter(error.path), None)
    if column is None:
        return error.message
    schema = error.schema if "errorMessage" in error.schema else items["properties"].get(column, {})
    return f"{column} '{row.get(column)}': {schema.get('errorMessage', error.message)}"
