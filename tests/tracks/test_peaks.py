"""Peak parsing, validation and bedtools-merge semantics."""

from __future__ import annotations

import gzip

import numpy as np
import pandas as pd
import pytest

from plantreg.errors import InputError
from plantreg.tracks.peaks import merge_peaks, read_intervals, read_peaks
from tests.tracks.builders import write_bed

SIZES = {"chr10": 5000, "chr2": 3000, "ChrC": 800}


def naive_merge(frame: pd.DataFrame, order: list[str]) -> list[tuple[str, int, int]]:
    """The textbook sweep: sort, then extend the open interval while the next one starts at or
    before its end (book-ended intervals join, as in bedtools merge)."""
    out: list[list] = []
    rows = sorted(frame.itertuples(index=False), key=lambda r: (order.index(r.chrom), r.start))
    for chrom, start, end in ((r.chrom, r.start, r.end) for r in rows):
        if out and out[-1][0] == chrom and start <= out[-1][2]:
            out[-1][2] = max(out[-1][2], end)
        else:
            out.append([chrom, start, end])
    return [tuple(r) for r in out]


@pytest.mark.parametrize("seed", range(5))
def test_merge_equals_naive_merge(seed: int) -> None:
    rng = np.random.default_rng(seed)
    frames = []
    for _ in range(3):  # several replicate files of one mark
        chroms = rng.choice(list(SIZES), 60)
        starts = rng.integers(0, 700, 60)
        ends = starts + rng.integers(1, 60, 60)
        frames.append(pd.DataFrame({"chrom": chroms, "start": starts, "end": ends}))
    frames.append(pd.DataFrame({"chrom": ["chr2"] * 2, "start": [900, 950], "end": [950, 999]}))
    merged = merge_peaks(frames, order=SIZES)
    expected = naive_merge(pd.concat(frames), list(SIZES))
    assert list(merged.itertuples(index=False, name=None)) == expected
    assert merged["start"].dtype == np.int64 and merged["end"].dtype == np.int64


def test_merge_book_ended_joins_gap_does_not() -> None:
    frame = pd.DataFrame({"chrom": ["chr2"] * 4, "start": [20, 0, 10, 31], "end": [30, 10, 20, 40]})
    merged = merge_peaks([frame])
    assert list(merged.itertuples(index=False, name=None)) == [("chr2", 0, 30), ("chr2", 31, 40)]


def test_merge_follows_fasta_order_not_names() -> None:
    frame = pd.DataFrame({"chrom": ["chr2", "chr10"], "start": [0, 0], "end": [5, 5]})
    assert merge_peaks([frame], order=SIZES)["chrom"].tolist() == ["chr10", "chr2"]
    assert merge_peaks([frame])["chrom"].tolist() == ["chr10", "chr2"]  # sorted names


def test_narrowpeak_parsing(tmp_path) -> None:
    rows = [
        ("chr10", 100, 300, "p1", 500, ".", 12.5, 8.1, 6.2, 50),
        ("chr2", 0, 40, "p2", 20, ".", 3.0, 2.0, 1.0, -1),
    ]
    path = write_bed(tmp_path / "H3K4ME3_leaf_rep1.narrowPeak", rows, header=True)
    peaks = read_peaks(path, SIZES)
    assert peaks[["chrom", "start", "end"]].values.tolist() == [
        ["chr10", 100, 300],
        ["chr2", 0, 40],
    ]
    assert peaks["signal_value"].tolist() == [12.5, 3.0]
    assert peaks["summit"].tolist() == [150, 20]  # start + offset; -1 → midpoint


def test_gzip_and_bed3_plus(tmp_path) -> None:
    path = tmp_path / "peaks.bed.gz"
    with gzip.open(path, "wt") as out:
        out.write("browser position chr2\nchr2\t5\t9\tname\t0\t+\n")
    assert read_peaks(path, SIZES).values.tolist() == [["chr2", 5, 9]]


def test_name_map_applies_before_validation(tmp_path) -> None:
    path = write_bed(tmp_path / "p.bed", [("2", 5, 9)])
    with pytest.raises(InputError, match="'2' is not in the genome"):
        read_peaks(path, SIZES)
    assert read_peaks(path, SIZES, {"2": "chr2"})["chrom"].tolist() == ["chr2"]


@pytest.mark.parametrize(
    ("rows", "problem"),
    [
        ([], "no intervals"),
        ([("chrX", 1, 10)], "line 3: chromosome 'chrX' is not in the genome"),
        ([("chr2", 10, 20), ("chr2", 2990, 3001)], "line 4: end 3001 is past the end of 'chr2'"),
        ([("chr2", -5, 10)], "line 3: negative start -5"),
        ([("chr2", 10, 10)], "line 3: start 10 is not before end 10"),
        ([("chr2", "1.5", 10)], "line 3: start/end must be integers"),
        ([("chr2", 10)], "line 3: expected at least 3"),
    ],
)
def test_bad_peaks_name_file_and_line(tmp_path, rows, problem) -> None:
    path = write_bed(tmp_path / "bad.bed", rows, header=True)
    with pytest.raises(InputError) as err:
        read_peaks(path, SIZES)
    assert str(err.value).startswith(f"{path}: ")
    assert problem in str(err.value)


def test_problem_count_and_narrowpeak_columns(tmp_path) -> None:
    path = write_bed(tmp_path / "x.bed", [("chrQ", 1, 2), ("chr2", 1, 2), ("chrQ", 3, 4)])
    with pytest.raises(InputError, match=r"line 1: .*\(2 lines have this problem\)"):
        read_peaks(path, SIZES)
    short = write_bed(tmp_path / "y.narrowPeak", [("chr2", 1, 2, "n", 0, ".")])
    with pytest.raises(InputError, match="expected at least 10"):
        read_peaks(short, SIZES)


def test_windows_may_be_empty(tmp_path) -> None:
    path = write_bed(tmp_path / "valid.bed", [])
    assert len(read_intervals(path, None, allow_empty=True)) == 0
