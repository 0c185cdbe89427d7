"""bigWig window summaries against pyBigWig's own per-window stats and values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyBigWig
import pytest

from plantreg.errors import InputError
from plantreg.tracks.bigwig import open_bigwig, window_summaries
from tests.tracks.builders import write_bigwig

SIZES = {"Chr1": 12_000, "Chr2": 5_000}


def step_entries(rng: np.random.Generator, length: int, gaps: bool) -> list[tuple]:
    """Intervals of random width and value tiling the chromosome (with holes when ``gaps``)."""
    edges = np.unique(np.concatenate([[0, length], rng.integers(1, length, 300)]))
    rows = []
    for start, end in zip(edges[:-1], edges[1:], strict=True):
        if not gaps or rng.random() > 0.3:
            rows.append((start, end, float(rng.normal(2.0, 3.0))))
    return rows


def windows_frame(rng: np.random.Generator) -> pd.DataFrame:
    frames = []
    for chrom, length in SIZES.items():
        starts = np.concatenate(
            [np.arange(0, length - 1024 + 1, 128), rng.integers(0, length - 9, 50)]
        )
        ends = np.minimum(
            starts + np.concatenate([np.full(len(starts) - 50, 1024), rng.integers(1, 3000, 50)]),
            length,
        )
        frames.append(pd.DataFrame({"chrom": chrom, "start": starts, "end": ends}))
    return pd.concat(frames).sample(frac=1.0, random_state=3).reset_index(drop=True)


@pytest.mark.parametrize("stat", ["mean", "max"])
def test_full_coverage_equals_pybigwig_stats(tmp_path, stat: str) -> None:
    rng = np.random.default_rng(7)
    entries = {c: step_entries(rng, n, gaps=False) for c, n in SIZES.items()}
    path = write_bigwig(tmp_path / "H3K4ME3.bw", SIZES, entries)
    windows = windows_frame(rng)
    with open_bigwig(path, SIZES) as bw:
        got = window_summaries(bw, windows, stat, chunk_bp=1500)  # many chunk boundaries
    assert got.dtype == np.float32
    ref = pyBigWig.open(str(path))
    expected = [
        ref.stats(w.chrom, int(w.start), int(w.end), type=stat, exact=True)[0]
        for w in windows.itertuples()
    ]
    np.testing.assert_allclose(got, np.array(expected, dtype=np.float32), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("stat", ["mean", "max"])
def test_gaps_count_as_zero(tmp_path, stat: str) -> None:
    rng = np.random.default_rng(11)
    entries = {c: step_entries(rng, n, gaps=True) for c, n in SIZES.items()}
    path = write_bigwig(tmp_path / "sig.bw", SIZES, entries)
    windows = windows_frame(rng)
    with open_bigwig(path, SIZES) as bw:
        got = window_summaries(bw, windows, stat, chunk_bp=4000)
    ref = pyBigWig.open(str(path))
    func = np.mean if stat == "mean" else np.max
    expected = [
        func(np.nan_to_num(ref.values(w.chrom, int(w.start), int(w.end), numpy=True)))
        for w in windows.itertuples()
    ]
    np.testing.assert_allclose(got, np.array(expected, dtype=np.float32), rtol=1e-5, atol=1e-5)
    holes = [
        np.isnan(ref.values(w.chrom, int(w.start), int(w.end), numpy=True)).any()
        for w in windows.itertuples()
    ]
    assert 0 < sum(holes) < len(holes)  # the file does have bases without data


def test_chromosomes_absent_from_fasta(tmp_path) -> None:
    path = write_bigwig(tmp_path / "other.bw", {"chr01": 12_000, "chr02": 5_000}, {})
    with pytest.raises(InputError) as err:
        open_bigwig(path, SIZES)
    message = str(err.value)
    assert message.startswith(f"{path}: ") and "chr01" in message and "chr02" in message
    with open_bigwig(path, SIZES, {"chr01": "Chr1", "chr02": "Chr2"}) as bw:
        assert bw.names == {"Chr1": "chr01", "Chr2": "chr02"}


def test_length_mismatch_and_not_a_bigwig(tmp_path) -> None:
    path = write_bigwig(tmp_path / "len.bw", {"Chr1": 11_000}, {})
    with pytest.raises(InputError, match="lengths differ"):
        open_bigwig(path, SIZES)
    text = tmp_path / "peaks.bw"
    text.write_text("chr1\t1\t2\n")
    with pytest.raises(InputError, match="not a bigWig"):
        open_bigwig(text, SIZES)
    with pytest.raises(InputError, match="cannot read"):
        open_bigwig(tmp_path / "missing.bw", SIZES)


def test_windows_on_a_chromosome_without_data_get_zero(tmp_path) -> None:
    path = write_bigwig(tmp_path / "one.bw", {"Chr1": 12_000}, {"Chr1": [(0, 12_000, 5.0)]})
    windows = pd.DataFrame({"chrom": ["Chr1", "Chr2"], "start": [0, 0], "end": [10, 10]})
    with open_bigwig(path) as bw:
        assert window_summaries(bw, windows, "mean").tolist() == [5.0, 0.0]
        with pytest.raises(InputError, match="none of the windows"):
            window_summaries(bw, windows[windows.chrom == "Chr2"], "mean")
