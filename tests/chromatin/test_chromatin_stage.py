"""TRAIN_CHROMATIN → CROSS_SPECIES_INFERENCE on the bundled `test` preset, through the real CLI.

PREPARE_DATA runs on species A (training stride 128 for more windows), the small model is trained
(seeded, one thread), evaluated on A's test chromosome next to the k-mer baseline, then predicts
species B genome-wide; the exported bigWigs are checked and scored against B's planted truth.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pyBigWig
import pytest
import yaml

from plantreg.cli.main import main

DATA = Path(__file__).resolve().parents[2] / "assets" / "test_data"
MARGIN = 0.03
PREDICT_STRIDE = 256
EPOCHS = 6


def _cli(*args: str) -> None:
    try:
        main([*args])
    except SystemExit as exit_:
        assert exit_.code in (0, None), f"plantreg {' '.join(args)} exited {exit_.code}"


@pytest.fixture(scope="session")
def stage(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("chromatin_stage")
    params = yaml.safe_load((DATA.parent / "test_params.yaml").read_text())
    params.update(outdir=str(root / "res"), train_stride=128)
    for key in ("input", "fasta", "gff"):
        params[key] = str(DATA.parent.parent / params[key])
    (root / "params.yaml").write_text(yaml.safe_dump(params))
    _cli("run", str(root / "params.yaml"))
    dataset = root / "res" / "prepare_data" / "dataset"
    _cli("chromatin", "train", "--dataset", str(dataset), "--split",
         str(root / "res" / "prepare_data" / "split" / "split.json"), "--epochs", str(EPOCHS),
         "--patience", "3", "--seed", "0", "--threads", "1", "--device", "cpu",
         "--outdir", str(root / "model"))
    model = root / "model" / "model.pt"
    _cli("chromatin", "evaluate", "--checkpoint", str(model), "--dataset", str(dataset),
         "--metrics", str(root / "model" / "metrics.tsv"), "--threads", "1", "--device", "cpu",
         "--outdir", str(root / "evaluate"))
    shutil.copy(DATA / "speciesB" / "genome.fa", root / "B.fa")
    _cli("prep", "index", "--fasta", str(root / "B.fa"), "--out-sizes", str(root / "B.size"))
    _cli("chromatin", "predict", "--checkpoint", str(model), "--fasta", str(root / "B.fa"),
         "--stride", str(PREDICT_STRIDE), "--threads", "1", "--device", "cpu",
         "--outdir", str(root / "predictions"))
    _cli("chromatin", "export", "--predictions", str(root / "predictions"), "--sizes",
         str(root / "B.size"), "--outdir", str(root / "tracks"))
    _cli("chromatin", "score", "--tracks", str(root / "tracks"), "--fasta", str(root / "B.fa"),
         "--checkpoint", str(model), "--dataset", str(dataset), "--truth",
         str(DATA / "truth" / "speciesB" / "marks.tsv"), "--predict-stride", str(PREDICT_STRIDE),
         "--eval-stride", "512", "--outdir", str(root / "score"))
    return root


def _summary(path: Path) -> dict:
    return json.loads(path.read_text())["summary"]


def test_small_model_beats_kmer_baseline_on_test_chromosomes(stage):
    s = _summary(stage / "evaluate" / "evaluation.json")
    print("species A test chromosomes:", s)
    assert s["mean_auprc"] >= s["mean_baseline_auprc"] + MARGIN
    for name in ("roc_curves.png", "pr_curves.png", "loss_curve.png"):
        assert (stage / "evaluate" / name).read_bytes()[:4] == b"\x89PNG"


def test_exported_bigwigs_match_sizes_and_tile_without_gaps(stage):
    sizes = dict(line.split("\t") for line in (stage / "B.size").read_text().splitlines())
    sizes = {c: int(n) for c, n in sizes.items()}
    tags = (stage / "res" / "prepare_data" / "dataset" / "tags.txt").read_text().split()
    report = (stage / "predictions" / "predict.report.tsv").read_text().splitlines()
    dropped = sum(int(r.split("\t")[4]) for r in report[1:])
    for tag in tags:
        bw = pyBigWig.open(str(stage / "tracks" / f"{tag}.bw"))
        assert bw.chroms() == sizes
        n = 0
        for chrom, length in sizes.items():
            entries = np.array(bw.intervals(chrom), dtype=float)
            starts, ends = entries[:, 0].astype(int), entries[:, 1].astype(int)
            assert ((ends - starts) == PREDICT_STRIDE).all()
            gaps = starts[1:] - ends[:-1]
            assert (gaps >= 0).all()  # never an overlap
            assert (gaps % PREDICT_STRIDE == 0).all()  # gaps only where whole windows were skipped
            assert starts[0] == (1024 - PREDICT_STRIDE) // 2  # the first window's centre
            assert ends[-1] <= length
            assert ((entries[:, 2] >= 0) & (entries[:, 2] <= 1)).all()
            n += len(starts)
            skipped = int(gaps.sum() // PREDICT_STRIDE)
            grid = (length - 1024) // PREDICT_STRIDE + 1
            assert len(starts) + skipped <= grid
        bw.close()
        grid_total = sum((n_ - 1024) // PREDICT_STRIDE + 1 for n_ in sizes.values())
        assert n + dropped == grid_total  # every grid window is predicted or counted as N
