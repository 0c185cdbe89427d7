"""REPORT as the one-machine runner sees it: the one MULTIQC step of
``subworkflows/local/report/main.nf``, the same ``plantreg report multiqc`` call, over the stage
outputs ``workflows/plantreg.nf`` hands it.

Those are PREPARE_DATA's split, window report and promoter tables (files), and for each later stage
the folder that holds one output of the step named below: the task's ext.prefix folder in
Nextflow, published whole as ``<stage>/<folder>/``. A stage that does not run hands nothing. The
parameters are the run's (every default filled in, the overrides applied: Nextflow's ``params``),
which the runner writes to ``<work>/plantreg-run/params.yaml``. The step reruns (resume) when any
of these files changes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from plantreg.io import atomic_open
from plantreg.run.args import step_args
from plantreg.run.params import Params
from plantreg.run.step import Step

# MULTIQC's inputs, in its order: (process, names of its outputs, whether their folder is handed)
SOURCES = {
    "split": ("PREP_SPLIT", ("split.json",), False),
    "windows": ("PREP_WINDOWS", ("windows.report.tsv",), False),
    "promoters": ("PREP_PROMOTERS", ("promoters.tsv", "promoters.report.tsv"), False),
    "chromatin": ("CHROMATIN_EVALUATE", ("evaluation.tsv",), True),
    "cross_species": ("CHROMATIN_SCORE", ("evaluation.tsv",), True),
    "coexpression": ("COEXPRESSION_EVALUATE", ("metrics.json",), True),
    "conservation": ("CONSERVATION_EVALUATE", ("test_metrics.tsv",), True),
    "conservation_search": ("CONSERVATION_SELECT", ("trials.tsv",), True),
    "tfbs": ("TFBS_SUMMARY", ("tfbs_summary.tsv",), True),
    "expression": ("EXPR_EVALUATE", ("evaluation.tsv",), True),
    "explain": ("EXPR_GATHER", ("cre_evaluation.tsv",), True),
}


def report_steps(params: Params) -> list[Step]:
    """The one step of REPORT: every stage's report files into ``<outdir>/multiqc/``."""
    from plantreg.run.runner import STAGES, plan  # the runner lists this stage too

    steps = plan(params, [stage for stage in STAGES if stage != "report"])
    inputs = {name: _handed(steps, *source) for name, source in SOURCES.items()}
    record = str(run_params(params.work_dir))
    out = Path(params["outdir"]) / "multiqc"
    return [Step("MULTIQC",
                 ["multiqc", "--outdir", str(out), "--params", record,
                  *step_args("MULTIQC", params),
                  *[path.rstrip("/") for paths in inputs.values() for path in paths]],
                 [out / "multiqc_report.html"], group="report", meta={"id": "multiqc"},
                 inputs={"params_file": record, **inputs})]


def run_params(work_dir: Path) -> Path:
    """Where the runner keeps the run's parameters for the report."""
    return Path(work_dir) / "plantreg-run" / "params.yaml"


def write_run_params(values: dict[str, Any], work_dir: Path) -> None:
    """The run's parameters (rewritten only when they changed: resume reads contents anyway)."""
    path, text = run_params(work_dir), yaml.safe_dump(values, sort_keys=False)
    if not path.is_file() or path.read_text() != text:
        with atomic_open(path) as handle:
            handle.write(text)


def _handed(steps: list[Step], process: str, names: tuple[str, ...], folder: bool) -> list[str]:
    files = [path for step in steps if step.process == process
             for path in step.outputs if path.name in names]
    return [f"{path.parent}/" for path in files] if folder else [str(path) for path in files]
