"""LECIF's processed feature files (documented layout, built here) import and train end to end."""

from __future__ import annotations

import gzip
import json

import numpy as np
import pytest

from plantreg.conservation.lecif_import import LecifSet, import_lecif
from plantreg.conservation.store import FeatureStore, fit_scale
from plantreg.errors import InputError

from .helpers import run_cli

NA, SIG_A = 40, 35  # A: features 0..34 binary, 35..39 RNA-seq
NB, SIG_B = 30, 27


def _line(chrom: str, pos: int, pair: int, row: np.ndarray, sig_from: int) -> str:
    """One line as LECIF's generateDataThreaded.py writes it (tab-separated lists after '|')."""
    active = [i for i in range(len(row)) if row[i] != 0]
    real = [f"{row[i]:.4f}" for i in active if i >= sig_from]
    return (f"{chrom}\t{pos}\t{pos + 1}\t{pair}\t|" + "\t".join(map(str, active)) + "\t|"
            + "\t".join(real) + "\n")


def _matrices(n: int, rng: np.random.Generator):
    """A and B features of n aligned pairs: B copies A's activity with noise (conserved)."""
    latent = rng.random((n, 12)) < 0.3
    a = np.zeros((n, NA))
    b = np.zeros((n, NB))
    a[:, :12] = latent ^ (rng.random((n, 12)) < 0.1)
    b[:, :12] = latent ^ (rng.random((n, 12)) < 0.1)
    a[:, 12:SIG_A] = rng.random((n, SIG_A - 12)) < 0.2
    b[:, 12:SIG_B] = rng.random((n, SIG_B - 12)) < 0.2
    expr = latent[:, :3].sum(1, keepdims=True) * 20.0
    a[:, SIG_A:] = np.where(rng.random((n, NA - SIG_A)) < 0.7, expr + rng.gamma(1, 3, (n, 5)), 0)
    b[:, SIG_B:] = np.where(rng.random((n, NB - SIG_B)) < 0.7, expr + rng.gamma(1, 3, (n, 3)), 0)
    return a, b


def _write(path, lines, gz):
    if gz:
        with gzip.open(path, "wt") as handle:
            handle.writelines(lines)
    else:
        path.write_text("".join(lines))


def _lecif_set(tmp_path, name, n, rng, gz):
    a, b = _matrices(n, rng)
    perm = rng.permutation(n)
    ext = ".gz" if gz else ""
    files = [tmp_path / f"shuf_odd_{name}.h{ext}", tmp_path / f"shuf_odd_{name}.m{ext}",
             tmp_path / f"shufx2_odd_{name}.m{ext}"]
    _write(files[0], [_line("chr1", 50 * i, i, a[i], SIG_A) for i in range(n)], gz)
    _write(files[1], [_line("chr3", 50 * i, i, b[i], SIG_B) for i in range(n)], gz)
    _write(files[2], [_line("chr3", 50 * p, p, b[p], SIG_B) for p in perm], gz)
    return files, a, b[perm]


def test_import_reads_layout_exactly(tmp_path):
    rng = np.random.default_rng(0)
    train, a, b_neg = _lecif_set(tmp_path, "training", 60, rng, gz=True)
    valid, _, _ = _lecif_set(tmp_path, "validation", 30, rng, gz=False)
    import_lecif([LecifSet("training", *train), LecifSet("validation", *valid)], NA, NB,
                 tmp_path / "imp")
    sa, sb = FeatureStore(tmp_path / "imp" / "a"), FeatureStore(tmp_path / "imp" / "b")
    assert (sa.n_binary, sa.n_signal, sa.n_regions) == (SIG_A, NA - SIG_A, 90)
    assert (sb.n_binary, sb.n_signal, sb.n_regions) == (SIG_B, NB - SIG_B, 180)
    ex = np.load(tmp_path / "imp" / "training.examples.npy")
    assert ex.shape == (120, 3) and ex[:60, 2].all() and not ex[60:, 2].any()
    assert np.array_equal(ex[60:, 1], 60 + np.arange(60))  # shuffled-B lines follow the B lines
    rows = np.arange(60)
    dense = sa.dense(rows, fit_scale(sa, rows))
    np.testing.assert_array_equal(dense[:, :SIG_A], a[:, :SIG_A])
    raw = np.expm1(sa.signal[:60].astype(np.float64))
    np.testing.assert_allclose(raw, a[:, SIG_A:], rtol=2e-3, atol=2e-3)
    dense_b = sb.dense(60 + rows, fit_scale(sb, 60 + rows))
    np.testing.assert_array_equal(dense_b[:, :SIG_B], b_neg[:, :SIG_B])


