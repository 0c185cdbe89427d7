"""Issue 12's test: on the `grammar` simulation, where each element mark is set by two motifs at a
fixed spacing, order and strand (and decoys hold the same motifs alone or misplaced), the `small`
model beats the k-mer baseline on every such mark, on the held-out chromosome of species A and on
species B genome-wide, as `plantreg run assets/grammar_params.yaml` trains it.

H3K36ME3 is not set by a pair: it covers the bodies of expressed genes, whose cause (the promoter's
H3K4ME3 pair) mostly lies outside a window that sees the body, and whose base composition a k-mer
count reads about as well as the network (AUROC 0.73 against 0.74 on species B at seed 7). It is
asserted to be learned (AUPRC twice chance, AUROC at least 0.65) but not held to the baseline.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import yaml

from tests.conftest import REPO, plantreg

PARAMS = REPO / "assets" / "grammar_params.yaml"
MARGIN = 0.05  # AUPRC; the baseline's per-mark AUPRC here is 0.12-0.27


@pytest.fixture(scope="module")
def grammar_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("grammar")
    data = root / "data"
    made = plantreg("simulate", "--preset", "grammar", "--seed", "7", "--outdir", str(data))
    assert made.returncode == 0, made.stderr[-2000:]
    text = PARAMS.read_text().replace("data/grammar/", f"{data}/")
    params = yaml.safe_load(text) | {"outdir": str(root / "results")}
    (root / "params.yaml").write_text(yaml.safe_dump(params))
    run = plantreg("run", str(root / "params.yaml"), "--work-dir", str(root / "work"),
                   "--stage", "prepare_data", "--stage", "train_chromatin",
                   "--stage", "cross_species_inference")
    assert run.returncode == 0, run.stderr[-3000:]
    results = root / "results"
    return {"data": data, "model": results / "train_chromatin" / "model",
            "A": results / "train_chromatin" / "evaluate" / "evaluation.json",
            "B": results / "cross_species_inference" / "score" / "evaluation.json"}


def _pair_marks(data: Path) -> list[str]:
    return pd.read_csv(data / "truth" / "motif_pairs.tsv", sep="\t")["mark"].tolist()


@pytest.mark.parametrize("species", ["A", "B"])
def test_small_model_beats_kmers_on_every_pair_mark(grammar_run, species):
    evaluation = json.loads(grammar_run[species].read_text())
    marks = {m["mark"]: m for m in evaluation["marks"]}
    print(species, {k: (round(m["auprc"], 3), round(m["baseline_auprc"], 3))
                    for k, m in marks.items()})
    pairs = _pair_marks(grammar_run["data"])
    assert len(pairs) == 5 and set(pairs) < set(marks)
    for mark in pairs:
        m = marks[mark]
        assert m["auprc"] >= m["baseline_auprc"] + MARGIN, mark
        assert m["auroc"] > m["baseline_auroc"], mark
    s = evaluation["summary"]
    assert s["mean_auprc"] >= s["mean_baseline_auprc"] + MARGIN
    body = marks["H3K36ME3"]
    assert body["auprc"] > 2 * body["chance_auprc"] and body["auroc"] >= 0.65


def _reverse_complement(word: str) -> str:
    return word[::-1].translate(str.maketrans("ACGT", "TGCA"))


def test_training_sampled_epochs_seeded_the_scanner_and_drew_the_curve(grammar_run):
    from plantreg.chromatin.load import load_chromatin_model

    model_dir = grammar_run["model"]
    assert (model_dir / "learning_curve.png").read_bytes()[:4] == b"\x89PNG"
    history = pd.read_csv(model_dir / "metrics.tsv", sep="\t")
    assert history["mean_auprc"].max() > history["mean_auprc"].iloc[0] + 0.1
    _, checkpoint = load_chromatin_model(model_dir / "model.pt")
    training = checkpoint.split["training"]
    # an epoch is a sample of the overlapping grid (stride 64: ~1/16 of it), not all of it
    assert training["epoch_windows"] < training["n_train"] / 4
    # each pair mark's seeds hold a piece of one of its two planted motifs
    rules = pd.read_csv(grammar_run["data"] / "truth" / "motif_pairs.tsv", sep="\t")
    seeds = [s.split(":") for s in training["motif_seeds"]]
    for rule in rules.itertuples():
        motifs = (rule.first_consensus, rule.second_consensus)
        words = [w for mark, w in seeds if mark == rule.mark]
        assert any(w in m or _reverse_complement(w) in m for w in words for m in motifs), rule.mark
