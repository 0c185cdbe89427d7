"""``plantreg report multiqc``: every stage's sections into ``<outdir>/custom_content/``, then
MultiQC over them: ``<outdir>/multiqc_report.html`` and ``<outdir>/multiqc_data/``."""

from __future__ import annotations

import contextlib
import logging
import shutil
from collections.abc import Iterator
from pathlib import Path

import yaml

from plantreg import __version__
from plantreg.errors import InputError
from plantreg.report import (
    chromatin,
    coexpression,
    conservation,
    expression,
    parameters,
    prepare_data,
    tfbs,
    versions,
)
from plantreg.report.results import Results

log = logging.getLogger(__name__)

REPORT = "multiqc_report.html"
INTRO = ("plantreg {version}: what each stage of this run measured, its figures, the windows "
         "and genes it dropped, the software versions and the parameters (docs/output.md lists "
         "every section). A stage that did not run has no section.")
# In the order of workflows/plantreg.nf; each writes nothing when its stage's files are absent.
STAGES = (prepare_data, chromatin, coexpression, conservation, tfbs, expression)


def build_report(paths: list[Path], outdir: Path, params_file: Path | None = None) -> Path:
    """The report of the results in ``paths`` (the results folder, or files and folders of it)."""
    results = Results.find(paths)
    content = Path(outdir) / "custom_content"
    if content.exists():
        shutil.rmtree(content)  # sections of an earlier report must not linger
    content.mkdir(parents=True)
    order = [section for stage in STAGES for section in stage.sections(results, content)]
    if not order:
        raise InputError("no plantreg results found (e.g. prepare_data/split/split.json)",
                         ", ".join(map(str, paths)))
    if params_file is not None:
        order += parameters.sections(params_file, content)
    versions.write(results, content)
    log.info("report: %d sections from %d files", len(order), len(results.files))
    _multiqc(content, Path(outdir), order)
    return Path(outdir) / REPORT


def _multiqc(content: Path, outdir: Path, order: list[str]) -> None:
    import multiqc
    from multiqc.core.update_config import ClConfig

    settings = {"output_fn_name": REPORT, "data_dir_name": "multiqc_data",
                "intro_text": INTRO.format(version=__version__),
                "custom_content": {"order": order}}
    config = ClConfig(title="plantreg", output_dir=str(outdir), force=True, quiet=True,
                      make_data_dir=True, no_version_check=True, no_ai=True,
                      fn_clean_sample_names=False, cl_config=[yaml.safe_dump(settings)])
    with _root_logging_kept():
        result = multiqc.run(str(content), cfg=config)
    if result.sys_exit_code != 0 or not (outdir / REPORT).is_file():
        raise RuntimeError(f"MultiQC failed: {result.message or 'no report written'}")
    log.info("report: %s", outdir / REPORT)


@contextlib.contextmanager
def _root_logging_kept() -> Iterator[None]:
    """MultiQC replaces the root logger's handlers and level; give plantreg's back afterwards
    (the runner runs every step in one process)."""
    root = logging.getLogger()
    handlers, level, propagate = root.handlers[:], root.level, root.propagate
    try:
        yield
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
        root.propagate = propagate
