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
from tests.report.helpers import section
from tests.run.conftest import REPO

SPECIES_A = REPO / "assets" / "test_data" / "speciesA"
SPLITS = ("train", "valid", "test")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("resume")
    data = root / "data"
    shutil.copytree(SPECIES_A, data, ignore=shutil.ignore_patterns("*.fai", "*.size"))
    return root


def _run(root: Path, resume: bool = True, stages: tuple[str, ...] = ("prepare_data",),
         **changed: object) -> list[str]:
    data = root / "data"
    values = {"input": str(data / "samplesheet.csv"), "fasta": str(data / "genome.fa"),
              "gff": str(data / "genes.gff3"), "outdir": str(root / "out"),
              "train_stride": 1024, "threads": 1, **changed}
    path = root / "params.yaml"
    path.write_text(yaml.safe_dump(values))
    return run_pipeline(load_params(path), list(stages), resume=resume,
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


def test_a_changed_training_step_starts_afresh(project: Path) -> None:
    """A training step rerun for new settings does not resume the checkpoint of the old ones
    (which would either refuse to resume or keep the old model): it begins in a cleared folder,
    as a Nextflow task in a new work folder does."""
    def train(**changed: object) -> list[str]:
        data = project / "data"
        values = {"input": str(data / "samplesheet.csv"), "fasta": str(data / "genome.fa"),
                  "gff": str(data / "genes.gff3"), "outdir": str(project / "out"),
                  "train_stride": 1024, "threads": 1, "chromatin_epochs": 1, **changed}
        path = project / "params.yaml"
        path.write_text(yaml.safe_dump(values))
        return run_pipeline(load_params(path), ["prepare_data", "train_chromatin"],
                            work_dir=project / "work")

    train()
    model = project / "out" / "train_chromatin" / "model" / "model.pt"
    before = model.stat().st_mtime_ns
    assert train(chromatin_lr=0.002) == ["CHROMATIN_TRAIN", "CHROMATIN_EVALUATE"]
    assert model.stat().st_mtime_ns != before
    assert train(chromatin_lr=0.002) == []


def test_the_report_reruns_when_a_file_it_reads_changes(project: Path) -> None:
    """REPORT reads the stages' report files (the stages that did not run here have no folder,
    hence no section): it reruns when one of them changes, and only then."""
    def report() -> list[str]:
        return _run(project, stages=("prepare_data", "report"))

    def promoters() -> int:
        return section(project / "out" / "multiqc", "promoters").loc["written", "genes"]

    gff = project / "data" / "genes.gff3"
    original = gff.read_text()
    assert report() == ["MULTIQC"]
    assert report() == []
    written = promoters()
    try:  # one gene less: PREPARE_DATA's promoter table changes, so the report is rebuilt
        gff.write_text("".join(line for line in original.splitlines(keepends=True)
                               if "SA4G00500" not in line))
        rerun = report()
        assert "PREP_PROMOTERS" in rerun and rerun[-1] == "MULTIQC"
        assert promoters() == written - 1
    finally:
        gff.write_text(original)


def test_file_prefix_arguments_are_inputs(tmp_path: Path) -> None:
    """`--norm-prefix dir/norm` names the files dir/norm.*: their contents key the step."""
    from plantreg.run.cache import step_inputs
    from plantreg.run.step import Step

    (tmp_path / "norm.signal.npy").write_bytes(b"1")
    (tmp_path / "norm.json").write_text("{}")
    (tmp_path / "normal.txt").write_text("not the prefix")
    step = Step("COEXPRESSION_VOCABULARY", ["vocabulary", "--norm-prefix", str(tmp_path / "norm"),
                                            "--outdir", str(tmp_path / "out")], [])
    assert [p.name for p in step_inputs(step)] == ["norm.json", "norm.signal.npy"]
