"""``plantreg prep`` merge-peaks / labels / check-names through the real command line."""

from __future__ import annotations

import numpy as np
import pytest

from plantreg.cli.main import main
from tests.tracks.builders import (
    error_lines,
    run_cli,
    write_bed,
    write_bigwig,
    write_fasta,
    write_sizes,
)

SIZES = {"Chr1": 1000, "Chr2": 500}


def call(*args: str) -> int:
    with pytest.raises(SystemExit) as done:
        main(["--log-level", "WARNING", "prep", *args])
    return done.value.code


def test_merge_peaks_with_name_map(tmp_path) -> None:
    sizes = write_sizes(tmp_path / "genome.size", SIZES)
    rep1 = write_bed(
        tmp_path / "K4_leaf_rep1.narrowPeak",
        [
            ("chr02", 10, 20, "a", 0, ".", 1.0, 1.0, 1.0, 5),
            ("Chr1", 100, 200, "b", 0, ".", 1, 1, 1, -1),
        ],
        header=True,
    )
    rep2 = write_bed(tmp_path / "K4_leaf_rep2.bed", [("Chr1", 200, 250), ("chr02", 30, 40)])
    name_map = tmp_path / "map.tsv"
    name_map.write_text("chr02\tChr2\n")
    out = tmp_path / "peaks" / "K4.merged.bed"
    code = call(
        "merge-peaks",
        "--mark",
        "K4",
        "--sizes",
        str(sizes),
        "--name-map",
        str(name_map),
        "--out",
        str(out),
        str(rep1),
        str(rep2),
    )
    assert code == 0
    # Chr1 100-200 and 200-250 are book-ended → one interval; FASTA order Chr1 before Chr2.
    assert out.read_text() == "Chr1\t100\t250\nChr2\t10\t20\nChr2\t30\t40\n"


@pytest.mark.parametrize(
    ("rows", "problem"),
    [
        ([], "no intervals in the file"),
        ([("Chr1", 5, 10), ("Chr9", 1, 2)], "line 4: chromosome 'Chr9' is not in the genome"),
        ([("Chr2", 400, 501)], "line 3: end 501 is past the end of 'Chr2' (length 500)"),
    ],
)
def test_merge_peaks_bad_input_is_one_line(tmp_path, rows, problem) -> None:
    sizes = write_sizes(tmp_path / "genome.size", SIZES)
    good = write_bed(tmp_path / "good.bed", [("Chr1", 1, 5)])
    bad = write_bed(tmp_path / "bad.bed", rows, header=True)
    out = tmp_path / "K4.merged.bed"
    result = run_cli(
        "prep",
        "merge-peaks",
        "--mark",
        "K4",
        "--sizes",
        str(sizes),
        "--out",
        str(out),
        str(good),
        str(bad),
    )
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0  # one line, nothing else
    [line] = error_lines(result.stderr)
    assert line.startswith(f"error: {bad}: {problem}")
    assert "Traceback" not in result.stderr
    assert not out.exists() and list(tmp_path.glob("*.part")) == []


def test_labels_hand_checked(tmp_path) -> None:
    windows = write_bed(
        tmp_path / "train.bed", [("Chr1", s, s + 100, "peak", 0, ".") for s in (0, 100, 200)]
    )
    mark_a = write_bed(tmp_path / "A.merged.bed", [("Chr1", 50, 150)])
    mark_b = write_bed(tmp_path / "B.merged.bed", [("Chr1", 290, 295)])
    tags = tmp_path / "tags.in.txt"
    tags.write_text("B\nA\n")
    signal = write_bigwig(tmp_path / "A.bw", SIZES, {"Chr1": [(0, 100, 1.0), (100, 300, 3.0)]})
    prefix = tmp_path / "dataset" / "train"
    code = call(
        "labels",
        "--windows",
        str(windows),
        "--peaks",
        str(mark_a),
        "--peaks",
        str(mark_b),
        "--signal",
        str(signal),
        "--tags",
        str(tags),
        "--out-prefix",
        str(prefix),
    )
    assert code == 0
    labels = np.load(f"{prefix}.labels.npy")
    # Worked by hand (seiplant, f = 0.5): A=[50,150) overlaps windows 0 and 1 by 50 >= 0.5*100;
    # B=[290,295) lies wholly in window 2 (5 >= 0.5*5). Columns follow the tag file: B, A.
    assert labels.dtype == np.uint8 and labels.tolist() == [[0, 1], [0, 1], [1, 0]]
    assert (tmp_path / "dataset" / "tags.txt").read_text() == "B\nA\n"
    signal_arr = np.load(f"{prefix}.signal.npy")
    assert signal_arr.dtype == np.float32 and signal_arr[:, 0].tolist() == [1.0, 3.0, 3.0]
    assert (tmp_path / "dataset" / "signal_tags.txt").read_text() == "A\n"
    # peak mode with f = 1: window 0 holds only half of A → 0.
    code = call(
        "labels",
        "--windows",
        str(windows),
        "--peaks",
        str(mark_a),
        "--overlap-mode",
        "peak",
        "--min-overlap",
        "1",
        "--out-prefix",
        str(prefix),
    )
    assert code == 0 and np.load(f"{prefix}.labels.npy").tolist() == [[0], [0], [0]]
    assert (
        call(
            "labels",
            "--windows",
            str(windows),
            "--peaks",
            str(mark_a),
            "--min-overlap",
            "0",
            "--out-prefix",
            str(prefix),
        )
        == 2
    )


def test_check_names_cli(tmp_path) -> None:
    fasta = write_fasta(tmp_path / "genome.fa", {c: "ACGT" * (n // 4) for c, n in SIZES.items()})
    peaks = write_bed(tmp_path / "K4.narrowPeak", [("chr1", 0, 10, "p", 0, ".", 1, 1, 1, 2)])
    bigwig = write_bigwig(tmp_path / "K4.bw", {"Chr1": 1000, "Chr2": 500}, {})
    report = tmp_path / "names.report.tsv"
    args = [
        "prep",
        "check-names",
        "--fasta",
        str(fasta),
        "--peaks",
        str(peaks),
        "--bigwig",
        str(bigwig),
        "--out-report",
        str(report),
    ]
    result = run_cli(*args)
    assert result.returncode == 2
    [line] = error_lines(result.stderr)
    assert f"{peaks} (peaks): chr1" in line and str(bigwig) not in line
    name_map = tmp_path / "map.tsv"
    name_map.write_text("chr1\tChr1\n")
    assert call(*args[1:], "--name-map", str(name_map)) == 0
    assert "mapped:Chr1" in report.read_text()
