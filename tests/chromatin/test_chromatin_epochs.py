"""How much TRAIN_CHROMATIN shows the model per epoch, and the learning curve it draws."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from plantreg.chromatin import train as train_module
from plantreg.chromatin.curve import plot_learning_curve, read_history, seconds_to_reach
from plantreg.chromatin.dataset import ChromatinDataset, read_tags
from plantreg.chromatin.train import TrainSettings, epoch_size, validation_rows
from plantreg.errors import InputError


@pytest.fixture
def train(planted_dir: Path) -> ChromatinDataset:
    tags = read_tags(planted_dir / "tags.txt")
    return ChromatinDataset(planted_dir, "train", tags, rc_augment=True)


def test_default_epoch_shows_each_grid_base_about_once(train, monkeypatch):
    n, length = train.n, train.length
    monkeypatch.setattr(train_module, "MIN_EPOCH_WINDOWS", 1)
    # stride 64 on 256 bp windows: each base lies in 4 windows, an epoch draws a quarter of them
    assert epoch_size(train, TrainSettings(grid_stride=64)) == -(-n * 64 // length)
    # no stride given: the windows are taken as not overlapping, one strand each
    assert epoch_size(train, TrainSettings()) == n
    monkeypatch.setattr(train_module, "MIN_EPOCH_WINDOWS", n)  # small data: a floor
    assert epoch_size(train, TrainSettings(grid_stride=64)) == n
    assert epoch_size(train, TrainSettings(epoch_windows=100)) == 100
    assert epoch_size(train, TrainSettings(epoch_windows=10**9)) == len(train)  # both strands
    with pytest.raises(InputError, match="epoch_windows"):
        epoch_size(train, TrainSettings(epoch_windows=0))


def test_validation_rows_are_fixed_and_seeded(planted_dir):
    valid = ChromatinDataset(planted_dir, "valid", read_tags(planted_dir / "tags.txt"))
    a, b = validation_rows(valid, 50, seed=1), validation_rows(valid, 50, seed=1)
    assert len(a) == 50 and a.tolist() == b.tolist() == sorted(set(a.tolist()))
    assert validation_rows(valid, 50, seed=2).tolist() != a.tolist()
    assert validation_rows(valid, None, 1).tolist() == list(range(len(valid)))
    assert validation_rows(valid, 10**6, 1).tolist() == list(range(len(valid)))
    with pytest.raises(InputError, match="valid_windows"):
        validation_rows(valid, 0, 1)


def _metrics(path: Path) -> Path:
    pd.DataFrame({
        "epoch": [1, 2, 3, 4], "seconds": [10.0, 12.0, 11.0, 10.0],
        "train_loss": [0.5, 0.4, 0.3, 0.3], "valid_loss": [0.5, 0.45, 0.4, 0.41],
        "mean_auprc": [0.10, 0.22, 0.35, 0.34], "auprc_A": [0.1, 0.2, 0.3, 0.3],
        "auprc_B": [0.1, 0.24, 0.4, 0.38],
    }).to_csv(path, sep="\t", index=False)
    return path


def test_learning_curve_against_wall_time(tmp_path):
    metrics = _metrics(tmp_path / "metrics.tsv")
    history = read_history(metrics)
    np.testing.assert_allclose(history["wall_seconds"], [10, 22, 33, 43])
    assert seconds_to_reach(history, 0.2) == 22.0
    assert np.isnan(seconds_to_reach(history, 0.9))
    png = tmp_path / "curve.png"
    plot_learning_curve(metrics, png, best_epoch=3, baselines={"k-mer baseline": 0.2})
    assert png.read_bytes()[:4] == b"\x89PNG"


def test_learning_curve_names_a_bad_metrics_file(tmp_path):
    bad = tmp_path / "metrics.tsv"
    bad.write_text("epoch\tloss\n1\t0.3\n")
    with pytest.raises(InputError, match="missing columns"):
        plot_learning_curve(bad, tmp_path / "x.png")
    assert not (tmp_path / "x.png").exists()
