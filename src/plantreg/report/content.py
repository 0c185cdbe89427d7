"""MultiQC custom content: a table (``<name>_mqc.tsv``, its settings in a ``# key: value``
header) or a figure (a stage's PNG copied as ``<Name>_mqc.png``; MultiQC titles the section after
the file name, ``_`` read as a space). Each writer returns the MultiQC id of its section."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import yaml

from plantreg.io import atomic_open, atomic_path


def table(out: Path, name: str, title: str, description: str, frame: pd.DataFrame) -> str:
    """``frame`` (its index names the rows) as the table section ``plantreg_<name>``."""
    section = f"plantreg_{name}"
    headers = {str(c): {"title": str(c).replace("_", " "), **_format(frame[c])}
               for c in frame.columns}
    config = {"id": section, "section_name": title, "description": description,
              "plot_type": "table", "headers": headers,
              "pconfig": {"col1_header": frame.index.name or "", "sort_rows": False}}
    header = yaml.safe_dump(config, sort_keys=False, allow_unicode=True)
    with atomic_open(out / f"{name}_mqc.tsv") as handle:
        handle.writelines(f"# {line}\n" for line in header.splitlines())
        frame.to_csv(handle, sep="\t")
    return section


def figure(out: Path, name: str, source: Path) -> str:
    """A stage's PNG as the image section ``<name>_mqc.png``."""
    target = out / f"{name}_mqc.png"
    with atomic_path(target) as tmp:
        shutil.copyfile(source, tmp)
    return target.name


def _format(column: pd.Series) -> dict[str, str]:
    if pd.api.types.is_bool_dtype(column) or not pd.api.types.is_numeric_dtype(column):
        return {}
    return {"format": "{:,.0f}" if pd.api.types.is_integer_dtype(column) else "{:,.4f}"}


def widen(long: pd.DataFrame, index: str, by: str, values: list[str],
          extra: list[str]) -> pd.DataFrame:
    """One row per ``index`` value, in file order: a ``<by>_<value>`` column per value and ``by``
    (file order: the model first), then the ``extra`` columns, equal within a row."""
    rows = list(dict.fromkeys(long[index]))
    groups = list(dict.fromkeys(long[by]))
    frame = long.pivot(index=index, columns=by, values=values)
    frame.columns = [f"{group}_{value}" for value, group in frame.columns]
    frame = frame[[f"{group}_{value}" for value in values for group in groups]]
    return frame.join(long.drop_duplicates(index).set_index(index)[extra]).loc[rows]
