"""TRAIN_EXPRESSION in the report: Spearman and Pearson correlation, MSE and R² per species on
the test genes, the model beside the k-mer ridge baseline; and the scatter figure. EXPLAIN: the
CREs called per species, their precision, recall and sign agreement against known sites, and one
gene's importance track."""

from __future__ import annotations

from pathlib import Path

from plantreg.report.content import figure, table, widen
from plantreg.report.results import Results, read_tsv

METRICS = ["spearman", "pearson", "mse", "r2"]
CRE_COLUMNS = ["species", "genes", "cres", "sites", "precision", "recall", "sign_agreement"]


def sections(results: Results, out: Path) -> list[str]:
    tsv = results.one("train_expression/evaluate/evaluation.tsv")
    if tsv is None:
        return []
    frame = widen(read_tsv(tsv, ["species", "method", *METRICS, "n"]), "species", "method",
                  METRICS, ["n"])
    ids = [table(out, "expression", "Expression: per species",
                 "Test genes of each species (macro: their mean): the model's predicted against "
                 "measured expression, beside the k-mer ridge baseline.", frame)]
    if png := results.one("train_expression/evaluate/scatter.png"):
        ids.append(figure(out, "Expression_predicted_vs_measured", png))
    return ids + _explain(results, out)


def _explain(results: Results, out: Path) -> list[str]:
    tsv = results.one("explain/merged/cre_evaluation.tsv")
    if tsv is None:
        return []
    frame = read_tsv(tsv, CRE_COLUMNS)[CRE_COLUMNS].set_index("species")
    ids = [table(out, "expression_cre", "Expression: CREs",
                 "Candidate cis-regulatory elements called from the explained genes' importance "
                 "(one threshold for the run), per species and overall: against the known sites "
                 "when given, the share of CREs on a site (precision), of sites found (recall), "
                 "and of pairs whose sign agrees with the site's effect.", frame)]
    if png := results.one("explain/merged/cre_example.png"):
        ids.append(figure(out, "Expression_importance_and_CREs", png))
    return ids
