"""Step options that come from parameters, declared once in ``nextflow_schema.json``.

A parameter's ``x-args`` maps the processes it reaches to their command-line flag, e.g.
``"window_size": {"x-args": {"PREP_WINDOWS": "--window", "PREP_TILE": "--window"}}``.
Both executors read that one declaration: the runner through :func:`step_args`, Nextflow
through ``conf/args.config``, which :func:`render_config` writes
(``python -m plantreg.run.args > conf/args.config``; a test fails when the committed file
differs from the schema).

Rendering rules, the same on both sides:
- a boolean flag ``--a/--no-a`` gives ``--a`` or ``--no-a``; a lone ``--a`` is given when true;
- an optional parameter (no default, or an empty default) is left out when empty;
- any other value is given as ``--flag value``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from plantreg.run import schema

CONFIG_HEADER = """\
/*
 * GENERATED from nextflow_schema.json (each parameter's "x-args"), do not edit; regenerate with
 *   python -m plantreg.run.args > conf/args.config
 * The options each process takes from the parameters (task.ext.args); the one-machine runner
 * (`plantreg run`) reads the same declarations.
 */
"""


def _optional(prop: dict[str, Any]) -> bool:
    return prop.get("default") in (None, "")


def bindings() -> dict[str, list[tuple[str, str, dict[str, Any]]]]:
    """process → [(parameter, flag, property)] in schema order."""
    table: dict[str, list[tuple[str, str, dict[str, Any]]]] = {}
    for name, prop in schema.properties().items():
        for process, flag in prop.get("x-args", {}).items():
            table.setdefault(process, []).append((name, flag, prop))
    return dict(sorted(table.items()))


def format_value(value: Any) -> str:
    """A value as Groovy's string interpolation writes it (``true``, ``0.5``, ``1.0E-5``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value and not 1e-3 <= abs(value) < 1e7:
        # Java's Double.toString switches to scientific notation outside [1e-3, 1e7)
        sign, digits, exponent = Decimal(repr(value)).normalize().as_tuple()
        rest = "".join(map(str, digits[1:])) or "0"
        return f"{'-' if sign else ''}{digits[0]}.{rest}E{len(digits) - 1 + exponent}"
    return str(value)


def step_args(process: str, params: Any) -> list[str]:
    """The options ``process`` takes from ``params`` (a mapping or :class:`Params`)."""
    argv: list[str] = []
    for name, flag, prop in bindings().get(process, []):
        value = params[name]
        if prop.get("type") == "boolean":
            on, _, off = flag.partition("/")
            chosen = on if value else off
            argv += [chosen] if chosen else []
        elif not (_optional(prop) and value in (None, "")):
            argv += [flag, format_value(value)]
    return argv


def _groovy_item(name: str, flag: str, prop: dict[str, Any]) -> str:
    if prop.get("type") == "boolean":
        on, _, off = flag.partition("/")
        return f"params.{name} ? '{on}' : '{off}'"
    if _optional(prop):
        return f'params.{name} ? "{flag} ${{params.{name}}}" : \'\''
    return f'"{flag} ${{params.{name}}}"'


def render_config() -> str:
    """``conf/args.config``: one ``withName`` block per process with its ``ext.args``."""
    blocks = []
    for process, items in bindings().items():
        lines = ",\n".join(f"            {_groovy_item(*item)}" for item in items)
        blocks.append(
            f"    withName: '{process}' {{\n"
            f"        ext.args = {{ [\n{lines}\n"
            f"        ].findAll {{ arg -> arg }}.join(' ') }}\n"
            f"    }}\n"
        )
    return CONFIG_HEADER + "\nprocess {\n\n" + "\n".join(blocks) + "}\n"


if __name__ == "__main__":
    import sys

    sys.stdout.write(render_config())
