"""Pipeline parameters: one YAML read by ``plantreg run`` and ``nextflow run -params-file``.

Names, defaults, types, ranges and choices come from ``nextflow_schema.json``
(:mod:`plantreg.run.schema`); the file is validated against it with ``jsonschema``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from plantreg.errors import InputError
from plantreg.run import schema
from plantreg.run.species_sheet import read_species_sheet

DEFAULTS: dict[str, Any] = schema.defaults()


@dataclass(frozen=True)
class Params:
    values: dict[str, Any] = field(default_factory=dict)
    source: Path | None = None
    work_dir: Path = Path("work")  # the runner's work folder (staged inputs, unpublished files)

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def path(self, key: str) -> Path | None:
        value = self.values.get(key)
        return Path(value) if value else None


def load_params(path: str | Path, overrides: dict[str, Any] | None = None) -> Params:
    """Read a parameters YAML, apply the schema's defaults and the overrides, and validate.

    Relative paths are kept relative to the current directory, exactly as Nextflow resolves them
    against its launch directory.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError("parameters file not found", path)
    try:
        raw = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as err:
        raise InputError(f"not valid YAML ({str(err).splitlines()[0]})", path) from None
    if not isinstance(raw, dict):
        raise InputError("expected a mapping of parameter names to values", path)
    raw.update(overrides or {})
    return Params(values=validate_params(raw, path), source=path)


def validate_params(raw: dict[str, Any], path: Path | None = None) -> dict[str, Any]:
    """Given values → every parameter's value, or an :class:`InputError` naming the first fault."""
    unknown = sorted(set(raw) - set(DEFAULTS))
    if unknown:
        raise InputError(f"unknown parameter(s): {', '.join(unknown)}", path)
    values = {**DEFAULTS, **raw}
    missing = [k for k in schema.required() if not values.get(k)]
    if missing:
        raise InputError(f"missing required parameter(s): {', '.join(missing)}", path)
    given = {k: v for k, v in values.items() if v is not None}
    error = best_match(Draft202012Validator(schema.flat_schema()).iter_errors(given))
    if error is not None:
        key = error.absolute_path[0] if error.absolute_path else "?"
        raise InputError(f"parameter '{key}': {_describe(error)}", path)
    for key in schema.path_parameters():
        if values.get(key) and not Path(values[key]).exists():
            raise InputError(f"parameter '{key}': file not found: {values[key]}", path)
    for key in schema.file_list_parameters():
        for item in str(values.get(key) or "").split(","):
            if item.strip() and not Path(item.strip()).exists():
                raise InputError(f"parameter '{key}': file not found: {item.strip()}", path)
    if values.get("expression_input"):
        # checked before any step runs, as nf-schema checks it (the parameter's "schema")
        read_species_sheet(values["expression_input"])
    return values


def _describe(error) -> str:
    """The schema's ``errorMessage`` (as nf-schema shows it), else jsonschema's own message."""
    if "errorMessage" in error.schema:
        return f"{error.instance!r}: {error.schema['errorMessage']}"
    if error.validator == "type":
        hint = ""
        if isinstance(error.instance, str) and _is_number(error.instance):
            hint = " (YAML 1.1 reads exponents without a dot as text: write 1.0e-4, not 1e-4)"
        return f"{error.instance!r} is not of type {error.validator_value}{hint}"
    if error.validator == "enum":
        choices = ", ".join(map(str, error.validator_value))
        return f"{error.instance!r} is not one of {choices}"
    return error.message


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


__all__ = ["DEFAULTS", "Params", "load_params", "validate_params"]
