"""EXPR_CRE_THRESHOLD: one exact, streamed |score| quantile over every chunk, so that the CREs a
run calls do not depend on how its genes were chunked (``explain_chunks``)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from plantreg.cli.expression_explain import app
from plantreg.errors import InputError
from plantreg.expression.cre import cre_threshold, read_cre_bed
from plantreg.expression.explain import Scores, write_scores
from plantreg.expression.threshold import read_threshold, streamed_quantile

LENGTH = 400


@pytest.mark.parametrize("quantile", [0.0, 0.5, 0.9, 0.98, 0.999, 1.0])
def test_streamed_quantile_equals_numpy_on_the_concatenation(quantile):
    rng = np.random.default_rng(3)
    # heavy-tailed, with ties (rounded values) and zeros: what ISM scores look like
    parts = [np.abs(rng.standard_t(2, size=n)).round(3).astype(np.float32)
             for n in (1000, 1, 0, 5000, 37)]
    parts[1][:] = 0
    got, total = streamed_quantile(lambda: iter(parts), quantile)
    expected = np.quantile(np.concatenate(parts).astype(np.float64), quantile)
    assert total == sum(len(p) for p in parts)
    assert got == pytest.approx(expected, rel=1e-12, abs=0)
    shuffled = [parts[i] for i in (3, 0, 4, 2, 1)]  # the order of the chunks does not matter
    assert streamed_quantile(lambda: iter(shuffled), quantile)[0] == got


def test_streamed_quantile_of_nothing_is_infinite():
    assert streamed_quantile(lambda: iter([np.zeros(0, np.float32)]), 0.9) == (float("inf"), 0)


def _genes(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Tracks with planted runs of either sign on a noisy background; codes with N padding."""
    rng = np.random.default_rng(seed)
    scores = rng.normal(0, 0.1, size=(n, LENGTH))
    for i in range(n):
        at = rng.integers(0, LENGTH - 20)
        scores[i, at:at + 12] += rng.choice([-1, 1]) * rng.uniform(0.3, 3)
    codes = rng.integers(0, 4, size=(n, LENGTH)).astype(np.uint8)
    codes[::3, :50] = 4  # padded genes: their N bases are not in the distribution
    return np.array([f"g{i:02d}" for i in range(n)]), scores.astype(np.float32), codes


def _write(folder, ids, scores, codes):
    write_scores(folder, Scores(ids, np.array(["A"] * len(ids)), codes, {"ism": scores}))
    return folder / "scores.npz"


def _call(runner, *args):
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result


def test_cres_do_not_depend_on_the_chunking(tmp_path):
    """Three chunks with the run's threshold call exactly the CREs of one chunk of all genes;
    each chunk's own quantile (the old behaviour) calls others."""
    ids, scores, codes = _genes(24)
    runner = CliRunner()
    whole = _write(tmp_path / "whole", ids, scores, codes)
    _call(runner, "scan-cre", "--scores", whole, "--outdir", tmp_path / "whole_cre")
    expected = read_cre_bed(tmp_path / "whole_cre" / "cre.bed")

    parts = [(0, 5), (5, 20), (20, 24)]  # unequal chunks: their own quantiles differ
    files = [_write(tmp_path / f"c{i}", ids[a:b], scores[a:b], codes[a:b])
             for i, (a, b) in enumerate(parts)]
    threshold = tmp_path / "threshold.json"
    _call(runner, "cre-threshold", "--out", threshold, *files)
    record = json.loads(threshold.read_text())
    assert record["threshold"] == pytest.approx(cre_threshold(scores, 0.98, codes), rel=1e-12)
    assert record["bases"] == int((codes < 4).sum()) and record["chunks"] == 3

    called, own = [], []
    for i, path in enumerate(files):
        _call(runner, "scan-cre", "--scores", path, "--threshold", threshold,
              "--outdir", tmp_path / f"cre{i}")
        called.append(read_cre_bed(tmp_path / f"cre{i}" / "cre.bed"))
        _call(runner, "scan-cre", "--scores", path, "--outdir", tmp_path / f"own{i}")
        own.append(read_cre_bed(tmp_path / f"own{i}" / "cre.bed"))
    columns = ["gene_id", "start", "end", "sign"]
    merged = np.concatenate([t[columns].to_numpy() for t in called])
    assert merged.tolist() == expected[columns].to_numpy().tolist() and len(merged)
    assert np.concatenate([t[columns].to_numpy() for t in own]).tolist() != merged.tolist()


def test_threshold_bad_input_is_one_clear_error(tmp_path):
    ids, scores, codes = _genes(3)
    path = _write(tmp_path / "c0", ids, scores, codes)
    runner = CliRunner()
    out = tmp_path / "threshold.json"
    bad = runner.invoke(app, ["cre-threshold", "--out", str(out), "--method", "gxi", str(path)])
    assert isinstance(bad.exception, InputError) and "no 'gxi' scores" in str(bad.exception)
    assert not out.exists()
    bad = runner.invoke(app, ["cre-threshold", "--out", str(out), "--threshold-quantile", "1",
                              str(path)])
    assert isinstance(bad.exception, InputError) and not out.exists()

    _call(runner, "cre-threshold", "--out", out, path)
    with pytest.raises(InputError, match="computed on 'ism' scores, not 'gxi'"):
        read_threshold(out, "gxi")
    (tmp_path / "junk.json").write_text("[1, 2]")
    with pytest.raises(InputError, match="not a threshold file"):
        read_threshold(tmp_path / "junk.json", "ism")
    with pytest.raises(InputError, match="not found"):
        read_threshold(tmp_path / "missing.json", "ism")
