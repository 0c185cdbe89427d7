"""``plantreg tfbs summary``: every TF's evaluation and motif in one table and one figure.

``tfbs_summary.tsv`` has one row per TF: AUROC, AUPRC, MCC and F1 of every method (CNN,
language model, PWM scan), the chance AUPRC, the discovered motif's best JASPAR match with its
q-value and, where the TF's matrix is known, whether that match is it. The log gives the means
over TFs and the share of TFs whose motif matched its known matrix. ``tfbs_summary.png`` draws
the AUROCs per TF.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np
import pandas as pd

from plantreg.errors import InputError
from plantreg.io import atomic_open, atomic_path

log = logging.getLogger(__name__)

MOTIF_COLUMNS = ["best_match_id", "best_match_name", "best_q_value", "significant",
                 "known_id", "known_matched"]


def _read_evaluation(path: Path) -> pd.DataFrame:
    try:
        table = pd.read_csv(path, sep="\t")
    except (OSError, pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        raise InputError(f"cannot read the evaluation table ({err})", path) from err
    missing = {"tf", "method", "auroc", "auprc", "chance_auprc"} - set(table.columns)
    if missing:
        raise InputError(f"not an evaluation table of `tfbs evaluate` (no {sorted(missing)})",
                         path)
    return table


def _read_motif(path: Path) -> dict:
    try:
        record = json.loads(Path(path).read_text())
    except (OSError, json.JSONDecodeError) as err:
        raise InputError(f"cannot read the motif summary ({err})", path) from err
    if "tf" not in record:
        raise InputError("not a motif summary of `tfbs motifs` (no 'tf')", path)
    return record


def summarise(files: list[Path]) -> pd.DataFrame:
    """One row per TF from ``evaluation.tsv`` and motif ``summary.json`` files (any order)."""
    tables = [_read_evaluation(f) for f in files if f.suffix == ".tsv"]
    motifs = [_read_motif(f) for f in files if f.suffix == ".json"]
    if not tables:
        raise InputError("no evaluation.tsv among the files given")
    long = pd.concat(tables, ignore_index=True)
    metrics = [m for m in ("auroc", "auprc", "mcc", "f1") if m in long.columns]
    wide = long.pivot_table(index="tf", columns="method", values=metrics)
    wide.columns = [f"{method}_{metric}" for metric, method in wide.columns]
    wide = wide[sorted(wide.columns)]
    wide.insert(0, "chance_auprc", long.groupby("tf")["chance_auprc"].first())
    if motifs:
        frame = pd.DataFrame(motifs).set_index("tf")
        wide = wide.join(frame[[c for c in MOTIF_COLUMNS if c in frame.columns]])
    return wide.reset_index()


def write_summary(table: pd.DataFrame, outdir: str | Path) -> None:
    outdir = Path(outdir)
    with atomic_open(outdir / "tfbs_summary.tsv") as out:
        table.to_csv(out, sep="\t", index=False, float_format="%.4f")
    _plot(table, outdir / "tfbs_summary.png")
    means = {c: float(table[c].mean()) for c in table.columns if c.endswith(("_auroc", "_auprc"))}
    with atomic_open(outdir / "tfbs_means.json") as out:
        json.dump({"tfs": len(table), **means}, out, indent=2)
    log.info("TRAIN_TFBS over %d TFs, means: %s", len(table),
             ", ".join(f"{k} {v:.3f}" for k, v in means.items()))
    if "known_matched" in table.columns and table["known_matched"].notna().any():
        known = table[table["known_matched"].notna()]
        log.info("discovered motif's best JASPAR match is the known matrix for %d of %d TFs",
                 int(known["known_matched"].astype(bool).sum()), len(known))


def _plot(table: pd.DataFrame, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    methods = [c[: -len("_auroc")] for c in table.columns if c.endswith("_auroc")]
    x = np.arange(len(table))
    width = 0.8 / max(len(methods), 1)
    fig, ax = plt.subplots(figsize=(max(6.0, 0.6 * len(table) + 2), 3.6))
    for k, method in enumerate(methods):
        ax.bar(x + (k - (len(methods) - 1) / 2) * width, table[f"{method}_auroc"], width,
               label=method)
    if "known_matched" in table.columns:
        for i, hit in enumerate(table["known_matched"]):
            if isinstance(hit, (bool, np.bool_)):
                ax.text(i, 1.01, "✓" if hit else "✗", ha="center", fontsize=9,
                        color="green" if hit else "red")
    ax.axhline(0.5, color="grey", lw=0.8, ls="--")
    ax.set_xticks(x, table["tf"], rotation=45, ha="right", fontsize=8)
    ax.set_ylim(0.4, 1.08)
    ax.set_ylabel("test AUROC")
    ax.set_title("TF binding sites, held-out chromosomes (✓: motif matches the known matrix)",
                 fontsize=9)
    ax.legend(fontsize=8, ncol=len(methods), loc="lower right")
    fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=120, format="png")
    plt.close(fig)
