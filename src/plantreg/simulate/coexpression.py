"""Expression and co-expression: genes of a module share a tissue profile; the reported pair list
is knowingly incomplete (a fraction of true pairs withheld) and contaminated (false pairs added)."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from plantreg.simulate.presets import EXPRESSION_TISSUES


def module_profiles(n_modules: int, rng: np.random.Generator) -> np.ndarray:
    """log2 TPM means, modules x tissues; shared by both species (orthologous programmes)."""
    return rng.normal(4.0, 1.8, (n_modules, len(EXPRESSION_TISSUES)))


def tpm_table(genes: pd.DataFrame, profiles: np.ndarray, rng: np.random.Generator) -> pd.DataFrame:
    """gene_id + one TPM column per tissue. Module genes follow their module's profile; other
    expressed genes an independent one; silent genes stay near zero."""
    n, t = len(genes), len(EXPRESSION_TISSUES)
    module = genes["module"].to_numpy()
    expressed = genes["expressed"].to_numpy() == 1
    own = rng.normal(3.0, 1.8, (n, t))
    base = np.where((module >= 0)[:, None], profiles[np.clip(module, 0, None)], own)
    log2 = base + rng.normal(0, 0.4, (n, 1)) + rng.normal(0, 0.35, (n, t))
    log2 = np.where(expressed[:, None], log2, rng.normal(-3.0, 1.0, (n, t)))
    raw = 2.0**log2
    tpm = raw / raw.sum(axis=0, keepdims=True) * 1e6
    out = pd.DataFrame(tpm.round(3), columns=list(EXPRESSION_TISSUES))
    out.insert(0, "gene_id", genes["gene_id"].to_numpy())
    return out.sort_values("gene_id").reset_index(drop=True)


def true_pairs(genes: pd.DataFrame) -> pd.DataFrame:
    """Every unordered pair of genes in the same module (gene_a < gene_b)."""
    rows = []
    members = genes[genes["module"] >= 0].groupby("module")["gene_id"]
    for _, ids in members:
        rows.extend(itertools.combinations(sorted(ids), 2))
    return _pairs_frame(rows)


def _pairs_frame(rows: list) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=["gene_a", "gene_b"])
    return df.sort_values(["gene_a", "gene_b"]).reset_index(drop=True)


def reported_pairs(
    genes: pd.DataFrame, truth: pd.DataFrame, withheld_fraction: float, false_fraction: float,
    rng: np.random.Generator,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(reported, withheld, false): reported = true minus withheld, plus false pairs."""
    hold = rng.random(len(truth)) < withheld_fraction
    kept, withheld = truth[~hold], truth[hold]
    module = dict(zip(genes["gene_id"], genes["module"], strict=True))
    ids = genes["gene_id"].to_numpy()
    n_false = int(round(false_fraction * len(kept)))
    false: set[tuple[str, str]] = set()
    while len(false) < n_false:
        a, b = sorted(rng.choice(ids, 2, replace=False))
        if module[a] < 0 or module[a] != module[b]:
            false.add((a, b))
    false_df = _pairs_frame(sorted(false))
    reported = _pairs_frame(list(kept.itertuples(index=False, name=None)) + sorted(false))
    return reported, withheld.reset_index(drop=True), false_df
