import csv

import pytest
import torch
from torch import nn
from torch.utils.data import TensorDataset

from plantreg.errors import InputError
from plantreg.training.config import TrainConfig
from plantreg.training.loop import fit
from plantreg.training.metrics import logits_evaluator
from plantreg.training.sampler import make_loader


def _data(seed: int, n: int) -> TensorDataset:
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, 6, generator=g)
    y = torch.stack([x[:, 0] > 0, x[:, 1] + x[:, 2] > 0.5], dim=1).float()
    return TensorDataset(x, y)


def _model() -> nn.Module:
    torch.manual_seed(123)
    # dropout makes the result depend on the RNG: resume must reproduce its masks too
    return nn.Sequential(nn.Linear(6, 16), nn.ReLU(), nn.Dropout(0.3), nn.Linear(16, 2))


def _fit(outdir, epochs=5, **overrides):
    config = TrainConfig(
        max_epochs=epochs, lr=1e-2, patience=10, seed=3, progress=False, **overrides
    )
    model = _model()
    result = fit(
        model,
        make_loader(_data(0, 96), batch_size=16, shuffle=True, seed=3),
        make_loader(_data(1, 48), batch_size=16, shuffle=False),
        nn.BCEWithLogitsLoss(),
        config,
        outdir,
        logits_evaluator(["a", "b"]),
    )
    return model, result


def _rows_without_seconds(path):
    with open(path) as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    for row in rows:
        assert float(row.pop("seconds")) >= 0
    return rows


def _assert_same_weights(a: nn.Module, b: nn.Module) -> None:
    for (key, va), vb in zip(a.state_dict().items(), b.state_dict().values(), strict=True):
        assert torch.equal(va, vb), key


def test_learns_and_logs_one_row_per_epoch(tmp_path):
    _, result = _fit(tmp_path)
    rows = _rows_without_seconds(result.metrics_tsv)
    assert [int(r["epoch"]) for r in rows] == [1, 2, 3, 4, 5]
    assert list(rows[0])[:3] == ["epoch", "train_loss", "valid_loss"]
    assert {"mean_auroc", "mean_auprc", "auprc_a", "lr"} <= set(rows[0])
    assert float(rows[-1]["train_loss"]) < float(rows[0]["train_loss"])
    assert float(rows[-1]["mean_auroc"]) > 0.8
    assert result.finished and not result.stopped_early


def test_resume_after_stop_gives_the_same_result(tmp_path):
    whole, whole_result = _fit(tmp_path / "whole")
    _, first = _fit(tmp_path / "parts", max_epochs_this_run=2)
    assert not first.finished and first.epochs_done == 2
    resumed, second = _fit(tmp_path / "parts")
    assert second.finished and second.epochs_done == 5
    assert second.best_epoch == whole_result.best_epoch
    _assert_same_weights(whole, resumed)
    assert _rows_without_seconds(second.metrics_tsv) == _rows_without_seconds(
        whole_result.metrics_tsv
    )


def test_resume_after_keyboard_interrupt(tmp_path):
    whole, whole_result = _fit(tmp_path / "whole")

    def interrupt(epoch, row):
        if epoch == 3:
            raise KeyboardInterrupt

    config = TrainConfig(max_epochs=5, lr=1e-2, patience=10, seed=3, progress=False)
    with pytest.raises(KeyboardInterrupt):
        fit(
            _model(),
            make_loader(_data(0, 96), batch_size=16, shuffle=True, seed=3),
            make_loader(_data(1, 48), batch_size=16, shuffle=False),
            nn.BCEWithLogitsLoss(),
            config,
            tmp_path / "parts",
            logits_evaluator(["a", "b"]),
            on_epoch_end=interrupt,
        )
    assert len(_rows_without_seconds(tmp_path / "parts" / "metrics.tsv")) == 3
    resumed, _ = _fit(tmp_path / "parts")
    _assert_same_weights(whole, resumed)
    assert _rows_without_seconds(tmp_path / "parts" / "metrics.tsv") == _rows_without_seconds(
        whole_result.metrics_tsv
    )


def test_early_stopping_restores_the_best_epoch(tmp_path):
    # an impossible min_delta: only epoch 1 counts as an improvement
    config = TrainConfig(max_epochs=8, lr=1e-2, patience=3, min_delta=10.0, progress=False)
    model = _model()
    result = fit(
        model,
        make_loader(_data(0, 96), batch_size=16, shuffle=True, seed=3),
        make_loader(_data(1, 48), batch_size=16, shuffle=False),
        nn.BCEWithLogitsLoss(),
        config,
        tmp_path,
        logits_evaluator(["a", "b"]),
    )
    assert result.stopped_early and result.epochs_done == 4 and result.best_epoch == 1
    best = torch.load(result.best_weights, weights_only=True)
    assert best["epoch"] == 1
    for key, value in best["model"].items():
        assert torch.equal(model.state_dict()[key], value)
    last = torch.load(result.checkpoint, weights_only=True)
    assert not torch.equal(last["model"]["0.weight"], best["model"]["0.weight"])


def test_resume_with_other_settings_is_refused(tmp_path):
    _fit(tmp_path, max_epochs_this_run=1)
    with pytest.raises(InputError, match=r"last.ckpt.*lr: checkpoint 0.01 vs now 0.02"):
        config = TrainConfig(max_epochs=5, lr=2e-2, patience=10, seed=3, progress=False)
        fit(
            _model(),
            make_loader(_data(0, 96), batch_size=16, shuffle=True, seed=3),
            make_loader(_data(1, 48), batch_size=16, shuffle=False),
            nn.BCEWithLogitsLoss(),
            config,
            tmp_path,
            logits_evaluator(["a", "b"]),
        )


def test_unknown_monitor_is_named(tmp_path):
    with pytest.raises(ValueError, match="mean_auprc"):
        _fit(tmp_path, epochs=1, monitor="auprc_missing")
