"""Labels and covered bases against a brute-force per-base computation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from plantreg.tracks.overlap import label_windows, window_coverage, window_labels
from plantreg.tracks.peaks import merge_peaks

SIZES = {"Chr1": 30_000, "scaffold_7": 9_000}


def random_peaks(seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for chrom, length in SIZES.items():
        for _ in range(40):
            size = int(rng.choice([rng.integers(1, 200), rng.integers(200, 1500), 3000]))
            start = int(rng.integers(0, length - size))
            rows.append((chrom, start, start + size))
        # Book-ended and overlapping pairs, and a peak touching each chromosome end.
        rows += [(chrom, 1000, 1100), (chrom, 1100, 1250), (chrom, 4000, 4500), (chrom, 4400, 4450)]
        rows += [(chrom, 0, 30), (chrom, length - 700, length)]
        # A dense patch of short peaks: windows there touch many peaks, and only the interior
        # ones lie wholly inside (the case the end-peak shortcut must get right).
        for start in rng.integers(6000, 8000, 30):
            rows.append((chrom, int(start), int(start + rng.integers(5, 40))))
        rows += [(chrom, 8200, 8800), (chrom, 8850, 8870), (chrom, 8900, 8990)]
    return pd.DataFrame(rows, columns=["chrom", "start", "end"])


def random_windows(seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frames = []
    for chrom, length in SIZES.items():
        grid = np.arange(0, length - 1024 + 1, 256)
        starts = np.concatenate([grid, rng.integers(0, length - 50, 200), [8500]])
        sizes = np.concatenate([np.full(len(grid), 1024), rng.integers(1, 2500, 200), [450]])
        ends = np.minimum(starts + sizes, length)
        frames.append(pd.DataFrame({"chrom": chrom, "start": starts, "end": ends}))
    windows = pd.concat(frames, ignore_index=True)
    return windows.sample(frac=1.0, random_state=seed).reset_index(drop=True)  # unsorted input


def coverage_arrays(peaks: pd.DataFrame) -> dict[str, np.ndarray]:
    cover = {c: np.zeros(n, dtype=bool) for c, n in SIZES.items()}
    for row in peaks.itertuples():
        cover[row.chrom][row.start : row.end] = True
    return cover


def runs(cover: np.ndarray) -> list[tuple[int, int]]:
    """Maximal runs of covered bases = bedtools-merge output (book-ended peaks are one run)."""
    edges = np.diff(np.concatenate([[0], cover.astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), strict=True))


def brute_force(windows, peaks, mode: str, f: float) -> tuple[np.ndarray, np.ndarray]:
    cover = coverage_arrays(peaks)
    merged = {c: runs(a) for c, a in cover.items()}
    labels, covered = [], []
    for w in windows.itertuples():
        bases = int(cover[w.chrom][w.start : w.end].sum())
        length = w.end - w.start
        hit = False
        for ps, pe in merged[w.chrom]:
            ov = min(pe, w.end) - max(ps, w.start)
            if ov <= 0:
                continue
            need = {"seiplant": min(pe - ps, length), "peak": pe - ps, "window": None}[mode]
            hit |= need is not None and ov >= f * need
        labels.append(bases >= f * length if mode == "window" else hit)
        covered.append(bases)
    return np.array(labels), np.array(covered)


@pytest.mark.parametrize("mode", ["seiplant", "peak", "window"])
@pytest.mark.parametrize("seed", [0, 1])
def test_labels_match_brute_force(mode: str, seed: int) -> None:
    peaks, windows = random_peaks(seed), random_windows(seed + 100)
    merged = merge_peaks([peaks], order=SIZES)
    for f in (0.05, 0.25, 0.5, 0.9, 1.0):
        expected, covered = brute_force(windows, peaks, mode, f)
        got = label_windows(windows, merged, mode, f)
        assert got.dtype == bool
        np.testing.assert_array_equal(got, expected, err_msg=f"mode={mode} f={f}")
        assert 0 < expected.sum() < len(expected)  # the case is not trivial
    np.testing.assert_array_equal(window_coverage(windows, merged), covered)


def test_modes_differ_on_long_and_short_peaks() -> None:
    # Window [1000, 1100) inside a 1,100 bp peak [500, 1600); window [2000, 2100) holding half
    # of a 10 bp peak [2095, 2105). Worked by hand for f = 0.5:
    #   seiplant: 100 >= 0.5*min(1100, 100) yes;  5 >= 0.5*min(10, 100) yes
    #   peak:     100 >= 0.5*1100 no;             5 >= 0.5*10 yes
    #   window:   100 >= 0.5*100 yes;             5 >= 0.5*100 no
    starts, ends = np.array([1000, 2000]), np.array([1100, 2100])
    pstart, pend = np.array([500, 2095]), np.array([1600, 2105])
    assert window_labels(starts, ends, pstart, pend, "seiplant", 0.5).tolist() == [True, True]
    assert window_labels(starts, ends, pstart, pend, "peak", 0.5).tolist() == [False, True]
    assert window_labels(starts, ends, pstart, pend, "window", 0.5).tolist() == [True, False]


def test_unmerged_peaks_and_bad_fraction_are_rejected() -> None:
    s, e = np.array([0]), np.array([10])
    with pytest.raises(ValueError, match="merged"):
        window_labels(s, e, np.array([0, 5]), np.array([8, 9]))
    with pytest.raises(ValueError, match="min overlap"):
        window_labels(s, e, np.array([0]), np.array([5]), "seiplant", 0.0)
