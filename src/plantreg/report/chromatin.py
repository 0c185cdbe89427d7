"""TRAIN_CHROMATIN and CROSS_SPECIES_INFERENCE in the report: the model's AUROC/AUPRC per mark
beside the k-mer baseline's, on the test chromosomes and on the target genome, their ROC and PR
figures, and the target's scoring windows left out for N."""

from __future__ import annotations

from pathlib import Path

from plantreg.report.content import figure, table
from plantreg.report.results import Results, read_tsv

COLUMNS = ["auroc", "baseline_auroc", "auprc", "baseline_auprc", "chance_auprc", "n_pos", "n_neg"]
SCORED_COLUMNS = ["length", "scored", "dropped_n", "no_prediction"]


def sections(results: Results, out: Path) -> list[str]:
    ids = _evaluation(results, out, "train_chromatin/evaluate", "chromatin", "Chromatin",
                      "Chromatin marks on the held-out test chromosomes: the model beside the "
                      "k-mer logistic-regression baseline (chance AUPRC = share of positives).")
    ids += _evaluation(results, out, "cross_species_inference/score", "cross_species",
                       "Cross-species",
                       "The model's tracks on the target genome, scored against its truth "
                       "intervals or peaks, beside the k-mer baseline fitted on the training "
                       "species.")
    if scored := results.one("cross_species_inference/score/score.report.tsv"):
        frame = read_tsv(scored, ["chrom", *SCORED_COLUMNS]).set_index("chrom")[SCORED_COLUMNS]
        ids.append(table(out, "cross_species_windows", "Cross-species: windows scored",
                         "Target windows scored per chromosome, left out for N (dropped_n) and "
                         "without a predicted value.", frame))
    return ids


def _evaluation(results: Results, out: Path, folder: str, name: str, title: str,
                description: str) -> list[str]:
    tsv = results.one(f"{folder}/evaluation.tsv")
    if tsv is None:
        return []
    frame = read_tsv(tsv, ["mark", *COLUMNS]).set_index("mark")[COLUMNS]
    ids = [table(out, name, f"{title}: AUROC and AUPRC per mark", description, frame)]
    for curve in ("ROC", "PR"):
        if png := results.one(f"{folder}/{curve.lower()}_curves.png"):
            ids.append(figure(out, f"{title}_{curve}_curves", png))
    return ids
