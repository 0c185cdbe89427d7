"""The ``plantreg report`` command group: the run report (REPORT's one step, MULTIQC)."""

from __future__ import annotations

from pathlib import Path

import typer

app = typer.Typer(no_args_is_help=True)


@app.command("multiqc")
def multiqc_cmd(
    results: list[Path] = typer.Argument(
        ..., help="The results folder, or files and folders of it laid out as it is (Nextflow "
        "stages them so): each file is known by its place, e.g. "
        "train_chromatin/evaluate/evaluation.tsv."),
    outdir: Path = typer.Option(
        ..., "--outdir", help="Folder for multiqc_report.html, multiqc_data/ and "
        "custom_content/ (the sections as MultiQC custom content)."),
    params_file: Path = typer.Option(
        None, "--params", help="The run's parameters (YAML, or Nextflow's JSON): those that "
        "differ from the defaults are listed."),
) -> None:
    """One MultiQC report of a run; a stage without files has no section.

    Each stage's metrics tables and figures, the split, windows dropped, promoters clipped,
    software versions and parameters."""
    from plantreg.report.multiqc import build_report

    build_report(results, outdir, params_file)
