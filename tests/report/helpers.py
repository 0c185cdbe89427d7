"""Reading a built report back: its custom-content tables and MultiQC's own copies of them."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd


def section(report: Path, name: str, dtype: type | None = None) -> pd.DataFrame:
    """The custom-content table ``<name>_mqc.tsv`` (its ``#`` settings header skipped)."""
    text = (report / "custom_content" / f"{name}_mqc.tsv").read_text()
    body = "".join(line for line in text.splitlines(keepends=True) if not line.startswith("#"))
    return pd.read_csv(io.StringIO(body), sep="\t", index_col=0, dtype=dtype)


def multiqc_table(report: Path, name: str) -> pd.DataFrame:
    """The same table as MultiQC wrote it into ``multiqc_data/`` (rows by sample name)."""
    path = report / "multiqc_data" / f"multiqc_plantreg_{name}.txt"
    return pd.read_csv(path, sep="\t", index_col=0)
