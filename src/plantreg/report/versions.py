"""Software versions in the report: this environment's plantreg, Python, torch (and CUDA when a
GPU is there) and MultiQC, and every row of Nextflow's
``pipeline_info/plantreg_software_versions_<time>.tsv`` among the results (the newest). Written as
MultiQC's own versions file (``*_mqc_versions.yml``: group → tool → version)."""

from __future__ import annotations

import platform
from importlib.metadata import version
from pathlib import Path

import yaml

from plantreg import __version__
from plantreg.io import atomic_open
from plantreg.report.results import Results, read_tsv

FILE = "plantreg_mqc_versions.yml"


def write(results: Results, out: Path) -> dict[str, dict[str, str]]:
    versions = {"plantreg report": environment()}
    tables = sorted(results.all("pipeline_info/plantreg_software_versions_*.tsv"),
                    key=lambda path: path.name)  # <time> sorts as it reads: the last is newest
    if tables:
        for row in read_tsv(tables[-1], ["process", "tool", "version"]).itertuples():
            versions.setdefault(str(row.process), {})[str(row.tool)] = str(row.version)
    with atomic_open(out / FILE) as handle:
        yaml.safe_dump(versions, handle, sort_keys=False)
    return versions


def environment() -> dict[str, str]:
    import torch

    found = {"plantreg": __version__, "python": platform.python_version(),
             "torch": str(torch.__version__)}
    if torch.cuda.is_available() and torch.version.cuda:
        found["CUDA"] = str(torch.version.cuda)
    found["multiqc"] = version("multiqc")
    return found
