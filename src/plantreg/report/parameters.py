"""The run's parameters in the report: those of the parameters file (YAML; Nextflow's JSON of
``params`` is YAML too) whose value is not the default, as nf-core's workflow summary lists them."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import yaml

from plantreg.errors import InputError
from plantreg.report.content import table
from plantreg.run.params import DEFAULTS


def sections(path: Path, out: Path) -> list[str]:
    try:
        given = yaml.safe_load(Path(path).read_text()) or {}
    except OSError as err:
        raise InputError(f"cannot read the parameters ({err.strerror})", path) from None
    except yaml.YAMLError as err:
        raise InputError(f"not valid YAML ({str(err).splitlines()[0]})", path) from None
    if not isinstance(given, dict):
        raise InputError("expected a mapping of parameter names to values", path)
    changed = {k: v for k, v in given.items() if v is not None and v != DEFAULTS.get(k)}
    frame = pd.DataFrame({"value": [_text(v) for v in changed.values()]},
                         index=pd.Index(list(changed), name="parameter"))
    return [table(out, "parameters", "Parameters",
                  "The parameters of the run that differ from their defaults "
                  "(docs/parameters.md lists every one).", frame)]


def _text(value: object) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)
