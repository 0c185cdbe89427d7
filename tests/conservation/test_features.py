"""Feature stores: packed bits + float16 signal against a naive per-point reference."""

from __future__ import annotations

import numpy as np
import pyBigWig
import pytest

from plantreg.conservation.features import Inputs, Points, build_features
from plantreg.conservation.model import HyperParams
from plantreg.conservation.store import FeatureStore, fit_scale
from plantreg.conservation.train import TrainSettings, train_network
from plantreg.errors import InputError

from .helpers import run_cli, write_sizes

SIZES = {"c1": 3000, "c2": 2000}


def _fixtures(tmp_path, rng):
    peaks = []
    for k in range(11):  # 11 peak files: bits cross a byte boundary
        path = tmp_path / f"p{k}.bed"
        lines = []
        for chrom, size in SIZES.items():
            for _ in range(int(rng.integers(0, 6))):
                s = int(rng.integers(0, size - 300))
                lines.append(f"{chrom}\t{s}\t{s + int(rng.integers(1, 300))}\n")
        path.write_text("".join(lines) or "c1\t0\t1\n")
        peaks.append(path)
    states = tmp_path / "states.bed"
    rows, labels = [], ["E1", "E2", "E10"]
    for chrom, size in SIZES.items():
        edges = np.unique(np.r_[0, rng.integers(1, size, 8), size])
        rows += [f"{chrom}\t{a}\t{b}\t{labels[rng.integers(3)]}\n"
                 for a, b in zip(edges[:-1], edges[1:], strict=True) if rng.random() < 0.8]
    states.write_text("".join(rows))
    cage = tmp_path / "cage.tsv"
    cage.write_text("chrom\tstart\tend\texpA\texpB\nc1\t100\t400\t0\t2.5\nc2\t50\t900\t1\t0\n")
    bw_path = tmp_path / "s.bw"
    bw = pyBigWig.open(str(bw_path), "w")
    bw.addHeader(list(SIZES.items()))
    for chrom, size in SIZES.items():
        bw.addEntries(chrom, 0, values=rng.gamma(1.0, 5.0, size).tolist(), span=1, step=1)
    bw.close()
    return peaks, states, cage, bw_path


def _naive(points_chrom, points_pos, peaks, states, cage, bw_path):
    cols = []
    for path in peaks:
        iv = [line.split("\t") for line in path.read_text().splitlines()]
        cols.append([any(c == ch and int(s) <= p < int(e) for ch, s, e in iv)
                     for c, p in zip(points_chrom, points_pos, strict=True)])
    segs = [line.split("\t") for line in states.read_text().splitlines()]
    for label in ["E1", "E2", "E10"]:  # natural order
        cols.append([any(c == ch and int(s) <= p < int(e) and st == label for ch, s, e, st in segs)
                     for c, p in zip(points_chrom, points_pos, strict=True)])
    both = list(zip(points_chrom, points_pos, strict=True))
    cols.append([c == "c2" and 50 <= p < 900 for c, p in both])
    cols.append([c == "c1" and 100 <= p < 400 for c, p in both])
    bw = pyBigWig.open(str(bw_path))
    sig = [np.log1p(bw.values(c, int(p), int(p) + 1)[0]) for c, p in zip(points_chrom, points_pos,
                                                                          strict=True)]
    bw.close()
    return np.array(cols, dtype=np.float32).T, np.array(sig, dtype=np.float32)


def test_store_matches_naive_reference(tmp_path):
    rng = np.random.default_rng(0)
    peaks, states, cage, bw_path = _fixtures(tmp_path, rng)
    chrom = np.array(["c1"] * 150 + ["c2"] * 100)
    pos = np.r_[rng.integers(0, 3000, 150), rng.integers(0, 2000, 100)]
    points = Points.from_arrays(chrom, pos)
    build_features(points, Inputs(peaks, [states], cage, [bw_path]), SIZES, tmp_path / "st", "A")
    store = FeatureStore(tmp_path / "st")
    assert store.n_binary == 11 + 3 + 2 and store.n_signal == 1
    assert store.binary.dtype == np.uint8 and store.binary.shape == (250, 2)
    assert store.signal.dtype == np.float16
    bits, sig = _naive(chrom, pos, peaks, states, cage, bw_path)
    rows = np.arange(250)
    scale = fit_scale(store, rows)
    dense = store.dense(rows[::-1].copy(), scale)[::-1]
    np.testing.assert_array_equal(dense[:, :16], bits)
    np.testing.assert_allclose(store.signal[:, 0].astype(np.float32), sig, rtol=2e-3, atol=1e-3)
    expect = (sig - sig.min()) / (sig.max() - sig.min())
    np.testing.assert_allclose(dense[:, 16], expect, atol=3e-3)
    assert store.names[11:14] == ["state:states:E1", "state:states:E2", "state:states:E10"]


def test_constant_feature_is_reported_or_refused(tmp_path, capsys):
    sizes = write_sizes(tmp_path / "a.size", SIZES)
    pairs = tmp_path / "pairs.tsv"
    head = "index\tchrom_a\tstart_a\tend_a\tchrom_b\tstart_b\tend_b\tstrand\twindow_end_a\n"
    body = "".join(f"{i}\tc1\t{10 * i}\t{10 * i + 1}\tc2\t{i}\t{i + 1}\t+\t{10 * i + 10}\n"
                   for i in range(20))
    pairs.write_text(head + body)
    live, dead = tmp_path / "live.bed", tmp_path / "dead.bed"
    live.write_text("c1\t0\t95\n")
    dead.write_text("c2\t1500\t1600\n")  # no region of A lies there: zero variance
    base = ["conservation", "features", "--pairs", pairs, "--species", "A", "--sizes", sizes,
            "--peaks", live, "--peaks", dead]
    code, err = run_cli([*base, "--outdir", tmp_path / "ok"], capsys)
    assert code == 0, err
    table = FeatureStore(tmp_path / "ok").features
    assert table["constant"].tolist() == [0, 1]
    code, err = run_cli([*base, "--outdir", tmp_path / "bad", "--fail-on-constant"], capsys)
    assert code == 2 and err.count("\n") == 1 and str(dead) in err and "zero variance" in err
    assert not (tmp_path / "bad" / "binary.npy").exists()


def test_training_refuses_species_without_variance(tmp_path):
    points = Points.from_arrays(np.array(["c1"] * 40), np.arange(40) * 10)
    dead = tmp_path / "dead.bed"
    dead.write_text("c2\t0\t10\n")
    live = tmp_path / "live.bed"
    live.write_text("c1\t0\t200\n")
    build_features(points, Inputs([dead]), SIZES, tmp_path / "A", "A")
    build_features(points, Inputs([live]), SIZES, tmp_path / "B", "B")
    ex = np.stack([np.arange(40), np.arange(40), np.arange(40) % 2], 1).astype(np.int64)
    with pytest.raises(InputError, match="constant") as info:
        train_network(FeatureStore(tmp_path / "A"), FeatureStore(tmp_path / "B"), ex, ex,
                      HyperParams(), 0, tmp_path / "net", TrainSettings(max_epochs=1))
    assert str(tmp_path / "A") in str(info.value)
