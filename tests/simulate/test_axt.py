"""axtNet writer: hand-checked records, and a round trip evolve → write → read."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from plantreg.genome.axt import aligned_pairs, read_axt
from plantreg.simulate.axt import write_axtnet
from plantreg.simulate.evolve import (
    AlignedBlock,
    EvolveConfig,
    EvolvedSpecies,
    evolve_species,
    reverse_complement,
)

CFG = EvolveConfig(rearrangement_min_length=2_000, rearrangement_max_length=8_000)


def u8(text: str) -> np.ndarray:
    return np.frombuffer(text.encode(), dtype=np.uint8).copy()


def make_case(seed: int = 0) -> tuple[dict[str, np.ndarray], pd.DataFrame]:
    rng = np.random.default_rng(seed)
    genome = {}
    for name, length in (("Chr1", 50_000), ("Chr2", 30_000)):
        seq = np.frombuffer(b"ACGT", np.uint8)[rng.integers(0, 4, length)].copy()
        seq[1_000:1_500] += 32
        seq[4_000:4_100] = ord("N")
        genome[name] = seq
    rows = []
    for chrom, seq in genome.items():
        for k, s in enumerate(rng.integers(5_000, seq.size - 300, 40)):
            rows.append((f"{chrom}_{k}", chrom, int(s), int(s) + 100, "+-"[k % 2], k % 2 == 0))
    features = pd.DataFrame(rows, columns=["id", "chrom", "start", "end", "strand", "regulatory"])
    return genome, features


def test_hand_made_blocks_written_as_expected(tmp_path: Path):
    genome_a = {"Chr1": u8("AAACCCGGGTTTACGT"), "Chr2": u8("GATTACA")}
    genome_b = {"chr01": u8("ACCTTGTTTA"), "chr02": u8("CCTGTAATC")}
    blocks = [
        # A[2:5]=ACC ~ B[0:3]; A[5:8]=CGG deleted; B[3:5]=TT inserted; A[8:12]=GTTT ~ B[5:9]
        AlignedBlock("Chr1", "chr01", "+", 10,
                     np.array([2, 8]), np.array([0, 5]), np.array([3, 4])),
        # reverse complement of chr02 is GATTACAGG: its first 7 bases align to all of Chr2
        AlignedBlock("Chr2", "chr02", "-", 9, np.array([0]), np.array([0]), np.array([7])),
    ]
    evolved = EvolvedSpecies(genome_b, {"Chr1": "chr01", "Chr2": "chr02"}, pd.DataFrame(), blocks)
    path = tmp_path / "hand.net.axt.gz"
    write_axtnet(path, evolved, genome_a)
    text = gzip.decompress(path.read_bytes()).decode()
    # score: 7 matches (700) - 2 gap openings (800) - 5 gap columns (150) = -250; 7 matches = 700
    assert text == (
        "0 Chr1 3 12 chr01 1 9 + -250\nACCCGG--GTTT\nACC---TTGTTT\n\n"
        "1 Chr2 1 7 chr02 1 7 - 700\nGATTACA\nGATTACA\n\n"
    )
    records = list(read_axt(path, {"chr01": 10, "chr02": 9}))
    assert (records[1].start_b, records[1].end_b) == (2, 9)  # CCTGTAATC[2:9] = TGTAATC
    pos_a, pos_b = aligned_pairs(records[0])
    assert pos_a.tolist() == [2, 3, 4, 8, 9, 10, 11]
    assert pos_b.tolist() == [0, 1, 2, 5, 6, 7, 8]


@pytest.fixture(scope="module")
def round_trip(tmp_path_factory: pytest.TempPathFactory):
    genome, features = make_case()
    evolved = evolve_species(genome, features, np.random.default_rng(5), CFG)
    path = tmp_path_factory.mktemp("axt") / "a.b.net.axt.gz"
    write_axtnet(path, evolved, genome, max_record_span=7_000)
    sizes = {c: s.size for c, s in evolved.genome.items()}
    return genome, features, evolved, path, list(read_axt(path, sizes))


def test_round_trip_bases_match_both_genomes(round_trip):
    genome, _, evolved, _, records = round_trip
    assert {r.strand for r in records} == {"+", "-"}
    assert any("-" in r.seq_a for r in records) and any("-" in r.seq_b for r in records)
    for r in records:
        a = np.frombuffer(r.seq_a.encode(), np.uint8)
        b = np.frombuffer(r.seq_b.encode(), np.uint8)
        both = (a != ord("-")) & (b != ord("-"))
        pos_a, pos_b = aligned_pairs(r)
        assert np.array_equal(genome[r.chrom_a][pos_a], a[both])
        bases_b = evolved.genome[r.chrom_b][pos_b]
        if r.strand == "-":
            bases_b = reverse_complement(bases_b)[::-1]  # complement in place
        assert np.array_equal(bases_b, b[both])
        # gap-free A and B spans cover exactly the header intervals
        assert np.array_equal(genome[r.chrom_a][r.start_a:r.end_a], a[a != ord("-")])


def test_round_trip_is_the_exact_base_map(round_trip):
    _, _, evolved, _, records = round_trip
    read_a = np.concatenate([aligned_pairs(r)[0] + (r.chrom_a == "Chr2") * 10**9 for r in records])
    assert np.unique(read_a).size == read_a.size  # each A base at most once (a net)
    from_blocks = []
    for blk in evolved.blocks:
        a = np.concatenate([np.arange(s, s + n)
                            for s, n in zip(blk.a_starts, blk.lengths, strict=True)])
        q = np.concatenate([np.arange(s, s + n)
                            for s, n in zip(blk.q_starts, blk.lengths, strict=True)])
        b = q if blk.strand == "+" else blk.b_size - 1 - q
        from_blocks.append(np.stack([a + (blk.chrom_a == "Chr2") * 10**9, b]))
    expected = np.concatenate(from_blocks, axis=1)
    got = np.concatenate([np.stack(aligned_pairs(r)) + [[(r.chrom_a == "Chr2") * 10**9], [0]]
                          for r in records], axis=1)
    assert np.array_equal(got[:, np.argsort(got[0])], expected[:, np.argsort(expected[0])])


def test_records_numbered_and_sorted(round_trip):
    _, _, _, _, records = round_trip
    assert [r.number for r in records] == list(range(len(records)))
    keys = [({"Chr1": 0, "Chr2": 1}[r.chrom_a], r.start_a) for r in records]
    assert keys == sorted(keys)
    assert all(r.end_a - r.start_a <= 2 * 7_000 for r in records)


def test_lifted_features_agree_with_alignment(round_trip):
    _, features, evolved, _, records = round_trip
    lifted = evolved.lifted.set_index("id")
    pairs = {}
    for r in records:
        pa, pb = aligned_pairs(r)
        pairs.setdefault(r.chrom_a, []).append((pa, pb, r.strand))
    checked = 0
    for f in features.itertuples():
        if f.id not in lifted.index:
            continue
        target = lifted.loc[f.id]
        for pa, pb, strand in pairs[f.chrom]:
            inside = (pa >= f.start) & (pa < f.end)
            if inside.any():
                assert ((pb[inside] >= target["start"]) & (pb[inside] < target["end"])).all()
                assert (target["strand"] != f.strand) == (strand == "-")
                checked += 1
    assert checked >= len(lifted)


def test_same_seed_same_bytes(tmp_path: Path):
    genome, features = make_case()
    paths = []
    for k in range(2):
        evolved = evolve_species(genome, features, np.random.default_rng(9), CFG)
        paths.append(tmp_path / f"{k}.axt.gz")
        write_axtnet(paths[-1], evolved, genome)
    data = paths[0].read_bytes()
    assert data == paths[1].read_bytes()
    assert data[4:8] == b"\0\0\0\0"  # gzip mtime
