"""The one-machine runner: a plain sequential driver over the same steps as the Nextflow graph.

Resume works as Nextflow's ``-resume`` (:mod:`plantreg.run.cache`): a step reruns when its
command line, its inputs' contents or the plantreg version changed, and is skipped otherwise. Input
genomes are staged into the work folder (a link, as Nextflow stages them into a task folder), so
their ``.fai`` is written there and never beside the user's file. It is not a workflow engine and
never grows into one (scale-out is Nextflow's job).
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import time
from pathlib import Path

from plantreg import __version__
from plantreg.run.cache import StepCache
from plantreg.run.chromatin import cross_species_steps, train_chromatin_steps
from plantreg.run.coexpression import coexpression_steps
from plantreg.run.conservation import conservation_steps
from plantreg.run.expression import explain_steps, expression_steps
from plantreg.run.params import Params
from plantreg.run.prepare_data import prepare_data_steps
from plantreg.run.report import report_steps, write_run_params
from plantreg.run.step import Step
from plantreg.run.tfbs import tfbs_steps

log = logging.getLogger(__name__)

# In the order of workflows/plantreg.nf; a stage whose inputs are not configured has no steps.
STAGES = {
    "prepare_data": prepare_data_steps,
    "train_chromatin": train_chromatin_steps,
    "cross_species_inference": cross_species_steps,
    "train_coexpression": coexpression_steps,
    "train_conservation": conservation_steps,
    "train_tfbs": tfbs_steps,
    "train_expression": expression_steps,
    "explain": explain_steps,
    "report": report_steps,
}
# Genomes the steps index: staged into the work folder so that their .fai lands there.
STAGED = ("fasta", "target_fasta", "conservation_fasta_b")


def plan(params: Params, stages: list[str] | None = None) -> list[Step]:
    """Every step the runner would run, in order (also used to compare with the Nextflow graph)."""
    return [step for name in (stages or list(STAGES)) for step in STAGES[name](params)]


def stage_genomes(params: Params, work_dir: Path) -> Params:
    """Parameters whose genome FASTAs are links under ``<work>/stage/`` (same file names)."""
    values = dict(params.values)
    for key in STAGED:
        if values.get(key):
            values[key] = str(_stage(Path(values[key]), Path(work_dir) / "stage"))
    return Params(values=values, source=params.source, work_dir=Path(work_dir))


def _stage(path: Path, root: Path) -> Path:
    source = path.resolve()
    folder = root / hashlib.sha1(str(source).encode()).hexdigest()[:12]
    link = folder / path.name
    if not (link.is_symlink() and link.resolve() == source):
        folder.mkdir(parents=True, exist_ok=True)
        if link.is_symlink() or link.exists():
            link.unlink()
        os.symlink(source, link)
    return link


def run_pipeline(
    params: Params,
    stages: list[str] | None = None,
    dry_run: bool = False,
    resume: bool = True,
    work_dir: Path = Path("work"),
) -> list[str]:
    """Run the steps in order; returns the labels of those executed (not the cached ones).

    Each stage is planned when it is reached (after the stages it reads from ran), and again
    after a step whose output decides a scatter (``Step.replan``: the chunk list), as Nextflow's
    channels follow the files that flow through them.
    """
    if not dry_run:
        info = Path(params["outdir"]) / "pipeline_info"
        info.mkdir(parents=True, exist_ok=True)
        if params.source:  # named by the start time: a second run leaves the first one's
            stamp = time.strftime("%Y-%m-%d_%H-%M-%S")
            shutil.copyfile(params.source, info / f"params_{stamp}{Path(params.source).suffix}")
        write_run_params(params.values, work_dir)  # before staging: the paths as given
    params = stage_genomes(params, work_dir)
    cache = StepCache(work_dir)
    executed: list[str] = []
    cached = 0
    for stage in stages or list(STAGES):
        seen: set[str] = set()
        planned = STAGES[stage](params)
        while step := _next_step(planned, seen):
            prefix = f"[{stage} {len(seen)}] {step.label}"
            key = cache.key(step)
            if resume and cache.is_done(step, key):
                log.info("%s: cached (inputs, options and version unchanged)", prefix)
                cached += 1
                continue
            log.info("%s: plantreg %s", prefix, " ".join(step.command()))
            if not dry_run:
                _execute(step, cache, key)
                if step.replan:
                    planned = STAGES[stage](params)
            executed.append(step.label)
    cache.save()
    log.info("plantreg %s: %d step(s) %s, %d cached", __version__, len(executed),
             "to run" if dry_run else "run", cached)
    return executed


def _next_step(steps: list[Step], seen: set[str]) -> Step | None:
    for step in steps:
        if step.key_name not in seen:
            seen.add(step.key_name)
            return step
    return None


def _execute(step: Step, cache: StepCache, key: str) -> None:
    from plantreg.cli.main import app  # the same commands the Nextflow modules call

    cache.start(step, key)
    started = time.perf_counter()
    app(args=step.command(), standalone_mode=False)
    missing = [str(p) for p in step.outputs if not p.exists()]
    if missing:
        raise RuntimeError(f"{step.label} finished without writing {', '.join(missing)}")
    seconds = time.perf_counter() - started
    cache.record(step, key, seconds)
    log.info("%s: done in %.1f s", step.label, seconds)
