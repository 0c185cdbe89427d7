"""TRAIN_EXPRESSION in the report: Spearman and Pearson correlation, MSE and R² per species on
the test genes, the model beside the k-mer ridge baseline; and the scatter figure."""

from __future__ import annotations

from pathlib import Path

from plantreg.report.content import figure, table, widen
from plantreg.report.results import Results, read_tsv

METRICS = ["spearman", "pearson", "mse", "r2"]


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
    return ids
