"""``plantreg run``: the one-machine runner over the same parameters file Nextflow reads."""

from __future__ import annotations

import logging
from pathlib import Path

import typer

from plantreg.run.params import load_params
from plantreg.run.runner import STAGES, run_pipeline

STAGE_HELP = "Run only these stages (repeatable): " + ", ".join(STAGES) + "."


def run(
    params_file: Path = typer.Argument(
        ..., help="Parameters YAML (the file given to nextflow -params-file)."
    ),
    outdir: str = typer.Option(None, "--outdir", help="Override the parameters file's outdir."),
    stage: list[str] = typer.Option(None, "--stage", help=STAGE_HELP),
    work_dir: Path = typer.Option(
        Path("work"), "--work-dir", "-w",
        help="Work folder (as nextflow -work-dir): staged genomes, their .fai, step records.",
    ),
    resume: bool = typer.Option(
        True, "--resume/--no-resume",
        help="Skip steps whose command line, input contents and plantreg version are unchanged "
        "since they last finished (Nextflow's -resume); --no-resume reruns every step.",
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="List the steps without running them."),
) -> None:
    """Run the pipeline on one machine, step by step, resuming as nextflow -resume does."""
    overrides = {"outdir": outdir} if outdir else {}
    params = load_params(params_file, overrides)
    unknown = sorted(set(stage or []) - set(STAGES))
    if unknown:
        raise typer.BadParameter(f"unknown stage(s): {', '.join(unknown)}", param_hint="--stage")
    logging.getLogger(__name__).info(
        "parameters from %s, outputs in %s, work folder %s", params_file, params["outdir"],
        work_dir,
    )
    run_pipeline(params, stage or None, dry_run=dry_run, resume=resume, work_dir=work_dir)
