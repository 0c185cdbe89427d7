"""Pair cleaning, the gene-disjoint split and unlabelled negatives."""

from __future__ import annotations

import numpy as np
import pandas as pd

from plantreg.coexpression.pairs import PairSettings, build_pairs, read_pairs


def _genes(n: int) -> pd.DataFrame:
    return pd.DataFrame({"gene_id": [f"G{i:03d}" for i in range(n)],
                         "chrom": ["c1"] * (n // 2) + ["c2"] * (n - n // 2)})


def test_pairs_unordered_deduplicated_no_self(tmp_path):
    path = tmp_path / "p.tsv"
    path.write_text("gene_a\tgene_b\nG002\tG001\nG001\tG002\nG003\tG003\nG004\tG005\n")
    frame, report = read_pairs(path, _genes(10)["gene_id"])
    assert frame.values.tolist() == [["G001", "G002"], ["G004", "G005"]]
    assert sorted(report["reason"]) == ["duplicate", "self pair"]


def test_unknown_ids_dropped_and_reported_when_allowed(tmp_path):
    path = tmp_path / "p.tsv"
    path.write_text("G001\tG002\nG001\tNOPE\n")
    frame, report = read_pairs(path, _genes(5)["gene_id"], allow_unknown=True)
    assert len(frame) == 1 and report["reason"].tolist() == ["unknown gene id"]


def test_split_is_gene_disjoint_and_negatives_unlisted(tmp_path):
    genes = _genes(120)
    rng = np.random.default_rng(1)
    ids = genes["gene_id"].to_numpy()
    pos = {tuple(sorted(rng.choice(ids, 2, replace=False))) for _ in range(300)}
    positives = pd.DataFrame(sorted(pos), columns=["gene_a", "gene_b"])
    settings = PairSettings(neg_ratio=3.0, degree_match=True, seed=3)
    pairs, split, crossing = build_pairs(genes, positives, settings, "x")
    sets = {k: set(v) for k, v in split.items()}
    assert not (sets["train"] & sets["valid"] or sets["train"] & sets["test"]
                or sets["valid"] & sets["test"])
    for name, part in pairs.groupby("split"):
        assert part["gene_a"].isin(sets[name]).all() and part["gene_b"].isin(sets[name]).all()
    neg = pairs[pairs["label"] == 0]
    assert not set(zip(neg["gene_a"], neg["gene_b"], strict=True)) & pos
    assert (neg["gene_a"] < neg["gene_b"]).all()
    assert not neg.duplicated(["gene_a", "gene_b"]).any()
    # every listed pair is either used in one split or reported as crossing splits
    assert (pairs["label"] == 1).sum() + len(crossing) == len(positives)
    n_pos = pairs[pairs["label"] == 1].groupby("split").size()
    n_neg = neg.groupby("split").size()
    assert ((n_neg - 3 * n_pos).abs() <= 1).all()
