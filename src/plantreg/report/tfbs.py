"""TRAIN_TFBS in the report: one row per TF, the test AUROC, AUPRC, MCC and F1 of every method
and the best JASPAR match of its discovered motif; and the summary figure."""

from __future__ import annotations

from pathlib import Path

from plantreg.report.content import figure, table
from plantreg.report.results import Results, read_tsv

MOTIF = ["best_match_name", "best_q_value", "known_matched"]


def sections(results: Results, out: Path) -> list[str]:
    tsv = results.one("train_tfbs/summary/tfbs_summary.tsv")
    if tsv is None:
        return []
    summary = read_tsv(tsv, ["tf"]).set_index("tf")
    first = [c for c in summary.columns if c.endswith("_auroc")]
    first += [c for c in MOTIF if c in summary.columns]
    ids = [table(out, "tfbs", "TF binding sites: per TF",
                 "Test windows of each TF: every method's AUROC (CNN, language model, PWM scan "
                 "where the TF's matrix is known), the discovered motif's best JASPAR match, "
                 "its q-value and whether it is the TF's known matrix; then the other metrics.",
                 summary[first + [c for c in summary.columns if c not in first]])]
    if png := results.one("train_tfbs/summary/tfbs_summary.png"):
        ids.append(figure(out, "TF_binding_sites_test_AUROC", png))
    return ids
