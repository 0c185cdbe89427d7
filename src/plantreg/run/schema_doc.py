"""``docs/parameters.md``: every parameter of ``nextflow_schema.json`` as a readable reference,
generated so that it never disagrees with the schema (a test compares the committed page)::

    python -m plantreg.run.schema_doc > docs/parameters.md
"""

from __future__ import annotations

import json
from typing import Any

from plantreg.run import schema

HEADER = """\
# Parameters

Generated from `nextflow_schema.json` (`python -m plantreg.run.schema_doc > docs/parameters.md`);
do not edit. The same names, defaults and checks apply to `nextflow run -params-file` and
`plantreg run`. *Step options* are the command-line options each parameter sets (`x-args`).
"""


def _value(value: Any) -> str:
    return "—" if value in (None, "") else f"`{json.dumps(value)}`"


def _allowed(prop: dict[str, Any]) -> str:
    parts = []
    if "enum" in prop:
        parts.append(", ".join(f"`{v}`" for v in prop["enum"]))
    for key, word in (("minimum", "≥"), ("exclusiveMinimum", ">"), ("maximum", "≤"),
                      ("exclusiveMaximum", "<")):
        if key in prop:
            parts.append(f"{word} {prop[key]}")
    if "pattern" in prop:
        parts.append(f"matches `{prop['pattern']}`")
    return "; ".join(parts) or "—"


def render_parameters_md() -> str:
    out = [HEADER]
    for section in schema.pipeline_schema()["$defs"].values():
        out.append(f"\n## {section['title']}\n\n{section.get('description', '')}\n")
        required = set(section.get("required", []))
        for name, prop in section["properties"].items():
            flags = ", ".join(f"`{p} {f}`" for p, f in prop.get("x-args", {}).items())
            out.append(
                f"\n### `{name}`{' (required)' if name in required else ''}\n\n"
                f"{prop['description']}\n\n"
                f"- type: {prop['type']}; default: {_value(prop.get('default'))}; "
                f"allowed: {_allowed(prop)}\n"
                + (f"- step options: {flags}\n" if flags else "")
                + f"\n{prop.get('help_text', '')}\n"
            )
    return "".join(out)


if __name__ == "__main__":
    import sys

    sys.stdout.write(render_parameters_md())
