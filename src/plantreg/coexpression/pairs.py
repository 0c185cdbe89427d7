"""Co-expressed pairs: read and clean the user's list, split genes, sample unlabelled negatives.

Positives come from a TSV (first two columns = gene ids; a header line is recognised because its
ids are not genes). Pairs are unordered (stored ``gene_a < gene_b``), de-duplicated, self-pairs
dropped. A pair naming a gene without a promoter (an id absent from the gene table: a gene
without a CDS such as a lncRNA gene, or an id not in the GFF3) is dropped, listed in the report
and counted in the log (``unknown="drop"``, the default; an error only when no pair remains), or
stops the step (``unknown="error"``). Genes are split into train/valid/test so that no gene is
shared (random, stratified on having a listed partner, or by held-out chromosomes); a pair whose
genes fall in two splits is dropped and reported. Negatives are drawn from the pairs NOT listed,
inside each split: positive-unlabelled data, so they are *unlabelled*, not known negatives.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from plantreg.errors import InputError

log = logging.getLogger(__name__)

SPLITS = ("train", "valid", "test")
UNKNOWN_GENES = ("drop", "error")  # what read_pairs does with pairs naming an unknown gene
UNKNOWN_REASON = "gene without a promoter"
_SHOWN = 5


@dataclass
class PairSettings:
    neg_ratio: float = 5.0
    degree_match: bool = False
    method: str = "genes"  # "genes" or "chroms"
    valid_fraction: float = 0.2
    test_fraction: float = 0.2
    valid_chroms: tuple[str, ...] = ()
    test_chroms: tuple[str, ...] = ()
    unknown_genes: str = "drop"  # one of UNKNOWN_GENES
    seed: int = 0


def _read_rows(path: Path) -> list[list[str]]:
    if not path.is_file():
        raise InputError("pairs file not found", path)
    rows = []
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.rstrip("\r").split("\t")
        if len(fields) < 2 or not fields[1].strip():
            raise InputError(f"line {number}: only one column; expected 'gene_a<TAB>gene_b'", path)
        rows.append([fields[0].strip(), fields[1].strip()])
    return rows


def read_pairs(path: str | Path, genes: Sequence[str], unknown: str = "drop"):
    """Clean listed pairs as ``(pairs frame gene_a<gene_b, report frame gene_a gene_b reason)``.

    ``unknown``: ``drop`` pairs naming a gene not in ``genes`` (reported, logged; an error only
    when no pair remains) or ``error`` on the first such pair.
    """
    if unknown not in UNKNOWN_GENES:
        raise ValueError(f"unknown must be one of {UNKNOWN_GENES}, got {unknown!r}")
    path = Path(path)
    known = set(genes)
    rows = _read_rows(path)
    if rows and rows[0][0] not in known and rows[0][1] not in known:
        rows = rows[1:]  # header line
    frame = pd.DataFrame(rows, columns=["gene_a", "gene_b"])
    unknown_mask = ~frame["gene_a"].isin(known) | ~frame["gene_b"].isin(known)
    n_unknown = int(unknown_mask.sum())
    if n_unknown:
        ids = sorted(set(frame.loc[unknown_mask, ["gene_a", "gene_b"]].stack()) - known)
        shown = f"{', '.join(ids[:_SHOWN])}{' ...' if len(ids) > _SHOWN else ''}"
        what = f"{len(ids)} gene id(s) without a promoter, in {n_unknown} pair(s): {shown}"
        if unknown == "error":
            raise InputError(
                f"{what} (fix the ids, or drop those pairs with --unknown-genes drop)", path
            )
        if n_unknown == len(frame):
            raise InputError(
                f"no pair left: all {n_unknown} listed pair(s) name a gene without a promoter "
                f"({len(ids)} id(s), e.g. {shown}; genes without a CDS have no promoter, and the "
                "ids must be the GFF3 gene ids)",
                path,
            )
    report = [_reasons(frame[unknown_mask], UNKNOWN_REASON)]
    frame = frame[~unknown_mask]
    self_mask = frame["gene_a"] == frame["gene_b"]
    report.append(_reasons(frame[self_mask], "self pair"))
    frame = frame[~self_mask]
    a, b = frame["gene_a"].to_numpy(), frame["gene_b"].to_numpy()
    frame = pd.DataFrame({"gene_a": np.minimum(a, b), "gene_b": np.maximum(a, b)})
    dup = frame.duplicated()
    report.append(_reasons(frame[dup], "duplicate"))
    frame = frame[~dup].reset_index(drop=True)
    if frame.empty:
        raise InputError("no pairs left after dropping unknown ids, self and duplicate pairs", path)
    return frame, pd.concat(report, ignore_index=True)


def _reasons(frame: pd.DataFrame, reason: str) -> pd.DataFrame:
    return frame[["gene_a", "gene_b"]].assign(reason=reason)


def split_genes(
    genes: pd.DataFrame, positives: pd.DataFrame, settings: PairSettings, path: str | Path
) -> dict[str, np.ndarray]:
    """Gene ids per split; no gene is in two splits."""
    if settings.method == "chroms":
        return _split_chroms(genes, settings, path)
    if settings.method != "genes":
        raise InputError(f"unknown split method {settings.method!r} (genes or chroms)", path)
    if settings.valid_fraction + settings.test_fraction >= 1.0:
        raise InputError("valid + test fractions must leave genes for training", path)
    rng = np.random.default_rng(settings.seed)
    paired = set(positives["gene_a"]) | set(positives["gene_b"])
    ids = genes["gene_id"].to_numpy()
    out: dict[str, list[np.ndarray]] = {s: [] for s in SPLITS}
    for group in (ids[np.isin(ids, list(paired))], ids[~np.isin(ids, list(paired))]):
        group = rng.permutation(group)
        n_test = int(round(settings.test_fraction * len(group)))
        n_valid = int(round(settings.valid_fraction * len(group)))
        out["test"].append(group[:n_test])
        out["valid"].append(group[n_test : n_test + n_valid])
        out["train"].append(group[n_test + n_valid :])
    return {s: np.sort(np.concatenate(v)) for s, v in out.items()}


def _split_chroms(genes: pd.DataFrame, settings: PairSettings, path: str | Path):
    chroms = set(genes["chrom"])
    held = set(settings.valid_chroms) | set(settings.test_chroms)
    unknown = sorted(held - chroms)
    if unknown or not settings.valid_chroms or not settings.test_chroms:
        raise InputError(
            "a chromosome split needs --valid-chroms and --test-chroms naming promoter "
            f"chromosomes (unknown: {', '.join(unknown) or 'none'})",
            path,
        )
    if set(settings.valid_chroms) & set(settings.test_chroms):
        raise InputError("a chromosome is both a validation and a test chromosome", path)
    chrom = genes["chrom"]
    ids = genes["gene_id"]
    return {
        "train": np.sort(ids[~chrom.isin(held)].to_numpy()),
        "valid": np.sort(ids[chrom.isin(settings.valid_chroms)].to_numpy()),
        "test": np.sort(ids[chrom.isin(settings.test_chroms)].to_numpy()),
    }


def assign_split(positives: pd.DataFrame, split: dict[str, np.ndarray]):
    """(positives with a ``split`` column, the pairs crossing splits)."""
    where = {g: s for s, ids in split.items() for g in ids}
    sa = positives["gene_a"].map(where)
    sb = positives["gene_b"].map(where)
    same = sa == sb
    return positives[same].assign(split=sa[same]), positives[~same]


def sample_negatives(
    gene_ids: np.ndarray,
    positives: pd.DataFrame,
    listed: set[tuple[str, str]],
    n: int,
    degree_match: bool,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """``n`` distinct unlisted pairs among ``gene_ids`` (uniform, or matching positive degrees)."""
    ids = np.asarray(gene_ids)
    m = len(ids)
    if m < 2 or n <= 0:
        return pd.DataFrame({"gene_a": [], "gene_b": []}, dtype=str)
    index = {g: i for i, g in enumerate(ids)}
    listed_codes = {_code(index[a], index[b], m) for a, b in listed if a in index and b in index}
    weights = None
    if degree_match and len(positives):
        ends = np.concatenate([positives["gene_a"], positives["gene_b"]])
        counts = pd.Series(ends).value_counts()
        weights = np.array([counts.get(g, 0) for g in ids], dtype=float)
        weights /= weights.sum()
    capacity = m * (m - 1) // 2 - len(listed_codes)
    if n > capacity:
        log.warning("only %d unlisted pairs exist; sampling all of them, not %d", capacity, n)
        n = capacity
    chosen: set[int] = set()
    for _ in range(100):
        draw = max(2 * (n - len(chosen)), 64)
        a = rng.choice(m, draw, p=weights)
        b = rng.choice(m, draw, p=weights)
        keep = a != b
        for code in np.unique(_code(a[keep], b[keep], m)):
            if len(chosen) >= n:
                break
            if int(code) not in listed_codes:
                chosen.add(int(code))
        if len(chosen) >= n:
            break
    codes = np.array(sorted(chosen), dtype=np.int64)
    return pd.DataFrame({"gene_a": ids[codes // m], "gene_b": ids[codes % m]})


def _code(a, b, m: int):
    return np.minimum(a, b) * m + np.maximum(a, b)


def build_pairs(
    genes: pd.DataFrame, positives: pd.DataFrame, settings: PairSettings, path: str | Path
):
    """All labelled pairs (``gene_a gene_b label split``), the split, and dropped pairs."""
    split = split_genes(genes, positives, settings, path)
    kept, crossing = assign_split(positives, split)
    listed = set(zip(positives["gene_a"], positives["gene_b"], strict=True))
    rng = np.random.default_rng(settings.seed + 1)
    parts = []
    for name in SPLITS:
        pos = kept[kept["split"] == name][["gene_a", "gene_b"]]
        n_neg = int(round(settings.neg_ratio * len(pos)))
        neg = sample_negatives(split[name], pos, listed, n_neg, settings.degree_match, rng)
        parts += [pos.assign(label=1, split=name), neg.assign(label=0, split=name)]
        if len(pos) == 0:
            log.warning("no listed pair has both genes in the %s split", name)
    pairs = pd.concat(parts, ignore_index=True)
    return pairs, split, _reasons(crossing, "genes in two splits")
