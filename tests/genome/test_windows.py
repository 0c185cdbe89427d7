import numpy as np
import pandas as pd
import pytest

from plantreg.errors import InputError
from plantreg.genome.encode import encode
from plantreg.genome.fasta import index_fasta, open_fasta
from plantreg.genome.windows import (
    encode_windows,
    grid_starts,
    n_counts,
    overlaps_any,
    training_windows,
)
from tests.genome.helpers import genome


def brute_grid(length, window, stride):
    starts = set(range(0, length - window + 1, stride))
    if length >= window:
        starts.add(length - window)
    return sorted(starts)


@pytest.mark.parametrize("length", [1023, 1024, 1025, 1536, 1537, 5000, 10240])
@pytest.mark.parametrize(("window", "stride"), [(1024, 512), (1024, 128), (100, 37)])
def test_grid_matches_brute_force(length, window, stride):
    assert grid_starts(length, window, stride).tolist() == brute_grid(length, window, stride)


def test_overlap_matches_brute_force():
    rng = np.random.default_rng(0)
    starts = grid_starts(200_000, 1024, 512)
    a = np.sort(rng.integers(0, 199_000, 300))
    b = a + rng.integers(1, 2000, 300)
    got = overlaps_any(starts, 1024, a, b)
    want = [any(s < e and s + 1024 > p for p, e in zip(a, b, strict=True)) for s in starts]
    assert got.tolist() == want
    assert not overlaps_any(starts, 1024, a[:0], b[:0]).any()


def test_n_counts_chunked_match_direct(tmp_path):
    fasta, records = genome(tmp_path, {"c": 60_000}, n_runs=30)
    index_fasta(fasta)
    starts = grid_starts(60_000, 1000, 300)
    with open_fasta(fasta) as handle:
        got = n_counts(handle, "c", starts, 1000, chunk_bp=7_000)
    codes = encode(records["c"])
    assert got.tolist() == [int((codes[s:s + 1000] == 4).sum()) for s in starts]


def _setup(tmp_path, n_peaks=40, seed=1, lengths=None, n_runs=0):
    lengths = lengths or {"c1": 80_000, "c2": 60_000, "c3": 50_000, "c4": 40_000}
    fasta, records = genome(tmp_path, lengths, seed=seed, n_runs=n_runs)
    sizes = dict(index_fasta(fasta))
    rng = np.random.default_rng(seed)
    rows = []
    for chrom, length in sizes.items():
        starts = rng.integers(0, length - 512, n_peaks)
        rows += [(chrom, int(s), int(s + rng.integers(1, 513))) for s in starts]
    peaks = tmp_path / "MARK.merged.bed"
    pd.DataFrame(rows).to_csv(peaks, sep="\t", header=False, index=False)
    split = {"train": ["c1", "c4"], "valid": ["c2"], "test": ["c3"], "excluded": []}
    return fasta, sizes, split, peaks, rows, records


def _bed(path):
    return pd.read_csv(path, sep="\t", header=None,
                       names=["chrom", "start", "end", "kind", "score", "strand"])


def test_every_short_peak_has_a_containing_window(tmp_path):
    fasta, sizes, split, peaks, rows, _ = _setup(tmp_path)
    training_windows(fasta, sizes, split, [peaks], tmp_path / "w", 1024, 512, 1.0, 1.0, 0)
    beds = pd.concat([_bed(tmp_path / "w" / f"{s}.bed") for s in ("train", "valid", "test")])
    peak_windows = beds[beds["kind"] == "peak"]
    for chrom, start, end in rows:
        mine = peak_windows[peak_windows["chrom"] == chrom]
        assert ((mine["start"] <= start) & (mine["end"] >= end)).any(), (chrom, start, end)


def test_peak_and_background_windows_are_correct(tmp_path):
    fasta, sizes, split, peaks, rows, _ = _setup(tmp_path, n_peaks=8)
    report = training_windows(fasta, sizes, split, [peaks], tmp_path / "w", 1024, 512, 1.5,
                              1.0, 7)
    for name in ("train", "valid", "test"):
        bed = _bed(tmp_path / "w" / f"{name}.bed")
        assert set(bed["chrom"]) <= set(split[name])
        # every grid window overlapping a peak is a peak window, and nothing else is
        for chrom in split[name]:
            grid = brute_grid(sizes[chrom], 1024, 512)
            hits = {s for s in grid
                    if any(c == chrom and s < e and s + 1024 > p for c, p, e in rows)}
            mine = bed[bed["chrom"] == chrom]
            assert set(mine.loc[mine["kind"] == "peak", "start"]) == hits
            assert not set(mine.loc[mine["kind"] == "background", "start"]) & hits
            assert set(mine["start"]) <= set(grid)
        n_peak = int((bed["kind"] == "peak").sum())
        assert int((bed["kind"] == "background").sum()) == round(1.5 * n_peak)
        assert not bed.duplicated(["chrom", "start"]).any()
        index = pd.read_csv(tmp_path / "w" / f"{name}.index.tsv", sep="\t")
        assert index.columns.tolist() == ["row", "chrom", "start", "end", "kind"]
        assert index["row"].tolist() == list(range(len(bed)))
        assert index["start"].tolist() == bed["start"].tolist()
    table = pd.read_csv(tmp_path / "w" / "windows.report.tsv", sep="\t")
    assert table["peak"].sum() == sum(c.peak for c in report)


