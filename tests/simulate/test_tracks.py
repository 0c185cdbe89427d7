"""narrowPeak validity, bigWig headers, samplesheets."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyBigWig
import pytest

from tests.simulate.conftest import read_sizes

SPECIES = ["speciesA", "speciesB"]


@pytest.mark.parametrize("species", SPECIES)
def test_narrowpeak_files_are_valid(sim: Path, species: str) -> None:
    sizes = read_sizes(sim / species / "genome.size")
    files = sorted((sim / species / "peaks").glob("*.narrowPeak"))
    marks = {f.name.split("_")[0] for f in files}
    assert {"ATAC", "H3K27AC", "H3K36ME3", "H3K4ME1", "H3K4ME3", "H3K9AC"} <= marks
    assert any("_rep2." in f.name for f in files) and any("_root_" in f.name for f in files)
    for f in files:
        df = pd.read_csv(f, sep="\t", header=None)
        assert df.shape[1] == 10 and len(df) > 20, f
        assert (df[1] >= 0).all() and (df[1] < df[2]).all()
        assert (df[2] <= df[0].map(sizes)).all()
        assert list(zip(df[0], df[1], strict=True)) == sorted(zip(df[0], df[1], strict=True))
        assert ((df[9] >= 0) & (df[9] < df[2] - df[1])).all()
        assert df[3].is_unique and df[4].between(0, 1000).all()


@pytest.mark.parametrize("species", SPECIES)
def test_samplesheet_and_bigwigs(sim: Path, species: str) -> None:
    d = sim / species
    sheet = pd.read_csv(d / "samplesheet.csv")
    assert list(sheet.columns) == ["sample", "mark", "type", "file"]
    assert set(sheet["type"]) == {"peaks", "signal", "dapseq", "control", "tfpeaks"}
    # one DAP-seq bigWig and one peak file per TF
    assert sorted(sheet.loc[sheet["type"] == "tfpeaks", "mark"]) == sorted(
        sheet.loc[sheet["type"] == "dapseq", "mark"])
    assert sheet["sample"].is_unique
    sizes = read_sizes(d / "genome.size")
    for row in sheet.itertuples():
        assert (d / row.file).is_file(), row.file
        if row.file.endswith(".bw"):
            bw = pyBigWig.open(str(d / row.file))
            assert bw.chroms() == sizes, row.file
            chrom = next(iter(sizes))
            assert bw.stats(chrom, 0, sizes[chrom], type="max")[0] > 0
            bw.close()
    assert (sheet["type"] == "control").sum() == 1


def test_signal_is_high_over_true_intervals(sim: Path) -> None:
    marks = pd.read_csv(sim / "truth" / "marks.tsv", sep="\t")
    bw = pyBigWig.open(str(sim / "speciesA" / "signal" / "H3K4ME3.bw"))
    iv = marks[marks["mark"] == "H3K4ME3"]
    inside = [bw.stats(c, s, e)[0] for c, s, e in zip(iv["chrom"], iv["start"], iv["end"],
                                                       strict=True)]
    outside = []
    for chrom, n in bw.chroms().items():
        covered = np.zeros(n, dtype=bool)
        for t in iv[iv["chrom"] == chrom].itertuples():
            covered[max(t.start - 500, 0) : t.end + 500] = True
        values = np.nan_to_num(np.array(bw.values(chrom, 0, n)))
        outside.append(values[~covered])
    assert np.median(inside) > 20 * np.concatenate(outside).mean()
