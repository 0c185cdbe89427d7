"""``plantreg simulate``: write a synthetic plant genome pair with planted ground truth."""

from __future__ import annotations

from pathlib import Path

import typer


def simulate(
    preset: str = typer.Option(
        "test", "--preset",
        help="test (tiny, committed), bench (large) or grammar (motif-pair rules, for CI)."),
    seed: int = typer.Option(7, "--seed", help="Seed: the same seed gives the same bytes."),
    outdir: Path = typer.Option(..., "--outdir", help="Output folder (must be empty or absent)."),
    force: bool = typer.Option(False, "--force", help="Replace a non-empty output folder."),
) -> None:
    """Write species A and B (genomes, genes, peaks, signal, DAP-seq, co-expression), their
    alignment, the JASPAR motifs used and the planted truth."""
    from plantreg.simulate.core import simulate as run_simulation

    run_simulation(preset, seed, outdir, force=force)