def test_background_sampling_is_seeded(tmp_path):
    fasta, sizes, split, peaks, _, _ = _setup(tmp_path, n_peaks=8)
    outs = {}
    for label, seed in (("a", 3), ("b", 3), ("c", 4)):
        training_windows(fasta, sizes, split, [peaks], tmp_path / label, 1024, 512, 1.0, 0.0,
                         seed)
        outs[label] = (tmp_path / label / "train.bed").read_text()
    assert outs["a"] == outs["b"]
    assert outs["a"] != outs["c"]


def test_n_windows_dropped_and_counted(tmp_path):
    fasta, sizes, split, peaks, _, records = _setup(tmp_path, n_runs=15)
    training_windows(fasta, sizes, split, [peaks], tmp_path / "w", 1024, 512, 1.0, 0.01, 0)
    table = pd.read_csv(tmp_path / "w" / "windows.report.tsv", sep="\t").set_index("chrom")
    for chrom, seq in records.items():
        codes = encode(seq)
        n = [int((codes[s:s + 1024] == 4).sum()) for s in brute_grid(len(codes), 1024, 512)]
        assert table.loc[chrom, "dropped_n"] == sum(x > 10 for x in n)
        assert table.loc[chrom, "grid"] == len(n)
    for name in ("train", "valid", "test"):
        bed = _bed(tmp_path / "w" / f"{name}.bed")
        for chrom, start in zip(bed["chrom"], bed["start"], strict=True):
            assert (encode(records[chrom][start:start + 1024]) == 4).sum() <= 10


def test_window_larger_than_every_chromosome(tmp_path):
    fasta, sizes, split, peaks, _, _ = _setup(tmp_path, lengths={"c1": 3000, "c2": 2000,
                                                                 "c3": 2000, "c4": 2000})
    with pytest.raises(InputError, match=f"window size 4096 larger than every chromosome in "
                                         f"{fasta}"):
        training_windows(fasta, sizes, split, [peaks], tmp_path / "w", 4096, 512)


def test_short_chromosome_skipped_and_reported(tmp_path):
    fasta, sizes, split, peaks, _, _ = _setup(tmp_path, lengths={"c1": 9000, "c2": 9000,
                                                                 "c3": 9000, "c4": 900},
                                              n_peaks=3)
    training_windows(fasta, sizes, split, [peaks], tmp_path / "w", 1024, 512)
    table = pd.read_csv(tmp_path / "w" / "windows.report.tsv", sep="\t").set_index("chrom")
    assert table.loc["c4", "status"] == "too_short" and table.loc["c4", "grid"] == 0


def test_peak_outside_genome_is_an_input_error(tmp_path):
    fasta, sizes, split, _, _, _ = _setup(tmp_path)
    bad = tmp_path / "bad.bed"
    bad.write_text("c1\t10\t20\nc9\t5\t50\n")
    with pytest.raises(InputError, match="c9"):
        training_windows(fasta, sizes, split, [bad], tmp_path / "w")


def test_encode_windows_matches_fasta_in_bed_order(tmp_path):
    fasta, records = genome(tmp_path, {"a": 30_000, "b": 20_000}, n_runs=5)
    index_fasta(fasta)
    rng = np.random.default_rng(2)
    rows = [(c, int(s)) for c, s in zip(rng.choice(["a", "b"], 200),
                                        rng.integers(0, 19_000, 200), strict=True)]
    bed = tmp_path / "w.bed"
    bed.write_text("".join(f"{c}\t{s}\t{s + 500}\tx\t0\t.\n" for c, s in rows))
    encode_windows(fasta, bed, tmp_path / "w.npy")
    got = np.load(tmp_path / "w.npy")
    assert got.shape == (200, 500) and got.dtype == np.uint8
    for i, (c, s) in enumerate(rows):
        assert np.array_equal(got[i], encode(records[c][s:s + 500]))


def test_encode_rejects_mixed_window_lengths(tmp_path):
    fasta, _ = genome(tmp_path, {"a": 3000})
    index_fasta(fasta)
    bed = tmp_path / "w.bed"
    bed.write_text("a\t0\t100\na\t10\t120\n")
    with pytest.raises(InputError, match="record 2: window length 110"):
        encode_windows(fasta, bed, tmp_path / "w.npy")
    assert not (tmp_path / "w.npy").exists()


def test_background_shortage_takes_every_candidate(tmp_path):
    fasta, sizes, split, peaks, rows, _ = _setup(tmp_path, n_peaks=8)
    report = training_windows(fasta, sizes, split, [peaks], tmp_path / "w", 1024, 512, 100.0,
                              1.0, 0)
    for counts in report:
        if counts.split in ("train", "valid", "test") and counts.grid:
            assert counts.background == counts.grid - counts.peak - counts.dropped_n
    table = pd.read_csv(tmp_path / "w" / "windows.report.tsv", sep="\t")
    assert (table["grid"] == table["peak"] + table["background"] + table["dropped_n"]).all()


def test_max_n_fraction_out_of_range(tmp_path):
    fasta, sizes, split, peaks, _, _ = _setup(tmp_path, n_peaks=2)
    with pytest.raises(InputError, match=r"--max-n-fraction must be within \[0, 1\]"):
        training_windows(fasta, sizes, split, [peaks], tmp_path / "w", max_n_fraction=1.5)
