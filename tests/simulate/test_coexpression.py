"""Modules, expression and the knowingly incomplete co-expression pair list."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from tests.simulate.conftest import read_tsv


def _pairs(df) -> set[tuple[str, str]]:
    return set(zip(df["gene_a"], df["gene_b"], strict=True))


def test_pairs_file_is_incomplete_as_stated(sim: Path) -> None:
    cfg = json.loads((sim / "truth" / "config.json").read_text())["config"]
    reported_df = read_tsv(sim / "speciesA" / "coexpression" / "pairs.tsv")
    assert list(reported_df.columns) == ["gene_a", "gene_b"]
    reported = _pairs(reported_df)
    true = _pairs(read_tsv(sim / "truth" / "pairs_true.tsv"))
    withheld = _pairs(read_tsv(sim / "truth" / "pairs_withheld.tsv"))
    false = _pairs(read_tsv(sim / "truth" / "pairs_false.tsv"))
    assert withheld <= true and not (withheld & reported) and not (false & true)
    assert reported == (true - withheld) | false
    frac = len(withheld) / len(true)
    assert abs(frac - cfg["withheld_pair_fraction"]) < 0.07
    assert 0 < len(false) <= 2 * cfg["false_pair_fraction"] * len(reported)


def test_modules_share_promoter_motifs_and_expression(sim: Path) -> None:
    genes = read_tsv(sim / "truth" / "genes.tsv")
    modules = read_tsv(sim / "truth" / "modules.tsv")
    el = read_tsv(sim / "truth" / "elements.tsv").set_index("id")
    sites = read_tsv(sim / "truth" / "sites.tsv")
    tpm = read_tsv(sim / "speciesA" / "expression" / "tpm.tsv").set_index("gene_id")
    assert set(tpm.index) == set(genes["gene_id"])
    log = np.log2(tpm + 1)
    for m in modules.itertuples():
        members = genes[genes["module"] == m.module]
        assert len(members) == m.n_genes
        for pe in members["promoter_element"]:
            own = sites[sites["element_id"] == pe]
            assert sorted(own["tf"]) == sorted(m.tfs.split(","))
            assert own["end"].max() - own["start"].min() <= 50
            assert el.loc[pe, "kind"] == "promoter"
    mod = genes[genes["module"] >= 0].set_index("gene_id")["module"]
    corr = np.corrcoef(log.loc[mod.index].to_numpy())
    same = mod.to_numpy()[:, None] == mod.to_numpy()[None, :]
    off = ~np.eye(len(mod), dtype=bool)
    assert corr[same & off].mean() > corr[~same].mean() + 0.3
