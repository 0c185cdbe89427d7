"""The trained model against both baselines on the bundled synthetic data, and its outputs."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from itertools import combinations

import numpy as np
import pandas as pd
import torch

from plantreg.coexpression.model import ModelConfig, SiameseTransformer
from plantreg.coexpression.steps_model import load_model
from plantreg.training.checkpoint import load_model_checkpoint
from tests.coexpression.conftest import TFS
from tests.conftest import REPO

MODULES = REPO / "assets" / "test_data" / "truth" / "modules.tsv"
PNG = b"\x89PNG\r\n\x1a\n"


def _auprc(metrics: dict, subset: str) -> dict[str, float]:
    return {s: v["auprc"] for s, v in metrics["sets"][subset].items()}


def test_model_beats_both_baselines_on_test_pairs(pipeline):
    metrics = json.loads((pipeline / "eval" / "metrics.json").read_text())
    auprc = _auprc(metrics, "test")
    assert metrics["sets"]["test"]["model"]["n_listed"] >= 15
    assert auprc["model"] > auprc["cosine"], auprc
    assert auprc["model"] > auprc["logistic"], auprc


def test_model_recovers_withheld_pairs_better_than_baselines(pipeline):
    metrics = json.loads((pipeline / "eval" / "metrics.json").read_text())
    auprc = _auprc(metrics, "recovery")
    assert metrics["sets"]["recovery"]["model"]["n_listed"] > 100  # the withheld true pairs
    assert auprc["model"] > auprc["cosine"], auprc
    assert auprc["model"] > auprc["logistic"], auprc


def test_reports_say_negatives_are_unlabelled(pipeline):
    for path in ("eval/metrics.json", "pairs/pairs.summary.json", "net/network.json",
                 "model/training.json"):
        assert "not known negatives" in json.loads((pipeline / path).read_text())["note"]
    table = pd.read_csv(pipeline / "eval" / "metrics.tsv", sep="\t")
    assert set(table["negatives"]) == {"unlabelled"}
    assert {"auprc", "auroc", "f1", "precision_at_k"} <= set(table.columns)
    assert "not known negatives" in (pipeline / "net" / "network.graphml").read_text()


def test_vocabulary_files(pipeline):
    vocab = pipeline / "vocab"
    meta = json.loads((vocab / "vocabulary.json").read_text())
    tfs = (vocab / "tfs.txt").read_text().split()
    assert tfs == [p.name.split(".")[0] for p in TFS] == meta["tfs"]
    centroids = np.load(vocab / "centroids.npy")
    assert centroids.shape == (meta["k"], len(tfs)) == (32, 12)
    tokens = np.load(vocab / "tokens.npy")
    assert tokens.min() >= 0 and tokens.max() <= meta["pad_token"]
    report = pd.read_csv(vocab / "tokens.report.tsv", sep="\t")
    assert len(report) == 32 and report["count"].sum() == (tokens < meta["pad_token"]).sum()
    # module TF pairs planted in one 50 bp window become tokens defined by both TFs
    combos = {frozenset(t.split(",")) for t in report["defining_tfs"] if "," in t}
    planted = {frozenset(p) for tfs in pd.read_csv(MODULES, sep="\t")["tfs"]
               for p in combinations(tfs.split(","), 2)}
    assert any(p <= c for p in planted for c in combos), (planted, combos)
    assert (vocab / "vocabulary.png").read_bytes()[:8] == PNG


def test_checkpoint_holds_tf_order_normalisation_and_versions(pipeline):
    ckpt = load_model_checkpoint(pipeline / "model" / "model.pt")
    assert ckpt.tags == [p.name.split(".")[0] for p in TFS]
    assert ckpt.kind == "coexpression.siamese"
    signal = ckpt.normalisation["signal"]
    assert len(signal["zscore_mean"]) == len(signal["depth_factors"]) == 12
    assert np.array(ckpt.normalisation["vocabulary_centroids"]).shape == (32, 12)
    assert ckpt.plantreg_version and ckpt.torch_version
    assert set(ckpt.split["train"]).isdisjoint(ckpt.split["test"])


def test_model_is_symmetric_and_fast_scoring_matches(pipeline):
    model, genes, inputs, _ = load_model(pipeline / "model" / "model.pt", pipeline / "vocab")
    xa, xb = inputs[:20], inputs[20:40]
    with torch.no_grad():
        ab, ba = model.pair_logits(xa, xb), model.pair_logits(xb, xa)
        emb = model.encode(inputs[:40])
        fast = model.score_pairs(emb, torch.arange(20), torch.arange(20, 40))
    torch.testing.assert_close(ab, ba)
    torch.testing.assert_close(ab, fast, rtol=1e-4, atol=1e-5)


def test_untrained_vector_model_symmetry():
    torch.manual_seed(0)
    model = SiameseTransformer(ModelConfig(input_mode="vectors", n_tfs=5, n_windows=7)).eval()
    xa, xb = torch.randn(4, 7, 5), torch.randn(4, 7, 5)
    xa[0, :2] = float("nan")  # clipped windows are masked, not propagated
    with torch.no_grad():
        out = model.pair_logits(xa, xb)
        torch.testing.assert_close(out, model.pair_logits(xb, xa))
    assert torch.isfinite(out).all()


def test_network_outputs(pipeline):
    edges = pd.read_csv(pipeline / "net" / "network.tsv", sep="\t")
    stats = json.loads((pipeline / "net" / "network.json").read_text())
    n = stats["genes"]
    assert stats["pairs_scored"] == n * (n - 1) // 2
    assert len(edges) == 300 and (edges["gene_a"] != edges["gene_b"]).all()
    assert edges["score"].is_monotonic_decreasing
    assert not edges[["gene_a", "gene_b"]].apply(frozenset, axis=1).duplicated().any()
    root = ET.parse(pipeline / "net" / "network.graphml").getroot()
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    assert len(root.findall(".//g:edge", ns)) == 300
    # the top edge really is the best pair: recompute one full score for it
    model, genes, inputs, _ = load_model(pipeline / "model" / "model.pt", pipeline / "vocab")
    a, b = genes.index(edges["gene_a"][0]), genes.index(edges["gene_b"][0])
    with torch.no_grad():
        score = torch.sigmoid(model.pair_logits(inputs[[a]], inputs[[b]])).item()
    assert abs(score - edges["score"][0]) < 1e-4


def test_attention_outputs(pipeline):
    table = pd.read_csv(pipeline / "attn" / "attention.tsv", sep="\t")
    assert table["gene_id"].nunique() == 2
    sums = table.groupby("gene_id")["attention"].sum()
    np.testing.assert_allclose(sums, 1.0, atol=1e-4)
    assert table["start_rel_atg"].min() == -2000
    assert (pipeline / "attn" / "attention.png").read_bytes()[:8] == PNG
    drivers = pd.read_csv(pipeline / "attn" / "token_drivers.tsv", sep="\t")
    assert drivers["mean_logit_drop"].is_monotonic_decreasing
    assert drivers["mean_logit_drop"].iloc[0] > 0
