"""The one-machine runner on the bundled test data: outputs exist, agree with docs/output.md, and
with each other; a second run skips every step; no index is written beside the user's FASTA."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd

from tests.run.conftest import REPO, TEST_PARAMS, plantreg

SPLITS = ("train", "valid", "test")


# What each placeholder in docs/output.md stands for.
PLACEHOLDERS = {
    "{split}": "(train|valid|test)",
    "{MARK}": "[^/.]+",
    "{half}": "(odd|even)",
    "{set}": "(training|validation|test|prediction)",
    "{species}": "(A|B)",
    "{CHROM}": "[^/]+",
    "{CHUNK}": "chunk_[0-9]+",
    "{i}": "[0-9]+",
    "{TF}": "[^/]+",
    "{pattern}": "(pos|neg)_pattern_[0-9]+",
    "{SPECIES}": "[^/]+",
    "{GENE}": "[^/]+",
    "{time}": "[0-9]{4}-[0-9]{2}-[0-9]{2}_[0-9]{2}-[0-9]{2}-[0-9]{2}",
    "{section}": "(split|windows|promoters|chromatin|cross_species|cross_species_windows|"
                 "coexpression|conservation_search|conservation|tfbs|expression|expression_cre|"
                 "parameters)",
    "{Figure}": "[A-Za-z_-]+",
}


def documented_patterns() -> list[str]:
    text = (REPO / "docs" / "output.md").read_text()
    patterns = []
    for path in re.findall(r"^\| `([^`]+)` \|", text, flags=re.MULTILINE):
        pattern = re.escape(path)
        for placeholder, regex in PLACEHOLDERS.items():
            pattern = pattern.replace(re.escape(placeholder), regex)
        patterns.append(pattern)
    return patterns


def produced_paths(outdir: Path) -> set[str]:
    return {str(p.relative_to(outdir)) for p in outdir.rglob("*") if p.is_file()}


def test_outputs_match_docs(test_run: Path) -> None:
    patterns = documented_patterns()
    produced = produced_paths(test_run)
    undocumented = {p for p in produced if not any(re.fullmatch(r, p) for r in patterns)}
    assert undocumented == set(), "produced but not documented in docs/output.md"
    missing = [r for r in patterns if not any(re.fullmatch(r, p) for p in produced)]
    assert missing == [], "documented but not produced"
    marks = {p.split("/")[-1].split(".")[0] for p in produced if "/peaks/" in p}
    assert len(marks) >= 5


def test_arrays_agree_with_windows(test_run: Path) -> None:
    data = test_run / "prepare_data"
    tags = (data / "dataset/tags.txt").read_text().split()
    assert tags == sorted(tags)
    window = 1024
    for split in SPLITS:
        bed = pd.read_csv(data / f"windows/{split}.bed", sep="\t", header=None)
        index = pd.read_csv(data / f"windows/{split}.index.tsv", sep="\t")
        seq = np.load(data / f"dataset/{split}.seq.npy", mmap_mode="r")
        labels = np.load(data / f"dataset/{split}.labels.npy")
        assert len(bed) == len(index) == seq.shape[0] == labels.shape[0] > 0
        assert seq.shape[1] == window and seq.dtype == np.uint8 and seq.max() <= 4
        assert labels.shape[1] == len(tags) and labels.dtype == np.uint8
        assert (bed[2] - bed[1] == window).all()
        assert set(bed[3]) <= {"peak", "background"}
        # peak windows carry most of the positive labels; background ones carry few
        kinds = bed[3].to_numpy()
        assert labels[kinds == "peak"].mean() > labels[kinds == "background"].mean()


def test_split_chromosomes_are_disjoint(test_run: Path) -> None:
    split = json.loads((test_run / "prepare_data/split/split.json").read_text())
    sets = [set(split[k]) for k in SPLITS]
    assert all(sets) and not (sets[0] & sets[1] or sets[0] & sets[2] or sets[1] & sets[2])
    for name in SPLITS:
        bed = pd.read_csv(test_run / f"prepare_data/windows/{name}.bed", sep="\t", header=None)
        assert set(bed[0]) <= set(split[name])


def test_second_run_skips_every_step(test_run: Path) -> None:
    before = {p: p.stat().st_mtime_ns for p in test_run.rglob("*.npy")}
    first = sorted((test_run / "pipeline_info").glob("params_*.yaml"))
    result = plantreg("run", str(TEST_PARAMS), "--outdir", str(test_run),
                      "--work-dir", str(test_run.parent / "work"))
    assert result.returncode == 0, result.stderr
    assert "0 step(s) run" in result.stderr
    assert before == {p: p.stat().st_mtime_ns for p in test_run.rglob("*.npy")}
    # the parameters file is kept per run: the second adds its own and leaves the first one's
    kept = sorted((test_run / "pipeline_info").glob("params_*.yaml"))
    assert first and set(first) < set(kept)
    assert all(p.read_text() == TEST_PARAMS.read_text() for p in kept)


def test_fasta_index_goes_to_the_work_folder(test_run: Path) -> None:
    """The runner stages each genome into its work folder (as Nextflow stages it into a task
    folder), so the .fai it builds lands there."""
    work = test_run.parent / "work"
    staged = sorted(p.name for p in (work / "stage").rglob("*.fai"))
    assert staged == ["genome.fa.fai", "genome.fa.fai"]  # species A and B
    links = [p for p in (work / "stage").rglob("genome.fa")]
    assert links and all(p.is_symlink() and p.resolve().is_file() for p in links)
