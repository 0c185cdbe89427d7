"""The one-machine runner: a plain sequential driver over the same steps as the Nextflow graph.

It skips a step whose outputs all exist, so a re-run after an interruption resumes; it is not a
workflow engine and never grows into one (scale-out is Nextflow's job).
"""

from __future__ import annotations

import logging
import shutil
import time
from pathlib import Path

from plantreg import __version__
from plantreg.run.chromatin import cross_species_steps, train_chromatin_steps
from plantreg.run.coexpression import coexpression_steps
from plantreg.run.conservation import conservation_steps
from plantreg.run.params import Params
from plantreg.run.prepare_data import prepare_data_steps
from plantreg.run.step import Step

log = logging.getLogger(__name__)

# In the order of workflows/plantreg.nf; a stage whose inputs are not configured has no steps.
STAGES = {
    "prepare_data": prepare_data_steps,
    "train_chromatin": train_chromatin_steps,
    "cross_species_inference": cross_species_steps,
    "train_coexpression": coexpression_steps,
    "train_conservation": conservation_steps,
}


def plan(params: Params, stages: list[str] | None = None) -> list[Step]:
    """Every step the runner would run, in order (also used to compare with the Nextflow graph)."""
    return [step for name in (stages or list(STAGES)) for step in STAGES[name](params)]


def run_pipeline(params: Params, stages: list[str] | None = None, dry_run: bool = False) -> int:
    """Run the steps in order; returns how many were executed (skipped ones are not counted)."""
    from plantreg.cli.main import app  # the same commands the Nextflow modules call

    steps = plan(params, stages)
    info = Path(params["outdir"]) / "pipeline_info"
    info.mkdir(parents=True, exist_ok=True)
    if params.source:
        shutil.copyfile(params.source, info / "params.yaml")
    executed = 0
    for number, step in enumerate(steps, start=1):
        prefix = f"[{number}/{len(steps)}] {step.label}"
        if step.done():
            log.info("%s: outputs exist, skipped", prefix)
            continue
        log.info("%s: plantreg %s", prefix, " ".join(step.command()))
        if dry_run:
            continue
        started = time.perf_counter()
        app(args=step.command(), standalone_mode=False)
        log.info("%s: done in %.1f s", prefix, time.perf_counter() - started)
        executed += 1
    log.info(
        "plantreg %s: %d step(s) run, %d skipped",
        __version__,
        executed,
        len(steps) - executed if not dry_run else 0,
    )
    return executed
