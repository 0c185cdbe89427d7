"""The ``plantreg prep`` group (PREPARE_DATA). Commands live in ``prep_*.py`` modules."""

from __future__ import annotations

import typer

app = typer.Typer(no_args_is_help=True)

# Each module registers its commands on `app` when imported.
from plantreg.cli import prep_genome, prep_tracks  # noqa: E402,F401
