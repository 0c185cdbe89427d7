"""`plantreg chromatin` through the real CLI: resume after an interruption, and bad inputs that
must end in one line naming the file (exit 2)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pytest
import torch

from plantreg.chromatin.model import build_model, preset_config
from plantreg.io import save_npy
from plantreg.training.checkpoint import save_model_checkpoint
from tests.chromatin.conftest import TAGS, make_planted
from tests.conftest import run_cli

DATA = Path(__file__).resolve().parents[2] / "assets" / "test_data"



def _error(capsys, *args: str) -> str:
    assert run_cli(*args) == 2
    lines = [line for line in capsys.readouterr().err.splitlines() if line.startswith("error:")]
    assert len(lines) == 1, lines
    return lines[0]


@pytest.fixture(scope="module")
def small_data(tmp_path_factory) -> Path:
    return make_planted(tmp_path_factory.mktemp("planted_cli"), n_per_chrom=60)


def _train(data: Path, outdir: Path, *extra: str) -> int:
    return run_cli("chromatin", "train", "--dataset", str(data), "--epochs", "3", "--batch-size",
                "32", "--threads", "1", "--device", "cpu", "--padding", "same",
                "--outdir", str(outdir), *extra)


def test_interrupted_training_resumes_to_the_same_result(small_data, tmp_path):
    assert _train(small_data, tmp_path / "whole") == 0
    assert _train(small_data, tmp_path / "parts", "--stop-after", "1") == 0
    assert not (tmp_path / "parts" / "model.pt").exists()  # not over: no model yet
    assert _train(small_data, tmp_path / "parts") == 0
    whole = (tmp_path / "whole" / "metrics.tsv").read_text().splitlines()
    parts = (tmp_path / "parts" / "metrics.tsv").read_text().splitlines()
    assert len(whole) == 4
    drop_seconds = [[f for i, f in enumerate(r.split("\t")) if i != len(r.split("\t")) - 1]
                    for r in (whole, parts) for r in r]
    assert drop_seconds[:4] == drop_seconds[4:]
    a = torch.load(tmp_path / "whole" / "model.pt", weights_only=True)["state_dict"]
    b = torch.load(tmp_path / "parts" / "model.pt", weights_only=True)["state_dict"]
    assert all(torch.equal(a[k], b[k]) for k in a)


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("ckpt") / "model.pt"
    config = preset_config("small", len(TAGS), input_length=256, padding="same")
    torch.manual_seed(0)
    save_model_checkpoint(path, build_model(config), kind="chromatin.sei",
                          config=config.to_dict(), tags=TAGS, split={})
    return path


def test_unknown_model_option_is_refused(capsys, small_data, tmp_path):
    line = _error(capsys, "chromatin", "train", "--dataset", str(small_data), "--padding", "same",
                  "--model-option", "chanels=[8,8,8]", "--outdir", str(tmp_path / "m"))
    assert "chanels" in line and "channels" in line  # the known settings are listed
    assert not (tmp_path / "m" / "model.pt").exists()


def test_checkpoint_with_another_tag_order_is_refused(capsys, checkpoint, small_data, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(small_data, data)
    (data / "tags.txt").write_text("\n".join(reversed(TAGS)) + "\n")
    line = _error(capsys, "chromatin", "evaluate", "--checkpoint", str(checkpoint), "--dataset",
                  str(data), "--outdir", str(tmp_path / "ev"))
    assert str(checkpoint) in line and "tag order differs" in line


def test_empty_test_split_is_refused(capsys, checkpoint, small_data, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(small_data, data)
    save_npy(data / "test.seq.npy", np.zeros((0, 256), np.uint8))
    save_npy(data / "test.labels.npy", np.zeros((0, len(TAGS)), np.uint8))
    line = _error(capsys, "chromatin", "evaluate", "--checkpoint", str(checkpoint), "--dataset",
                  str(data), "--outdir", str(tmp_path / "ev"))
    assert "test.seq.npy" in line and "no windows" in line


def _fasta(path: Path, lengths: dict[str, int]) -> Path:
    rng = np.random.default_rng(0)
    with open(path, "w") as out:
        for name, n in lengths.items():
            out.write(f">{name}\n{''.join(rng.choice(list('ACGT'), n))}\n")
    assert run_cli("prep", "index", "--fasta", str(path), "--out-sizes", f"{path}.size") == 0
    return path


def test_genome_shorter_than_the_window_is_refused(capsys, checkpoint, tmp_path):
    fasta = _fasta(tmp_path / "short.fa", {"c1": 200, "c2": 100})
    line = _error(capsys, "chromatin", "predict", "--checkpoint", str(checkpoint), "--fasta",
                  str(fasta), "--outdir", str(tmp_path / "pr"))
    assert str(fasta) in line and "larger than every chromosome" in line
    line = _error(capsys, "chromatin", "predict", "--checkpoint", str(checkpoint), "--fasta",
                  str(fasta), "--chrom", "c1", "--outdir", str(tmp_path / "pr"))
    assert "'c1'" in line and "shorter than the window" in line


def test_stale_fasta_index_is_refused(capsys, checkpoint, tmp_path):
    fasta = _fasta(tmp_path / "g.fa", {"c1": 2000})
    fasta.write_text(fasta.read_text().replace(">c1", ">c1 edited"))
    os.utime(fasta, (fasta.stat().st_atime, fasta.stat().st_mtime + 10))
    line = _error(capsys, "chromatin", "predict", "--checkpoint", str(checkpoint), "--fasta",
                  str(fasta), "--outdir", str(tmp_path / "pr"))
    assert str(fasta) in line and "stale" in line
    assert not (tmp_path / "pr").exists() or not list((tmp_path / "pr").glob("*.bedGraph"))


def test_short_chromosomes_are_skipped_and_reported_and_tracks_tile(checkpoint, tmp_path):
    fasta = _fasta(tmp_path / "g.fa", {"c1": 3000, "tiny": 100, "c2": 1500})
    assert run_cli("chromatin", "predict", "--checkpoint", str(checkpoint), "--fasta", str(fasta),
                "--stride", "64", "--threads", "1", "--outdir", str(tmp_path / "pr")) == 0
    report = (tmp_path / "pr" / "predict.report.tsv").read_text()
    assert "tiny\t100\t0\t0\t0\ttoo_short" in report
    assert run_cli("chromatin", "export", "--predictions", str(tmp_path / "pr"), "--sizes",
                f"{fasta}.size", "--outdir", str(tmp_path / "ex")) == 0
    import pyBigWig

    bw = pyBigWig.open(str(tmp_path / "ex" / f"{TAGS[0]}.bw"))
    assert bw.chroms() == {"c1": 3000, "tiny": 100, "c2": 1500}
    starts = [s for s, _, _ in bw.intervals("c1")]
    assert starts == list(range(96, 96 + 64 * ((3000 - 256) // 64 + 1), 64))
    assert bw.intervals("tiny") is None


def test_strip_inference_writes_the_same_tracks_as_window_by_window(tmp_path):
    from plantreg.chromatin.predict import predict_genome

    fasta = _fasta(tmp_path / "g.fa", {"c1": 9000, "c2": 4000})
    text = fasta.read_text()
    fasta.write_text(text.replace(text[3000:3300], "N" * 300))  # N windows split c1's lattice
    assert run_cli("prep", "index", "--fasta", str(fasta), "--out-sizes", f"{fasta}.size") == 0
    ckpt = tmp_path / "valid.pt"
    config = preset_config("small", len(TAGS))
    torch.manual_seed(1)
    save_model_checkpoint(ckpt, build_model(config), kind="chromatin.sei",
                          config=config.to_dict(), tags=TAGS, split={})
    tracks = {}
    for strips in (True, False):
        out = tmp_path / f"strips_{strips}"
        summary = predict_genome(ckpt, fasta, out, stride=128, batch_size=16, device="cpu",
                                 strips=strips)
        assert summary.dropped_n > 0
        tracks[strips] = np.loadtxt(out / f"{TAGS[0]}.bedGraph", dtype=str)
    assert tracks[True].shape == tracks[False].shape
    assert (tracks[True][:, :3] == tracks[False][:, :3]).all()
    a, b = (tracks[s][:, 3].astype(float) for s in (True, False))
    assert a.std() > 1e-3 and np.abs(a - b).max() < 1e-4
