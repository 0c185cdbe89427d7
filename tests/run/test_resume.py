"""Resume keyed on content, as Nextflow's -resume: a rerun after a parameter or input change
reruns exactly the steps whose command line or input contents changed (and, through their
outputs, those downstream); touching a file without changing it reruns nothing."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import yaml

from plantreg.run.params import load_params
from plantreg.run.runner import run_pipeline
from tests.run.conftest import REPO

SPECIES_A = REPO / "assets" / "test_data" / "speciesA"
SPLITS = ("train", "valid", "test")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("resume")
    data = root / "data"
    shutil.copytree(SPECIES_A, data, ignore=shutil.ignore_patterns("*.fai", "*.size"))
    return root


def _run(root: Path, resume: bool = True, **changed: object) -> list[str]:
    data = root / "data"
    values = {"input": str(data / "samplesheet.csv"), "fasta": str(data / "genome.fa"),
              "gff": str(data / "genes.gff3"), "outdir": str(root / "out"),
              "train_stride": 1024, "threads": 1, **changed}
    path = root / "params.yaml"
    path.write_text(yaml.safe_dump(values))
    return run_pipeline(load_params(path), ["prepare_data"], resume=resume,
                        work_dir=root / "work")


def test_resume_reruns_exactly_what_changed(project: Path) -> None:
    first = _run(project)
    assert len(first) == 20 and first[0] == "PREP_INDEX"
    assert not (project / "data" / "genome.fa.fai").exists(), "index written beside the FASTA"
    assert list((project / "work" / "stage").rglob("genome.fa.fai"))

    assert _run(project) == []

    assert _run(project, promoter_upstream=1500) == ["PREP_PROMOTERS"]

    downstream = ["PREP_WINDOWS", *[f"{step} ({split})" for step in
                                    ("PREP_LABELS", "PREP_ENCODE", "PREP_SEIPLANT_EXPORT")
                                    for split in SPLITS]]
    assert _run(project, promoter_upstream=1500, window_size=512) == downstream
    # back to the first settings: the recorded keys no longer match, so those steps run again
    assert _run(project) == ["PREP_WINDOWS", *downstream[1:], "PREP_PROMOTERS"]


def test_input_content_not_timestamps_decides(project: Path) -> None:
    _run(project)
    peaks = sorted((project / "data" / "peaks").iterdir())[0]
    os.utime(peaks)  # touched, same bytes
    assert _run(project) == []
    first_line = peaks.read_text().splitlines()[0]
    with open(peaks, "a") as handle:  # one more copy of an existing peak: merged BED unchanged
        handle.write(first_line + "\n")
    rerun = _run(project)
    assert rerun[:1] == ["PREP_CHECK_NAMES"]
    assert any(step.startswith("PREP_MERGE_PEAKS") for step in rerun)
    assert "PREP_WINDOWS" not in rerun  # the merged peaks came out identical


def test_no_resume_runs_everything(project: Path) -> None:
    _run(project)
    assert len(_run(project, resume=False)) == 20
