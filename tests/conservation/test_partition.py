"""Mirror halves: LECIF split files, leakage checks, automatic partition, negatives."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from plantreg.conservation.negatives import derangement, half_examples, with_negatives
from plantreg.conservation.partition import (
    auto_partition,
    read_split_args,
    write_split_args,
)
from plantreg.errors import InputError

from .helpers import run_cli, write_sizes

# The layout of LECIF's example/splitData_args.txt (chromosome lists shortened)
LECIF_ARGS = """--odd-training-human-chrom
chr1 chr5
--odd-validation-human-chrom
chr3
--odd-test-human-chrom
chr1 chr3 chr5 chr7
--odd-prediction-human-chrom
chr1 chr3 chr5 chr7
--odd-training-mouse-chrom
chr1 chr5
--odd-validation-mouse-chrom
chr3
--odd-test-mouse-chrom
chr1 chr3 chr5 chr7
--even-training-human-chrom
chr2 chr6
--even-validation-human-chrom
chr4
--even-test-human-chrom
chr2 chr4 chr6
--even-prediction-human-chrom
chr2 chr4 chr6 chrX
--even-training-mouse-chrom
chr2 chr6
--even-validation-mouse-chrom
chr4
--even-test-mouse-chrom
chr2 chr4 chr6
--held-out-mouse-chrom
chr7
"""


def test_reads_lecif_layout_and_round_trips(tmp_path):
    path = tmp_path / "splitData_args.txt"
    path.write_text(LECIF_ARGS)
    part = read_split_args(path)
    assert part.odd.training_a == ["chr1", "chr5"] and part.even.prediction_a[-1] == "chrX"
    assert part.held_out_b == ["chr7"] and part.held_out_a == []
    again = tmp_path / "again.txt"
    write_split_args(part, again)
    assert read_split_args(again).to_json() | {"method": ""} == part.to_json() | {"method": ""}


def test_shared_training_and_test_chromosome_is_one_line_error(tmp_path, capsys):
    bad = tmp_path / "split.txt"
    # chr1 trains the odd classifiers and would also be in the test set they are scored on
    flag = "--even-test-human-chrom\n"
    bad.write_text(LECIF_ARGS.replace(flag + "chr2", flag + "chr1 chr2"))
    with pytest.raises(InputError, match="chr1 shared between odd training"):
        read_split_args(bad)
    sizes = {f"chr{i}": 1000 for i in (1, 2, 3, 4, 5, 6, 7, "X")}
    sa, sb = write_sizes(tmp_path / "a.size", sizes), write_sizes(tmp_path / "b.size", sizes)
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text("index\tchrom_a\tstart_a\tend_a\tchrom_b\tstart_b\tend_b\tstrand\t"
                     "window_end_a\n")
    code, err = run_cli(["conservation", "partition", "--pairs", pairs, "--sizes-a", sa,
                         "--sizes-b", sb, "--split-file", bad, "--outdir", tmp_path / "p"],
                        capsys)
    assert code == 2 and err.count("\n") == 1 and str(bad) in err and "chr1" in err
    assert not (tmp_path / "p" / "partition.json").exists()


def test_training_shared_with_validation_rejected(tmp_path):
    bad = tmp_path / "split.txt"
    bad.write_text(LECIF_ARGS.replace("--odd-validation-mouse-chrom\nchr3",
                                      "--odd-validation-mouse-chrom\nchr3 chr5"))
    with pytest.raises(InputError, match="chr5 shared between odd training and odd validation"):
        read_split_args(bad)


def _pairs(chrom_pairs: list[tuple[str, str, int]]) -> pd.DataFrame:
    rows = []
    for ca, cb, n in chrom_pairs:
        rows += [(ca, i * 50, cb, i * 50) for i in range(n)]
    frame = pd.DataFrame(rows, columns=["chrom_a", "start_a", "chrom_b", "start_b"])
    frame.insert(0, "index", np.arange(len(frame)))
    return frame


def test_auto_partition_follows_alignment_and_has_no_leak():
    sizes_a = {"Chr1": 900, "Chr2": 800, "Chr3": 700, "Chr4": 600, "Chr5": 500}
    sizes_b = {"b1": 900, "b2": 800, "b3": 700, "b4": 600, "b5": 500, "b9": 10}
    # b3 aligns mostly to Chr2 (a rearrangement), a little to Chr3
    pairs = _pairs([("Chr1", "b1", 40), ("Chr2", "b3", 30), ("Chr3", "b3", 5), ("Chr2", "b2", 9),
                    ("Chr3", "b4", 20), ("Chr4", "b5", 20), ("Chr5", "b2", 20)])
    part = auto_partition(pairs, sizes_a, sizes_b)
    assert part.odd.training_a == ["Chr1", "Chr3"] and part.odd.validation_a == ["Chr5"]
    assert part.even.training_a == ["Chr2"] and part.even.validation_a == ["Chr4"]
    assert "b3" in part.even.training_b and "b3" not in part.odd.test_b
    assert "b9" not in part.odd.test_b + part.even.test_b  # no alignment, no role
    rng = np.random.default_rng(0)
    sets = half_examples(pairs, part, "odd", rng)
    chosen = pairs.set_index("index")
    train_a = set(chosen.loc[sets["training"][:, 0], "chrom_a"])
    test_a = set(chosen.loc[sets["test"][:, 0], "chrom_a"])
    assert train_a <= {"Chr1", "Chr3"} and test_a <= {"Chr2", "Chr4"}
    # Chr3–b3 pairs are dropped from odd training: b3 belongs to the even half
    assert not set(chosen.loc[sets["training"][:, 1], "chrom_b"]) & {"b3"}


def test_negatives_are_shuffles_without_fixed_points():
    rng = np.random.default_rng(3)
    for n in (2, 3, 10, 1000):
        perm = derangement(n, rng)
        assert sorted(perm.tolist()) == list(range(n)) and not np.any(perm == np.arange(n))
    rows = with_negatives(np.arange(100, 200), rng)
    pos, neg = rows[rows[:, 2] == 1], rows[rows[:, 2] == 0]
    assert np.all(pos[:, 0] == pos[:, 1]) and np.all(neg[:, 0] != neg[:, 1])
    assert sorted(neg[:, 1].tolist()) == list(range(100, 200))


def test_auto_partition_needs_two_chromosomes_per_half():
    pairs = _pairs([("A", "b", 5), ("B", "b", 5), ("C", "b", 5)])
    with pytest.raises(InputError, match="at least 2 A chromosomes"):
        auto_partition(pairs, {"A": 10, "B": 10, "C": 10}, {"b": 10})
