import numpy as np
import pandas as pd
import pytest

from plantreg.errors import InputError
from plantreg.genome.encode import encode
from plantreg.genome.fasta import index_fasta
from plantreg.genome.windows import tile_genome
from tests.genome.helpers import genome


def brute_tiles(records, window, stride, max_n):
    kept, dropped = [], {}
    for chrom, seq in records.items():
        codes = encode(seq)
        dropped[chrom] = 0
        for s in range(0, len(codes) - window + 1, stride):
            if (codes[s:s + window] == 4).sum() <= max_n:
                kept.append((chrom, s, codes[s:s + window]))
            else:
                dropped[chrom] += 1
    return kept, dropped


@pytest.mark.parametrize(("max_n_fraction", "batch"), [(0.0, 7), (0.05, 1000)])
def test_tiling_with_n_runs_matches_brute_force(tmp_path, max_n_fraction, batch):
    lengths = {"chr1": 40_000, "chr2": 25_123, "ChrC": 300, "scaffold_9": 1024}
    fasta, records = genome(tmp_path, lengths, seed=3, n_runs=12)
    index_fasta(fasta)
    plan = tile_genome(fasta, tmp_path / "out" / "tiles", window=1000, stride=128,
                       max_n_fraction=max_n_fraction, batch=batch)
    kept, dropped = brute_tiles(records, 1000, 128, int(max_n_fraction * 1000))
    bed = pd.read_csv(tmp_path / "out" / "tiles.bed", sep="\t", header=None)
    seq = np.load(tmp_path / "out" / "tiles.seq.npy", mmap_mode="r")
    assert seq.shape == (len(kept), 1000)
    assert list(zip(bed[0], bed[1], strict=True)) == [(c, s) for c, s, _ in kept]
    assert (bed[2] - bed[1] == 1000).all()
    assert np.array_equal(np.asarray(seq), np.stack([k[2] for k in kept]))
    report = pd.read_csv(tmp_path / "out" / "tiles.report.tsv", sep="\t").set_index("chrom")
    for chrom in records:
        assert report.loc[chrom, "dropped_n"] == dropped[chrom]
    assert sum(dropped.values()) > 0
    assert report.loc["ChrC", "status"] == "too_short"
    assert sum(c.kept for c in plan) == len(kept)


def test_tile_selected_chromosomes_and_their_errors(tmp_path):
    fasta, records = genome(tmp_path, {"a": 5000, "b": 4000, "tiny": 100})
    index_fasta(fasta)
    tile_genome(fasta, tmp_path / "t", window=1024, stride=512, chroms=["b"])
    bed = pd.read_csv(tmp_path / "t.bed", sep="\t", header=None)
    assert set(bed[0]) == {"b"} and len(bed) == (4000 - 1024) // 512 + 1
    with pytest.raises(InputError, match="--chrom 'tiny' .* shorter than the window"):
        tile_genome(fasta, tmp_path / "t2", window=1024, stride=512, chroms=["tiny"])
    with pytest.raises(InputError, match="--chrom 'zz' is not a sequence"):
        tile_genome(fasta, tmp_path / "t2", window=1024, stride=512, chroms=["zz"])
    assert not (tmp_path / "t2.bed").exists()


def test_tile_window_larger_than_every_chromosome(tmp_path):
    fasta, _ = genome(tmp_path, {"a": 500, "b": 900})
    index_fasta(fasta)
    with pytest.raises(InputError) as err:
        tile_genome(fasta, tmp_path / "t", window=1024, stride=128)
    assert str(err.value) == f"{fasta}: window size 1024 larger than every chromosome in {fasta}"
    assert not list(tmp_path.glob("t.*"))
