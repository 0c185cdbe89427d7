"""Small tables shared by the co-expression steps: promoters, genes, TFs, gene splits.

Every array of the stage is indexed by the rows of one gene table (``*.genes.tsv``) and one TF
table (``*.tfs.tsv``); these helpers read and check them so that a mismatch is an
:class:`InputError` naming the file, never a silent misalignment.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from plantreg.errors import InputError
from plantreg.genome.promoters import COLUMNS as PROMOTERS_TSV_COLUMNS
from plantreg.io import atomic_open

# the promoter table written by `plantreg prep promoters`, one column layout for both stages
GENE_COLUMNS = list(PROMOTERS_TSV_COLUMNS)
PROMOTER_COLUMNS = GENE_COLUMNS[:-1]
TF_COLUMNS = ["tf", "file", "sum_data", "covered_bases"]
PU_NOTE = (
    "negatives are unlabelled pairs (not listed as co-expressed), not known negatives: "
    "the positive list is incomplete, so some 'negatives' are true co-expressed pairs"
)


def read_tsv(path: str | Path, columns: list[str], what: str) -> pd.DataFrame:
    """Read a TSV with a header holding at least ``columns``; chromosome names stay strings."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{what} not found", path)
    try:
        frame = pd.read_csv(path, sep="\t", dtype={"chrom": str, "gene_id": str, "tf": str})
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as err:
        raise InputError(f"cannot read the {what} as a TSV ({err})", path) from None
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(f"{what} lacks column(s) {', '.join(missing)}", path)
    return frame


def read_promoters(path: str | Path) -> pd.DataFrame:
    """``promoters.tsv`` of ``prep promoters``; every promoter must have one full length."""
    frame = read_tsv(path, PROMOTER_COLUMNS, "promoter table")
    if frame.empty:
        raise InputError("promoter table has no rows", path)
    if frame["gene_id"].duplicated().any():
        dup = frame.loc[frame["gene_id"].duplicated(), "gene_id"].iloc[0]
        raise InputError(f"gene {dup!r} appears twice", path)
    if not frame["strand"].isin(["+", "-"]).all():
        raise InputError("strand must be '+' or '-' on every row", path)
    full = frame["end"] - frame["start"] + frame["clipped_5p"] + frame["clipped_3p"]
    if full.nunique() != 1:
        raise InputError(
            f"promoters differ in unclipped length ({sorted(full.unique())[:5]}); "
            "make them with one --upstream/--downstream",
            path,
        )
    frame = frame[PROMOTER_COLUMNS].copy()
    frame["length"] = int(full.iloc[0])
    return frame.reset_index(drop=True)


def write_tsv(frame: pd.DataFrame, path: str | Path) -> None:
    with atomic_open(path) as out:
        frame.to_csv(out, sep="\t", index=False)


def write_json(obj: dict, path: str | Path) -> None:
    with atomic_open(path) as out:
        json.dump(obj, out, indent=2, default=_json_default)
        out.write("\n")


def _json_default(value: object) -> object:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def read_json(path: str | Path, what: str) -> dict:
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{what} not found", path)
    try:
        return json.loads(path.read_text())
    except json.JSONDecodeError as err:
        raise InputError(f"{what} is not valid JSON ({err.msg})", path) from None


def load_array(path: str | Path, what: str, ndim: int) -> np.ndarray:
    """Memory-map an ``.npy`` array and check its rank."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{what} not found", path)
    try:
        array = np.load(path, mmap_mode="r")
    except ValueError as err:
        raise InputError(f"cannot read the {what} ({err})", path) from None
    if array.ndim != ndim:
        raise InputError(f"{what} has {array.ndim} dimensions, expected {ndim}", path)
    return array


def check_rows(array: np.ndarray, n: int, path: str | Path, table: str | Path) -> None:
    if array.shape[0] != n:
        raise InputError(f"{array.shape[0]} rows but {n} genes in {table}", path)
