"""``nextflow_schema.json`` as the one source of every parameter's default, type, range and help.

The runner validates a parameters file against it with ``jsonschema`` (as nf-schema does for
Nextflow), takes its defaults from it, and reads from it which step options each parameter sets
(``x-args``, see :mod:`plantreg.run.args`). The package ships the file through a link to the
repository root's copy, so an installed ``plantreg run`` reads the same file Nextflow reads.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

SCHEMA_FILE = "nextflow_schema.json"
SAMPLESHEET_SCHEMA_FILE = "schema_input.json"
SPECIES_SCHEMA_FILE = "schema_species.json"


@cache
def load_json(name: str) -> dict[str, Any]:
    return json.loads(resources.files("plantreg.run").joinpath(name).read_text())


def pipeline_schema() -> dict[str, Any]:
    return load_json(SCHEMA_FILE)


def samplesheet_schema() -> dict[str, Any]:
    return load_json(SAMPLESHEET_SCHEMA_FILE)


def species_schema() -> dict[str, Any]:
    """``assets/schema_species.json``: the species sheet of the expression model."""
    return load_json(SPECIES_SCHEMA_FILE)


@cache
def properties() -> dict[str, dict[str, Any]]:
    """Every parameter, in schema order (section by section), with its JSON-Schema property."""
    return {
        name: prop
        for section in pipeline_schema()["$defs"].values()
        for name, prop in section["properties"].items()
    }


def defaults() -> dict[str, Any]:
    """Each parameter's default; ``None`` where the schema gives none (optional input files)."""
    return {name: prop.get("default") for name, prop in properties().items()}


def required() -> list[str]:
    return [
        name
        for section in pipeline_schema()["$defs"].values()
        for name in section.get("required", [])
    ]


def path_parameters() -> list[str]:
    """Parameters naming an input file that must exist (``format: file-path`` + ``exists``)."""
    return [
        name for name, prop in properties().items()
        if prop.get("format") == "file-path" and prop.get("exists")
    ]


def file_list_parameters() -> list[str]:
    """Parameters holding a comma list of input files that must exist (``x-file-list``)."""
    return [name for name, prop in properties().items() if prop.get("x-file-list")]


def flat_schema() -> dict[str, Any]:
    """One object schema of every parameter: what a parameters file is validated against.

    nf-schema's own keywords (``exists``, ``x-args``, ``x-file-list``, ``help_text``) are not
    JSON-Schema vocabulary and are ignored by the validator; file existence is checked apart.
    Values that are ``null`` ("not given", as in Nextflow) are left out before validation.
    """
    props = {
        name: {k: v for k, v in prop.items() if k not in ("format", "exists", "default")}
        for name, prop in properties().items()
    }
    return {"type": "object", "properties": props}
