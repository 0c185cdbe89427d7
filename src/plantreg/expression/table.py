"""The expression table a user gets from RNA-seq quantification: ``gene_id`` + one TPM column per
tissue or condition. Rows that cannot be used are counted by reason and dropped, never silently;
a table with nothing usable is refused."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd

from plantreg.errors import InputError

log = logging.getLogger(__name__)


def read_expression_table(path: str | Path) -> tuple[pd.DataFrame, dict[str, int]]:
    """Usable rows (``gene_id`` + numeric columns) and the count of each dropped reason."""
    path = Path(path)
    if not path.is_file():
        raise InputError("expression table not found", path)
    try:
        table = pd.read_csv(path, sep="\t", dtype={"gene_id": str})
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as err:
        raise InputError(f"cannot read the expression table as TSV ({err})", path) from err
    if "gene_id" not in table.columns:
        raise InputError("expression table needs a 'gene_id' column (TSV, one row per gene)", path)
    columns = [c for c in table.columns if c != "gene_id"]
    if not columns:
        raise InputError("expression table has no tissue/condition column after gene_id", path)
    values = table[columns].apply(pd.to_numeric, errors="coerce")
    text = table[columns].notna() & values.isna()
    if text.to_numpy().any():
        col = columns[int(np.argmax(text.to_numpy().any(axis=0)))]
        raise InputError(f"column {col!r} holds values that are not numbers", path)
    table = pd.concat([table[["gene_id"]], values], axis=1)
    return _drop_bad_rows(table, path)


def _drop_bad_rows(table: pd.DataFrame, path: Path) -> tuple[pd.DataFrame, dict[str, int]]:
    values = table.drop(columns="gene_id").to_numpy(np.float64)
    dup = table["gene_id"].duplicated(keep=False).to_numpy()
    nan = np.isnan(values).any(axis=1) & ~dup
    neg = (np.nan_to_num(values, nan=0.0) < 0).any(axis=1) & ~dup & ~nan
    dropped = {"duplicate gene ID in the table": int(dup.sum()), "NaN value": int(nan.sum()),
               "negative value": int(neg.sum())}
    keep = ~(dup | nan | neg)
    if not keep.any():
        raise InputError(f"no usable row: {_describe(dropped)}", path)
    for reason, n in dropped.items():
        if n:
            log.warning("%s: %d row(s) dropped: %s", path, n, reason)
    return table[keep].reset_index(drop=True), dropped


def _describe(dropped: dict[str, int]) -> str:
    return ", ".join(f"{n} {reason}" for reason, n in dropped.items() if n) or "empty table"
