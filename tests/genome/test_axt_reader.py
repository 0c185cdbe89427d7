"""axtNet reader: hand-made records on both strands with gaps in either sequence; bad input."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from plantreg.errors import InputError
from plantreg.genome.axt import aligned_pairs, read_axt

# Record 0, '+': A = ACGTAGCA (8 bases, 1-based 11..18), B = ACGGTCA (7 bases, 101..107).
# Record 1, '-': A = ACGTA (31..35); B = ACTGA on the reverse strand of chrB (length 200),
# reverse-strand 11..15 = forward 0-based [200-15, 200-11+1) = [185, 190).
HAND = """\
# a comment line, as UCSC tools write
0 chr1 11 18 chrB 101 107 + 500
ACG-TAGCA
ACGGT--CA

1 chr1 31 35 chrB 11 15 - -100
AC-GTA
ACTG-A
"""
SIZES = {"chrB": 200}


def write(path: Path, text: str, compress: bool = False) -> Path:
    path.write_bytes(gzip.compress(text.encode(), mtime=0) if compress else text.encode())
    return path


@pytest.mark.parametrize("compress", [False, True])
def test_hand_made_records(tmp_path: Path, compress: bool):
    path = write(tmp_path / ("hand.axt.gz" if compress else "hand.axt"), HAND, compress)
    plus, minus = list(read_axt(path, SIZES))
    assert (plus.number, plus.chrom_a, plus.start_a, plus.end_a) == (0, "chr1", 10, 18)
    assert (plus.chrom_b, plus.start_b, plus.end_b, plus.strand, plus.score) == (
        "chrB", 100, 107, "+", 500)
    assert (minus.start_a, minus.end_a, minus.start_b, minus.end_b, minus.score) == (
        30, 35, 185, 190, -100)
    assert minus.seq_b == "ACTG-A"
    # columns by hand: A/A C/C G/G -/G T/T A/- G/- C/C A/A
    pos_a, pos_b = aligned_pairs(plus)
    assert pos_a.tolist() == [10, 11, 12, 13, 16, 17]
    assert pos_b.tolist() == [100, 101, 102, 104, 105, 106]
    # columns: A/A(q10) C/C(q11) -/T(q12) G/G(q13) T/- A/A(q14); forward b = 199 - q
    pos_a, pos_b = aligned_pairs(minus)
    assert pos_a.tolist() == [30, 31, 32, 34]
    assert pos_b.tolist() == [189, 188, 186, 185]


def test_reader_streams(tmp_path: Path):
    path = write(tmp_path / "hand.axt", HAND + "\nnot a header\n")
    records = read_axt(path, SIZES)
    assert next(records).number == 0  # the bad tail is only reached when asked for
    assert next(records).number == 1
    with pytest.raises(InputError, match="line 10: axt header"):
        next(records)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("0 chr1 11 18 chrB 101 107 +\nACGT\nACGT\n", "line 1: axt header needs 9 fields"),
        ("0 chr1 1 4 chrB 1 4 x 5\nACGT\nACGT\n", "strand"),
        ("0 chr1 1 4 chrB 1 4 + five\nACGT\nACGT\n", "non-integer"),
        ("0 chr1 1 4 chrB 1 4 + 5\nACGT\nACG\n", "sequence lengths differ"),
        ("0 chr1 1 5 chrB 1 4 + 5\nACGT\nACGT\n", "header spans 5"),
        ("0 chr1 1 4 chrB 1 4 + 5\nACGT\n", "line 3: sequence line missing"),
        ("0 chr1 1 4 chrB 1 4 + 5\nAC*T\nACGT\n", "line 2: sequence line"),
        ("0 chr1 1 4 chrB 1 4 + 5\nACGT\nACGT\n1 chr1 5 8 chrB 5 8 + 5\n", "expected a blank"),
        ("0 chr1 1 4 chrZ 1 4 + 5\nACGT\nACGT\n", "chrZ"),
        ("0 chr1 1 4 chrB 198 201 - 5\nACGT\nACGT\n", "beyond chrB"),
    ],
)
def test_malformed_records_name_file_and_problem(tmp_path: Path, text: str, problem: str):
    path = write(tmp_path / "bad.axt", text)
    with pytest.raises(InputError, match=problem) as info:
        list(read_axt(path, SIZES))
    assert str(path) in str(info.value)
    assert "\n" not in str(info.value)


def test_truncated_gzip(tmp_path: Path):
    data = gzip.compress(((HAND + "\n") * 200).encode())
    path = tmp_path / "cut.axt.gz"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError, match="truncated gzip") as info:
        list(read_axt(path, SIZES))
    assert str(path) in str(info.value)


def test_binary_garbage_is_input_error(tmp_path: Path):
    path = tmp_path / "garbage.axt"
    path.write_bytes(bytes(range(128, 256)))
    with pytest.raises(InputError, match="garbage.axt"):
        list(read_axt(path, SIZES))
