"""TRAIN_COEXPRESSION in the report: AUPRC and AUROC of the model beside its two baselines on the
validation and test pairs and, with withheld pairs, for recovering them among all unlisted pairs;
and the curves of the test pairs and of that recovery."""

from __future__ import annotations

from pathlib import Path

from plantreg.report.content import figure, table, widen
from plantreg.report.results import Results, read_tsv

METRICS = ["auprc", "auroc"]
COUNTS = ["n_pairs", "n_listed", "base_rate"]
FIGURES = {"test": "Co-expression_test_pairs_curves",
           "recovery": "Co-expression_withheld_pair_recovery_curves"}


def sections(results: Results, out: Path) -> list[str]:
    tsv = results.one("train_coexpression/evaluate/metrics.tsv")
    if tsv is None:
        return []
    ids = [table(out, "coexpression", "Co-expression: model and baselines",
                 "Per set of pairs (valid, test; recovery: the withheld pairs among every "
                 "unlisted pair): AUPRC and AUROC of the model and of each baseline. Unlisted "
                 "pairs are unlabelled, not known negatives; base_rate is the AUPRC of chance.",
                 widen(read_tsv(tsv, ["set", "scorer", *METRICS, *COUNTS]), "set", "scorer",
                       METRICS, COUNTS))]
    for kind, name in FIGURES.items():
        if png := results.one(f"train_coexpression/evaluate/curves_{kind}.png"):
            ids.append(figure(out, name, png))
    return ids

