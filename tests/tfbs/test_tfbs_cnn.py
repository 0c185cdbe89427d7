"""The CNN baseline of TRAIN_TFBS learns each TF's motif from its DAP-seq peaks (bundled data),
is scored beside the planted matrix's PWM scan on the same held-out windows, and trains from a
folder in NyxBind's CSV layout.

Margin: a test chromosome holds 24-128 positives of each TF against as many GC-matched negatives;
at 24 + 24 windows the standard error of an AUROC near 0.85 is about 0.06, so AUROC >= 0.8 is five
standard errors above chance (0.5), and AUPRC >= chance + 0.25 likewise.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from plantreg.tfbs.nyxcsv import write_split_csv
from tests.conftest import REPO, run_cli

DATA = REPO / "assets" / "test_data"
TFS = ["MYB118", "AGL63", "Zm00001d027846"]  # motifs of 12, 15 and 8 bp
SPLIT = {"train": ["Chr1", "Chr2"], "valid": ["Chr3"], "test": ["Chr4"], "excluded": []}


@pytest.fixture(scope="module")
def evaluated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, list[dict]]]:
    root = tmp_path_factory.mktemp("tfbs_cnn")
    split = root / "split.json"
    split.write_text(json.dumps(SPLIT))
    results = {}
    for tf in TFS:
        assert run_cli("tfbs", "dataset", "--tf", tf, "--peaks",
                       str(DATA / "speciesA" / "tfpeaks" / f"{tf}.narrowPeak"), "--fasta",
                       str(DATA / "speciesA" / "genome.fa"), "--split", str(split),
                       "--outdir", str(root / "data" / tf)) == 0
        assert run_cli("tfbs", "train", "--tf", tf, "--data", str(root / "data" / tf),
                       "--outdir", str(root / "cnn" / tf), "--device", "cpu") == 0
        assert run_cli("tfbs", "evaluate", "--tf", tf, "--data", str(root / "data" / tf),
                       "--cnn", str(root / "cnn" / tf / "model.pt"), "--motifs",
                       str(DATA / "motifs" / "motifs.meme"), "--outdir",
                       str(root / "eval" / tf)) == 0
        results[tf] = json.loads((root / "eval" / tf / "evaluation.json").read_text())
    return root, results


@pytest.mark.parametrize("tf", TFS)
def test_cnn_well_above_chance_beside_the_pwm_scan(evaluated, tf: str) -> None:
    rows = {r["method"]: r for r in evaluated[1][tf]}
    assert set(rows) == {"cnn", "pwm_scan"}
    assert rows["cnn"]["n_test"] == rows["pwm_scan"]["n_test"]  # the same windows
    cnn = rows["cnn"]
    assert cnn["auroc"] >= 0.8 and cnn["auprc"] >= cnn["chance_auprc"] + 0.25
    assert cnn["mcc"] > 0.3 and cnn["f1"] > 0.6
    assert rows["pwm_scan"]["auroc"] >= 0.8  # the planted matrix: the ceiling on simulated data


def test_nyxbind_folder_trains_end_to_end(tmp_path: Path) -> None:
    """A folder as NyxBind's users prepare it: 60 bp, positives hold a TGACGTCA site."""
    rng = np.random.default_rng(1)
    folder = tmp_path / "ABF2"
    for name, n in (("train.csv", 400), ("dev.csv", 120), ("test.csv", 120)):
        codes = rng.integers(0, 4, (n, 60)).astype(np.uint8)
        labels = np.arange(n) % 2
        at = rng.integers(0, 52, n)
        for i in np.flatnonzero(labels):
            codes[i, at[i]:at[i] + 8] = [3, 2, 0, 1, 2, 3, 1, 0]
        write_split_csv(folder / name, codes, labels)
    assert run_cli("tfbs", "train", "--tf", "ABF2", "--data", str(folder), "--outdir",
                   str(tmp_path / "model"), "--device", "cpu", "--epochs", "8") == 0
    assert run_cli("tfbs", "evaluate", "--tf", "ABF2", "--data", str(folder), "--cnn",
                   str(tmp_path / "model" / "model.pt"), "--outdir", str(tmp_path / "ev")) == 0
    row = json.loads((tmp_path / "ev" / "evaluation.json").read_text())[0]
    assert row["auroc"] > 0.9


def test_checkpoint_of_another_tf_is_refused(evaluated, tmp_path: Path, capsys) -> None:
    root = evaluated[0]
    code = run_cli("tfbs", "evaluate", "--tf", "AGL63", "--data", str(root / "data" / "AGL63"),
                   "--cnn", str(root / "cnn" / "MYB118" / "model.pt"),
                   "--outdir", str(tmp_path / "ev"))
    assert code == 2
    assert "tag set differs" in capsys.readouterr().err
    assert not (tmp_path / "ev").exists()
