"""TRAIN_EXPRESSION and EXPLAIN on the bundled expression set, as CI runs them (the session's
`plantreg run` of assets/test_params.yaml): the model beats the k-mer ridge baseline on the held-out
chromosomes of both species, tells the species apart, and its in-silico mutagenesis calls CREs on
the planted activator and repressor sites, with their signs."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyBigWig
import pytest

from tests.conftest import REPO

TRUTH = REPO / "assets" / "test_data" / "expression" / "truth" / "sites.tsv"
BED = ["chrom", "start", "end", "name", "score", "strand", "species", "gene_id"]
# 150 held-out genes per species: the standard error of a Spearman correlation near 0.5 is about
# 0.06 per species and 0.045 for the mean of two; the model must lead the baseline by more than
# two of those on the macro mean, and lead it on each species.
MACRO_MARGIN = 0.1
SPECIES_MARGIN = 0.05


@pytest.fixture(scope="module")
def means(bundled_run: Path) -> dict:
    return json.loads((bundled_run / "train_expression" / "evaluate" /
                       "expression_means.json").read_text())


def test_model_beats_kmer_ridge_on_every_species(means: dict) -> None:
    assert means["macro_spearman_model"] > means["macro_spearman_baseline"] + MACRO_MARGIN, means
    rho = means["spearman"]
    for species in ("speciesA", "speciesB"):
        baseline = next(v for k, v in rho.items() if k.startswith(f"{species}/kmer"))
        assert rho[f"{species}/model"] > baseline + SPECIES_MARGIN, rho


def test_species_are_told_apart_well_above_chance(means: dict) -> None:
    # two species of equal size: chance is 0.5; species B is GC-richer, as real species differ
    assert means["species_chance"] == 0.5
    assert means["species_accuracy"] > 0.8


@pytest.fixture(scope="module")
def found(bundled_run: Path) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    merged = bundled_run / "explain" / "merged"
    cres = pd.read_csv(merged / "cre.bed", sep="\t", names=BED, dtype={"chrom": str})
    truth = pd.read_csv(TRUTH, sep="\t", dtype={"chrom": str})
    evaluation = pd.read_csv(merged / "cre_evaluation.tsv", sep="\t").set_index("species")
    return cres, truth[truth["gene_id"].isin(set(cres["gene_id"]))], evaluation


def _chance_precision(cres: pd.DataFrame, truth: pd.DataFrame, window: int) -> float:
    """Precision of the same CREs put at random places of their genes' windows: for each, the
    chance that it overlaps one of its gene's sites."""
    site_bp = (truth["end"] - truth["start"]).groupby(truth["gene_id"]).agg(["sum", "count"])
    length = (cres["end"] - cres["start"]).to_numpy()
    per = site_bp.reindex(cres["gene_id"]).fillna(0).to_numpy()
    reach = per[:, 0] + per[:, 1] * (length - 1)
    return float(np.mean(np.minimum(1.0, reach / (window - length + 1))))


def test_cres_fall_on_planted_sites_with_their_sign(found, bundled_run: Path) -> None:
    cres, truth, evaluation = found
    meta = json.loads((bundled_run / "train_expression" / "dataset" / "meta.json").read_text())
    chance = _chance_precision(cres, truth, meta["length"])
    overall = evaluation.loc["all"]
    assert overall["cres"] >= 10
    # the CREs lie on planted sites far more often than CREs placed at random would
    assert overall["precision"] > 3 * chance, (overall.to_dict(), chance)
    # the top 2 % of bases (cre_quantile 0.98) is about the share of a window in acting sites:
    # a third of the sites is a floor well below the half found on the bundled run
    assert overall["recall"] > 0.3, overall.to_dict()
    assert overall["sign_agreement"] > 0.8, overall.to_dict()


def test_repressor_sites_are_found_as_repressing(found) -> None:
    cres, truth, _ = found
    pairs = cres.merge(truth, on=["gene_id", "chrom"], suffixes=("", "_site"))
    pairs = pairs[(pairs["start"] < pairs["end_site"]) & (pairs["start_site"] < pairs["end"])]
    repressors = pairs[pairs["log2_effect"] < 0]
    activators = pairs[pairs["log2_effect"] > 0]
    assert len(repressors) >= 1 and len(activators) >= 1
    assert (repressors["strand"] == "-").mean() > 0.8
    assert (activators["strand"] == "+").mean() > 0.8


def test_importance_bigwig_per_species_is_on_the_genome(bundled_run: Path) -> None:
    sizes = pd.read_csv(bundled_run / "train_expression" / "dataset" / "chrom_sizes.tsv",
                        sep="\t", dtype={"chrom": str})
    for species, part in sizes.groupby("species"):
        bw = pyBigWig.open(str(bundled_run / "explain" / "merged" / f"{species}.importance.bw"))
        assert bw.chroms() == dict(zip(part["chrom"], part["length"], strict=True))
        bw.close()
