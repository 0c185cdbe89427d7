"""`plantreg tfbs dataset` on the bundled DAP-seq peaks and on a messy scaffold-level genome."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pysam
import pytest

from plantreg.genome.encode import decode
from plantreg.tfbs.dataset import DatasetSettings, build_tf_dataset
from plantreg.tfbs.nyxcsv import read_tf_folder
from plantreg.tfbs.windows import gc_bin
from tests.conftest import REPO, run_cli

DATA = REPO / "assets" / "test_data" / "speciesA"
TF = "MYB118"
SPLIT = {"train": ["Chr1", "Chr2"], "valid": ["Chr3"], "test": ["Chr4"], "excluded": []}
NARROWPEAK = ["chrom", "start", "end", "name", "score", "strand", "signal", "p", "q", "peak"]


def _split(tmp_path: Path, split: dict = SPLIT) -> Path:
    path = tmp_path / "split.json"
    path.write_text(json.dumps(split))
    return path


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("tfbs")
    return build_tf_dataset(TF, DATA / "tfpeaks" / f"{TF}.narrowPeak", DATA / "genome.fa",
                            _split(tmp), tmp / "out", DatasetSettings(seed=3))


def test_positives_sit_on_summits_and_negatives_avoid_every_peak(built: Path) -> None:
    peaks = pd.read_csv(DATA / "tfpeaks" / f"{TF}.narrowPeak", sep="\t", names=NARROWPEAK)
    summits = set(zip(peaks["chrom"], peaks["start"] + peaks["peak"], strict=True))
    windows = pd.read_csv(built / "windows.tsv", sep="\t")
    pos, neg = windows[windows["label"] == 1], windows[windows["label"] == 0]
    assert {(c, s + 50) for c, s in zip(pos["chrom"], pos["start"], strict=True)} <= summits
    assert len(pos) == len(peaks)  # no bundled peak is near an end or over N
    for chrom, part in neg.groupby("chrom"):
        p = peaks[peaks["chrom"] == chrom]
        lo, hi = p["start"].to_numpy() - 100, p["end"].to_numpy() + 100
        s = part["start"].to_numpy()[:, None]
        assert not ((s < hi) & (s + 101 > lo)).any(), chrom
    for role, chroms in SPLIT.items():
        if role != "excluded":
            assert set(windows.loc[windows["split"] == role, "chrom"]) <= set(chroms)


def test_csvs_hold_the_genome_windows_gc_matched_and_shuffled(built: Path) -> None:
    splits = read_tf_folder(built)
    windows = pd.read_csv(built / "windows.tsv", sep="\t")
    fasta = pysam.FastaFile(str(DATA / "genome.fa"))
    for role in ("train", "valid", "test"):
        codes, labels = splits[role]
        rows = windows[windows["split"] == role]
        assert (labels == rows["label"].to_numpy()).all()
        assert 0 < labels.sum() < len(labels) and labels[:10].std() > 0  # not sorted by label
        c, s = rows.iloc[0][["chrom", "start"]]
        assert decode(codes[0]) == fasta.fetch(c, int(s), int(s) + 101).upper()
        gc_pos = np.bincount(gc_bin(codes[labels == 1]), minlength=10)
        gc_neg = np.bincount(gc_bin(codes[labels == 0]), minlength=10)
        assert (gc_pos == gc_neg).all(), role  # ratio 1: the same count in every GC bin
    report = pd.read_csv(built / "report.tsv", sep="\t")
    assert (report["positives"] + report["dropped_off_chromosome_end"]
            + report["dropped_too_many_n"] + report["dropped_duplicate_summit"]
            == report["peaks"]).all()
    assert (built / "gc.png").read_bytes()[:4] == b"\x89PNG"


def test_same_seed_same_bytes_other_seed_other_negatives(built: Path, tmp_path: Path) -> None:
    split = _split(tmp_path)
    peaks = DATA / "tfpeaks" / f"{TF}.narrowPeak"
    again = build_tf_dataset(TF, peaks, DATA / "genome.fa", split, tmp_path / "a",
                             DatasetSettings(seed=3))
    other = build_tf_dataset(TF, peaks, DATA / "genome.fa", split, tmp_path / "b",
                             DatasetSettings(seed=4))
    assert (again / "train.csv").read_bytes() == (built / "train.csv").read_bytes()
    assert (other / "train.csv").read_bytes() != (built / "train.csv").read_bytes()


def _messy_genome(tmp_path: Path) -> Path:
    """``1`` (20 kb, a run of N), ``Chr2`` (15 kb), ``Pt`` (6 kb) and 30 scaffolds under 100 bp."""
    rng = np.random.default_rng(0)
    records = {"1": 20_000, "Chr2": 15_000, "Pt": 6_000,
               **{f"scaffold_{i}": int(rng.integers(20, 100)) for i in range(800, 830)}}
    path = tmp_path / "genome.fa"
    with open(path, "w") as out:
        for name, n in records.items():
            seq = "".join(rng.choice(list("ACGTacgt"), n))
            if name == "1":
                seq = seq[:9_000] + "N" * 300 + seq[9_300:]
            out.write(f">{name}\n{seq}\n")
    pysam.faidx(str(path))
    return path


def test_messy_genome_counts_what_it_drops(tmp_path: Path) -> None:
    fasta = _messy_genome(tmp_path)
    rows = [("1", 10, 200, 5), ("1", 9_000, 9_200, 100), ("1", 5_000, 5_200, 100),
            ("1", 12_000, 12_200, 100), ("Chr2", 14_950, 15_000, 40), ("Chr2", 700, 900, -1),
            ("Pt", 3_000, 3_200, 100)]
    peaks = tmp_path / "tf.narrowPeak"
    peaks.write_text("".join(f"{c}\t{s}\t{e}\tp\t0\t.\t5\t3\t2\t{o}\n" for c, s, e, o in rows))
    split = _split(tmp_path, {"train": ["1"], "valid": ["Chr2"], "test": ["Pt"],
                              "excluded": [f"scaffold_{i}" for i in range(800, 830)]})
    out = build_tf_dataset("tf", peaks, fasta, split, tmp_path / "out")
    report = pd.read_csv(out / "report.tsv", sep="\t").set_index("split")
    assert report.loc["train", "dropped_off_chromosome_end"] == 1  # summit 15 bp from the start
    assert report.loc["train", "dropped_too_many_n"] == 1  # summit inside the N run
    assert report.loc["train", "positives"] == 2
    assert report.loc["valid", "dropped_off_chromosome_end"] == 1
    assert report.loc["valid", "positives"] == 1  # column 10 = -1: the peak's middle
    windows = pd.read_csv(out / "windows.tsv", sep="\t")
    assert ((windows["chrom"] == "Chr2") & (windows["start"] == 800 - 50)).any()
    assert (report["negatives"] == report["negatives_wanted"]).all()


def _cli_dataset(tmp_path: Path, peaks: Path, split: Path) -> int:
    return run_cli("tfbs", "dataset", "--tf", "X", "--peaks", str(peaks), "--fasta",
                   str(DATA / "genome.fa"), "--split", str(split), "--outdir",
                   str(tmp_path / "out"))


def test_tf_without_training_peaks_is_one_line_and_nothing_written(tmp_path: Path,
                                                                    capsys) -> None:
    peaks = tmp_path / "x.narrowPeak"
    peaks.write_text("Chr4\t1000\t1200\tp\t0\t.\t5\t3\t2\t100\n")
    assert _cli_dataset(tmp_path, peaks, _split(tmp_path)) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("error: ") and "no peak of X on the training chromosomes" in err[-1]
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_peak_past_the_chromosome_end_is_one_line(tmp_path: Path, capsys) -> None:
    peaks = tmp_path / "x.narrowPeak"
    peaks.write_text("Chr1\t209900\t210100\tp\t0\t.\t5\t3\t2\t100\n")
    assert _cli_dataset(tmp_path, peaks, _split(tmp_path)) == 2
    assert "past the end of 'Chr1'" in capsys.readouterr().err

