"""Validation windows that follow each other on the grid are scored as one strip, exactly."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from plantreg.chromatin.dataset import ChromatinDataset, one_hot
from plantreg.chromatin.model import build_model, preset_config
from plantreg.chromatin.strips import MAX_STRIP, StripBatches, follows_previous, runs
from plantreg.chromatin.train import TrainSettings, validation_loader, validation_rows
from plantreg.errors import InputError
from plantreg.io import save_npy

LENGTH, STEP = 256, 64


def _grid_dataset(root: Path, seed: int = 0) -> tuple[Path, np.ndarray]:
    """Two 'chromosomes' cut into grid windows (stride 64), then 20 unrelated windows, in the
    order PREPARE_DATA writes them; returns the folder and each row's run id."""
    rng = np.random.default_rng(seed)
    rows, run_id = [], []
    for run, n_windows in enumerate((90, 7)):
        chrom = rng.integers(0, 4, LENGTH + (n_windows - 1) * STEP).astype(np.uint8)
        chrom[rng.random(len(chrom)) < 0.01] = 4  # a few N
        rows += [chrom[i * STEP : i * STEP + LENGTH] for i in range(n_windows)]
        run_id += [run] * n_windows
    rows += list(rng.integers(0, 4, (20, LENGTH)).astype(np.uint8))
    run_id += list(range(2, 22))
    save_npy(root / "valid.seq.npy", np.stack(rows))
    save_npy(root / "valid.labels.npy", (rng.random((len(rows), 2)) < 0.3).astype(np.uint8))
    (root / "tags.txt").write_text("a\nb\n")
    return root, np.array(run_id)


def _scores(model, loader) -> tuple[torch.Tensor, torch.Tensor]:
    outs, ys = [], []
    with torch.no_grad():
        for inputs, y in loader:
            outs.append(model(*inputs) if isinstance(inputs, (tuple, list)) else model(inputs))
            ys.append(y)
    return torch.cat(outs), torch.cat(ys)


@pytest.fixture
def model():
    torch.manual_seed(0)
    return build_model(preset_config("small", 2, input_length=LENGTH, kernel_size=3)).eval()


def test_runs_follow_the_sequence_overlap(tmp_path):
    root, run_id = _grid_dataset(tmp_path)
    codes = np.load(root / "valid.seq.npy")
    rows = np.arange(len(codes))
    follows = follows_previous(codes, rows, STEP, chunk=16)  # chunked as on a large genome
    assert np.array_equal(follows, run_id[1:] == run_id[:-1])
    pieces = runs(rows, follows)
    assert [len(p) for p in pieces[:3]] == [MAX_STRIP, 90 - MAX_STRIP, 7]
    assert np.array_equal(np.concatenate(pieces), rows)


@pytest.mark.parametrize("n_rows", [None, 60])
def test_strip_validation_equals_window_by_window(tmp_path, model, n_rows):
    root, _ = _grid_dataset(tmp_path)
    valid = ChromatinDataset(root, "valid", ["a", "b"])
    rows = validation_rows(valid, n_rows, seed=3)
    loader = validation_loader(model, valid, rows, TrainSettings(grid_stride=STEP))
    batches = loader.dataset
    assert isinstance(batches, StripBatches) and batches.strips  # strips were used
    logits, labels = _scores(model, loader)
    order = np.concatenate(batches.strips + batches.batches)
    assert sorted(order.tolist()) == sorted(rows.tolist())  # every sampled window, once
    codes, truth = valid.arrays()
    expected = model(torch.from_numpy(one_hot(np.asarray(codes[order]))))
    torch.testing.assert_close(logits, expected, atol=1e-5, rtol=1e-4)
    assert np.array_equal(labels.numpy(), truth[order])


def test_no_strips_where_the_model_cannot_use_them(tmp_path, model):
    root, _ = _grid_dataset(tmp_path)
    valid = ChromatinDataset(root, "valid", ["a", "b"])
    rows = validation_rows(valid, None, seed=0)
    for stride in (None, 40, LENGTH):  # unknown, not a multiple of 16, not overlapping
        loader = validation_loader(model, valid, rows, TrainSettings(grid_stride=stride))
        assert not isinstance(loader.dataset, StripBatches)
        assert _scores(model, loader)[0].shape == (len(rows), 2)


def test_bad_codes_are_named(tmp_path, model):
    root, _ = _grid_dataset(tmp_path)
    codes = np.load(root / "valid.seq.npy")
    codes[3, 10] = 9
    save_npy(root / "valid.seq.npy", codes)
    valid = ChromatinDataset(root, "valid", ["a", "b"])
    loader = validation_loader(model, valid, np.arange(valid.n), TrainSettings(grid_stride=STEP))
    with pytest.raises(InputError, match="base codes above 4"):
        _scores(model, loader)
