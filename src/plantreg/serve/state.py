"""Everything the app reads from a results folder, read once when it starts."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from plantreg.errors import InputError
from plantreg.expression.threshold import load_threshold
from plantreg.serve.catalogue import CRE_BED, Catalogue
from plantreg.serve.models import ChromatinService, ExpressionService

log = logging.getLogger(__name__)

MOTIFS = "train_tfbs/motifs"
NETWORK = Path("train_coexpression/network/network.tsv")
THRESHOLD = Path("explain/cre/threshold.json")  # EXPLAIN's one CRE threshold for the run
MOTIF_MATCHES = 5  # JASPAR matches listed per motif


@dataclass
class ServeState:
    results: Path
    catalogue: Catalogue
    expression: ExpressionService | None
    chromatin: ChromatinService | None
    motifs: list[dict]
    network: pd.DataFrame | None
    cres: pd.DataFrame | None
    run_threshold: dict | None  # EXPLAIN's threshold.json: method and |score| threshold

    @classmethod
    def load(cls, results: Path, catalogue: Catalogue) -> ServeState:
        if not results.is_dir():
            raise InputError("results folder not found", results)
        return cls(results, catalogue, ExpressionService.load(results),
                   ChromatinService.load(results), _motifs(results, catalogue),
                   _read(results / NETWORK), _cre_table(results / CRE_BED),
                   _threshold(results / THRESHOLD))

    def threshold_for(self, method: str) -> float | None:
        """The run's CRE threshold when EXPLAIN computed it on ``method`` scores: the live CREs
        of a gene are then those of the run's BED (same model, same scores, same cut)."""
        record = self.run_threshold
        if record is None or record["method"] != method:
            return None
        return record["threshold"]

    def info(self) -> dict:
        expr, chrom = self.expression, self.chromatin
        return {
            "expression": None if expr is None else {
                "length": expr.length, "upstream": expr.upstream, "species": expr.species,
                "outputs": expr.outputs, "genes": len(expr.genes)},
            "chromatin": None if chrom is None else {"length": chrom.length,
                                                     "marks": chrom.marks},
            "genomes": len(self.catalogue.genomes),
            "motifs": len(self.motifs),
            "network": self.network is not None,
        }

    def cre_bed(self, species: str) -> str | None:
        if self.cres is None or species not in set(self.cres["species"]):
            return None
        rows = self.cres[self.cres["species"] == species]
        return rows.iloc[:, :6].to_csv(sep="\t", header=False, index=False)

    def neighbours(self, gene: str, top: int) -> list[dict] | None:
        if self.network is None:
            return None
        edges = self.network
        hits = edges[(edges["gene_a"] == gene) | (edges["gene_b"] == gene)].head(top)
        other = hits["gene_b"].where(hits["gene_a"] == gene, hits["gene_a"])
        return [{"gene": g, "score": float(s), "rank": int(r)}
                for g, s, r in zip(other, hits["score"], hits["rank"], strict=True)]


def _read(path: Path) -> pd.DataFrame | None:
    if not path.is_file():
        return None
    return pd.read_csv(path, sep="\t", dtype={"gene_a": str, "gene_b": str}).sort_values("rank")


def _cre_table(path: Path) -> pd.DataFrame | None:
    if not path.is_file():
        return None
    columns = ["chrom", "start", "end", "name", "score", "strand", "species", "gene_id"]
    return pd.read_csv(path, sep="\t", header=None, names=columns, dtype={"chrom": str})


def _motifs(results: Path, catalogue: Catalogue) -> list[dict]:
    """One entry per TF with a discovered motif; its logo joins the files the app serves."""
    found = []
    for summary_path in sorted((results / MOTIFS).glob("*/summary.json")):
        summary = json.loads(summary_path.read_text())
        motif = summary.get("motif")
        if not motif:
            continue
        tf = summary["tf"]
        logo = summary_path.parent / "logos" / f"{motif[len(tf) + 1:]}.png"
        key = f"motifs/{summary_path.parent.name}/logo.png"
        if logo.is_file():
            catalogue.files[key] = logo
        matches = pd.read_csv(summary_path.parent / "tomtom.tsv", sep="\t")
        matches = matches[matches["query"] == motif].sort_values("rank").head(MOTIF_MATCHES)
        found.append({
            "tf": tf, "motif": motif, "seqlets": summary.get("seqlets"),
            "logo": f"/files/{key}" if logo.is_file() else None,
            "known_id": summary.get("known_id"), "known_matched": summary.get("known_matched"),
            "matches": [{"id": r.target_id, "name": r.target_name, "q_value": float(r.q_value)}
                        for r in matches.itertuples()],
        })
    return found


def _threshold(path: Path) -> dict | None:
    return load_threshold(path) if path.is_file() else None
