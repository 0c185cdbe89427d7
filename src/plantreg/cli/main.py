"""Root of the ``plantreg`` command: registers every domain group and turns bad input into one line.

Each domain adds its commands in its own module (``cli/prep_genome.py``, ``cli/prep_tracks.py``,
``cli/simulate.py``, ...); this file only assembles them.
"""

from __future__ import annotations

import sys

import typer

from plantreg import __version__
from plantreg.errors import InputError
from plantreg.logs import configure

app = typer.Typer(
    name="plantreg",
    help="Learn the regulatory code of plant genomes and carry it across species.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"plantreg {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
    log_level: str = typer.Option("INFO", "--log-level", help="DEBUG, INFO, WARNING or ERROR."),
) -> None:
    configure(log_level)


def _register() -> None:
    # Imported here so that each group module can import `app` pieces without cycles.
    from plantreg.cli import (
        chromatin,
        coexpression,
        conservation,
        expression,
        prep,
        report,
        run,
        serve,
        simulate,
        tfbs,
    )

    app.add_typer(
        prep.app, name="prep", help="PREPARE_DATA: genome, peaks, windows, labels, promoters."
    )
    app.add_typer(
        chromatin.app, name="chromatin", help="Sequence → chromatin marks: train, predict."
    )
    app.add_typer(
        coexpression.app, name="coexpression", help="DAP-seq promoters → co-expressed gene pairs."
    )
    app.add_typer(
        conservation.app, name="conservation", help="LECIF-style conservation between two species."
    )
    app.add_typer(tfbs.app, name="tfbs", help="TF binding sites: per-TF datasets from peaks.")
    app.add_typer(expression.app, name="expression",
                  help="Promoter → expression and species; ISM, occlusion, CRE scan.")
    app.add_typer(report.app, name="report", help="The run report: MultiQC over every stage.")
    app.command("simulate")(simulate.simulate)
    app.command("run")(run.run)
    app.command("serve")(serve.serve)


_register()


def main(argv: list[str] | None = None) -> None:
    """Console entry point: bad input ends in ``error: <file>: <problem>`` and exit code 2."""
    try:
        app(args=argv, standalone_mode=True)
    except InputError as err:
        typer.echo(f"error: {err}", err=True)
        sys.exit(2)


if __name__ == "__main__":
    main()
