"""One parameters file drives `nextflow run -params-file` and `plantreg run`: the parameter names,
defaults, schema and the bundled test values must agree across nextflow.config,
nextflow_schema.json, conf/test.config, assets/test_params.yaml and the runner."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
import yaml

from plantreg import __version__
from plantreg.run.params import DEFAULTS
from tests.nextflow.langserver import nextflow_files
from tests.nextflow.nfsource import REPO, Expression, config_block, strip_comments

PARAMS_YAML = REPO / "assets" / "test_params.yaml"
SCHEMA = json.loads((REPO / "nextflow_schema.json").read_text())
SAMPLESHEET_SCHEMA = json.loads((REPO / "assets" / "schema_input.json").read_text())
SPECIES_SCHEMA = json.loads((REPO / "assets" / "schema_species.json").read_text())
CONFIG = config_block(REPO / "nextflow.config", "params")
TEST_CONFIG = config_block(REPO / "conf" / "test.config", "params")

# Parameters without a default name input files (as plantreg.run.params treats them).
PATH_KEYS = {key for key, value in DEFAULTS.items() if value is None}


def _schema_properties() -> dict[str, dict]:
    return {
        name: prop
        for group in SCHEMA["$defs"].values()
        for name, prop in group["properties"].items()
    }


def test_config_defaults_equal_the_runner_defaults():
    assert {k: CONFIG.get(k) for k in DEFAULTS} == DEFAULTS


def test_nextflow_only_parameters_are_known_to_the_runner():
    """A params file written for Nextflow must not be refused by `plantreg run`."""
    assert sorted(set(CONFIG) - set(DEFAULTS)) == []


def test_schema_documents_exactly_the_config_parameters():
    properties = _schema_properties()
    assert sorted(properties) == sorted(CONFIG)
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert all(p.get("description") for p in properties.values())
    refs = [item["$ref"] for item in SCHEMA["allOf"]]
    assert refs == [f"#/$defs/{name}" for name in SCHEMA["$defs"]]


def test_schema_defaults_equal_the_config_defaults():
    properties = _schema_properties()
    differs = {
        name: (prop["default"], CONFIG[name])
        for name, prop in properties.items()
        if "default" in prop and prop["default"] != CONFIG[name]
    }
    assert differs == {}
    # A parameter with a non-null default in the config states it in the schema too.
    undocumented = [
        n for n, v in CONFIG.items() if v is not None and "default" not in properties[n]
    ]
    assert undocumented == []


def test_schema_types_and_choices_accept_the_defaults():
    python_types = {"integer": int, "number": (int, float), "string": str, "boolean": bool}
    for name, prop in _schema_properties().items():
        value = CONFIG[name]
        if value is None:
            continue
        assert isinstance(value, python_types[prop["type"]]), name
        if "enum" in prop:
            assert value in prop["enum"], name
        if "pattern" in prop:
            assert re.search(prop["pattern"], value), name


def test_every_params_reference_is_defined():
    used = set()
    for path in nextflow_files():
        used |= set(re.findall(r"\bparams\.(\w+)", strip_comments(path.read_text())))
    assert sorted(used - set(CONFIG)) == []


def _resolve(key: str, value: object, base: Path) -> object:
    if key in PATH_KEYS and isinstance(value, str) and value:
        return (base / value).resolve()
    return value


def test_test_profile_equals_the_bundled_parameters_file():
    """-profile test and `-params-file assets/test_params.yaml` run the same thing (YAML
    paths are relative to the launch directory, the repository root; test.config's are absolute)."""
    assert PARAMS_YAML.is_file(), f"{PARAMS_YAML.relative_to(REPO)} is missing"
    given = yaml.safe_load(PARAMS_YAML.read_text())
    assert sorted(set(given) - set(DEFAULTS)) == []
    assert not any(isinstance(v, Expression) for v in TEST_CONFIG.values())
    effective = {**CONFIG, **TEST_CONFIG}
    runner = {**DEFAULTS, **given}
    differs = {
        key: (_resolve(key, effective[key], REPO), _resolve(key, runner[key], REPO))
        for key in DEFAULTS
        if _resolve(key, effective[key], REPO) != _resolve(key, runner[key], REPO)
    }
    assert differs == {}
    for key in PATH_KEYS & set(given):
        assert _resolve(key, given[key], REPO).exists(), key


def test_manifest_version_is_the_package_version():
    manifest = config_block(REPO / "nextflow.config", "manifest")
    assert manifest["version"] == __version__
    assert manifest["name"] == "plantreg"
    assert manifest["nextflowVersion"].lstrip("!").startswith(">=")


@pytest.mark.parametrize(
    "sheet", sorted(p.relative_to(REPO).as_posix() for p in REPO.glob("assets/**/samplesheet.csv"))
)
def test_bundled_samplesheets_follow_the_samplesheet_schema(sheet):
    """The checks nf-schema makes on assets/schema_input.json, applied to the bundled sheets."""
    items = SAMPLESHEET_SCHEMA["items"]
    with open(REPO / sheet, newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["sample", "mark", "type", "file"] == list(items["properties"])
    assert items["required"] == ["sample", "mark", "type", "file"]
    for row in rows:
        for column, prop in items["properties"].items():
            assert re.search(prop.get("pattern", ""), row[column]), (sheet, row)
            assert row[column] in prop.get("enum", [row[column]]), (sheet, row)
        (rule,) = items["allOf"]
        condition = rule["if"]["properties"]["type"]
        matched = row["type"] in condition.get("enum", [condition.get("const")])
        branch = "then" if matched else "else"
        assert re.search(rule[branch]["properties"]["file"]["pattern"], row["file"]), (sheet, row)
        assert (REPO / sheet).parent.joinpath(row["file"]).is_file(), (sheet, row)
    assert any(r["type"] == "peaks" for r in rows)  # the schema's `contains`
    keys = [tuple(r[k] for k in SAMPLESHEET_SCHEMA["uniqueEntries"]) for r in rows]
    assert len(keys) == len(set(keys))


def test_bundled_species_sheet_follows_the_species_schema():
    """The checks nf-schema makes on assets/schema_species.json, applied to the bundled species
    sheet (expression_input of the bundled parameters): columns, patterns, unique species, files."""
    given = yaml.safe_load(PARAMS_YAML.read_text())
    sheet = REPO / given["expression_input"]
    items = SPECIES_SCHEMA["items"]
    with open(sheet, newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["species", "fasta", "gff", "expression"] == items["required"]
    # the optional columns (held-out chromosomes) come after the required ones
    assert list(items["properties"]) == items["required"] + ["valid_chroms", "test_chroms"]
    assert len(rows) >= SPECIES_SCHEMA["minItems"]
    for row in rows:
        for column, prop in items["properties"].items():
            if column in row:
                assert re.search(prop["pattern"], row[column]), (sheet, row, column)
        for column in ("fasta", "gff", "expression"):
            assert sheet.parent.joinpath(row[column]).is_file(), (sheet, row, column)
    keys = [tuple(r[k] for k in SPECIES_SCHEMA["uniqueEntries"]) for r in rows]
    assert len(keys) == len(set(keys))
    # the schema the parameter names is this one (nf-schema validates the sheet with it)
    prop = SCHEMA["$defs"]["expression_options"]["properties"]["expression_input"]
    assert prop["schema"] == "assets/schema_species.json"
