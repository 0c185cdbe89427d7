"""Pair cleaning, the gene-disjoint split and unlabelled negatives."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from plantreg.coexpression.pairs import PairSettings, build_pairs, read_pairs
from plantreg.errors import InputError
from tests.coexpression.conftest import SPECIES, cli


def _genes(n: int) -> pd.DataFrame:
    return pd.DataFrame({"gene_id": [f"G{i:03d}" for i in range(n)],
                         "chrom": ["c1"] * (n // 2) + ["c2"] * (n - n // 2)})


def test_pairs_unordered_deduplicated_no_self(tmp_path):
    path = tmp_path / "p.tsv"
    path.write_text("gene_a\tgene_b\nG002\tG001\nG001\tG002\nG003\tG003\nG004\tG005\n")
    frame, report = read_pairs(path, _genes(10)["gene_id"])
    assert frame.values.tolist() == [["G001", "G002"], ["G004", "G005"]]
    assert sorted(report["reason"]) == ["duplicate", "self pair"]


def test_unknown_ids_dropped_and_reported_by_default(tmp_path):
    path = tmp_path / "p.tsv"
    path.write_text("G001\tG002\nG001\tNOPE\n")
    frame, report = read_pairs(path, _genes(5)["gene_id"])
    assert len(frame) == 1 and report["reason"].tolist() == ["gene without a promoter"]
    with pytest.raises(InputError, match="NOPE"):
        read_pairs(path, _genes(5)["gene_id"], unknown="error")


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


# A lncRNA gene: exons but no CDS, so `prep promoters` gives it no promoter (reported there).
LNC_GFF3 = (
    "Chr1\tsim\tgene\t30001\t31200\t.\t+\t.\tID=SA1LNC001\n"
    "Chr1\tsim\tlnc_RNA\t30001\t31200\t.\t+\t.\tID=SA1LNC001.1;Parent=SA1LNC001\n"
    "Chr1\tsim\texon\t30001\t31200\t.\t+\t.\tParent=SA1LNC001.1\n"
)


@pytest.fixture(scope="module")
def lnc_promoters(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("lnc")
    gff = out / "genes.gff3"
    gff.write_text((SPECIES / "genes.gff3").read_text().rstrip("\n") + "\n" + LNC_GFF3)
    assert cli("prep", "promoters", "--gff", gff, "--fasta", SPECIES / "genome.fa",
               "--out-prefix", out / "promoters") == 0
    assert "SA1LNC001" in (out / "promoters.report.tsv").read_text()
    assert "SA1LNC001" not in (out / "promoters.tsv").read_text()
    return out / "promoters.tsv"


def _run_pairs(path: Path, genes: Path, *extra: str) -> int:
    return cli("coexpression", "pairs", "--pairs", path, "--genes", genes, "--seed", "0",
               "--outdir", path.parent / "out", *extra)


def test_pairs_naming_a_gene_without_promoter_are_dropped_and_counted(
    tmp_path, caplog, lnc_promoters
):
    listed = (SPECIES / "coexpression" / "pairs.tsv").read_text().splitlines()
    n_listed = len(listed) - 1  # header
    path = tmp_path / "pairs.tsv"
    path.write_text("\n".join([*listed, "SA1LNC001\tSA1G00020", "SA1G00410\tSA1LNC001"]) + "\n")
    assert _run_pairs(path, lnc_promoters) == 0
    report = pd.read_csv(tmp_path / "out" / "pairs.report.tsv", sep="\t")
    unknown = report[report["reason"] == "gene without a promoter"]
    assert sorted(unknown["gene_a"]) == ["SA1G00410", "SA1LNC001"] and len(unknown) == 2
    summary = json.loads((tmp_path / "out" / "pairs.summary.json").read_text())
    assert summary["dropped"]["gene without a promoter"] == 2
    assert summary["listed_pairs_kept"] == n_listed  # every other listed pair is kept
    assert summary["settings"]["unknown_genes"] == "drop"
    assert "2 listed pair(s) dropped: gene without a promoter" in caplog.text


def test_unknown_genes_error_or_none_left_is_one_line(tmp_path, capsys, lnc_promoters):
    path = tmp_path / "pairs.tsv"
    path.write_text("gene_a\tgene_b\nSA1LNC001\tSA1G00020\nSA1G00410\tNOT_A_GENE\n")
    for extra, words in (((), "no pair left"), (("--unknown-genes", "error"), "SA1LNC001")):
        capsys.readouterr()
        assert _run_pairs(path, lnc_promoters, *extra) == 2
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1, err
        assert err.startswith("error: ") and str(path) in err and words in err
        assert not (tmp_path / "out" / "pairs.tsv").exists()
