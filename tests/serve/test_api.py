"""The JSON API against the bundled run: answers equal the library's, on the run's own models."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from plantreg.expression.dataset import load_dataset
from plantreg.expression.evaluate import predict_codes
from plantreg.expression.explain import ism_batched
from plantreg.expression.train import load_expression_model


@pytest.fixture(scope="module")
def dataset(bundled_run):
    return load_dataset(bundled_run / "train_expression" / "dataset")


def _gene(dataset, i: int = 0) -> tuple[str, str]:
    codes = dataset.codes[i]
    return str(dataset.gene_id[i]), "".join("ACGTN"[c] for c in codes)


def test_info_describes_both_models(client, dataset):
    info = client.get("/api/info").json()
    assert info["expression"]["length"] == dataset.codes.shape[1]
    assert info["expression"]["species"] == list(dataset.meta["species"])
    assert info["chromatin"]["length"] == 1024
    assert info["genomes"] >= 4  # reference, target and the two expression species


def test_predict_gene_equals_the_model(client, bundled_run, dataset):
    gene, seq = _gene(dataset, 3)
    by_gene = client.post("/api/predict", json={"gene": gene}).json()
    by_seq = client.post("/api/predict", json={"sequence": seq.lower()}).json()
    model, _ = load_expression_model(bundled_run / "train_expression" / "model" / "model.pt")
    z, prob = predict_codes(model, dataset.codes[3:4])
    assert by_gene["z"] == pytest.approx(z[0].tolist(), abs=1e-5)
    assert by_seq["z"] == pytest.approx(by_gene["z"], abs=1e-6)
    probs = list(by_gene["species_probabilities"].values())
    assert probs == pytest.approx(prob[0].tolist(), abs=1e-5)
    assert sum(probs) == pytest.approx(1.0, abs=1e-5)
    assert all(t >= 0 for t in by_gene["tpm"])


def test_chromatin_predict_per_mark(client, bundled_run):
    marks = (bundled_run / "prepare_data" / "dataset" / "tags.txt").read_text().split()
    rng = np.random.default_rng(0)
    seq = "".join(rng.choice(list("ACGT"), 1024))
    result = client.post("/api/predict", json={"sequence": seq, "model": "chromatin"}).json()
    assert list(result["marks"]) == marks
    assert all(0.0 <= p <= 1.0 for p in result["marks"].values())


def test_explain_ism_equals_the_library(client, bundled_run, dataset):
    gene, _ = _gene(dataset, 5)
    result = client.post("/api/explain/ism", json={"gene": gene}).json()
    model, _ = load_expression_model(bundled_run / "train_expression" / "model" / "model.pt")
    _, expected = ism_batched(model.expression_one_hot, dataset.codes[5], 64)
    assert len(result["scores"]) == dataset.codes.shape[1]
    assert np.allclose(result["scores"], expected, atol=1e-5)
    for cre in result["cres"]:
        assert 0 <= cre["start"] < cre["end"] <= result["length"]
        assert cre["sign"] in "+-"


@pytest.mark.parametrize("method", ["occlusion", "gxi"])
def test_other_explanations_give_a_track(client, dataset, method):
    gene, _ = _gene(dataset, 1)
    result = client.post(f"/api/explain/{method}", json={"gene": gene}).json()
    scores = np.asarray(result["scores"])
    assert scores.shape == (dataset.codes.shape[1],)
    assert np.abs(scores).max() > 0


def test_cre_quantile_controls_the_calls(client, dataset):
    gene, _ = _gene(dataset, 2)
    loose = client.post("/api/cre", json={"gene": gene, "quantile": 0.8, "min_length": 1}).json()
    strict = client.post("/api/cre", json={"gene": gene, "quantile": 0.99,
                                           "min_length": 1}).json()
    covered = [sum(c["end"] - c["start"] for c in r["cres"]) for r in (loose, strict)]
    assert covered[0] > covered[1] > 0


def test_padding_places_a_short_sequence(client, dataset):
    _, seq = _gene(dataset, 0)
    short = seq[-200:]
    refused = client.post("/api/predict", json={"sequence": short})
    assert refused.status_code == 422
    assert "pad" in refused.json()["detail"]
    padded = client.post("/api/predict", json={"sequence": short, "pad": "5p"}).json()
    explicit = client.post("/api/predict",
                           json={"sequence": "N" * (len(seq) - 200) + short}).json()
    assert padded["z"] == pytest.approx(explicit["z"], abs=1e-6)


def test_tracks_list_every_genome_and_serve_them(client):
    genomes = client.get("/api/tracks").json()
    names = {g["name"] for g in genomes}
    assert {"reference", "target", "speciesA", "speciesB"} <= names
    ref = next(g for g in genomes if g["name"] == "reference")
    kinds = {t["name"] for t in ref["tracks"]}
    assert "genes" in kinds and "conservation" in kinds
    for genome in genomes:
        assert client.get(genome["index_url"]).status_code == 200
        for track in genome["tracks"]:
            assert client.get(track["url"]).status_code == 200, track


def test_bigwig_answers_range_requests(client, bundled_run):
    genomes = client.get("/api/tracks").json()
    url = next(t["url"] for g in genomes for t in g["tracks"] if t["name"] == "conservation")
    whole = (bundled_run / "train_conservation" / "track" / "conservation.bw").read_bytes()
    part = client.get(url, headers={"Range": "bytes=100-199"})
    assert part.status_code == 206
    assert part.content == whole[100:200]


def test_cre_bed_per_species(client, bundled_run):
    merged = pd.read_csv(bundled_run / "explain" / "merged" / "cre.bed", sep="\t", header=None)
    for species in ("speciesA", "speciesB"):
        text = client.get(f"/api/cre-bed/{species}").text
        rows = [line.split("\t") for line in text.splitlines()]
        assert len(rows) == int((merged[6] == species).sum())
    assert client.get("/api/cre-bed/nosuch").status_code == 404


def test_motifs_with_logos_and_matches(client, bundled_run):
    motifs = client.get("/api/motifs").json()
    summaries = list((bundled_run / "train_tfbs" / "motifs").glob("*/summary.json"))
    assert len(motifs) == len(summaries) > 0
    for motif in motifs:
        assert motif["matches"] and motif["matches"][0]["q_value"] >= 0
        logo = client.get(motif["logo"])
        assert logo.status_code == 200 and logo.content[:4] == b"\x89PNG"


def test_network_neighbours(client, bundled_run):
    edges = pd.read_csv(bundled_run / "train_coexpression" / "network" / "network.tsv", sep="\t")
    top = edges.sort_values("rank").iloc[0]
    result = client.get(f"/api/network/{top['gene_a']}").json()
    assert result["neighbours"][0]["gene"] == top["gene_b"]
    assert result["neighbours"][0]["rank"] == 1


def test_gene_search(client, dataset):
    prefix = str(dataset.gene_id[0])[:-1]
    found = client.get(f"/api/genes?prefix={prefix}").json()
    assert found and all(g.startswith(prefix) for g in found)


def test_page_and_openapi(client):
    page = client.get("/")
    assert page.status_code == 200 and "igv" in page.text
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/api/predict", "/api/explain/{method}", "/api/cre", "/api/tracks"):
        assert path in paths


def test_api_docs_need_no_cdn(client):
    """Swagger UI and ReDoc load their scripts from the server itself, never from a CDN."""
    for url in ("/docs", "/redoc"):
        html = client.get(url).text
        assert "cdn." not in html and "/static-offline-docs/" in html
    script = client.get("/static-offline-docs/swagger-ui-bundle.js")
    assert script.status_code == 200 and len(script.content) > 100_000


def test_live_cres_use_the_runs_threshold(client, bundled_run, dataset):
    """For a gene EXPLAIN explained, the page's ISM CREs are the run's: same model and scores,
    and the run's one threshold (threshold.json), not a quantile of this one sequence."""
    run = pd.read_csv(bundled_run / "explain" / "cre" / "0" / "cre.bed", sep="\t", header=None,
                      names=["gene", "start", "end", "name", "score", "sign"], dtype={"gene": str})
    gene = run["gene"].iloc[0]
    result = client.post("/api/explain/ism", json={"gene": gene}).json()
    threshold = json.loads((bundled_run / "explain" / "cre" / "threshold.json").read_text())
    assert result["threshold_from"] == "run"
    assert result["threshold"] == pytest.approx(threshold["threshold"])
    mine = run[run["gene"] == gene]
    assert [(c["start"], c["end"], c["sign"]) for c in result["cres"]] == list(
        zip(mine["start"], mine["end"], mine["sign"], strict=True))
    occlusion = client.post("/api/explain/occlusion", json={"gene": gene}).json()
    assert occlusion["threshold_from"] == "sequence"  # the run's threshold is for ISM scores
