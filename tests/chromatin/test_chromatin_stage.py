"""TRAIN_CHROMATIN → CROSS_SPECIES_INFERENCE on the bundled `test` preset, as `plantreg run
assets/test_params.yaml` runs them (the session's one pipeline run, tests/conftest.py).

PREPARE_DATA runs on species A, the small model is trained (seeded), evaluated on A's test
chromosome next to the k-mer baseline, then predicts species B genome-wide; the exported bigWigs
are checked and scored against B's planted truth.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyBigWig
import pytest
import yaml

from tests.conftest import TEST_PARAMS

MARGIN = 0.03
PARAMS = yaml.safe_load(TEST_PARAMS.read_text())
PREDICT_STRIDE = int(PARAMS.get("predict_stride", 128))
WINDOW = int(PARAMS["window_size"])


@pytest.fixture(scope="session")
def stage(bundled_run: Path) -> dict[str, Path]:
    cross = bundled_run / "cross_species_inference"
    return {
        "dataset": bundled_run / "prepare_data" / "dataset",
        "evaluate": bundled_run / "train_chromatin" / "evaluate",
        "sizes": cross / "genome" / "target.size",
        "predictions": cross / "predictions",
        "tracks": cross / "tracks",
        "score": cross / "score",
    }


def _summary(path: Path) -> dict:
    return json.loads(path.read_text())["summary"]


def test_small_model_beats_kmer_baseline_on_test_chromosomes(stage):
    s = _summary(stage["evaluate"] / "evaluation.json")
    print("species A test chromosomes:", s)
    assert s["mean_auprc"] >= s["mean_baseline_auprc"] + MARGIN
    for name in ("roc_curves.png", "pr_curves.png", "loss_curve.png"):
        assert (stage["evaluate"] / name).read_bytes()[:4] == b"\x89PNG"


def test_cross_species_predictions_beat_kmer_baseline_on_species_b(stage):
    """Species B was never seen in training: its genome-wide tracks, scored against B's planted
    truth, beat the k-mer baseline fitted on A and applied to the same B windows."""
    score = json.loads((stage["score"] / "evaluation.json").read_text())
    s = score["summary"]
    print("species B, genome-wide against planted truth:", s)
    assert s["mean_auprc"] >= s["mean_baseline_auprc"] + MARGIN
    assert s["mean_auroc"] > s["mean_baseline_auroc"]
    tags = (stage["dataset"] / "tags.txt").read_text().split()
    assert [m["mark"] for m in score["marks"]] == tags  # reported per mark, never one pooled number
    assert all(m["n_pos"] > 0 and m["auprc"] > m["chance_auprc"] for m in score["marks"])


def test_exported_bigwigs_match_sizes_and_tile_without_gaps(stage):
    sizes = dict(line.split("\t") for line in (stage["sizes"]).read_text().splitlines())
    sizes = {c: int(n) for c, n in sizes.items()}
    tags = (stage["dataset"] / "tags.txt").read_text().split()
    reports = sorted(stage["predictions"].glob("chunk_*/predict.report.tsv"))
    assert reports  # one per chunk of the chunk list
    report = [row for path in reports for row in path.read_text().splitlines()[1:]]
    dropped = sum(int(r.split("\t")[4]) for r in report)
    for tag in tags:
        bw = pyBigWig.open(str(stage["tracks"] / f"{tag}.bw"))
        assert bw.chroms() == sizes
        n = 0
        for chrom, length in sizes.items():
            entries = np.array(bw.intervals(chrom), dtype=float)
            starts, ends = entries[:, 0].astype(int), entries[:, 1].astype(int)
            assert ((ends - starts) == PREDICT_STRIDE).all()
            gaps = starts[1:] - ends[:-1]
            assert (gaps >= 0).all()  # never an overlap
            assert (gaps % PREDICT_STRIDE == 0).all()  # gaps only where whole windows were skipped
            assert starts[0] == (WINDOW - PREDICT_STRIDE) // 2  # the first window's centre
            assert ends[-1] <= length
            assert ((entries[:, 2] >= 0) & (entries[:, 2] <= 1)).all()
            n += len(starts)
            skipped = int(gaps.sum() // PREDICT_STRIDE)
            grid = (length - WINDOW) // PREDICT_STRIDE + 1
            assert len(starts) + skipped <= grid
        bw.close()
        grid_total = sum((n_ - WINDOW) // PREDICT_STRIDE + 1 for n_ in sizes.values())
        assert n + dropped == grid_total  # every grid window is predicted or counted as N
