"""``plantreg prep`` commands for the genome: index, check-names, split, windows, tile, encode,
seiplant-export, seiplant-import."""

from __future__ import annotations

from plantreg.cli.prep import app  # noqa: F401
