"""Pipeline parameters: one YAML read by ``plantreg run`` and ``nextflow run -params-file``.

The defaults here mirror ``nextflow.config``; a test keeps the two in agreement.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from plantreg.errors import InputError
from plantreg.run.defaults import DEFAULTS

REQUIRED = ("input", "fasta", "gff")
# Every parameter without a default value names an input file.
PATH_KEYS = tuple(key for key, value in DEFAULTS.items() if value is None)
# Nextflow-only settings may sit in the same file; the runner accepts and ignores them.
NEXTFLOW_ONLY = {
    "publish_dir_mode",
    "use_gpu",
    "max_cpus",
    "max_memory",
    "max_time",
    "awsqueue",
    "awsregion",
    "google_project",
    "google_location",
    "container",
    "tile_genome",
    "help",
    "validate_params",
}


@dataclass(frozen=True)
class Params:
    values: dict[str, Any] = field(default_factory=dict)
    source: Path | None = None

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def path(self, key: str) -> Path | None:
        value = self.values.get(key)
        return Path(value) if value else None


def load_params(path: str | Path, overrides: dict[str, Any] | None = None) -> Params:
    """Read a parameters YAML, apply defaults and overrides, check names, types, required keys.

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
    unknown = sorted(set(raw) - set(DEFAULTS) - NEXTFLOW_ONLY)
    if unknown:
        raise InputError(f"unknown parameter(s): {', '.join(unknown)}", path)
    values = {**DEFAULTS, **{k: v for k, v in raw.items() if k in DEFAULTS}}
    missing = [k for k in REQUIRED if not values.get(k)]
    if missing:
        raise InputError(f"missing required parameter(s): {', '.join(missing)}", path)
    _check_types(values, path)
    return Params(values=values, source=path)


def _check_types(values: dict[str, Any], path: Path) -> None:
    for key, default in DEFAULTS.items():
        value = values[key]
        if default is None or value is None or isinstance(default, str):
            continue
        if isinstance(default, bool):
            if not isinstance(value, bool):
                raise InputError(f"parameter '{key}' must be true or false, got {value!r}", path)
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise InputError(f"parameter '{key}' must be a number, got {value!r}", path)
        if isinstance(default, int) and not float(value).is_integer():
            raise InputError(f"parameter '{key}' must be an integer, got {value!r}", path)
    for key in PATH_KEYS:
        if values.get(key) and not Path(values[key]).exists():
            raise InputError(f"parameter '{key}': file not found: {values[key]}", path)


__all__ = ["DEFAULTS", "Params", "load_params"]