def test_import_and_train_end_to_end(tmp_path, capsys):
    rng = np.random.default_rng(1)
    train, _, _ = _lecif_set(tmp_path, "training", 1500, rng, gz=True)
    valid, _, _ = _lecif_set(tmp_path, "validation", 400, rng, gz=True)
    imp = tmp_path / "imp"
    code, err = run_cli(["conservation", "import-lecif", "--outdir", imp, "--n-features-a", NA,
                         "--n-features-b", NB, *sum([["--training", f] for f in train], []),
                         *sum([["--validation", f] for f in valid], [])], capsys)
    assert code == 0, err
    data = ["--features-a", imp / "a", "--features-b", imp / "b", "--train",
            imp / "training.examples.npy", "--valid", imp / "validation.examples.npy"]
    opts = ["--max-epochs", 40, "--min-epochs", 10, "--threads", 1]
    for trial in range(3):
        code, err = run_cli(["conservation", "search", *data, "--trial", trial, "--outdir",
                             tmp_path / f"t{trial}", *opts], capsys)
        assert code == 0, err
    code, err = run_cli(["conservation", "select", "--out-table", tmp_path / "trials.tsv",
                         "--out-best", tmp_path / "best.json",
                         *[tmp_path / f"t{k}" / "summary.json" for k in range(3)]], capsys)
    assert code == 0, err
    best = json.loads((tmp_path / "best.json").read_text())
    trials = (tmp_path / "trials.tsv").read_text().splitlines()
    assert len(trials) == 4 and trials[1].startswith(f"{best['trial']}\t")
    code, err = run_cli(["conservation", "train", *data, "--best", tmp_path / "best.json",
                         "--member", 0, "--outdir", tmp_path / "m0", *opts], capsys)
    assert code == 0, err
    summary = json.loads((tmp_path / "m0" / "summary.json").read_text())
    assert summary["best_valid_auroc"] > 0.75
    code, err = run_cli(["conservation", "predict", "--checkpoint", tmp_path / "m0" / "model.pt",
                         "--features-a", imp / "a", "--features-b", imp / "b", "--examples",
                         imp / "validation.examples.npy", "--out", tmp_path / "v.npy"], capsys)
    assert code == 0, err
    scores = np.load(tmp_path / "v.npy")
    label = np.load(imp / "validation.examples.npy")[:, 2]
    assert scores[label == 1].mean() > scores[label == 0].mean()


def test_bad_lecif_input(tmp_path, capsys):
    rng = np.random.default_rng(2)
    train, _, _ = _lecif_set(tmp_path, "training", 200, rng, gz=True)
    data = train[0].read_bytes()
    cut = tmp_path / "cut.h.gz"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError, match="truncated gzip"):
        import_lecif([LecifSet("training", cut, train[1], train[2])], NA, NB, tmp_path / "x")
    code, err = run_cli(["conservation", "import-lecif", "--outdir", tmp_path / "y",
                         "--n-features-a", 20, "--n-features-b", NB,
                         *sum([["--training", f] for f in train], []),
                         *sum([["--validation", f] for f in train], [])], capsys)
    assert code == 2 and err.count("\n") == 1 and str(train[0]) in err and "outside" in err
