"""Evolving species B: exact base map, kept vs lost elements, rearrangements, determinism."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from plantreg.errors import InputError
from plantreg.simulate.evolve import (
    EvolveConfig,
    b_chromosome_names,
    evolve_species,
    reverse_complement,
)

SMALL = EvolveConfig(rearrangement_min_length=2_000, rearrangement_max_length=8_000)


def make_genome(seed: int = 0) -> dict[str, np.ndarray]:
    """Random chromosomes with a soft-masked stretch and an N run on each."""
    rng = np.random.default_rng(seed)
    genome = {}
    for name, length in (("Chr1", 60_000), ("Chr2", 40_000), ("Chr3", 12_000)):
        seq = np.frombuffer(b"ACGT", np.uint8)[rng.integers(0, 4, length)].copy()
        seq[2_000:3_000] += 32  # soft-masked
        seq[5_000:5_200] = ord("N")
        genome[name] = seq
    return genome


def make_features(genome: dict[str, np.ndarray], seed: int = 1, n: int = 60) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for chrom, seq in genome.items():
        starts = rng.integers(6_000, seq.size - 400, n)
        for k, s in enumerate(starts):
            rows.append((f"{chrom}_f{k}", chrom, int(s), int(s) + int(rng.integers(20, 300)),
                         "+-."[k % 3], bool(k % 2 == 0)))
    return pd.DataFrame(rows, columns=["id", "chrom", "start", "end", "strand", "regulatory"])


def block_pairs(block) -> tuple[np.ndarray, np.ndarray]:
    """(posA, posB forward) of every aligned base of a block."""
    a = expand(block.a_starts, block.lengths)
    q = expand(block.q_starts, block.lengths)
    return a, (q if block.strand == "+" else block.b_size - 1 - q)


def expand(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    return np.concatenate([np.arange(s, s + n) for s, n in zip(starts, lengths, strict=True)])


def b_bases(evolved, block, pos_b: np.ndarray) -> np.ndarray:
    """B bases at forward positions, complemented for '-' blocks (so they should equal A's)."""
    bases = evolved.genome[block.chrom_b][pos_b]
    return reverse_complement(bases)[::-1] if block.strand == "-" else bases


def identity(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.mean((a | 32) == (b | 32)))


@pytest.fixture(scope="module")
def evolved_case():
    genome = make_genome()
    features = make_features(genome)
    return genome, features, evolve_species(genome, features, np.random.default_rng(7), SMALL)


def test_b_chromosome_names():
    assert b_chromosome_names(["Chr1", "Chr12", "ChrC", "scaffold_3"]) == {
        "Chr1": "chr01", "Chr12": "chr12", "ChrC": "chrc", "scaffold_3": "scaffold_03"}
    renamed = b_chromosome_names(["Chr1", "chr01"])
    assert len(set(renamed.values())) == 2


def test_no_change_config_copies_a_exactly():
    genome = make_genome()
    cfg = EvolveConfig(substitution_rate=0, element_substitution_rate=0, loss_substitution_rate=0,
                       indel_rate=0, n_inversions_per_chrom=0, n_moves_per_chrom=0)
    ev = evolve_species(genome, make_features(genome), np.random.default_rng(0), cfg)
    for name_a, seq in genome.items():
        assert np.array_equal(ev.genome[ev.name_map[name_a]], seq)
    # one gap-free block either side of each chromosome's N run, which is left unaligned
    assert len(ev.blocks) == 2 * len(genome)
    assert all(b.strand == "+" and b.lengths.size == 1 for b in ev.blocks)
    assert [(b.a_start, b.a_end) for b in ev.blocks if b.chrom_a == "Chr2"] == [
        (0, 5_000), (5_200, 40_000)]


def test_base_map_is_exact_and_one_to_one(evolved_case):
    genome, features, ev = evolved_case
    for name_a, seq_a in genome.items():
        blocks = [b for b in ev.blocks if b.chrom_a == name_a]
        pos_a = np.concatenate([block_pairs(b)[0] for b in blocks])
        pos_b = np.concatenate([block_pairs(b)[1] for b in blocks])
        assert np.unique(pos_a).size == pos_a.size  # each A base aligned at most once
        assert np.unique(pos_b).size == pos_b.size
        assert pos_b.max() < ev.genome[ev.name_map[name_a]].size
        same = np.concatenate([
            (b_bases(ev, b, block_pairs(b)[1]) | 32) == (seq_a[block_pairs(b)[0]] | 32)
            for b in blocks])
        # outside regulatory elements and N runs, substitutions happen at the background 5 %
        reg = features[(features["chrom"] == name_a) & features["regulatory"]]
        background = np.ones(seq_a.size, dtype=bool)
        for s, e in zip(reg["start"], reg["end"], strict=True):
            background[s:e] = False
        background &= seq_a != ord("N")
        assert 0.93 < same[background[pos_a]].mean() < 0.97
        # indels happened: not every A base is aligned and B's length differs
        assert pos_a.size < seq_a.size


def test_soft_masking_and_n_runs_carried_over():
    genome = make_genome()
    # features exactly on the N runs and the soft-masked stretches (rows 0-2 and 3-5)
    runs = [(5_000, 5_200), (2_000, 3_000)]
    features = pd.DataFrame(
        [(f"{c}_{s}", c, s, e, "+", False) for s, e in runs for c in genome],
        columns=["id", "chrom", "start", "end", "strand", "regulatory"])
    ev = evolve_species(genome, features, np.random.default_rng(2), SMALL)
    lifted = ev.lifted.set_index("id")
    assert len(lifted) == len(features)
    for f in features.itertuples():
        t = lifted.loc[f.id]
        b = ev.genome[t["chrom"]][t["start"]:t["end"]]
        if f.start == 5_000:  # N runs are never mutated nor cut by indels
            assert b.size == 200 and (b == ord("N")).all()
        else:  # soft-masked stretch: lower case in B, except for its bases deleted in B
            assert 900 < b.size < 1_100 and (b >= ord("a")).all()
    for block in ev.blocks:
        pos_a, pos_b = block_pairs(block)
        a, b = genome[block.chrom_a][pos_a], b_bases(ev, block, pos_b)
        assert np.array_equal(a >= ord("a"), b >= ord("a"))
        assert not (a == ord("N")).any()  # N runs stay out of the alignment
    n_chr1 = np.flatnonzero(genome["Chr1"] == ord("N"))
    assert any(b.a_end <= n_chr1[0] for b in ev.blocks if b.chrom_a == "Chr1")


def test_rearrangements_planted_and_split_blocks(evolved_case):
    genome, _, ev = evolved_case
    kinds = set(ev.rearrangements["kind"])
    assert "inversion" in kinds and kinds & {"move", "move_inverted"}
    assert any(b.strand == "-" for b in ev.blocks)
    for name_a in genome:  # blocks of one chromosome tile A in order without overlap
        blocks = [b for b in ev.blocks if b.chrom_a == name_a]
        assert all(x.a_end <= y.a_start for x, y in zip(blocks[:-1], blocks[1:], strict=True))
        assert len(blocks) >= 3


def test_lifted_elements_kept_conserved_lost_scrambled(evolved_case):
    genome, features, ev = evolved_case
    reg = features[features["regulatory"]].set_index("id")
    lifted = ev.lifted.set_index("id")
    assert len(lifted) + len(ev.unlifted) == len(features)
    reg_lifted = lifted.loc[lifted.index.intersection(reg.index)]
    # the stated fraction of regulatory elements is lost (rounded), among those that lift
    n_lost_total = int(round(SMALL.element_loss_fraction * len(reg)))
    assert reg_lifted["lost"].sum() <= n_lost_total
    assert reg_lifted["lost"].sum() >= n_lost_total - len(ev.unlifted)
    assert not lifted.loc[lifted.index.difference(reg.index), "lost"].any()
    lost_feats = reg.loc[reg_lifted.index[reg_lifted["lost"]]]
    kept_id, lost_id = [], []
    for fid, row in reg_lifted.iterrows():
        f = reg.loc[fid]
        overlaps_lost = ((lost_feats["chrom"] == f["chrom"]) & (lost_feats["start"] < f["end"])
                         & (f["start"] < lost_feats["end"])).any()
        if not row["lost"] and overlaps_lost:
            continue  # bases shared with a lost element are scrambled too
        a = genome[reg.at[fid, "chrom"]][reg.at[fid, "start"]:reg.at[fid, "end"]]
        b = ev.genome[row["chrom"]][row["start"]:row["end"]]
        assert b.size == a.size  # no indels inside regulatory elements
        if row["strand"] != reg.at[fid, "strand"] or (
                row["strand"] == "." and identity(a, b) < identity(a, reverse_complement(b))):
            b = reverse_complement(b)
        (lost_id if row["lost"] else kept_id).append(identity(a, b))
    assert np.mean(kept_id) > 0.97 and min(kept_id) > 0.85
    assert np.mean(lost_id) < 0.4


def test_strand_flips_inside_inversions(evolved_case):
    _, features, ev = evolved_case
    feats = features.set_index("id")
    lifted = ev.lifted.set_index("id")
    inverted = ev.rearrangements[ev.rearrangements["kind"].isin(["inversion", "move_inverted"])]
    n_flipped_checked = 0
    for fid, row in lifted.iterrows():
        f = feats.loc[fid]
        inside = ((inverted["chrom"] == f["chrom"]) & (inverted["start"] <= f["start"])
                  & (f["end"] <= inverted["end"])).any()
        expect = {"+": "-", "-": "+", ".": "."}[f["strand"]] if inside else f["strand"]
        assert row["strand"] == expect, fid
        n_flipped_checked += inside and f["strand"] != "."
    assert n_flipped_checked > 0


def test_breakpoint_features_not_lifted():
    genome = make_genome()
    # overlapping features cover every boundary, so every breakpoint falls inside one
    rows = [(f"{c}_{k}", c, k * 3_000, min(k * 3_000 + 4_000, s.size), "+", False)
            for c, s in genome.items() for k in range(s.size // 3_000)]
    features = pd.DataFrame(rows, columns=["id", "chrom", "start", "end", "strand", "regulatory"])
    ev = evolve_species(genome, features, np.random.default_rng(3), SMALL)
    events = ev.rearrangements
    cuts = {c: set(events.loc[events["chrom"] == c, ["start", "end"]].to_numpy().ravel())
            | set(events.loc[(events["chrom"] == c) & (events["dest"] >= 0), "dest"])
            for c in genome}
    straddles = features.apply(
        lambda f: any(f["start"] < x < f["end"] for x in cuts[f["chrom"]]), axis=1)
    not_lifted = set(ev.unlifted.loc[ev.unlifted["reason"] == "breakpoint", "id"])
    assert not_lifted == set(features.loc[straddles, "id"])
    assert len(not_lifted) >= len(events)
    assert set(ev.lifted["id"]).isdisjoint(not_lifted)


def test_deterministic_for_a_seed():
    genome = make_genome()
    features = make_features(genome)
    one = evolve_species(genome, features, np.random.default_rng(11), SMALL)
    two = evolve_species(genome, features, np.random.default_rng(11), SMALL)
    other = evolve_species(genome, features, np.random.default_rng(12), SMALL)
    assert all(np.array_equal(one.genome[c], two.genome[c]) for c in one.genome)
    pd.testing.assert_frame_equal(one.lifted, two.lifted)
    assert any(not np.array_equal(one.genome[c], other.genome[c]) for c in one.genome)


def test_unknown_feature_chromosome_is_input_error():
    genome = make_genome()
    features = make_features(genome).assign(chrom="Chr9")
    with pytest.raises(InputError, match="Chr9"):
        evolve_species(genome, features, np.random.default_rng(0))
